/**
 * Read models of the Traces tab, every query scoped by the project: the list
 * (filters, keyset pages that stay fast with 100,000 traces), one trace with
 * its violations placed on the lines of its pretty-printed bodies, the
 * coverage of each partner over the operations of the latest spec versions,
 * and the refused batches.
 */
import { applyEdits, format, type Node, parseTree } from 'jsonc-parser'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { plainText } from '~/shared/format'
import { db, sqliteDate } from '../db.server'
import { versionSpec } from '../specs/store.server'
import { findOperation } from '../specs/view.server'
import { secretStatus } from './secrets.server'

export const TRACE_PAGE_SIZE = 50
/** The `operation` filter value that selects traces no operation of the spec matched. */
export const UNMATCHED = '(unmatched)'
/** Pretty-printed bodies are shown up to this many lines (stored bodies are capped at 64 KB). */
export const MAX_BODY_LINES = 5000

// The indexes of schema.prisma the list chooses between (SQLite's planner has no statistics).
const BY_TIME = 'Trace_projectId_receivedAt_id_idx'
const BY_PARTNER = 'Trace_partnerProjectId_receivedAt_id_idx'
const BY_OPERATION = 'Trace_projectId_operationKey_partnerProjectId_valid_verified_idx'
/** Up to this many traces of one operation, they are found through its index and sorted; beyond, the time order is walked. */
const SORT_AT_MOST = 5000
/** A page examines at most this many traces for filters no index answers (see listTraces). */
export const SCAN_BUDGET = 10_000

export type TraceViolation = {
  side: 'request' | 'response'
  location: string
  message: string
  constraint?: string
}

// ---------------------------------------------------------------------------
// Filters and cursors

export type StatusFilter = { code: number } | { classOf: 1 | 2 | 3 | 4 | 5 }

export type TraceFilters = {
  partnerProjectId?: string
  /** '' selects unmatched traces. */
  operationKey?: string
  status?: StatusFilter
  verified?: boolean
  valid?: boolean
  /** Received at or after (UTC midnight of the chosen day). */
  from?: Date
  /** Received before (UTC midnight of the day after the chosen one). */
  to?: Date
}

/** The filter form's fields, as the GET form sends them. */
export const FILTER_FIELDS = [
  'partner',
  'operation',
  'status',
  'verified',
  'valid',
  'from',
  'to',
] as const
export type FilterValues = Record<(typeof FILTER_FIELDS)[number], string>

const DAY_MS = 86_400_000

function parseDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  // 2026-02-31 rolls over into March: refused rather than guessed.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return null
  if (date.getUTCFullYear() < 2000) return null
  return date
}

function parseYesNo(value: string): boolean | null | undefined {
  const normal = value.toLowerCase()
  if (['true', 'yes', '1'].includes(normal)) return true
  if (['false', 'no', '0'].includes(normal)) return false
  return normal === '' || normal === 'any' ? undefined : null
}

/**
 * The list's query string -> filters. A value that cannot be understood is
 * ignored and said so (`problems`); nothing here throws.
 */
export function parseTraceFilters(
  params: URLSearchParams,
  partners: { id: string; slug: string }[],
): { filters: TraceFilters; values: FilterValues; problems: string[] } {
  const raw = (name: string) => (params.get(name) ?? '').trim().slice(0, 300)
  const filters: TraceFilters = {}
  const values: FilterValues = {
    partner: '',
    operation: '',
    status: '',
    verified: '',
    valid: '',
    from: '',
    to: '',
  }
  const problems: string[] = []
  const quote = (value: string) => `“${value.slice(0, 60)}${value.length > 60 ? '…' : ''}”`

  const partner = raw('partner')
  if (partner) {
    const found = partners.find(
      (entry) => entry.id === partner || entry.slug === partner.toLowerCase(),
    )
    if (found) {
      filters.partnerProjectId = found.id
      values.partner = found.id
    } else
      problems.push(
        `Partner ${quote(partner)} is not a partner of this project: all partners are shown.`,
      )
  }

  const operation = raw('operation')
  if (operation) {
    filters.operationKey = operation === UNMATCHED ? '' : operation
    values.operation = operation
  }

  const status = raw('status').toLowerCase()
  if (status) {
    const exact = /^[1-5]\d\d$/.exec(status)
    const classOf = /^([1-5])xx$/.exec(status)
    if (exact) filters.status = { code: Number(status) }
    else if (classOf) filters.status = { classOf: Number(classOf[1]) as 1 | 2 | 3 | 4 | 5 }
    if (filters.status) values.status = status
    else
      problems.push(
        `Status ${quote(status)} was ignored: give a code such as 404 or a class such as 4xx.`,
      )
  }

  for (const name of ['verified', 'valid'] as const) {
    const value = raw(name)
    const parsed = parseYesNo(value)
    if (parsed === null)
      problems.push(
        `${name === 'verified' ? 'Verified' : 'Valid'} ${quote(value)} was ignored: choose yes or no.`,
      )
    else if (parsed !== undefined) {
      filters[name] = parsed
      values[name] = parsed ? 'yes' : 'no'
    }
  }

  const from = raw('from')
  const to = raw('to')
  const fromDate = from ? parseDay(from) : null
  const toDate = to ? parseDay(to) : null
  if (from && !fromDate)
    problems.push(`From ${quote(from)} was ignored: give a date as YYYY-MM-DD.`)
  if (to && !toDate) problems.push(`To ${quote(to)} was ignored: give a date as YYYY-MM-DD.`)
  if (fromDate && toDate && fromDate > toDate)
    problems.push(`From ${from} is after To ${to}: the dates were ignored. Swap them.`)
  else {
    if (fromDate) {
      filters.from = fromDate
      values.from = from
    }
    if (toDate) {
      filters.to = new Date(toDate.getTime() + DAY_MS)
      values.to = to
    }
  }
  return { filters, values, problems }
}

export function hasFilters(filters: TraceFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined)
}

type Position = { at: Date; id: string }

/** An opaque page position: base64url of `<receivedAt ms>|<id>`. */
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

export type TraceRow = {
  id: string
  receivedAt: string
  durationMs: number | null
  method: string
  /** Up to 1,000 characters (`urlCut` when longer). */
  url: string
  urlCut: boolean
  operationKey: string
  status: number
  source: string
  verified: boolean
  valid: boolean
  violationCount: number
  firstViolation: string | null
  partnerProjectId: string
}

export type TracePage = {
  traces: TraceRow[]
  /** Cursor of the next (older) page. */
  older: string | null
  /** Cursor of the previous (newer) page; null on the first page. */
  newer: string | null
  /** False on the first page. */
  paged: boolean
  /** How many traces match, when it was known without extra work (an operation filter). */
  matching: number | null
  /**
   * The page stopped short after examining SCAN_BUDGET traces: the search
   * reached back to this time (ISO), and `older` searches on from there.
   */
  searchedBack: string | null
  /** The cursor given could not be read: the first page is shown. */
  cursorIgnored: boolean
}

type RawRow = {
  id: string
  receivedAt: string | Date
  durationMs: number | bigint | null
  method: string
  url: string
  urlLength: number | bigint
  operationKey: string
  status: number | bigint
  source: string
  verified: number | bigint | boolean
  valid: number | bigint | boolean
  violationCount: number | bigint | null
  firstLocation: string | null
  firstMessage: string | null
  partnerProjectId: string
}

const LIGHT_COLUMNS = `"id", "receivedAt", "durationMs", "method", substr("url", 1, 1000) AS "url",
  length("url") AS "urlLength", "operationKey", "status", "source", "verified", "valid",
  CASE WHEN json_valid("violations") THEN json_array_length("violations") ELSE 0 END AS "violationCount",
  CASE WHEN json_valid("violations") THEN json_extract("violations", '$[0].location') END AS "firstLocation",
  CASE WHEN json_valid("violations") THEN substr(json_extract("violations", '$[0].message'), 1, 300) END AS "firstMessage",
  "partnerProjectId"`

const flag = (value: number | bigint | boolean) => Boolean(Number(value))

function toRow(row: RawRow): TraceRow {
  const violationCount = Number(row.violationCount ?? 0)
  return {
    id: row.id,
    receivedAt: new Date(row.receivedAt).toISOString(),
    durationMs: row.durationMs === null ? null : Number(row.durationMs),
    method: row.method,
    url: row.url,
    urlCut: Number(row.urlLength) > row.url.length,
    operationKey: row.operationKey,
    status: Number(row.status),
    source: row.source,
    verified: flag(row.verified),
    valid: flag(row.valid),
    violationCount,
    firstViolation:
      violationCount > 0 && row.firstMessage
        ? `${row.firstLocation ? `${row.firstLocation}: ` : ''}${row.firstMessage}`
        : null,
    partnerProjectId: row.partnerProjectId,
  }
}

/** WHERE clauses and parameters of the filters. */
function filterSql(projectId: string, filters: TraceFilters) {
  const scope = { clauses: ['"projectId" = ?'], params: [projectId] as unknown[] }
  // Columns of the operation index (it counts them without reading a row).
  const counted = { clauses: [...scope.clauses], params: [...scope.params] }
  // Columns the rows must be read for.
  const rows = { clauses: [] as string[], params: [] as unknown[] }
  // receivedAt, in every time index.
  const dates = { clauses: [] as string[], params: [] as unknown[] }
  if (filters.partnerProjectId !== undefined) {
    counted.clauses.push('"partnerProjectId" = ?')
    counted.params.push(filters.partnerProjectId)
  }
  if (filters.operationKey !== undefined) {
    counted.clauses.push('"operationKey" = ?')
    counted.params.push(filters.operationKey)
  }
  for (const name of ['valid', 'verified'] as const) {
    if (filters[name] === undefined) continue
    counted.clauses.push(`"${name}" = ?`)
    counted.params.push(filters[name] ? 1 : 0)
  }
  if (filters.status && 'code' in filters.status) {
    rows.clauses.push('"status" = ?')
    rows.params.push(filters.status.code)
  } else if (filters.status) {
    rows.clauses.push('"status" >= ? AND "status" < ?')
    rows.params.push(filters.status.classOf * 100, filters.status.classOf * 100 + 100)
  }
  if (filters.from) {
    dates.clauses.push('"receivedAt" >= ?')
    dates.params.push(sqliteDate(filters.from))
  }
  if (filters.to) {
    dates.clauses.push('"receivedAt" < ?')
    dates.params.push(sqliteDate(filters.to))
  }
  return { counted, rows, dates }
}

type Clauses = { clauses: string[]; params: unknown[] }
const join = (...parts: Clauses[]): Clauses => ({
  clauses: parts.flatMap((part) => part.clauses),
  params: parts.flatMap((part) => part.params),
})

/**
 * One page of traces, newest first (receivedAt, then id). `cursor.before`
 * pages to older traces, `cursor.after` back to newer ones. Only light
 * columns are read (no bodies).
 *
 * The index is chosen here (SQLite's planner has no statistics to do it): an
 * operation's when it has few traces (found, then sorted), else the
 * partner's or the project's time order. A filter the index cannot answer
 * (status, verified, valid, a busy operation) could walk every trace to fill
 * a page: a page examines at most SCAN_BUDGET traces, and when it stops short
 * it says how far back it searched (`searchedBack`) and `older` goes on
 * from there.
 */
export async function listTraces(
  projectId: string,
  filters: TraceFilters,
  cursor: { before?: string | null; after?: string | null } = {},
): Promise<TracePage> {
  const { counted, rows: rowFilters, dates } = filterSql(projectId, filters)
  let matching: number | null = null
  let index = filters.partnerProjectId !== undefined ? BY_PARTNER : BY_TIME
  if (filters.operationKey !== undefined) {
    const [result] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(*) AS "n" FROM "Trace" INDEXED BY "${BY_OPERATION}" WHERE ${counted.clauses.join(' AND ')}`,
      ...counted.params,
    )
    const count = Number(result?.n ?? 0)
    if (count <= SORT_AT_MOST) index = BY_OPERATION
    // The count is the answer when the operation index holds every filter.
    if (rowFilters.clauses.length === 0 && dates.clauses.length === 0) matching = count
  }
  const budgeted =
    index !== BY_OPERATION &&
    (filters.operationKey !== undefined ||
      filters.valid !== undefined ||
      filters.verified !== undefined ||
      filters.status !== undefined)
  // What the time index alone walks: the partner's traces (its index has no projectId), or the project's.
  const walk: Clauses =
    index === BY_PARTNER
      ? { clauses: ['"partnerProjectId" = ?'], params: [filters.partnerProjectId] }
      : { clauses: ['"projectId" = ?'], params: [projectId] }

  const page = async (position: Position | null, direction: 'older' | 'newer') => {
    const order = direction === 'older' ? 'DESC' : 'ASC'
    const after: Clauses = position
      ? {
          clauses: [`("receivedAt", "id") ${direction === 'older' ? '<' : '>'} (?, ?)`],
          params: [sqliteDate(position.at), position.id],
        }
      : { clauses: [], params: [] }
    let boundary: Position | null = null
    if (budgeted) {
      // The SCAN_BUDGET-th trace in this order, read from the index alone.
      const bound = join(walk, dates, after)
      const [edge] = await db.$queryRawUnsafe<{ receivedAt: string | Date; id: string }[]>(
        `SELECT "receivedAt", "id" FROM "Trace" INDEXED BY "${index}" WHERE ${bound.clauses.join(' AND ')}
         ORDER BY "receivedAt" ${order}, "id" ${order} LIMIT 1 OFFSET ${SCAN_BUDGET - 1}`,
        ...bound.params,
      )
      if (edge) boundary = { at: new Date(edge.receivedAt), id: edge.id }
    }
    const within: Clauses = boundary
      ? {
          clauses: [`("receivedAt", "id") ${direction === 'older' ? '>=' : '<='} (?, ?)`],
          params: [sqliteDate(boundary.at), boundary.id],
        }
      : { clauses: [], params: [] }
    const where = join(counted, rowFilters, dates, after, within)
    const rows = await db.$queryRawUnsafe<RawRow[]>(
      `SELECT ${LIGHT_COLUMNS} FROM "Trace" INDEXED BY "${index}" WHERE ${where.clauses.join(' AND ')}
       ORDER BY "receivedAt" ${order}, "id" ${order} LIMIT ${TRACE_PAGE_SIZE + 1}`,
      ...where.params,
    )
    return { rows: rows.map(toRow), boundary }
  }
  const positionOf = (row: TraceRow): Position => ({ at: new Date(row.receivedAt), id: row.id })

  const before = decodeCursor(cursor.before)
  const after = before ? null : decodeCursor(cursor.after)
  const cursorIgnored = Boolean(cursor.before || cursor.after) && !before && !after

  if (after) {
    const { rows } = await page(after, 'newer')
    // A full page with more beyond it; anything less is the first page (read again, newest first).
    if (rows.length > TRACE_PAGE_SIZE) {
      const traces = rows.slice(0, TRACE_PAGE_SIZE).reverse()
      return {
        traces,
        older: encodeCursor(positionOf(traces.at(-1)!)),
        newer: encodeCursor(positionOf(traces[0]!)),
        paged: true,
        matching,
        searchedBack: null,
        cursorIgnored,
      }
    }
  }
  const { rows, boundary } = await page(before, 'older')
  const traces = rows.slice(0, TRACE_PAGE_SIZE)
  const full = rows.length > TRACE_PAGE_SIZE
  return {
    traces,
    older: full
      ? encodeCursor(positionOf(traces.at(-1)!))
      : boundary
        ? encodeCursor(boundary)
        : null,
    newer: before && traces[0] ? encodeCursor(positionOf(traces[0])) : null,
    paged: Boolean(before),
    matching,
    searchedBack: !full && boundary ? boundary.at.toISOString() : null,
    cursorIgnored,
  }
}

// ---------------------------------------------------------------------------
// The operations a project's traces can match

export type CatalogueOperation = {
  key: string
  method: string
  path: string
  summary: string | null
}

export type CatalogueSpec = {
  specId: string
  specName: string
  versionId: string
  versionNumber: number
  operations: CatalogueOperation[]
}

function catalogueEntry(operation: NormalizedOperation): CatalogueOperation {
  return {
    key: operation.id,
    method: operation.method.toUpperCase(),
    path: operation.path,
    summary: operation.summary ? plainText(operation.summary).slice(0, 160) : null,
  }
}

/** The operations of the latest version of each spec of the project (webhooks are not traced). */
export async function operationCatalogue(projectId: string): Promise<CatalogueSpec[]> {
  const specs = await db.spec.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true, number: true } },
    },
  })
  const catalogue: CatalogueSpec[] = []
  for (const spec of specs) {
    const version = spec.versions[0]
    if (!version) continue
    const normalized = await versionSpec(version.id)
    catalogue.push({
      specId: spec.id,
      specName: spec.name,
      versionId: version.id,
      versionNumber: version.number,
      operations: normalized.operations.map(catalogueEntry),
    })
  }
  return catalogue
}

// ---------------------------------------------------------------------------
// One trace

type StoredSide = { headers: Record<string, string>; body: string; bodyTruncated: boolean }

function readSide(text: string): StoredSide {
  try {
    const value = JSON.parse(text) as Partial<StoredSide> | null
    const headers: Record<string, string> = {}
    if (value && typeof value.headers === 'object' && value.headers !== null)
      for (const [name, header] of Object.entries(value.headers))
        headers[name] = typeof header === 'string' ? header : JSON.stringify(header)
    return {
      headers,
      body: typeof value?.body === 'string' ? value.body : '',
      bodyTruncated: value?.bodyTruncated === true,
    }
  } catch {
    return { headers: {}, body: '', bodyTruncated: false }
  }
}

export function readViolations(text: string): TraceViolation[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return []
  }
  if (!Array.isArray(value)) return []
  return value.flatMap((entry): TraceViolation[] => {
    if (!entry || typeof entry !== 'object') return []
    const { side, location, message, constraint } = entry as Record<string, unknown>
    if (typeof location !== 'string' || typeof message !== 'string') return []
    return [
      {
        side: side === 'response' ? 'response' : 'request',
        location,
        message,
        ...(typeof constraint === 'string' ? { constraint } : {}),
      },
    ]
  })
}

export type PlacedViolation = TraceViolation & {
  /** 1-based line of the pretty-printed body; null when the body is not JSON. */
  line: number | null
  /** False when the member is absent (e.g. a missing required property): the line is its parent's. */
  exact: boolean
}

export type BodyLines = {
  kind: 'empty' | 'json' | 'text'
  /** The body as shown: JSON pretty-printed with a 2-space indent (numbers kept as written), else as received. */
  text: string
  /** The body's violations (location `body` or `body/…`), each with its line. */
  violations: PlacedViolation[]
}

const isBodyLocation = (location: string) => location === 'body' || location.startsWith('body/')

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1))
    starts.push(index + 1)
  return starts
}

function lineAt(starts: number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return low + 1
}

/** The deepest node of `root` along a JSON pointer's segments, and whether it is the member itself. */
function locateMember(root: Node, segments: string[]): { node: Node; exact: boolean } {
  let node = root
  for (const segment of segments) {
    let next: Node | undefined
    if (node.type === 'object')
      next = node.children?.find((property) => property.children?.[0]?.value === segment)
        ?.children?.[1]
    else if (node.type === 'array' && /^\d+$/.test(segment)) next = node.children?.[Number(segment)]
    if (!next) return { node, exact: false }
    node = next
  }
  return { node, exact: true }
}

/**
 * A body as the detail page shows it, with each body violation placed on a
 * line: `body/items/0/price` on the line of that member; a member that is
 * absent (a missing required property) on its parent's line. A body that is
 * not JSON is shown as received and its violations have no line. Violations
 * elsewhere (query, headers, status) are left out.
 */
export function violationLines(bodyText: string, violations: TraceViolation[]): BodyLines {
  const own = violations.filter((violation) => isBodyLocation(violation.location))
  const unplaced = (kind: BodyLines['kind'], text: string): BodyLines => ({
    kind,
    text,
    violations: own.map((violation) => ({ ...violation, line: null, exact: false })),
  })
  if (bodyText.trim() === '') return unplaced('empty', '')
  try {
    JSON.parse(bodyText)
  } catch {
    return unplaced('text', bodyText)
  }
  // jsonc-parser's formatter keeps every token as written (a 20-digit number stays exact).
  const text = applyEdits(
    bodyText,
    format(bodyText, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' }),
  ).trim()
  const root = parseTree(text)
  if (!root) return unplaced('text', bodyText)
  const starts = lineStarts(text)
  return {
    kind: 'json',
    text,
    violations: own.map((violation) => {
      const segments = violation.location
        .slice('body'.length)
        .split('/')
        .slice(1)
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      const { node, exact } = locateMember(root, segments)
      // A property's value starts on its key's line; the key is where the eye looks.
      const anchor = node.parent?.type === 'property' ? node.parent : node
      return { ...violation, line: lineAt(starts, anchor.offset), exact }
    }),
  }
}

export type HeaderView = { name: string; value: string; violations: TraceViolation[] }

export type SideView = {
  headers: HeaderView[]
  body: BodyLines
  bodyTruncated: boolean
  /** Lines past MAX_BODY_LINES are not shown (their violations still list their line). */
  hiddenLines: number
  /** The side's violations outside the body and the headers shown: query, path, status, absent headers. */
  other: TraceViolation[]
}

function sideView(stored: StoredSide, violations: TraceViolation[]): SideView {
  const headers = Object.entries(stored.headers)
    .map(([name, value]) => ({
      name,
      value,
      violations: violations.filter(
        (violation) => violation.location.toLowerCase() === `header.${name.toLowerCase()}`,
      ),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const placed = new Set(headers.flatMap((header) => header.violations))
  const body = violationLines(stored.body, violations)
  const lines = body.text.split('\n')
  const hiddenLines = Math.max(0, lines.length - MAX_BODY_LINES)
  return {
    headers,
    body: hiddenLines ? { ...body, text: lines.slice(0, MAX_BODY_LINES).join('\n') } : body,
    bodyTruncated: stored.bodyTruncated,
    hiddenLines,
    other: violations.filter(
      (violation) =>
        !placed.has(violation) &&
        !isBodyLocation(violation.location) &&
        violation.location !== 'operation',
    ),
  }
}

export class TraceNotFoundError extends Error {
  readonly status = 404
  constructor() {
    super('This trace does not exist in this project (or it was deleted).')
  }
}

/** One trace of the project, parsed for the detail page; TraceNotFoundError otherwise. */
export async function getTrace(projectId: string, traceId: string, partnerProjectId?: string) {
  if (!traceId || traceId.length > 100) throw new TraceNotFoundError()
  const row = await db.trace.findFirst({
    where: { id: traceId, projectId, ...(partnerProjectId ? { partnerProjectId } : {}) },
    include: { partnerProject: { select: { id: true, name: true, slug: true } } },
  })
  if (!row) throw new TraceNotFoundError()
  const violations = readViolations(row.violations)
  let operation:
    | (CatalogueOperation & {
        specId: string
        specName: string
        versionId: string
        versionNumber: number
      })
    | null = null
  if (row.operationKey && row.specVersionId) {
    const version = await db.specVersion.findFirst({
      where: { id: row.specVersionId, spec: { projectId } },
      select: { id: true, number: true, spec: { select: { id: true, name: true } } },
    })
    const found = version
      ? findOperation(await versionSpec(version.id), row.operationKey)
      : undefined
    if (version && found)
      operation = {
        ...catalogueEntry(found),
        specId: version.spec.id,
        specName: version.spec.name,
        versionId: version.id,
        versionNumber: version.number,
      }
  }
  const of = (side: TraceViolation['side']) =>
    violations.filter((violation) => violation.side === side)
  return {
    id: row.id,
    receivedAt: row.receivedAt.toISOString(),
    occurredAt: row.occurredAt.toISOString(),
    durationMs: row.durationMs,
    method: row.method,
    url: row.url,
    status: row.status,
    source: row.source,
    verified: row.verified,
    valid: row.valid,
    operationKey: row.operationKey,
    operation,
    partner: row.partnerProject,
    violationCount: violations.length,
    /** No operation matched (or the spec was missing): shown as a banner. */
    operationViolations: violations.filter((violation) => violation.location === 'operation'),
    request: sideView(readSide(row.request), of('request')),
    response: sideView(readSide(row.response), of('response')),
  }
}

export type TraceDetail = Awaited<ReturnType<typeof getTrace>>

// ---------------------------------------------------------------------------
// Coverage

export type CoverageCell = { total: number; verifiedValid: number; lastAt: string | null }

export type Coverage = {
  partners: { id: string; name: string; slug: string }[]
  specs: (Omit<CatalogueSpec, 'operations'> & {
    operations: (CatalogueOperation & { cells: Record<string, CoverageCell> })[]
  })[]
  /** Operation keys traces matched that no latest spec version has any more. */
  retired: { key: string; cells: Record<string, CoverageCell> }[]
  unmatched: Record<string, CoverageCell>
  /** Per partner: operations of the latest versions with at least one verified, valid trace. */
  covered: Record<string, number>
  operationCount: number
}

/** Groups up to this size find their last trace through the operation index (see traceCoverage). */
const LAST_SEEN_BY_OPERATION = 1000

type CoverageRow = {
  operationKey: string
  partnerProjectId: string
  total: number | bigint
  verifiedValid: number | bigint | null
  lastAt: string | Date | null
}

/**
 * Which operations each partner exercised, and with verified, valid traffic:
 * one grouped query over the operation index (counts) with each group's last
 * trace found through the partner's time index.
 */
export async function traceCoverage(projectId: string): Promise<Coverage> {
  const [partners, catalogue, rows] = await Promise.all([
    db.partnerProject.findMany({
      where: { projectId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true, slug: true },
    }),
    operationCatalogue(projectId),
    db.$queryRawUnsafe<CoverageRow[]>(
      // A small group's last trace: its rows through the operation index; a busy one's: the
      // partner's newest traces walked back until one is of the operation (it comes soon).
      `SELECT g."operationKey", g."partnerProjectId", g."total", g."verifiedValid",
         CASE WHEN g."total" <= ${LAST_SEEN_BY_OPERATION}
           THEN (SELECT MAX(t."receivedAt") FROM "Trace" t INDEXED BY "${BY_OPERATION}"
                 WHERE t."projectId" = g."projectId" AND t."operationKey" = g."operationKey"
                   AND t."partnerProjectId" = g."partnerProjectId")
           ELSE (SELECT t."receivedAt" FROM "Trace" t INDEXED BY "${BY_PARTNER}"
                 WHERE t."partnerProjectId" = g."partnerProjectId" AND t."operationKey" = g."operationKey"
                 ORDER BY t."receivedAt" DESC, t."id" DESC LIMIT 1)
         END AS "lastAt"
       FROM (SELECT "projectId", "operationKey", "partnerProjectId", COUNT(*) AS "total",
               SUM(CASE WHEN "verified" = 1 AND "valid" = 1 THEN 1 ELSE 0 END) AS "verifiedValid"
             FROM "Trace" INDEXED BY "${BY_OPERATION}" WHERE "projectId" = ?
             GROUP BY "projectId", "operationKey", "partnerProjectId") g`,
      projectId,
    ),
  ])
  const byKey = new Map<string, Record<string, CoverageCell>>()
  for (const row of rows) {
    const cells = byKey.get(row.operationKey) ?? {}
    cells[row.partnerProjectId] = {
      total: Number(row.total),
      verifiedValid: Number(row.verifiedValid ?? 0),
      lastAt: row.lastAt ? new Date(row.lastAt).toISOString() : null,
    }
    byKey.set(row.operationKey, cells)
  }
  const known = new Set<string>()
  const covered: Record<string, number> = Object.fromEntries(
    partners.map((partner) => [partner.id, 0]),
  )
  let operationCount = 0
  const specs = catalogue.map((spec) => ({
    ...spec,
    operations: spec.operations.map((operation) => {
      known.add(operation.key)
      operationCount += 1
      const cells = byKey.get(operation.key) ?? {}
      for (const [partnerId, cell] of Object.entries(cells))
        if (cell.verifiedValid > 0 && partnerId in covered) covered[partnerId]! += 1
      return { ...operation, cells }
    }),
  }))
  const retired = [...byKey.entries()]
    .filter(([key]) => key !== '' && !known.has(key))
    .map(([key, cells]) => ({ key, cells }))
    .sort((a, b) => a.key.localeCompare(b.key))
  return { partners, specs, retired, unmatched: byKey.get('') ?? {}, covered, operationCount }
}

// ---------------------------------------------------------------------------
// Partners' secrets

/** Each partner project of the project with its trace secret's status (masked, never the secret). */
export async function partnerSecrets(projectId: string) {
  const rows = await db.partnerProject.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      slug: true,
      traceSecret: true,
      traceSecretPrev: true,
      traceSecretPrevUntil: true,
      traceSecretRotatedAt: true,
    },
  })
  const now = new Date()
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    slug: row.slug,
    secret: secretStatus(row, now),
  }))
}

// ---------------------------------------------------------------------------
// Refusals

/** The latest refused batches (unsigned, wrongly signed, too old, replayed), newest first. */
export async function listRefusals(projectId: string, limit = 20) {
  const rows = await db.traceRefusal.findMany({
    where: { projectId },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: Math.max(1, Math.min(200, Math.floor(limit))),
    select: {
      id: true,
      at: true,
      reason: true,
      ip: true,
      bytes: true,
      partnerProject: { select: { id: true, name: true } },
    },
  })
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    reason: row.reason,
    ip: row.ip,
    bytes: row.bytes,
    partner: row.partnerProject,
  }))
}
