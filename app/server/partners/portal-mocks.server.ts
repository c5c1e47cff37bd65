/**
 * The partner portal's Mocks tab: the mocks shared with a partner project, their
 * public URLs, and the partner's own requests in their logs. A request belongs to
 * the partner when it carried `X-Copilot-Partner: <its id or slug>` (the mock
 * records header names lower-cased; the match ignores their case all the same).
 * Everything else in a mock's log, the vendor's requests and other partners',
 * is never read out here.
 */
import { db } from '../db.server'
import { notFound } from '../http.server'
import { mockUrls } from '../mocks/service.server'
import { PARTNER_HEADER } from '../traces/signature.server'
import { visibleMocks, visibleSpecs } from './visibility.server'
import type { PartnerScope } from './portal-specs.server'

/** Newest first, this many a page. */
export const PARTNER_LOG_PAGE = 50

export { PARTNER_HEADER }

type PartnerRef = { id: string; slug: string; projectId: string }

/**
 * The header values that name this partner project: its id, and its slug
 * (case-insensitive) unless the slug is the id of another partner project of
 * the same vendor project, which the value then names instead.
 */
export async function attributionValues(partner: PartnerRef): Promise<string[]> {
  const values = [partner.id]
  const slug = partner.slug.trim().toLowerCase()
  if (!slug || slug === partner.id) return values
  const clash = await db.partnerProject.findFirst({
    where: { projectId: partner.projectId, id: slug, NOT: { id: partner.id } },
    select: { id: true },
  })
  return clash ? values : [...values, slug]
}

/** The mocks the partner project sees, with their public URLs. */
export async function partnerMockList(scope: PartnerScope, appOrigin: string) {
  const [mocks, specs] = await Promise.all([
    visibleMocks(scope.projectId, scope.partnerProjectId),
    visibleSpecs(scope.projectId, scope.partnerProjectId),
  ])
  const visibleSpecIds = new Set(specs.map((spec) => spec.id))
  const specNames = new Map(
    (
      await db.spec.findMany({
        where: {
          projectId: scope.projectId,
          id: { in: [...new Set(mocks.map((mock) => mock.specVersion.specId))] },
        },
        select: { id: true, name: true },
      })
    ).map((spec) => [spec.id, spec.name]),
  )
  return mocks.map((mock) => ({
    id: mock.id,
    status: mock.status,
    spec: {
      id: mock.specVersion.specId,
      name: specNames.get(mock.specVersion.specId) ?? mock.specVersion.title,
      /** Whether the partner may open the spec's page (a mock may be shared without its spec). */
      visible: visibleSpecIds.has(mock.specVersion.specId),
    },
    version: { number: mock.specVersion.number, title: mock.specVersion.title },
    url: mockUrls(mock, appOrigin).proxyUrl,
  }))
}

type Violation = { location: string; message: string }

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/**
 * A page of the partner's own requests to one mock (which must be one it
 * sees), newest first; `?before=<entry id>` continues after that entry.
 */
export async function partnerRequestLog(
  scope: PartnerScope,
  partner: PartnerRef,
  mockId: string,
  search: URLSearchParams,
) {
  const values = await attributionValues(partner)
  const before = search.get('before')?.slice(0, 64) || null
  const ids = await db.$queryRawUnsafe<{ id: string }[]>(
    `WITH "cursor" AS (
       SELECT "at", "id" FROM "MockRequestLog" WHERE "id" = ? AND "mockId" = ?
     )
     SELECT l."id" AS "id" FROM "MockRequestLog" l
     WHERE l."mockId" = ?
       AND (
         NOT EXISTS (SELECT 1 FROM "cursor")
         OR l."at" < (SELECT "at" FROM "cursor")
         OR (l."at" = (SELECT "at" FROM "cursor") AND l."id" < (SELECT "id" FROM "cursor"))
       )
       AND EXISTS (
         SELECT 1
         FROM json_each(CASE WHEN json_valid(l."request") THEN l."request" ELSE '{}' END, '$.headers') h
         WHERE lower(h."key") = ?
           AND h."type" = 'text'
           AND (trim(h."value") = ? OR lower(trim(h."value")) = ?)
       )
     ORDER BY l."at" DESC, l."id" DESC
     LIMIT ?`,
    before ?? '',
    mockId,
    mockId,
    PARTNER_HEADER,
    values[0]!,
    values[1] ?? values[0]!,
    PARTNER_LOG_PAGE + 1,
  )
  const paged = before
    ? (await db.mockRequestLog.count({ where: { id: before, mockId } })) > 0
    : false
  const more = ids.length > PARTNER_LOG_PAGE
  const pageIds = ids.slice(0, PARTNER_LOG_PAGE).map((row) => row.id)
  const rows = await db.mockRequestLog.findMany({
    where: { mockId, mock: { projectId: scope.projectId }, id: { in: pageIds } },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
  })
  return {
    paged,
    older: more ? pageIds[pageIds.length - 1]! : null,
    entries: rows.map((row) => {
      const violations = parseJson<Violation[]>(row.violations, [])
      const request = parseJson<{ query?: unknown } | null>(row.request, null)
      return {
        id: row.id,
        at: row.at.toISOString(),
        method: row.method,
        path: row.path,
        status: row.status,
        durationMs: row.durationMs,
        operationId: row.operationId,
        query: typeof request?.query === 'string' ? request.query : '',
        violations: Array.isArray(violations) ? violations : [],
        request,
        response: parseJson<unknown>(row.response, null),
      }
    }),
  }
}

/**
 * The Mocks tab: the visible mocks, the one chosen by `?mock=` (else the first)
 * and a page of the partner's requests to it. A hidden or foreign mock is a 404.
 */
export async function partnerMocksPage(
  scope: PartnerScope,
  partner: PartnerRef,
  search: URLSearchParams,
  appOrigin: string,
) {
  const mocks = await partnerMockList(scope, appOrigin)
  const requested = search.get('mock')
  const selected = requested ? mocks.find((mock) => mock.id === requested) : mocks[0]
  if (requested && !selected)
    throw notFound(
      'That mock does not exist or is not shared with your integration. Pick one from the Mocks tab.',
    )
  return {
    mocks,
    selectedId: selected?.id ?? null,
    log: selected ? await partnerRequestLog(scope, partner, selected.id, search) : null,
  }
}
