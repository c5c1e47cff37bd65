/**
 * A stored snapshot read back: its report content (checked to be a report of
 * this version) and what the views say about the snapshot itself.
 */
import type { db } from '../db.server'
import type { SnapshotMeta } from './html.server'
import { type ReadinessReport, REPORT_VERSION } from './readiness.server'

export class ReportError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

export type SnapshotRow = Awaited<ReturnType<typeof db.reportSnapshot.findFirstOrThrow>>

/** The stored report, checked to be a report of this version. */
export function readReport(content: string): ReadinessReport {
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch {
    throw new ReportError('This snapshot’s content is not readable JSON.', 409)
  }
  if (
    !value ||
    typeof value !== 'object' ||
    (value as { version?: unknown }).version !== REPORT_VERSION
  )
    throw new ReportError('This snapshot was made by another version of the report.', 409)
  return value as ReadinessReport
}

export function snapshotMeta(row: SnapshotRow): SnapshotMeta {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    trigger: row.trigger,
    contentHash: row.contentHash,
    chainSeq: row.chainSeq,
    chainHash: row.chainHash,
  }
}
