import type { ActionFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { jsonError } from '~/server/http.server'
import { controlMock, MockError } from '~/server/mocks/service.server'

export async function loader() {
  return jsonError(405, 'Method not allowed. Use POST.')
}

/** POST /api/v1/projects/:projectId/mocks/:mockId/reset: clears the mock's stored resources and idempotency keys. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const auth = await requireApiToken(request, params.projectId)
  try {
    await controlMock(auth.project.id, params.mockId ?? '', 'reset', apiActor(auth, request))
    return Response.json({ mockId: params.mockId, reset: true })
  } catch (error) {
    if (error instanceof MockError)
      return jsonError(error.message.includes('not running') ? 409 : 404, error.message)
    throw error
  }
}
