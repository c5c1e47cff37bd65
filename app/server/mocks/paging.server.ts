/**
 * Paging, for stateful and stateless mocks alike: the names paging parameters and envelope
 * fields go by, the URLs of other pages (the way the client came: through the public URL's
 * prefix and host, or the mock's own port), the fields that say what a page is, and a
 * stateless list served as one coherent page (decision 035).
 */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import type { IncomingRequest } from '../specs/request.server'

type Resource = Record<string, unknown>

/** A JSON object (not an array, not null): what envelopes and stored resources are. */
export function isPlainObject(value: unknown): value is Resource {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export const LIMIT = /^(limit|per_page|perpage|page_size|pagesize|size|count|max_results)$/i
export const OFFSET = /^(offset|skip|start)$/i
export const PAGE = /^(page|page_number|pagenumber)$/i
export const CURSOR = /^(starting_after|after|cursor|next|page_token|pagetoken|next_token)$/i
export const BEFORE = /^(ending_before|before)$/i

const MORE_FLAG = /^(has_?more|more|has_?next(_?page)?)$/i
/** Where an envelope says where the next page is: `next_page_url`, `nextCursor`, `next`… */
const NEXT_FIELD = /^next(_?page)?(_?(url|uri|link|href|cursor|token))?$/i
const LINKS_OBJECT = /^_?links$/i

/** Where an envelope gives the next page's cursor: Slack's `next_cursor`, `nextPageToken`… */
const NEXT_CURSOR = /^next_?(page_?)?(cursor|token)$/i

/**
 * The envelope without a way to a next page: has-more flags false, absolute next-page URLs
 * null, next cursors empty (Slack's and Google's "no more": an SDK that pages while the cursor
 * is set would otherwise ask for the same empty page forever), HAL-style `_links.next` gone
 * (one object down included, such as Twilio's `meta` or Slack's `response_metadata`). A
 * documented example's next link leads to the vendor's real API, where an SDK that follows it
 * would take the partner's credentials; a relative URL leads back to this mock, which answers
 * an empty page.
 */
function withoutNextPage(page: Record<string, unknown>, depth = 0) {
  for (const [name, value] of Object.entries(page)) {
    if (typeof value === 'boolean' && MORE_FLAG.test(name)) page[name] = false
    else if (typeof value === 'string' && NEXT_FIELD.test(name) && /^https?:\/\//i.test(value))
      page[name] = null
    else if (typeof value === 'string' && NEXT_CURSOR.test(name)) page[name] = ''
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth === 0) {
      const inner = { ...(value as Record<string, unknown>) }
      if (LINKS_OBJECT.test(name)) delete inner.next
      else withoutNextPage(inner, 1)
      page[name] = inner
    }
  }
}

/**
 * A generated list is one page, coherent with itself: its "has more" flags say no, and a
 * request for a later page (a cursor, an offset, a page past the first) gets an empty one.
 * Stateful mocks page through what they store instead (state.server.ts).
 */
export function onePage(
  operation: NormalizedOperation,
  request: IncomingRequest,
  body: unknown,
): unknown {
  if (operation.method !== 'GET' || !operation.capabilities.some((c) => c.kind === 'pagination'))
    return body
  let later = false
  let limit = Infinity
  for (const [name, value] of request.query) {
    if (
      (CURSOR.test(name) && value !== '') ||
      (OFFSET.test(name) && Number(value) > 0) ||
      (PAGE.test(name) && Number(value) > 1)
    )
      later = true
    // A page size asked for is honoured: an example of 5 answers `limit=2` with 2.
    if (LIMIT.test(name) && /^\d+$/.test(value) && Number(value) > 0) limit = Number(value)
  }
  const items = (list: unknown[]) =>
    later ? [] : list.length > limit ? list.slice(0, limit) : list
  if (Array.isArray(body)) return items(body)
  if (!body || typeof body !== 'object') return body
  const page: Record<string, unknown> = { ...(body as Record<string, unknown>) }
  withoutNextPage(page)
  for (const [name, value] of Object.entries(page))
    if (Array.isArray(value)) {
      page[name] = items(value)
      break
    }
  return page
}

/** Where the client reached the mock: the gateway's prefix (`/mock/<id>`) and host, else the mock's own. */
export function relativeUrl(request: IncomingRequest, query: URLSearchParams): string {
  const prefix = headerValue(request.headers['x-forwarded-prefix'])
  const path = `${prefix && prefix.startsWith('/mock/') ? prefix : ''}${request.pathname}`
  const search = query.toString()
  return search ? `${path}?${search}` : path
}

export function absoluteUrl(request: IncomingRequest, query: URLSearchParams): string {
  const proto = headerValue(request.headers['x-forwarded-proto']) === 'https' ? 'https' : 'http'
  const host =
    headerValue(request.headers['x-forwarded-host']) ??
    headerValue(request.headers.host) ??
    'localhost'
  return `${proto}://${host}${relativeUrl(request, query)}`
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return first?.split(',')[0]?.trim() || undefined
}

export type PageFacts = {
  more: boolean
  total: number
  limit: number
  /** The page number, when the client pages by number. */
  page: number | undefined
  /** The URL of the page starting at an item index. */
  url: (at: number) => string
  current: number
  next: number | null
  previous: number | null
  /** Ids of the page's first and last items (null on an empty page). */
  firstId: unknown
  lastId: unknown
}

function pageCount(facts: PageFacts): number {
  return Math.ceil(facts.total / Math.max(1, facts.limit))
}

/** Paging fields by their conventional names (Stripe, Twilio, JSON:API-like envelopes…). */
const PAGE_FIELDS: Record<string, (facts: PageFacts) => unknown> = {
  has_more: (facts) => facts.more,
  hasmore: (facts) => facts.more,
  total_count: (facts) => facts.total,
  totalcount: (facts) => facts.total,
  total: (facts) => facts.total,
  page_size: (facts) => facts.limit,
  pagesize: (facts) => facts.limit,
  per_page: (facts) => facts.limit,
  perpage: (facts) => facts.limit,
  page: (facts) => facts.page,
  next_page_url: (facts) => (facts.next === null ? null : facts.url(facts.next)),
  nextpageurl: (facts) => (facts.next === null ? null : facts.url(facts.next)),
  previous_page_url: (facts) => (facts.previous === null ? null : facts.url(facts.previous)),
  previouspageurl: (facts) => (facts.previous === null ? null : facts.url(facts.previous)),
  first_page_url: (facts) => facts.url(0),
  firstpageurl: (facts) => facts.url(0),
  // Xero's `pagination` object and the like: how many items and pages there are.
  item_count: (facts) => facts.total,
  itemcount: (facts) => facts.total,
  page_count: (facts) => pageCount(facts),
  pagecount: (facts) => pageCount(facts),
  total_pages: (facts) => pageCount(facts),
  totalpages: (facts) => pageCount(facts),
  // OpenAI's lists: the cursors of the page's ends.
  first_id: (facts) => facts.firstId,
  firstid: (facts) => facts.firstId,
  last_id: (facts) => facts.lastId,
  lastid: (facts) => facts.lastId,
}

/** A sort-direction query parameter (`order=desc`, OpenAI's, GitHub's `direction`). */
export const ORDER = /^(order|sort_?order|direction|sort_?direction|sort_?dir)$/i

/**
 * Sets the paging fields an envelope documents (at its top or in one object below it, such as
 * Twilio's `meta`) to what the page is: a client that follows `next_page_url` or stops on
 * `has_more: false` pages through what the mock holds. Nested objects are copied, never
 * changed in place (the envelope's template is shared).
 */
export function fillPageFields(body: Resource, facts: PageFacts, depth = 0) {
  for (const [name, value] of Object.entries(body)) {
    const fill = PAGE_FIELDS[name] ?? PAGE_FIELDS[name.toLowerCase()]
    if (fill) {
      const filled = fill(facts)
      // Only where the documented value is of the same kind (or null): a `page` object is not a number.
      if (
        filled !== undefined &&
        (value === null || value === undefined || typeof value === typeof filled || filled === null)
      )
        body[name] = filled
      continue
    }
    if (depth === 0 && isPlainObject(value)) {
      const copy = { ...value }
      fillPageFields(copy, facts, 1)
      body[name] = copy
    }
  }
}
