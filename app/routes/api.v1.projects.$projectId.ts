import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { jsonError } from '~/server/http.server'

/** GET /api/v1/projects/:projectId (Bearer project token). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  return Response.json({
    id: project.id,
    name: project.name,
    description: project.description,
    archived: Boolean(project.archivedAt),
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  })
}

export async function action() {
  return jsonError(405, 'Method not allowed. Use GET.')
}
