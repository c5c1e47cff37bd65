import type { ActionFunctionArgs } from '@remix-run/node'
import { jsonError, readBodyLimited, BodyTooLargeError } from '~/server/http.server'
import { MAX_DELIVERY_BYTES, receiveWebhook } from '~/server/environments/receiver.server'

export async function loader() {
  return jsonError(405, 'This is a webhook receiver: POST deliveries here.')
}

/**
 * POST /hooks/:environmentId: a vendor sandbox's webhook delivery. Public by
 * design (servers call it, no session is read); the signature is checked
 * against the environment's secret and scheme, and the delivery is stored for
 * the runs that judge it. Unknown environments get 404; bodies over 256 KB 413.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'POST deliveries here.')
  let raw: Uint8Array
  try {
    raw = await readBodyLimited(request, MAX_DELIVERY_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError) return jsonError(413, error.message)
    throw error
  }
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value))
  const received = await receiveWebhook(
    params.environmentId ?? '',
    headers,
    new TextDecoder().decode(raw),
  )
  if (!received) return jsonError(404, 'No environment has this receiver.')
  return Response.json(
    {
      received: received.id,
      verified: received.verified,
      ...(received.reason ? { reason: received.reason } : {}),
    },
    { status: 202 },
  )
}
