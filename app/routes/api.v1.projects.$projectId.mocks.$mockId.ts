import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { appOrigin, jsonError } from '~/server/http.server'
import { mockJson } from '~/server/mocks/api.server'
import { deleteMock, getMock } from '~/server/mocks/service.server'

/** GET /api/v1/projects/:projectId/mocks/:mockId */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const mock = await getMock(project.id, params.mockId ?? '')
  if (!mock) return jsonError(404, 'Mock not found in this project.')
  return Response.json(mockJson(mock, appOrigin(request)))
}

/** DELETE /api/v1/projects/:projectId/mocks/:mockId */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'DELETE') return jsonError(405, 'Method not allowed. Use GET or DELETE.')
  const auth = await requireApiToken(request, params.projectId)
  const mock = await getMock(auth.project.id, params.mockId ?? '')
  if (!mock) return jsonError(404, 'Mock not found in this project.')
  await deleteMock(auth.project.id, mock.id, apiActor(auth, request))
  return new Response(null, { status: 204 })
}
