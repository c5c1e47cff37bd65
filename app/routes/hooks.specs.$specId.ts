import type { ActionFunctionArgs } from '@remix-run/node'
import { receiveSpecHook } from '~/server/drift/push.server'
import { BodyTooLargeError, jsonError, readBodyLimited } from '~/server/http.server'

/** A push notification is small (GitHub's push payloads included); the spec itself is fetched. */
const MAX_HOOK_BYTES = 1024 * 1024

export async function loader() {
  return jsonError(405, 'This is a spec update webhook: POST deliveries here.')
}

/**
 * POST /hooks/specs/:specId: a signed "the spec changed" notification (GitHub
 * push with X-Hub-Signature-256, or X-Copilot-Timestamp + X-Copilot-Signature).
 * Public by design; verified against the spec's sealed secret, then the spec's
 * source URL is fetched in a job (202). A GitHub ping answers 200.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'POST deliveries here.')
  let raw: Uint8Array
  try {
    raw = await readBodyLimited(request, MAX_HOOK_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError) return jsonError(413, error.message)
    throw error
  }
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value))
  const result = await receiveSpecHook(params.specId ?? '', headers, raw)
  return 'error' in result.body
    ? jsonError(result.status, result.body.error)
    : Response.json(result.body, { status: result.status })
}
