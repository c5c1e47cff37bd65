import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { jsonError } from '~/server/http.server'
import { compareVersions } from '~/server/specs/compare.server'

/** GET /api/v1/projects/:projectId/specs/:specId/diff?from=V1&to=V2 (version numbers or ids). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const url = new URL(request.url)
  const from = url.searchParams.get('from')
  const to = url.searchParams.get('to')
  if (!from || !to)
    return jsonError(400, 'Give both versions: ?from=1&to=2 (numbers or version ids).')
  const comparison = await compareVersions(project.id, params.specId ?? '', from, to)
  if (!comparison) return jsonError(404, 'Spec or version not found in this project.')
  const { changelog: _changelog, ...body } = comparison
  return Response.json(body)
}
