/**
 * Outgoing webhooks for the vendor's own systems: `{type, id, createdAt,
 * data}` as JSON, signed per Standard Webhooks (webhook-id,
 * webhook-timestamp, webhook-signature `v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>` keyed with the base64 part of the `whsec_` secret).
 */
import { newReceiverSecret, signatureHeaders } from '../environments/signatures.server'
import type { EventPayload } from '../events/record.server'

export const newSigningSecret = newReceiverSecret

export function webhookBody(
  event: { id: string; type: string; createdAt: Date; partnerProjectId: string | null },
  payload: EventPayload,
  origin: string,
): string {
  const { path, ...data } = payload
  return JSON.stringify({
    type: event.type,
    id: event.id,
    createdAt: event.createdAt.toISOString(),
    data: {
      ...data,
      partnerProjectId: event.partnerProjectId,
      ...(path ? { url: `${origin}${path}` } : {}),
    },
  })
}

/** The signed request headers for `body`; the delivery id is the webhook-id (stable across retries). */
export function webhookHeaders(secret: string, deliveryId: string, body: string, now = Date.now()) {
  return {
    'content-type': 'application/json',
    ...signatureHeaders('standard', secret, body, { id: `msg_${deliveryId}`, now }),
  }
}
