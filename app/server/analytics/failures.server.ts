/**
 * Cross-partner failure analytics: which golden-suite checks fail for many partners on the
 * same operation (a documentation bug more often than a partner's). Counted in SQL (GROUP BY
 * over the project's runs), so it stays fast with hundreds of thousands of RunCase rows.
 *
 * What is counted:
 * - A pattern is (spec, templateId, operationId).
 * - For each partner project and spec, only the partner's LATEST finished run (status passed or
 *   failed, by finishedAt) counts. A partner "ran" the pattern when that run judged at least
 *   one case of it (passed or failed), and "failed" it when one of them failed. Errored,
 *   skipped and needs_config cases say nothing about the API and are left out.
 * - The vendor's own runs (no partnerProjectId) never count as partners: for each pattern,
 *   `vendor` says what the vendor's latest run of the spec did with it (failed / passed /
 *   null when it did not run it), so "the API itself fails this" is told apart from "partners
 *   misread the docs". A pattern only the vendor fails is not listed.
 * - The trend counts, per ISO week (Monday, UTC) over the last 8 weeks, the partners with a
 *   failing case of the pattern in any run finished that week (not only latest runs).
 */
import { type GoldenTemplate, goldenTemplate } from '~/shared/golden-templates'
import { db, sqliteDate } from '../db.server'
import { versionSpec } from '../specs/store.server'

export const TREND_WEEKS = 8
export const PATTERNS_PER_PAGE = 50
export const MAX_PATTERNS_PER_PAGE = 200

/** Run statuses whose cases were all judged (a cancelled or interrupted run is partial). */
const COMPLETE = `('passed','failed')`

export type TrendPoint = { week: string; failed: number }

export type FailurePattern = {
  specId: string
  specName: string
  templateId: string
  templateTitle: string
  category: string
  operationId: string
  /** METHOD /path in the spec's latest version; null when the operation is gone (or "" id). */
  operation: { method: string; path: string } | null
  failedPartners: number
  ranPartners: number
  /** The vendor's own latest run of the spec: failed, passed, or null when it did not run it. */
  vendor: 'failed' | 'passed' | null
  trend: TrendPoint[]
  topReason: string | null
  topReasonCount: number
  /** The most common failing assertions' actual values (assertion name and value, with counts). */
  topActuals: { name: string; actual: string; count: number }[]
}

export type FailureAnalytics = {
  patterns: FailurePattern[]
  total: number
  page: number
  pageCount: number
  perPage: number
  /** Partner projects with at least one counted (latest) run. */
  partnersWithRuns: number
  weeks: string[]
}

export type AnalyticsQuery = {
  page: number
  perPage: number
  /** Only this pattern (the draft and accept actions look one up). */
  only?: { specId: string; templateId: string; operationId: string }
}

/** Reads ?page= and ?limit= leniently: anything malformed or out of range falls back to defaults. */
export function parseAnalyticsQuery(
  params: URLSearchParams,
  options: { allowLimit?: boolean } = {},
): AnalyticsQuery {
  const int = (value: string | null) => (value && /^\d{1,6}$/.test(value) ? Number(value) : null)
  const page = int(params.get('page'))
  const limit = options.allowLimit ? int(params.get('limit')) : null
  return {
    page: page && page >= 1 ? page : 1,
    perPage: limit && limit >= 1 && limit <= MAX_PATTERNS_PER_PAGE ? limit : PATTERNS_PER_PAGE,
  }
}

/** Monday 00:00 UTC of the week holding `date`, as YYYY-MM-DD. */
export function weekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return day.toISOString().slice(0, 10)
}

/** The last TREND_WEEKS week starts, oldest first, ending with the week of `now`. */
export function trendWeeks(now: Date): string[] {
  const current = new Date(`${weekOf(now)}T00:00:00Z`)
  return Array.from({ length: TREND_WEEKS }, (_, index) => {
    const week = new Date(current)
    week.setUTCDate(week.getUTCDate() - 7 * (TREND_WEEKS - 1 - index))
    return week.toISOString().slice(0, 10)
  })
}

const n = (value: number | bigint | null | undefined) => Number(value ?? 0)
const patternKey = (specId: string, templateId: string, operationId: string) =>
  `${specId}\u0000${templateId}\u0000${operationId}`

/** Each (partner project | vendor, spec)'s latest complete run: a CTE reused by the queries below. */
const LATEST_RUNS = `
  WITH latest AS (
    SELECT id, partnerProjectId, specId FROM (
      SELECT r."id" AS id, r."partnerProjectId" AS partnerProjectId, v."specId" AS specId,
        ROW_NUMBER() OVER (
          PARTITION BY COALESCE(r."partnerProjectId", ''), v."specId"
          ORDER BY r."finishedAt" DESC, r."id" DESC
        ) AS rn
      FROM "Run" r JOIN "SpecVersion" v ON v."id" = r."specVersionId"
      WHERE r."projectId" = ? AND r."status" IN ${COMPLETE} AND r."finishedAt" IS NOT NULL
    ) WHERE rn = 1
  )`

type CountRow = {
  specId: string
  templateId: string
  operationId: string
  ran: number | bigint
  failed: number | bigint
  vendorRan: number | bigint
  vendorFailed: number | bigint
}

/** The failure patterns of a project, most partners affected first, one page of them. */
export async function failureAnalytics(
  projectId: string,
  query: AnalyticsQuery = { page: 1, perPage: PATTERNS_PER_PAGE },
  now = new Date(),
): Promise<FailureAnalytics> {
  const weeks = trendWeeks(now)
  const [counts, [partners]] = await Promise.all([
    db.$queryRawUnsafe<CountRow[]>(
      `${LATEST_RUNS}
      SELECT l.specId AS specId, c."templateId" AS templateId, c."operationId" AS operationId,
        COUNT(DISTINCT l.partnerProjectId) AS ran,
        COUNT(DISTINCT CASE WHEN c."verdict" = 'failed' THEN l.partnerProjectId END) AS failed,
        MAX(CASE WHEN l.partnerProjectId IS NULL THEN 1 ELSE 0 END) AS vendorRan,
        MAX(CASE WHEN l.partnerProjectId IS NULL AND c."verdict" = 'failed' THEN 1 ELSE 0 END) AS vendorFailed
      FROM latest l JOIN "RunCase" c ON c."runId" = l.id
      WHERE c."verdict" IN ('passed','failed')
      GROUP BY l.specId, c."templateId", c."operationId"
      HAVING failed > 0`,
      projectId,
    ),
    db.$queryRawUnsafe<{ partners: number | bigint }[]>(
      `${LATEST_RUNS} SELECT COUNT(DISTINCT partnerProjectId) AS partners FROM latest`,
      projectId,
    ),
  ])
  const only = query.only
  const sorted = counts
    .filter(
      (row) =>
        !only ||
        (row.specId === only.specId &&
          row.templateId === only.templateId &&
          row.operationId === only.operationId),
    )
    .map((row) => ({ ...row, ran: n(row.ran), failed: n(row.failed) }))
    .sort(
      (a, b) =>
        b.failed - a.failed ||
        b.ran - a.ran ||
        a.templateId.localeCompare(b.templateId) ||
        a.operationId.localeCompare(b.operationId) ||
        a.specId.localeCompare(b.specId),
    )
  const total = sorted.length
  const pageCount = Math.max(1, Math.ceil(total / query.perPage))
  const page = Math.min(query.page, pageCount)
  const slice = sorted.slice((page - 1) * query.perPage, page * query.perPage)
  const base = {
    total,
    page,
    pageCount,
    perPage: query.perPage,
    partnersWithRuns: n(partners?.partners),
    weeks,
  }
  if (slice.length === 0) return { ...base, patterns: [] }

  const specIds = [...new Set(slice.map((row) => row.specId))]
  const templateIds = [...new Set(slice.map((row) => row.templateId))]
  const inList = (values: string[]) => values.map(() => '?').join(',')
  const wanted = new Set(
    slice.map((row) => patternKey(row.specId, row.templateId, row.operationId)),
  )

  const [reasons, actuals, trend, specs] = await Promise.all([
    // The most common reason per pattern, among the partners' latest failing cases.
    db.$queryRawUnsafe<
      {
        specId: string
        templateId: string
        operationId: string
        reason: string
        count: number | bigint
      }[]
    >(
      `${LATEST_RUNS}
      SELECT specId, templateId, operationId, reason, count FROM (
        SELECT l.specId AS specId, c."templateId" AS templateId, c."operationId" AS operationId,
          c."reason" AS reason, COUNT(*) AS count,
          ROW_NUMBER() OVER (PARTITION BY l.specId, c."templateId", c."operationId" ORDER BY COUNT(*) DESC, c."reason") AS rn
        FROM latest l JOIN "RunCase" c ON c."runId" = l.id
        WHERE l.partnerProjectId IS NOT NULL AND c."verdict" = 'failed' AND c."reason" IS NOT NULL AND c."reason" <> ''
          AND l.specId IN (${inList(specIds)}) AND c."templateId" IN (${inList(templateIds)})
        GROUP BY l.specId, c."templateId", c."operationId", c."reason"
      ) WHERE rn = 1`,
      projectId,
      ...specIds,
      ...templateIds,
    ),
    // The failing assertions' actual values (top 3 per pattern).
    db.$queryRawUnsafe<
      {
        specId: string
        templateId: string
        operationId: string
        name: string
        actual: string
        count: number | bigint
      }[]
    >(
      `${LATEST_RUNS}
      SELECT specId, templateId, operationId, name, actual, count FROM (
        SELECT l.specId AS specId, c."templateId" AS templateId, c."operationId" AS operationId,
          json_extract(a.value, '$.name') AS name, substr(json_extract(a.value, '$.actual'), 1, 200) AS actual,
          COUNT(*) AS count,
          ROW_NUMBER() OVER (PARTITION BY l.specId, c."templateId", c."operationId" ORDER BY COUNT(*) DESC, json_extract(a.value, '$.name')) AS rn
        FROM latest l JOIN "RunCase" c ON c."runId" = l.id, json_each(CASE WHEN json_valid(c."assertions") THEN c."assertions" ELSE '[]' END) a
        WHERE l.partnerProjectId IS NOT NULL AND c."verdict" = 'failed'
          AND l.specId IN (${inList(specIds)}) AND c."templateId" IN (${inList(templateIds)})
          AND json_extract(a.value, '$.passed') = 0
          AND COALESCE(json_extract(a.value, '$.severity'), 'error') <> 'warning'
        GROUP BY 1, 2, 3, 4, 5
      ) WHERE rn <= 3`,
      projectId,
      ...specIds,
      ...templateIds,
    ),
    // Partners failing the pattern per week (any finished partner run, not only the latest).
    db.$queryRawUnsafe<
      {
        specId: string
        templateId: string
        operationId: string
        week: string
        failed: number | bigint
      }[]
    >(
      `SELECT v."specId" AS specId, c."templateId" AS templateId, c."operationId" AS operationId,
        date(r."finishedAt", '-6 days', 'weekday 1') AS week,
        COUNT(DISTINCT r."partnerProjectId") AS failed
      FROM "Run" r
        JOIN "SpecVersion" v ON v."id" = r."specVersionId"
        JOIN "RunCase" c ON c."runId" = r."id"
      WHERE r."projectId" = ? AND r."partnerProjectId" IS NOT NULL AND r."finishedAt" >= ?
        AND c."verdict" = 'failed'
        AND v."specId" IN (${inList(specIds)}) AND c."templateId" IN (${inList(templateIds)})
      GROUP BY 1, 2, 3, 4`,
      projectId,
      sqliteDate(new Date(`${weeks[0]}T00:00:00Z`)),
      ...specIds,
      ...templateIds,
    ),
    latestOperations(projectId, specIds),
  ])

  const reasonBy = new Map(
    reasons.map((row) => [patternKey(row.specId, row.templateId, row.operationId), row]),
  )
  const actualsBy = new Map<string, FailurePattern['topActuals']>()
  for (const row of actuals) {
    const key = patternKey(row.specId, row.templateId, row.operationId)
    if (!wanted.has(key)) continue
    const list = actualsBy.get(key) ?? []
    list.push({
      name: String(row.name ?? ''),
      actual: String(row.actual ?? ''),
      count: n(row.count),
    })
    actualsBy.set(key, list)
  }
  const trendBy = new Map<string, Map<string, number>>()
  for (const row of trend) {
    const key = patternKey(row.specId, row.templateId, row.operationId)
    if (!wanted.has(key)) continue
    const weeksOf = trendBy.get(key) ?? new Map<string, number>()
    weeksOf.set(row.week, n(row.failed))
    trendBy.set(key, weeksOf)
  }

  const patterns = slice.map((row): FailurePattern => {
    const key = patternKey(row.specId, row.templateId, row.operationId)
    const template: GoldenTemplate | undefined = goldenTemplate(row.templateId)
    const spec = specs.get(row.specId)
    const operation = row.operationId ? spec?.operations.get(row.operationId) : undefined
    const reason = reasonBy.get(key)
    return {
      specId: row.specId,
      specName: spec?.name ?? '',
      templateId: row.templateId,
      templateTitle: template?.title ?? row.templateId,
      category: template?.category ?? '',
      operationId: row.operationId,
      operation: operation ?? null,
      failedPartners: row.failed,
      ranPartners: row.ran,
      vendor: n(row.vendorFailed) ? 'failed' : n(row.vendorRan) ? 'passed' : null,
      trend: weeks.map((week) => ({ week, failed: trendBy.get(key)?.get(week) ?? 0 })),
      topReason: reason?.reason ?? null,
      topReasonCount: n(reason?.count),
      topActuals: actualsBy.get(key) ?? [],
    }
  })
  return { ...base, patterns }
}

/** One pattern of the project, or null when no partner's latest run fails it. */
export async function findFailurePattern(
  projectId: string,
  only: { specId: string; templateId: string; operationId: string },
): Promise<FailurePattern | null> {
  const result = await failureAnalytics(projectId, { page: 1, perPage: 1, only })
  return result.patterns[0] ?? null
}

export type SpecOperations = {
  name: string
  latestVersionId: string | null
  operations: Map<string, { method: string; path: string }>
}

/** Each spec's name, latest version and the operations it has (to label and link patterns). */
export async function latestOperations(
  projectId: string,
  specIds: string[],
): Promise<Map<string, SpecOperations>> {
  const rows = await db.spec.findMany({
    where: { projectId, id: { in: specIds } },
    select: {
      id: true,
      name: true,
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true } },
    },
  })
  const result = new Map<string, SpecOperations>()
  for (const row of rows) {
    const latest = row.versions[0]?.id ?? null
    const operations = new Map<string, { method: string; path: string }>()
    if (latest) {
      const spec = await versionSpec(latest)
      for (const operation of [...spec.operations, ...spec.webhooks])
        operations.set(operation.id, { method: operation.method, path: operation.path })
    }
    result.set(row.id, { name: row.name, latestVersionId: latest, operations })
  }
  return result
}
