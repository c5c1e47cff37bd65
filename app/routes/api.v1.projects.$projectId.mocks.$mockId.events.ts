import type { ActionFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { jsonError, readJsonBody } from '~/server/http.server'
import { MockError, sendTestEvent } from '~/server/mocks/service.server'

export async function loader() {
  return jsonError(405, 'Method not allowed. POST {"event": "<webhook or callback name>"}.')
}

/** POST /api/v1/projects/:projectId/mocks/:mockId/events {event}: sends a signed test event to the mock's webhook target. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const auth = await requireApiToken(request, params.projectId)
  const body = await readJsonBody(request, 10_000, '{"event": "<webhook or callback name>"}')
  if ('error' in body) return body.error
  const event = (body.value as { event?: unknown } | null)?.event
  if (typeof event !== 'string' || !event)
    return jsonError(400, 'Name the event: {"event": "newPet"}.')
  try {
    const { deliveryId } = await sendTestEvent(
      auth.project.id,
      params.mockId ?? '',
      event,
      apiActor(auth, request),
    )
    return Response.json({ deliveryId, status: 'pending' }, { status: 202 })
  } catch (error) {
    if (error instanceof MockError)
      return jsonError(/does not exist/.test(error.message) ? 404 : 422, error.message)
    throw error
  }
}
