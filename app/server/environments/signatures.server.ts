/**
 * Webhook signature schemes the receiver verifies (and tests sign with):
 * - standard: Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 *   `webhook-signature: v1,<base64>`), HMAC-SHA256 over `id.timestamp.body`
 *   keyed with the base64 part of a `whsec_…` secret;
 * - stripe: `Stripe-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 over `t.body`;
 * - github: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 over the body;
 * - hmac-header: a named header carrying the hex HMAC-SHA256 of the body.
 * Comparisons are timing-safe; timestamps older or newer than 5 minutes fail.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { WebhookScheme } from '~/shared/environment-schemas'

export const TOLERANCE_SECONDS = 5 * 60

export function newReceiverSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

function standardKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
}

function hmac(key: Buffer | string, content: string | Buffer, encoding: 'hex' | 'base64') {
  return createHmac('sha256', key).update(content).digest(encoding)
}

function safeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export type Verification = { signed: boolean; verified: boolean; reason: string | null }

function fresh(timestamp: number, now: number): string | null {
  if (!Number.isFinite(timestamp)) return 'the timestamp is not a number'
  if (Math.abs(now / 1000 - timestamp) > TOLERANCE_SECONDS)
    return `the timestamp is ${Math.round(Math.abs(now / 1000 - timestamp))} s away from now (over ${TOLERANCE_SECONDS} s)`
  return null
}

/** Checks a delivery's signature. `headers` are lower-cased; `body` is the raw bytes as text. */
export function verifySignature(
  scheme: WebhookScheme,
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  { header, now = Date.now() }: { header?: string; now?: number } = {},
): Verification {
  switch (scheme) {
    case 'standard': {
      const id = headers['webhook-id']
      const timestamp = headers['webhook-timestamp']
      const signature = headers['webhook-signature']
      if (!id || !timestamp || !signature)
        return {
          signed: false,
          verified: false,
          reason: 'missing webhook-id, webhook-timestamp or webhook-signature',
        }
      const stale = fresh(Number(timestamp), now)
      if (stale) return { signed: true, verified: false, reason: stale }
      const expected = hmac(standardKey(secret), `${id}.${timestamp}.${body}`, 'base64')
      const match = signature
        .split(' ')
        .map((entry) => entry.split(','))
        .some(
          ([version, value]) =>
            version === 'v1' && value !== undefined && safeEqualText(value, expected),
        )
      return match
        ? { signed: true, verified: true, reason: null }
        : { signed: true, verified: false, reason: 'no v1 signature matches the secret' }
    }
    case 'stripe': {
      const signature = headers['stripe-signature']
      if (!signature) return { signed: false, verified: false, reason: 'missing Stripe-Signature' }
      const parts = signature.split(',').map((entry) => entry.trim().split('='))
      const timestamp = parts.find(([key]) => key === 't')?.[1]
      const values = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '')
      if (!timestamp || values.length === 0)
        return { signed: true, verified: false, reason: 'Stripe-Signature lacks t= or v1=' }
      const stale = fresh(Number(timestamp), now)
      if (stale) return { signed: true, verified: false, reason: stale }
      const expected = hmac(secret, `${timestamp}.${body}`, 'hex')
      return values.some((value) => safeEqualText(value, expected))
        ? { signed: true, verified: true, reason: null }
        : { signed: true, verified: false, reason: 'no v1 signature matches the secret' }
    }
    case 'github': {
      const signature = headers['x-hub-signature-256']
      if (!signature)
        return { signed: false, verified: false, reason: 'missing X-Hub-Signature-256' }
      const expected = `sha256=${hmac(secret, body, 'hex')}`
      return safeEqualText(signature.trim(), expected)
        ? { signed: true, verified: true, reason: null }
        : { signed: true, verified: false, reason: 'the signature does not match the secret' }
    }
    case 'hmac-header': {
      const name = (header ?? '').toLowerCase()
      const signature = name ? headers[name] : undefined
      if (!signature)
        return {
          signed: false,
          verified: false,
          reason: `missing ${header ?? 'the signature header'}`,
        }
      const expected = hmac(secret, body, 'hex')
      const given = signature
        .trim()
        .replace(/^sha256=/i, '')
        .toLowerCase()
      return safeEqualText(given, expected)
        ? { signed: true, verified: true, reason: null }
        : { signed: true, verified: false, reason: 'the signature does not match the secret' }
    }
  }
}

/** The headers a sender puts on a delivery in `scheme` (tests, docs, the demo). */
export function signatureHeaders(
  scheme: WebhookScheme,
  secret: string,
  body: string,
  {
    header,
    id = `msg_${randomBytes(8).toString('hex')}`,
    now = Date.now(),
  }: { header?: string; id?: string; now?: number } = {},
): Record<string, string> {
  const timestamp = Math.floor(now / 1000)
  switch (scheme) {
    case 'standard':
      return {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${hmac(standardKey(secret), `${id}.${timestamp}.${body}`, 'base64')}`,
      }
    case 'stripe':
      return {
        'stripe-signature': `t=${timestamp},v1=${hmac(secret, `${timestamp}.${body}`, 'hex')}`,
      }
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hmac(secret, body, 'hex')}` }
    case 'hmac-header':
      return { [(header ?? 'x-signature').toLowerCase()]: hmac(secret, body, 'hex') }
  }
}

/** Random bytes for ids. */
export function deliveryId(): string {
  return randomBytes(8).toString('hex')
}
