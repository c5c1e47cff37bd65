import type { ActionFunctionArgs } from '@remix-run/node'
import { BodyTooLargeError, getClientIp, jsonError, readBodyLimited } from '~/server/http.server'
import {
  PARTNER_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '~/server/traces/signature.server'
import { receiveSignedTraces, TraceIngestError } from '~/server/traces/ingest.server'
import { MAX_BATCH_BYTES, TraceBatchError } from '~/server/traces/parse.server'

export function loader() {
  return jsonError(
    405,
    'Method not allowed. POST a signed batch of traces (see the README, “Traces”).',
  )
}

/**
 * POST /api/v1/traces: one or many request/response pairs ({"traces": [...]} or a HAR 1.2
 * file), signed with the partner project's trace secret -> 201 {accepted, rejected}.
 * Deliberately public (no session, no project token): partners' integrations call it, and
 * the HMAC signature over timestamp + body with the partner project's secret (checked in
 * ingestTraces, replay- and age-guarded) is the authentication; unsigned batches are 401.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  let body: Uint8Array
  try {
    body = await readBodyLimited(request, MAX_BATCH_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return jsonError(413, `${error.message} Send at most 10 MB and 1,000 traces per request.`)
    throw error
  }
  try {
    const outcome = await receiveSignedTraces({
      partnerRef: request.headers.get(PARTNER_HEADER),
      timestamp: request.headers.get(TIMESTAMP_HEADER),
      signature: request.headers.get(SIGNATURE_HEADER),
      contentType: request.headers.get('content-type') ?? '',
      body,
      ip: getClientIp(request),
    })
    return Response.json(
      {
        accepted: outcome.accepted,
        valid: outcome.valid,
        rejected: outcome.rejected,
        ids: outcome.traceIds,
      },
      { status: outcome.accepted > 0 ? 201 : 422 },
    )
  } catch (error) {
    if (error instanceof TraceIngestError || error instanceof TraceBatchError)
      return jsonError(error.status, error.message)
    throw error
  }
}
