/**
 * The audit page's read model: the filter form's query string -> filters (nothing here
 * throws: what cannot be understood is ignored and said so), keyset pages newest first,
 * and the rows an export streams. Every query is scoped by the organisation.
 */
import type { Prisma } from '~/generated/prisma/client'
import { db, sqliteDate } from '../db.server'

export const AUDIT_PAGE_SIZE = 50
const DAY_MS = 86_400_000
/** Filter values longer than this are cut (a query string is the user's to write). */
export const FILTER_MAX = 200

export type AuditFilters = {
  /** The action starts with this (e.g. "member." for every member change). */
  action?: string
  /** The actor's email contains this (case-insensitive for ASCII). */
  actor?: string
  targetType?: string
  targetId?: string
  projectId?: string
  /** At or after (UTC midnight of the chosen day). */
  from?: Date
  /** Before (UTC midnight of the day after the chosen one). */
  to?: Date
}

export const AUDIT_FILTER_FIELDS = [
  'action',
  'actor',
  'targetType',
  'targetId',
  'project',
  'from',
  'to',
] as const
export type AuditFilterValues = Record<(typeof AUDIT_FILTER_FIELDS)[number], string>

function parseDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  // 2026-02-31 rolls over into March: refused rather than guessed.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return null
  if (date.getUTCFullYear() < 2000) return null
  return date
}

const LABELS = {
  action: 'Action',
  actor: 'Actor',
  targetType: 'Target type',
  targetId: 'Target id',
} as const

const quote = (value: string) => `“${value.slice(0, 60)}${value.length > 60 ? '…' : ''}”`

/** The page's (or an export's) query string -> filters, the form's values, and problems to show. */
export function parseAuditFilters(
  params: URLSearchParams,
  projects: { id: string; name: string }[],
): {
  filters: AuditFilters
  values: AuditFilterValues
  /** What was ignored or cut, said to the user. */
  problems: string[]
  /** A filter was ignored (an export refuses rather than export more than was asked). */
  ignored: boolean
} {
  // eslint-disable-next-line no-control-regex
  const raw = (name: string) => (params.get(name) ?? '').replace(/[\u0000-\u001f]/g, '').trim()
  const capped = (name: string) => raw(name).slice(0, FILTER_MAX)
  const filters: AuditFilters = {}
  const values: AuditFilterValues = {
    action: '',
    actor: '',
    targetType: '',
    targetId: '',
    project: '',
    from: '',
    to: '',
  }
  const problems: string[] = []
  let ignored = false

  for (const name of ['action', 'actor', 'targetType', 'targetId'] as const) {
    const value = capped(name)
    if (!value) continue
    if (raw(name).length > FILTER_MAX)
      problems.push(`${LABELS[name]} was cut to its first ${FILTER_MAX} characters.`)
    filters[name] = value
    values[name] = value
  }

  const project = capped('project')
  if (project) {
    if (projects.some((entry) => entry.id === project)) {
      filters.projectId = project
      values.project = project
    } else {
      problems.push(`Project ${quote(project)} is not in this organisation: it was ignored.`)
      ignored = true
    }
  }

  const from = capped('from')
  const to = capped('to')
  const fromDate = from ? parseDay(from) : null
  const toDate = to ? parseDay(to) : null
  if (from && !fromDate)
    problems.push(`From ${quote(from)} was ignored: give a date as YYYY-MM-DD.`)
  if (to && !toDate) problems.push(`To ${quote(to)} was ignored: give a date as YYYY-MM-DD.`)
  if ((from && !fromDate) || (to && !toDate)) ignored = true
  if (fromDate && toDate && fromDate > toDate) {
    problems.push(`From ${from} is after To ${to}: the dates were ignored. Swap them.`)
    ignored = true
  } else {
    if (fromDate) {
      filters.from = fromDate
      values.from = from
    }
    if (toDate) {
      filters.to = new Date(toDate.getTime() + DAY_MS)
      values.to = to
    }
  }
  return { filters, values, problems, ignored }
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined)
}

/** The query string of the filters (for links that keep them). */
export function filterQuery(values: AuditFilterValues): URLSearchParams {
  const params = new URLSearchParams()
  for (const name of AUDIT_FILTER_FIELDS) if (values[name]) params.set(name, values[name])
  return params
}

/** SQL conditions and their parameters (joined with AND). */
export type Clauses = { clauses: string[]; params: unknown[] }

export const joinClauses = (...parts: Clauses[]): Clauses => ({
  clauses: parts.flatMap((part) => part.clauses),
  params: parts.flatMap((part) => part.params),
})

/**
 * The filters as SQL. Plain comparisons rather than LIKE, so `%` and `_` in a filter are
 * ordinary characters: the action by prefix and the actor's email by substring (both
 * ASCII case folded), the rest exactly.
 */
export function auditFilterSql(organizationId: string, filters: AuditFilters): Clauses {
  const clauses = ['"organizationId" = ?']
  const params: unknown[] = [organizationId]
  if (filters.action) {
    clauses.push('lower(substr("action", 1, ?)) = lower(?)')
    params.push(filters.action.length, filters.action)
  }
  if (filters.actor) {
    clauses.push('instr(lower("actorEmail"), lower(?)) > 0')
    params.push(filters.actor)
  }
  for (const [column, value] of [
    ['targetType', filters.targetType],
    ['targetId', filters.targetId],
    ['projectId', filters.projectId],
  ] as const)
    if (value) {
      clauses.push(`"${column}" = ?`)
      params.push(value)
    }
  if (filters.from) {
    clauses.push('"createdAt" >= ?')
    params.push(sqliteDate(filters.from))
  }
  if (filters.to) {
    clauses.push('"createdAt" < ?')
    params.push(sqliteDate(filters.to))
  }
  return { clauses, params }
}

/** Rows older (or newer) than the position in (createdAt, id) order; `inclusive` keeps it. */
export function beyondSql(
  position: Position,
  direction: 'older' | 'newer',
  inclusive = false,
): Clauses {
  const op = `${direction === 'older' ? '<' : '>'}${inclusive ? '=' : ''}`
  return {
    clauses: [`("createdAt", "id") ${op} (?, ?)`],
    params: [sqliteDate(position.at), position.id],
  }
}

/** The ids of the entries the conditions select, in (createdAt, id) order. */
export async function selectIds(
  where: Clauses,
  order: 'asc' | 'desc',
  limit: number,
): Promise<string[]> {
  const direction = order === 'asc' ? 'ASC' : 'DESC'
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "AuditLog" WHERE ${where.clauses.join(' AND ')} ORDER BY "createdAt" ${direction}, "id" ${direction} LIMIT ${Math.trunc(limit)}`,
    ...where.params,
  )
  return rows.map((row) => row.id)
}

export async function countEntries(where: Clauses): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(*) AS "n" FROM "AuditLog" WHERE ${where.clauses.join(' AND ')}`,
    ...where.params,
  )
  return Number(row?.n ?? 0)
}

// ---------------------------------------------------------------------------
// Cursors

export type Position = { at: Date; id: string }

/** An opaque page position: base64url of `<createdAt ms>|<id>`. */
export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.at.getTime()}|${position.id}`, 'utf8').toString('base64url')
}

/** null for anything that is not a cursor this module wrote (hostile or stale links included). */
export function decodeCursor(value: string | null | undefined): Position | null {
  if (!value || value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null
  const match = /^(\d{1,15})\|([A-Za-z0-9_-]{1,100})$/.exec(
    Buffer.from(value, 'base64url').toString('utf8'),
  )
  if (!match) return null
  const at = new Date(Number(match[1]))
  return Number.isNaN(at.getTime()) ? null : { at, id: match[2]! }
}

// ---------------------------------------------------------------------------
// The list

const ROW_SELECT = {
  id: true,
  seq: true,
  createdAt: true,
  action: true,
  actorUserId: true,
  actorEmail: true,
  targetType: true,
  targetId: true,
  projectId: true,
  ip: true,
  userAgent: true,
  metadata: true,
  hash: true,
} as const
type Row = Prisma.AuditLogGetPayload<{ select: typeof ROW_SELECT }>

/** What the table shows; the metadata stays text (the page escapes it, never renders it). */
export type AuditRow = {
  id: string
  seq: number | null
  createdAt: string
  action: string
  actorEmail: string
  actorUserId: string | null
  targetType: string
  targetId: string
  projectId: string | null
  ip: string
  userAgent: string
  /** Before and after, when the entry records a change (pretty JSON). */
  before: string | null
  after: string | null
  /** The rest of the metadata (pretty JSON), or null when empty. */
  details: string | null
  hash: string | null
}

const DETAIL_MAX = 20_000
const pretty = (value: unknown) => {
  const text = JSON.stringify(value, null, 2)
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}\n… (cut)` : text
}

function toRow(row: Row): AuditRow {
  let metadata: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(row.metadata)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      metadata = parsed as Record<string, unknown>
    else metadata = { value: parsed }
  } catch {
    metadata = { unreadable: row.metadata.slice(0, DETAIL_MAX) }
  }
  const { before, after, ...rest } = metadata
  return {
    id: row.id,
    seq: row.seq,
    createdAt: row.createdAt.toISOString(),
    action: row.action,
    actorEmail: row.actorEmail,
    actorUserId: row.actorUserId,
    targetType: row.targetType,
    targetId: row.targetId,
    projectId: row.projectId,
    ip: row.ip,
    userAgent: row.userAgent,
    before: before === undefined ? null : pretty(before),
    after: after === undefined ? null : pretty(after),
    details: Object.keys(rest).length ? pretty(rest) : null,
    hash: row.hash,
  }
}

export type AuditPage = {
  entries: AuditRow[]
  /** Cursor of the next (older) page. */
  older: string | null
  /** Cursor of the previous (newer) page; null on the first page. */
  newer: string | null
  /** The cursor given could not be read: the first page is shown. */
  cursorIgnored: boolean
}

/** One page, newest first (createdAt, then id); `before` pages to older entries, `after` back. */
export async function listAuditEntries(
  organizationId: string,
  filters: AuditFilters,
  cursor: { before?: string | null; after?: string | null } = {},
): Promise<AuditPage> {
  const where = auditFilterSql(organizationId, filters)
  const page = async (position: Position | null, direction: 'older' | 'newer') => {
    const ids = await selectIds(
      position ? joinClauses(where, beyondSql(position, direction)) : where,
      direction === 'older' ? 'desc' : 'asc',
      AUDIT_PAGE_SIZE + 1,
    )
    const rows = await db.auditLog.findMany({
      where: { id: { in: ids }, organizationId },
      select: ROW_SELECT,
    })
    const byId = new Map(rows.map((row) => [row.id, row]))
    return ids.flatMap((id) => {
      const row = byId.get(id)
      return row ? [toRow(row)] : []
    })
  }
  const positionOf = (row: AuditRow): Position => ({ at: new Date(row.createdAt), id: row.id })
  const before = decodeCursor(cursor.before)
  const after = before ? null : decodeCursor(cursor.after)
  const cursorIgnored = Boolean(cursor.before || cursor.after) && !before && !after

  if (after) {
    const rows = await page(after, 'newer')
    // A full page with more beyond it; anything less is the first page (read again, newest first).
    if (rows.length > AUDIT_PAGE_SIZE) {
      const entries = rows.slice(0, AUDIT_PAGE_SIZE).reverse()
      return {
        entries,
        older: encodeCursor(positionOf(entries.at(-1)!)),
        newer: encodeCursor(positionOf(entries[0]!)),
        cursorIgnored,
      }
    }
  }
  const rows = await page(before, 'older')
  const entries = rows.slice(0, AUDIT_PAGE_SIZE)
  return {
    entries,
    older: rows.length > AUDIT_PAGE_SIZE ? encodeCursor(positionOf(entries.at(-1)!)) : null,
    newer: before && entries[0] ? encodeCursor(positionOf(entries[0])) : null,
    cursorIgnored,
  }
}

/** The actions recorded in the organisation (the filter's suggestions). */
export async function auditActions(organizationId: string): Promise<string[]> {
  const rows = await db.auditLog.groupBy({
    by: ['action'],
    where: { organizationId },
    orderBy: { action: 'asc' },
    take: 500,
  })
  return rows.map((row) => row.action)
}

/** The organisation's projects (the project filter and the table's project names). */
export function auditProjects(organizationId: string) {
  return db.project.findMany({
    where: { organizationId },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  })
}
