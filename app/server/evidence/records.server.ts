/**
 * What the chain hashes of each kind of evidence: the canonical content of a
 * trace, a finished run (with every case's verdict and assertions) and an
 * evidence file, built alike when the entry is appended and when it is
 * verified, from rows read by Prisma or by a raw statement.
 */
import { db } from '../db.server'
import { contentHash } from './chain.server'

export type EvidenceKind = 'trace' | 'run' | 'file'
export const EVIDENCE_KINDS: readonly EvidenceKind[] = ['trace', 'run', 'file']

type DateLike = Date | string | number | null | undefined

/** One spelling of a date whichever way the row was read (Date, ISO text, epoch ms). */
function iso(value: DateLike): string | null {
  if (value === null || value === undefined) return null
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString()
}

const int = (value: unknown) =>
  value === null || value === undefined ? null : Number(value as number | bigint)
const bool = (value: unknown) => value === true || value === 1 || value === 1n || value === '1'

export type TraceRecord = {
  id: string
  partnerProjectId: string
  receivedAt: DateLike
  occurredAt: DateLike
  durationMs: unknown
  method: string
  url: string
  operationKey: string
  status: unknown
  source: string
  verified: unknown
  valid: unknown
  violations: string
  request: string
  response: string
  specVersionId: string | null
}

export function traceContent(row: TraceRecord) {
  return {
    kind: 'trace',
    id: row.id,
    partnerProjectId: row.partnerProjectId,
    receivedAt: iso(row.receivedAt),
    occurredAt: iso(row.occurredAt),
    durationMs: int(row.durationMs),
    method: row.method,
    url: row.url,
    operationKey: row.operationKey,
    status: int(row.status),
    source: row.source,
    verified: bool(row.verified),
    valid: bool(row.valid),
    violations: row.violations,
    request: row.request,
    response: row.response,
    specVersionId: row.specVersionId ?? null,
  }
}

export type RunRecord = {
  id: string
  partnerProjectId: string | null
  status: string
  specVersionId: string
  environmentId: string
  environmentLabel: string
  counts: string
  finishedAt: DateLike
}
export type RunCaseRecord = {
  seq: unknown
  key: string
  level: string
  verdict: string
  reason: string | null
  assertions: string
}

export function runContent(run: RunRecord, cases: RunCaseRecord[]) {
  return {
    kind: 'run',
    id: run.id,
    partnerProjectId: run.partnerProjectId,
    status: run.status,
    specVersionId: run.specVersionId,
    environmentId: run.environmentId,
    environmentLabel: run.environmentLabel,
    counts: run.counts,
    finishedAt: iso(run.finishedAt),
    cases: cases
      .map((entry) => [
        int(entry.seq),
        entry.key,
        entry.level,
        entry.verdict,
        entry.reason ?? null,
        entry.assertions,
      ])
      .sort((a, b) => (a[0] as number) - (b[0] as number)),
  }
}

export type FileRecord = {
  id: string
  partnerProjectId: string
  name: string
  mediaType: string
  size: unknown
  sha256: string
  phase: string | null
  uploaderKind: string
  uploadedById: string | null
  createdAt: DateLike
}

/** The plan item a file hangs on is left out: deleting the item detaches the file, which is no tampering. */
export function fileContent(row: FileRecord) {
  return {
    kind: 'file',
    id: row.id,
    partnerProjectId: row.partnerProjectId,
    name: row.name,
    mediaType: row.mediaType,
    size: int(row.size),
    sha256: row.sha256,
    phase: row.phase ?? null,
    uploaderKind: row.uploaderKind,
    uploadedById: row.uploadedById ?? null,
    createdAt: iso(row.createdAt),
  }
}

export const TRACE_COLUMNS = `"id", "partnerProjectId", "receivedAt", "occurredAt", "durationMs", "method", "url", "operationKey", "status", "source", "verified", "valid", "violations", "request", "response", "specVersionId"`

/** The content hashes of the records of one kind, as they are stored now (absent: the record is gone). */
export async function currentHashes(
  kind: EvidenceKind,
  partnerProjectId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>()
  if (ids.length === 0) return hashes
  const list = JSON.stringify(ids)
  if (kind === 'trace') {
    const rows = await db.$queryRawUnsafe<TraceRecord[]>(
      `SELECT ${TRACE_COLUMNS} FROM "Trace" WHERE "partnerProjectId" = ? AND "id" IN (SELECT value FROM json_each(?))`,
      partnerProjectId,
      list,
    )
    for (const row of rows) hashes.set(row.id, contentHash(traceContent(row)))
  } else if (kind === 'file') {
    const rows = await db.evidenceFile.findMany({ where: { partnerProjectId, id: { in: ids } } })
    for (const row of rows) hashes.set(row.id, contentHash(fileContent(row)))
  } else {
    const runs = await db.run.findMany({ where: { partnerProjectId, id: { in: ids } } })
    const cases = await db.runCase.findMany({
      where: { runId: { in: runs.map((run) => run.id) } },
      select: {
        runId: true,
        seq: true,
        key: true,
        level: true,
        verdict: true,
        reason: true,
        assertions: true,
      },
    })
    const byRun = new Map<string, RunCaseRecord[]>()
    for (const entry of cases) {
      const list = byRun.get(entry.runId) ?? []
      list.push(entry)
      byRun.set(entry.runId, list)
    }
    for (const run of runs)
      hashes.set(run.id, contentHash(runContent(run, byRun.get(run.id) ?? [])))
  }
  return hashes
}
