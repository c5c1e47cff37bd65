/** Pagination (4), idempotency (3) and rate-limiting (3) templates. */
import { randomUUID } from 'node:crypto'
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import type { RunContext } from '../context.server'
import { encodeBody, looseName, validInputs } from '../inputs.server'
import { operationPointer, responsePointer, statusAssertion } from '../judge.server'
import type { Assertion, Exchange, Probe } from '../model.server'
import { sleep } from '../probe.server'
import {
  callable,
  guard,
  judged,
  refused,
  unusable,
  requireCredentials,
  skipped,
  suiteCase,
  type TemplateImpl,
} from './base.server'

// ---- pagination ------------------------------------------------------------------

const SIZE =
  /^(limit|count|take|max_results|maxresults|top|\$top|per_page|perpage|page_size|pagesize|size)$/i
const CURSOR =
  /^(cursor|starting_after|after|next|next_token|nexttoken|page_token|pagetoken|continuation(_token)?|since_id)$/i
const OFFSET = /^(offset|skip|start)$/i
const PAGE = /^(page|page_number|pagenumber|pageno)$/i
const LIST_KEYS = [
  'data',
  'items',
  'results',
  'records',
  'entries',
  'values',
  'list',
  'objects',
  'content',
  'elements',
  'rows',
]

type Style = 'cursor' | 'offset' | 'page' | 'link' | 'size-only'

type Paging = {
  style: Style
  size?: string
  cursor?: string
  offset?: string
  page?: string
  pageStart: number
}

export function pagingOf(operation: NormalizedOperation): Paging | null {
  if (operation.method !== 'GET') return null
  const values = operation.capabilities
    .filter((capability) => capability.kind === 'pagination')
    .map((capability) => capability.value)
  if (values.length === 0) return null
  const query = operation.parameters.filter((param) => param.in === 'query')
  const find = (pattern: RegExp) => query.find((param) => pattern.test(param.name))
  const pageParam = find(PAGE)
  const minimum = (pageParam?.schema as { minimum?: unknown } | undefined)?.minimum
  const paging: Paging = {
    style: 'size-only',
    size: find(SIZE)?.name,
    cursor: find(CURSOR)?.name,
    offset: find(OFFSET)?.name,
    page: pageParam?.name,
    pageStart: typeof minimum === 'number' ? minimum : 1,
  }
  if (values.includes('cursor') && paging.cursor) paging.style = 'cursor'
  else if (values.includes('offset-limit') && paging.offset) paging.style = 'offset'
  else if (values.includes('page') && paging.page) paging.style = 'page'
  else if (values.includes('link-header')) paging.style = 'link'
  return paging
}

function paginated(spec: NormalizedSpec) {
  return callable(spec).filter((operation) => pagingOf(operation))
}

/** The list in a page: the body itself, or its array property. */
export function listOf(body: unknown): unknown[] | null {
  if (Array.isArray(body)) return body
  if (!body || typeof body !== 'object') return null
  const record = body as Record<string, unknown>
  for (const key of LIST_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[]
  const arrays = Object.values(record).filter(Array.isArray)
  return arrays.length === 1 ? (arrays[0] as unknown[]) : null
}

/** Names an API gives an item's own id (`id`, Twilio's `sid`, …), in order of preference. */
const ID_NAMES = ['id', 'uuid', 'sid', 'guid', 'key', 'ID', 'Id', 'Sid', 'SID', 'UUID']
/** A field holding some id (Xero's `ContactID`, `user_id`, `accountSid`). */
const ID_SUFFIX = /(^|_)(id|sid|uuid)$|[a-z0-9](Id|ID|Sid|SID|Uuid|UUID)$/

function isIdValue(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || typeof value === 'number'
}

/**
 * What identifies a listed item: its own id field (`id`, `sid`, … or the first `…ID` field,
 * as Xero's `ContactID`), else its whole JSON.
 */
export function itemId(item: unknown): string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const record = item as Record<string, unknown>
    for (const key of ID_NAMES) if (isIdValue(record[key])) return String(record[key])
    for (const [key, value] of Object.entries(record))
      if (ID_SUFFIX.test(key) && isIdValue(value)) return String(value)
  }
  return JSON.stringify(item)
}

const loose = looseName

/**
 * Whether a listed item is the resource `id`: any of its id fields holds it, or the field
 * its item path names (Xero's tax rates are found by `{TaxType}`).
 */
export function itemHasId(item: unknown, id: string, param?: string): boolean {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false
  return Object.entries(item as Record<string, unknown>).some(
    ([key, value]) =>
      (ID_NAMES.includes(key) ||
        ID_SUFFIX.test(key) ||
        (param !== undefined && loose(key) === loose(param))) &&
      isIdValue(value) &&
      String(value) === id,
  )
}

/**
 * What identifies the items of lists: the first id field (as `itemId` picks) whose values
 * differ within each list (Xero's invoices carry `BrandingThemeID` before `InvoiceID`).
 */
export function itemIdentity(...lists: unknown[][]): (item: unknown) => string {
  const all = lists.flat()
  const first = all.find((item) => item && typeof item === 'object' && !Array.isArray(item)) as
    Record<string, unknown> | undefined
  if (!first) return itemId
  const keys = [
    ...ID_NAMES.filter((key) => key in first),
    ...Object.keys(first).filter((key) => !ID_NAMES.includes(key) && ID_SUFFIX.test(key)),
  ]
  const distinct = (list: unknown[], key: string) => {
    const values = list.map((item) => (item as Record<string, unknown> | null)?.[key])
    return values.every(isIdValue) && new Set(values.map(String)).size === values.length
  }
  for (const key of keys)
    if (lists.every((list) => distinct(list, key)))
      return (item) => String((item as Record<string, unknown>)[key])
  return itemId
}

function dig(body: unknown, path: string[]): unknown {
  let node = body
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** `Link: <url>; rel="next"` -> url. */
export function nextLink(exchange: Exchange): string | undefined {
  const header = exchange.response?.headers.link
  if (!header) return undefined
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim())
    if (match && /rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return match[1]
  }
  return undefined
}

/** Whether the page says there is more: true, false, or undefined when it does not say. */
export function hasMore(exchange: Exchange): boolean | undefined {
  if (nextLink(exchange)) return true
  const body = exchange.json
  for (const path of [
    ['has_more'],
    ['hasMore'],
    ['has_next'],
    ['hasNext'],
    ['more'],
    ['pagination', 'has_more'],
    ['meta', 'has_more'],
    ['page_info', 'has_next_page'],
    ['pageInfo', 'hasNextPage'],
  ]) {
    const value = dig(body, path)
    if (typeof value === 'boolean') return value
  }
  for (const path of [
    ['next'],
    ['next_cursor'],
    ['nextCursor'],
    ['next_page_token'],
    ['nextPageToken'],
    ['next_page'],
    ['nextPage'],
    ['next_page_uri'],
    ['links', 'next'],
    ['_links', 'next'],
    ['pagination', 'next'],
    ['pagination', 'next_cursor'],
    ['meta', 'next'],
    ['meta', 'next_cursor'],
    ['cursor', 'next'],
  ]) {
    const value = dig(body, path)
    if (value === null || value === '') return false
    if (value !== undefined) return true
  }
  if (exchange.response?.headers.link !== undefined) return false
  return undefined
}

function nextCursor(exchange: Exchange, items: unknown[]): string | undefined {
  for (const path of [
    ['next_cursor'],
    ['nextCursor'],
    ['next_page_token'],
    ['nextPageToken'],
    ['pagination', 'next_cursor'],
    ['meta', 'next_cursor'],
    ['cursor', 'next'],
    ['next'],
  ]) {
    const value = dig(exchange.json, path)
    if (typeof value === 'string' && value && !/^https?:|^\//.test(value)) return value
    if (typeof value === 'number') return String(value)
  }
  return items.length ? itemId(items[items.length - 1]) : undefined
}

type PageRun = {
  page1: Exchange
  page2?: Exchange
  combined?: Exchange
  items1: unknown[] | null
  items2: unknown[] | null
  combinedItems: unknown[] | null
  size: number
  how: string
  /** Why the first page is taken to be the only one. */
  singlePage?: string
}

function sizeFor(operation: NormalizedOperation, paging: Paging): number {
  const param = operation.parameters.find((entry) => entry.name === paging.size)
  const minimum = (param?.schema as { minimum?: unknown } | undefined)?.minimum
  return typeof minimum === 'number' && minimum > 2 ? minimum : 2
}

function withQuery(probe: Probe, changes: Record<string, string>): Probe {
  const names = new Set(Object.keys(changes))
  return {
    ...probe,
    query: [...probe.query.filter(([name]) => !names.has(name)), ...Object.entries(changes)],
  }
}

/** Makes sure a list holds enough items, creating them through the collection's POST when it can. */
async function ensureItems(
  context: RunContext,
  operation: NormalizedOperation,
  base: Probe,
  paging: Paging,
  wanted: number,
) {
  const probe = paging.size ? withQuery(base, { [paging.size]: String(wanted) }) : base
  const exchange = await context.send(probe, { label: 'count items' })
  const count = listOf(exchange.json)?.length ?? 0
  if (count >= wanted) return
  const create = context.spec.operations.find(
    (entry) => entry.method === 'POST' && entry.path === operation.path,
  )
  if (!create) return
  const parent = await context.validRequest(create)
  const pathValues = Object.fromEntries(Object.entries(parent.inputs.pathParams))
  for (let index = count; index < wanted; index++) {
    const inputs = validInputs(create, context.spec, context.schemas, {
      seed: `${create.id}|fixture|${index}`,
      pathValues,
    })
    await context.send(
      {
        ...parent.probe,
        ...(inputs.body
          ? { body: encodeBody(inputs.body.mediaType, inputs.body.value, inputs.body.encoding) }
          : {}),
      },
      { label: 'pagination fixture' },
    )
  }
}

function pages(context: RunContext, operation: NormalizedOperation): Promise<PageRun> {
  return context.memo(`pages:${operation.id}`, async () => {
    requireCredentials(context, operation)
    const paging = pagingOf(operation)!
    const request = await context.validRequest(operation)
    const size = sizeFor(operation, paging)
    const base = request.probe
    if (paging.style !== 'size-only')
      await ensureItems(context, operation, base, paging, size * 2 + 1)
    const first = paging.size ? withQuery(base, { [paging.size]: String(size) }) : base
    const page1 = await context.send(first, { label: 'page 1' })
    const items1 = listOf(page1.json)
    const run: PageRun = { page1, items1, items2: null, combinedItems: null, size, how: '' }
    if (!page1.response || !items1) return run
    let second: Probe | undefined
    if (paging.style === 'cursor') {
      const cursor = nextCursor(page1, items1)
      if (cursor) {
        second = withQuery(first, { [paging.cursor!]: cursor })
        run.how = `${paging.cursor}=${cursor}`
      }
    } else if (paging.style === 'offset') {
      // An offset the API takes: NYT's `offset` is a multiple of 20, so a page of fewer is the last.
      const step = (
        context.schemas.resolve(
          operation.parameters.find((param) => param.name === paging.offset)?.schema,
        ) as { multipleOf?: unknown } | undefined
      )?.multipleOf
      if (typeof step === 'number' && step > 0 && items1.length % step !== 0)
        run.singlePage = `${paging.offset} takes multiples of ${step} and the first page has ${items1.length} item(s)`
      else {
        second = withQuery(first, { [paging.offset!]: String(items1.length) })
        run.how = `${paging.offset}=${items1.length}`
      }
    } else if (paging.style === 'page') {
      second = withQuery(first, { [paging.page!]: String(paging.pageStart + 1) })
      run.how = `${paging.page}=${paging.pageStart + 1}`
    } else if (paging.style === 'link') {
      const link = nextLink(page1)
      if (link) {
        const url = new URL(link, context.target.baseUrl)
        const basePath = new URL(context.target.baseUrl).pathname.replace(/\/$/, '')
        second = {
          ...first,
          path: url.pathname.startsWith(basePath)
            ? url.pathname.slice(basePath.length)
            : url.pathname,
          pathParams: {},
          query: [...url.searchParams.entries()],
        }
        run.how = 'the Link rel="next" URL'
      }
    }
    if (second) {
      run.page2 = await context.send(second, { label: 'page 2' })
      run.items2 = listOf(run.page2.json)
    }
    if (paging.size && paging.style !== 'size-only' && paging.style !== 'link') {
      run.combined = await context.send(withQuery(base, { [paging.size]: String(size * 2) }), {
        label: 'double page',
      })
      run.combinedItems = listOf(run.combined.json)
    }
    return run
  })
}

function paginationTemplate(
  id: string,
  judge: (
    context: RunContext,
    operation: NormalizedOperation,
    run: PageRun,
    paging: Paging,
  ) => ReturnType<typeof judged>,
  needsSize = false,
): TemplateImpl {
  return {
    id,
    instances: (spec) =>
      paginated(spec)
        .filter((operation) => !needsSize || pagingOf(operation)?.size)
        .filter(
          (operation) =>
            id === 'pagination.first-page' ||
            id === 'pagination.page-size' ||
            pagingOf(operation)?.style !== 'size-only',
        )
        .map((operation) => suiteCase(id, operation, { phase: 'stateful' })),
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        const run = await pages(context, operation)
        const unanswered = unusable(run.page1)
        if (unanswered) return unanswered
        return judge(context, operation, run, pagingOf(operation)!)
      }),
  }
}

const listAssertion = (exchange: Exchange, items: unknown[] | null, label: string): Assertion => ({
  name: `${label} is a list`,
  passed: Boolean(
    exchange.response && exchange.response.status >= 200 && exchange.response.status < 300 && items,
  ),
  expected: 'a 2xx whose body is a list, or an envelope with one',
  actual: exchange.response
    ? `${exchange.response.status}${items ? `, ${items.length} item(s)` : ', no list found in the body'}`
    : (exchange.error?.message ?? 'no answer'),
})

const firstPage = paginationTemplate('pagination.first-page', (_context, operation, run) =>
  judged(
    [
      {
        ...listAssertion(run.page1, run.items1, 'the first page'),
        pointer: operationPointer(operation),
      },
    ],
    [run.page1],
  ),
)

const nextPage = paginationTemplate('pagination.next-page', (_context, _operation, run) => {
  if (!run.items1)
    return judged([listAssertion(run.page1, run.items1, 'the first page')], [run.page1])
  if (!run.page2) {
    if (run.singlePage && hasMore(run.page1) !== true)
      return skipped(`Not judged: a single page (${run.singlePage}).`, [run.page1])
    if ((run.items1.length ?? 0) < run.size && hasMore(run.page1) !== true)
      return skipped(
        'Not judged: the list has a single page (the suite could not create more items).',
        [run.page1],
      )
    return judged(
      [
        {
          name: 'a way to the next page',
          passed: false,
          expected: 'a cursor, next link or page parameter to follow',
          actual: 'the first page gave none',
        },
      ],
      [run.page1],
    )
  }
  return judged(
    [listAssertion(run.page2, run.items2, `the next page (${run.how})`)],
    [run.page1, run.page2],
  )
})

const pageSize = paginationTemplate(
  'pagination.page-size',
  (_context, operation, run, paging) => {
    if (!run.items1)
      return judged([listAssertion(run.page1, run.items1, 'the first page')], [run.page1])
    return judged(
      [
        {
          name: 'page size honoured',
          passed: run.items1.length <= run.size,
          expected: `at most ${run.size} item(s) with ${paging.size}=${run.size}`,
          actual: `${run.items1.length} item(s)`,
          pointer: `${operationPointer(operation)}/parameters`,
        },
      ],
      [run.page1],
    )
  },
  true,
)

const consistency = paginationTemplate('pagination.consistency', (_context, _operation, run) => {
  if (!run.items1 || !run.page2 || !run.items2)
    return skipped('Not judged: needs two pages (at least three items).', [
      run.page1,
      ...(run.page2 ? [run.page2] : []),
    ])
  const identity = itemIdentity(run.items1, run.items2, run.combinedItems ?? [])
  const ids1 = run.items1.map(identity)
  const ids2 = run.items2.map(identity)
  const duplicates = ids2.filter((id) => ids1.includes(id))
  const assertions: Assertion[] = [
    {
      name: 'no item on both pages',
      passed: duplicates.length === 0,
      expected: 'pages 1 and 2 share no item',
      actual: duplicates.length
        ? `repeated: ${duplicates.slice(0, 5).join(', ')}`
        : 'none repeated',
    },
  ]
  if (run.combinedItems && run.items1.length === run.size) {
    const expected = [...ids1, ...ids2].slice(0, run.size * 2)
    const combined = run.combinedItems.map(identity).slice(0, expected.length)
    const missing = combined.filter((id) => !expected.includes(id))
    assertions.push({
      name: 'no gap between pages',
      passed: missing.length === 0,
      expected: `the first ${expected.length} items of one page of ${run.size * 2} are pages 1 + 2`,
      actual: missing.length
        ? `skipped by the pages: ${missing.slice(0, 5).join(', ')}`
        : 'the same items',
    })
  }
  const more = hasMore(run.page1)
  if (more !== undefined)
    assertions.push({
      name: '“has more” is right',
      passed: more === ids2.length > 0,
      expected:
        ids2.length > 0
          ? 'page 1 says there is more (page 2 is not empty)'
          : 'page 1 says there is no more (page 2 is empty)',
      actual: more ? 'page 1 says there is more' : 'page 1 says there is no more',
    })
  return judged(assertions, [run.page1, run.page2, ...(run.combined ? [run.combined] : [])])
})

// ---- idempotency ---------------------------------------------------------------------

function idempotencyHeader(operation: NormalizedOperation): string | undefined {
  return operation.parameters.find(
    (param) => param.in === 'header' && /idempotency[-_]?key|x-idempotency-key/i.test(param.name),
  )?.name
}

function replayMarker(operation: NormalizedOperation): string | undefined {
  for (const response of operation.responses)
    for (const name of Object.keys(response.headers)) if (/replay/i.test(name)) return name
  return undefined
}

type Replay = { first: Exchange; second: Exchange; conflict?: Exchange; conflictNote?: string }

function replay(context: RunContext, operation: NormalizedOperation): Promise<Replay> {
  return context.memo(`idempotency:${operation.id}`, async () => {
    requireCredentials(context, operation)
    const header = idempotencyHeader(operation)!.toLowerCase()
    const request = await context.validRequest(operation)
    const key = `copilot-${randomUUID()}`
    const probe = { ...request.probe, headers: { ...request.probe.headers, [header]: key } }
    const first = await context.send(probe, { label: 'first request' })
    const second = await context.send(probe, { label: 'replay' })
    // Same key (a new one), another valid body.
    const otherKey = `copilot-${randomUUID()}`
    // Another valid body: generated from the schema (a documented example would repeat the first).
    let otherBody: Probe['body']
    for (const examples of [true, false]) {
      const other = validInputs(operation, context.spec, context.schemas, {
        seed: `${operation.id}|idempotency-other`,
        pathValues: request.inputs.pathParams,
        examples,
      })
      const encoded = other.body
        ? encodeBody(other.body.mediaType, other.body.value, other.body.encoding)
        : undefined
      if (encoded && encoded.text !== probe.body?.text) {
        otherBody = encoded
        break
      }
    }
    const result: Replay = { first, second }
    if (otherBody && probe.body) {
      const keyed = { ...probe, headers: { ...probe.headers, [header]: otherKey } }
      await context.send(keyed, { label: 'conflict: first use of the key' })
      result.conflict = await context.send(
        { ...keyed, body: otherBody },
        { label: 'conflict: same key, other body' },
      )
    } else result.conflictNote = 'No second valid body different from the first could be built.'
    return result
  })
}

function idempotencyTemplate(
  id: string,
  judge: (
    context: RunContext,
    operation: NormalizedOperation,
    run: Replay,
  ) => ReturnType<typeof judged>,
  filter: (operation: NormalizedOperation) => boolean = () => true,
): TemplateImpl {
  return {
    id,
    instances: (spec) =>
      callable(spec)
        .filter((operation) => idempotencyHeader(operation) && filter(operation))
        .map((operation) => suiteCase(id, operation)),
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        const run = await replay(context, operation)
        const unanswered = unusable(run.first) ?? unusable(run.second)
        if (unanswered) return unanswered
        return judge(context, operation, run)
      }),
  }
}

function sameJson(a: Exchange, b: Exchange): boolean {
  if (a.json !== undefined || b.json !== undefined)
    return JSON.stringify(a.json) === JSON.stringify(b.json)
  return a.response?.body === b.response?.body
}

const idempotentReplay = idempotencyTemplate('idempotency.replay', (_context, operation, run) =>
  judged(
    [
      statusAssertion(
        'replay has the same status',
        run.second,
        String(run.first.response!.status),
        (status) => status === run.first.response!.status,
        operationPointer(operation),
      ),
      {
        name: 'replay has the same body',
        passed: sameJson(run.first, run.second),
        expected: 'the first response’s body (same ids)',
        actual: sameJson(run.first, run.second)
          ? 'the same body'
          : `another body (first id ${itemId(run.first.json)}, replay id ${itemId(run.second.json)})`,
      },
    ],
    [run.first, run.second],
  ),
)

const idempotentConflict = idempotencyTemplate(
  'idempotency.conflict',
  (_context, operation, run) => {
    if (!run.conflict) return skipped(`Not judged: ${run.conflictNote}`, [run.first])
    const unanswered = unusable(run.conflict)
    if (unanswered) return unanswered
    return judged(
      [
        statusAssertion(
          'reused key refused',
          run.conflict,
          '4xx (409, 422 or 400)',
          (status) => status >= 400 && status < 500,
          operationPointer(operation),
        ),
      ],
      [run.conflict],
    )
  },
)

const idempotentMarked = idempotencyTemplate(
  'idempotency.replay-marked',
  (context, operation, run) => {
    const marker = replayMarker(operation)!
    const value = run.second.response!.headers[marker.toLowerCase()]
    const response = operation.responses.find((entry) => marker in entry.headers)!
    return judged(
      [
        {
          name: 'replay marked',
          passed: value !== undefined && /^(true|1|yes)$/i.test(value.trim()),
          expected: `${marker}: true on the replay`,
          actual: value === undefined ? `no ${marker} header` : `${marker}: ${value}`,
          pointer: `${responsePointer(context.spec, operation, response)}/headers/${marker}`,
        },
      ],
      [run.first, run.second],
    )
  },
  (operation) => Boolean(replayMarker(operation)),
)

// ---- rate limiting ---------------------------------------------------------------------

const RATE_HEADER = /^(x-)?rate-?limit(-[a-z]+)*$/i

/** A GET the suite can send without ids (prefers one documenting rate-limit headers). */
function plainRead(spec: NormalizedSpec): NormalizedOperation | undefined {
  const reads = callable(spec).filter(
    (operation) =>
      operation.method === 'GET' && !operation.parameters.some((param) => param.in === 'path'),
  )
  return (
    reads.find((operation) =>
      operation.responses.some(
        (response) =>
          /^2/.test(response.status) &&
          Object.keys(response.headers).some((name) => RATE_HEADER.test(name)),
      ),
    ) ?? reads[0]
  )
}

const rateHeaders: TemplateImpl = {
  id: 'rate-limiting.headers',
  instances: (spec) => {
    const read = plainRead(spec)
    const documented = read?.responses.some(
      (response) =>
        /^2/.test(response.status) &&
        Object.keys(response.headers).some((name) => RATE_HEADER.test(name)),
    )
    return read && documented ? [suiteCase('rate-limiting.headers', read)] : []
  },
  run: (context, suite) =>
    guard(async () => {
      const operation = context.operation(suite.operationId)
      requireCredentials(context, operation)
      const { exchange } = await context.positive(operation)
      const unanswered = unusable(exchange)
      if (unanswered) return unanswered
      const status = exchange.response!.status
      const documented = operation.responses.find(
        (response) =>
          response.status === String(status) || (/^2/.test(response.status) && status < 300),
      )
      if (status >= 300 || !documented)
        return skipped(`Not judged: the read was answered ${status}.`, [exchange])
      const names = Object.keys(documented.headers).filter((name) => RATE_HEADER.test(name))
      const pointer = `${responsePointer(context.spec, operation, documented)}/headers`
      return judged(
        names.map((name) => {
          const value = exchange.response!.headers[name.toLowerCase()]
          const numeric =
            value !== undefined &&
            (/^\s*\d+(\.\d+)?\s*$/.test(value) || /^ratelimit(-policy)?$/i.test(name))
          return {
            name: `${name} present`,
            passed: numeric,
            expected: `${name} with a numeric value`,
            actual: value === undefined ? 'absent' : value,
            pointer: `${pointer}/${name}`,
          }
        }),
        [exchange],
      )
    }),
}

type Burst = {
  exchanges: Exchange[]
  limited?: Exchange
  advertised?: number
  skippedBecause?: string
}

function burst(context: RunContext, operation: NormalizedOperation): Promise<Burst> {
  return context.memo(`burst:${operation.id}`, async () => {
    const settings = context.init.options.rateLimitBurst
    if (!settings.enabled)
      return {
        exchanges: [],
        skippedBecause: 'Rate-limit bursts are off for this environment (its options allow them).',
      }
    requireCredentials(context, operation)
    const request = await context.validRequest(operation)
    const probe = { ...request.probe, noRetry: true, excludeFromLatency: true, unpaced: true }
    const exchanges: Exchange[] = []
    let limited: Exchange | undefined
    const wave = 10
    for (let sent = 0; sent < settings.maxRequests && !limited; sent += wave) {
      const count = Math.min(wave, settings.maxRequests - sent)
      const results = await Promise.all(
        Array.from({ length: count }, () => context.send(probe, { label: 'burst' })),
      )
      exchanges.push(...results)
      limited = results.find((exchange) => exchange.response?.status === 429)
      if (results.every((exchange) => refused(exchange)))
        return {
          exchanges,
          skippedBecause: 'Not judged: the environment’s credentials were refused.',
        }
    }
    const limitHeader = exchanges
      .map((exchange) => exchange.response?.headers)
      .map(
        (headers) =>
          headers &&
          Object.entries(headers).find(([name]) => /^(x-)?rate-?limit-limit$/i.test(name))?.[1],
      )
      .find(Boolean)
    const advertised = limitHeader ? Number.parseInt(limitHeader, 10) : undefined
    return {
      exchanges,
      ...(limited ? { limited } : {}),
      ...(Number.isFinite(advertised) ? { advertised } : {}),
    }
  })
}

function burstCase(id: string): TemplateImpl {
  return {
    id,
    instances: (spec) => {
      const read = plainRead(spec)
      return read ? [suiteCase(id, read, { phase: 'burst' })] : []
    },
    run: (context, suite) =>
      guard(async () => {
        const operation = context.operation(suite.operationId)
        const run = await burst(context, operation)
        if (run.skippedBecause) return skipped(run.skippedBecause)
        const evidence = run.limited ? [run.limited] : run.exchanges.slice(-3)
        if (id === 'rate-limiting.burst') {
          if (
            !run.limited &&
            run.advertised !== undefined &&
            run.advertised >= context.init.options.rateLimitBurst.maxRequests
          )
            return skipped(
              `Not judged: the advertised limit (${run.advertised}) is at or above the burst size (${context.init.options.rateLimitBurst.maxRequests}).`,
              evidence,
            )
          return judged(
            [
              {
                name: '429 under a burst',
                passed: Boolean(run.limited),
                expected: `a 429 within ${context.init.options.rateLimitBurst.maxRequests} parallel requests`,
                actual: run.limited
                  ? `429 after ${run.exchanges.length} request(s)`
                  : `no 429 in ${run.exchanges.length} request(s)`,
              },
            ],
            evidence,
          )
        }
        if (!run.limited) return skipped('Not judged: the burst got no 429.', evidence)
        const header = run.limited.response!.headers['retry-after']
        if (!header)
          return judged(
            [
              {
                name: 'Retry-After present',
                passed: false,
                expected: 'Retry-After on the 429',
                actual: 'absent',
              },
            ],
            [run.limited],
          )
        const seconds = Number(header)
        const waitMs = Number.isFinite(seconds)
          ? seconds * 1000
          : Math.max(0, Date.parse(header) - Date.now())
        if (!Number.isFinite(waitMs) || waitMs > 60_000)
          return judged(
            [
              {
                name: 'Retry-After usable',
                passed: false,
                expected: 'seconds or an HTTP date within 60 s',
                actual: header,
              },
            ],
            [run.limited],
          )
        await sleep(waitMs + 250, context.target.signal)
        const request = await context.validRequest(operation)
        const after = await context.send(
          { ...request.probe, noRetry: true, excludeFromLatency: true },
          { label: 'after Retry-After' },
        )
        return judged(
          [
            {
              name: 'Retry-After present',
              passed: true,
              expected: 'Retry-After on the 429',
              actual: header,
            },
            statusAssertion(
              'honoured: the retry is served',
              after,
              'not 429 after waiting',
              (status) => status !== 429,
            ),
          ],
          [run.limited, after],
        )
      }),
  }
}

export const TRAFFIC_TEMPLATES: TemplateImpl[] = [
  firstPage,
  nextPage,
  pageSize,
  consistency,
  idempotentReplay,
  idempotentConflict,
  idempotentMarked,
  rateHeaders,
  burstCase('rate-limiting.burst'),
  burstCase('rate-limiting.retry-after'),
]
