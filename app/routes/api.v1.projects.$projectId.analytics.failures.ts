import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { failureAnalytics, parseAnalyticsQuery } from '~/server/analytics/failures.server'
import { patternStatuses } from '~/server/analytics/suggestions.server'

/**
 * GET /api/v1/projects/:projectId/analytics/failures?page=&limit= (limit up to 200, default 50):
 * failure patterns across partners, most partners affected first, each with its rule-based
 * suggested note. Malformed page/limit values fall back to the defaults.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const analytics = await failureAnalytics(
    project.id,
    parseAnalyticsQuery(new URL(request.url).searchParams, { allowLimit: true }),
  )
  const statuses = await patternStatuses(project.id, analytics)
  return Response.json({
    page: analytics.page,
    pageCount: analytics.pageCount,
    total: analytics.total,
    partnersWithRuns: analytics.partnersWithRuns,
    patterns: analytics.patterns.map((pattern, index) => ({
      specId: pattern.specId,
      templateId: pattern.templateId,
      operationId: pattern.operationId,
      method: pattern.operation?.method ?? null,
      path: pattern.operation?.path ?? null,
      failedPartners: pattern.failedPartners,
      ranPartners: pattern.ranPartners,
      vendor: pattern.vendor,
      trend: pattern.trend,
      topReason: pattern.topReason,
      suggestion: statuses[index]!.suggestion,
      annotated: statuses[index]!.annotated,
    })),
  })
}
