/**
 * The audit trail as a download: every entry the filters select (not one page), oldest
 * first, streamed a page at a time as CSV (RFC 4180, formula injection defused) or JSON
 * (with the chain fields, so an auditor can re-verify it offline: decision 028). The
 * export is itself audited, with its filters and row count.
 */
import { db } from '../db.server'
import { audit } from './log.server'
import {
  auditFilterSql,
  beyondSql,
  countEntries,
  joinClauses,
  selectIds,
  type AuditFilters,
  type AuditFilterValues,
  type Clauses,
  type Position,
} from './query.server'

export const EXPORT_FORMATS = ['csv', 'json'] as const
export type AuditExportFormat = (typeof EXPORT_FORMATS)[number]

export function isExportFormat(value: string): value is AuditExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value)
}

const EXPORT_PAGE = 1000

const EXPORT_SELECT = {
  id: true,
  seq: true,
  chainKey: true,
  createdAt: true,
  action: true,
  actorUserId: true,
  actorEmail: true,
  organizationId: true,
  projectId: true,
  targetType: true,
  targetId: true,
  metadata: true,
  ip: true,
  userAgent: true,
  contentHash: true,
  prevHash: true,
  hash: true,
} as const

/** The columns of the CSV, in order (the JSON has the same keys). */
export const CSV_COLUMNS = [
  'seq',
  'createdAt',
  'actorEmail',
  'actorUserId',
  'action',
  'targetType',
  'targetId',
  'projectId',
  'ip',
  'userAgent',
  'metadata',
  'id',
  'chainKey',
  'organizationId',
  'contentHash',
  'prevHash',
  'hash',
] as const

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes
 * doubled. A text a spreadsheet would run as a formula (= + - @, tab, carriage return)
 * starts with an apostrophe instead.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}

type ExportRow = Record<(typeof CSV_COLUMNS)[number], unknown>

/** Entries at or before `bound`, oldest first, a page at a time. */
async function* entriesUpTo(organizationId: string, where: Clauses, bound: Position) {
  const upTo = joinClauses(where, beyondSql(bound, 'older', true))
  let after: Position | null = null
  for (;;) {
    const ids = await selectIds(
      after ? joinClauses(upTo, beyondSql(after, 'newer')) : upTo,
      'asc',
      EXPORT_PAGE,
    )
    const rows = await db.auditLog.findMany({
      where: { id: { in: ids }, organizationId },
      select: EXPORT_SELECT,
    })
    const byId = new Map(rows.map((row) => [row.id, row]))
    for (const id of ids) {
      const row = byId.get(id)
      if (row) yield { ...row, createdAt: row.createdAt.toISOString() } as ExportRow
    }
    const last = byId.get(ids.at(-1) ?? '')
    if (!last || ids.length < EXPORT_PAGE) return
    after = { at: last.createdAt, id: last.id }
  }
}

function streamOf(rows: AsyncGenerator<ExportRow>, format: AuditExportFormat) {
  const encoder = new TextEncoder()
  let first = true
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === 'csv' ? csvRow(CSV_COLUMNS) : '['))
    },
    async pull(controller) {
      // A batch of rows per pull: the stream keeps pace with the client, not the database.
      let chunk = ''
      for (let index = 0; index < 200; index += 1) {
        const next = await rows.next()
        if (next.done) {
          if (format === 'json') chunk += first ? ']\n' : '\n]\n'
          if (chunk) controller.enqueue(encoder.encode(chunk))
          controller.close()
          return
        }
        const row = next.value
        if (format === 'csv') chunk += csvRow(CSV_COLUMNS.map((column) => row[column]))
        else {
          chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`
          first = false
        }
      }
      controller.enqueue(encoder.encode(chunk))
    },
    async cancel() {
      await rows.return(undefined)
    },
  })
}

/**
 * The download: the newest matching entry bounds it (so the export's own audit entry, and
 * anything written while it streams, stays out of it), the entries up to it are counted
 * and the export audited, then streamed.
 */
export async function exportAuditTrail(input: {
  organization: { id: string; slug: string }
  filters: AuditFilters
  values: AuditFilterValues
  format: AuditExportFormat
  actor: { userId: string; ip: string; userAgent: string }
  now?: Date
}): Promise<Response> {
  const where = auditFilterSql(input.organization.id, input.filters)
  const [newestId] = await selectIds(where, 'desc', 1)
  const newest = newestId
    ? await db.auditLog.findUnique({
        where: { id: newestId },
        select: { createdAt: true, id: true },
      })
    : null
  const bound: Position | null = newest ? { at: newest.createdAt, id: newest.id } : null
  const rows = bound ? await countEntries(joinClauses(where, beyondSql(bound, 'older', true))) : 0
  const filters = Object.fromEntries(Object.entries(input.values).filter(([, value]) => value))
  await audit({
    action: 'audit.exported',
    actorUserId: input.actor.userId,
    organizationId: input.organization.id,
    targetType: 'audit_log',
    targetId: input.organization.id,
    ip: input.actor.ip,
    userAgent: input.actor.userAgent,
    metadata: { format: input.format, filters, rows },
  })
  const empty = (async function* (): AsyncGenerator<ExportRow> {})()
  const body = streamOf(
    bound ? entriesUpTo(input.organization.id, where, bound) : empty,
    input.format,
  )
  const day = (input.now ?? new Date()).toISOString().slice(0, 10)
  const filename = `audit-trail-${input.organization.slug.replace(/[^A-Za-z0-9_-]/g, '')}-${day}.${input.format}`
  return new Response(body, {
    headers: {
      'Content-Type':
        input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Audit-Rows': String(rows),
    },
  })
}
