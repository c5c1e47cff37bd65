/**
 * Webhook and callback deliveries from mocks: a generated payload, signed
 * with HMAC-SHA256 over `id.timestamp.body` (Webhook-Id, Webhook-Timestamp,
 * Webhook-Signature headers), sent through the guarded outbound client, with
 * retries and exponential backoff on failures; every attempt is recorded.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { decryptSecret, encryptSecret, maskSecret, maskUrl, randomToken } from '../crypto.server'
import { db } from '../db.server'
import { fetchGuarded, OutboundError } from '../outbound.server'
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'

export const MAX_ATTEMPTS = 4
const BASE_BACKOFF_MS = Number(process.env.WEBHOOK_BACKOFF_MS || 1_000)

export type Attempt = {
  at: string
  status: number | null
  error: string | null
  durationMs: number
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/** The events a mock can send: the spec's webhooks and the callbacks of its operations. */
export function webhookEvents(
  spec: NormalizedSpec,
): { name: string; operation: NormalizedOperation }[] {
  const events = spec.webhooks.map((operation) => ({ name: operation.path, operation }))
  for (const operation of spec.operations) {
    for (const callback of operation.callbacks) {
      for (const callbackOperation of callback.operations)
        events.push({ name: `${callback.name} (${operation.id})`, operation: callbackOperation })
    }
  }
  return events
}

function newSigningSecret() {
  return `whsec_${randomToken(24)}`
}

/**
 * The signing secret for a delivery. A mock that has none yet (a callback
 * fired before anyone set a target) gets one here, on the delivery path,
 * never on a page load; a vendor reads it by rotating it.
 */
async function signingSecret(mockId: string): Promise<string> {
  const mock = await db.mock.findUniqueOrThrow({
    where: { id: mockId },
    select: { webhookSecret: true },
  })
  if (mock.webhookSecret) return decryptSecret(mock.webhookSecret)
  const secret = newSigningSecret()
  await db.mock.update({ where: { id: mockId }, data: { webhookSecret: encryptSecret(secret) } })
  return secret
}

/** The secret as pages show it: masked, or null when there is none yet. Reads only. */
export async function maskedWebhookSecret(mockId: string): Promise<string | null> {
  const mock = await db.mock.findUniqueOrThrow({
    where: { id: mockId },
    select: { webhookSecret: true },
  })
  if (!mock.webhookSecret) return null
  try {
    return maskSecret(decryptSecret(mock.webhookSecret))
  } catch {
    return 'unreadable (rotate it)'
  }
}

/**
 * Creates the secret when the mock has none. Returns the new secret (to show
 * once) or null when one already existed.
 */
export async function ensureWebhookSecret(mockId: string): Promise<string | null> {
  const secret = newSigningSecret()
  const result = await db.mock.updateMany({
    where: { id: mockId, webhookSecret: null },
    data: { webhookSecret: encryptSecret(secret) },
  })
  return result.count === 1 ? secret : null
}

/** A new secret replaces the old one at once; returned in full this one time. */
export async function rotateWebhookSecret(mockId: string): Promise<string> {
  const secret = newSigningSecret()
  await db.mock.update({ where: { id: mockId }, data: { webhookSecret: encryptSecret(secret) } })
  return secret
}

export async function setWebhookTarget(mockId: string, url: string | null) {
  await db.mock.update({
    where: { id: mockId },
    data: { webhookTargetUrl: url ? encryptSecret(url) : null },
  })
}

export async function webhookTarget(mockId: string): Promise<string | null> {
  const mock = await db.mock.findUniqueOrThrow({
    where: { id: mockId },
    select: { webhookTargetUrl: true },
  })
  return mock.webhookTargetUrl ? decryptSecret(mock.webhookTargetUrl) : null
}

async function attempt(
  url: string,
  secret: string,
  deliveryId: string,
  body: string,
): Promise<Attempt> {
  const started = Date.now()
  const timestamp = Math.floor(started / 1000)
  try {
    const response = await fetchGuarded(url, {
      method: 'POST',
      body,
      timeoutMs: 10_000,
      maxBytes: 64 * 1024,
      headers: {
        'content-type': 'application/json',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, deliveryId, timestamp, body),
      },
    })
    const ok = response.status >= 200 && response.status < 300
    return {
      at: new Date(started).toISOString(),
      status: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      durationMs: Date.now() - started,
    }
  } catch (error) {
    const raw = error instanceof OutboundError ? error.message : (error as Error).message
    // Error texts may quote the target, whose path or query can carry its secret.
    const message = raw.replace(/https?:\/\/[^\s"']+/g, (found) => maskUrl(found))
    return {
      at: new Date(started).toISOString(),
      status: null,
      error: message,
      durationMs: Date.now() - started,
    }
  }
}

/**
 * Records a delivery and sends it in the background (retries: 1, 2, 4 x
 * WEBHOOK_BACKOFF_MS). Returns the delivery id at once; `done` settles when
 * the last attempt is recorded.
 */
export async function deliverEvent(input: {
  mockId: string
  event: string
  url: string
  payload: unknown
}): Promise<{ deliveryId: string; done: Promise<void> }> {
  const body = JSON.stringify(input.payload)
  const delivery = await db.webhookDelivery.create({
    data: {
      mockId: input.mockId,
      event: input.event,
      target: maskUrl(input.url),
      payload: body.slice(0, 64 * 1024),
    },
  })
  const secret = await signingSecret(input.mockId)
  const webhookId = `msg_${randomUUID()}`
  const done = (async () => {
    const attempts: Attempt[] = []
    for (let index = 0; index < MAX_ATTEMPTS; index++) {
      if (index > 0)
        await new Promise((resolve) => setTimeout(resolve, BASE_BACKOFF_MS * 2 ** (index - 1)))
      const result = await attempt(input.url, secret, webhookId, body)
      attempts.push(result)
      const delivered = result.error === null
      const blocked = result.status === null && /Refused|Only http/.test(result.error ?? '')
      const final = delivered || blocked || index === MAX_ATTEMPTS - 1
      await db.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts: JSON.stringify(attempts),
          status: delivered ? 'delivered' : final ? 'failed' : 'pending',
        },
      })
      if (final) return
    }
  })().catch((error: unknown) => console.error('[webhooks] delivery bookkeeping failed', error))
  return { deliveryId: delivery.id, done }
}
