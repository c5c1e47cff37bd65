/**
 * HMAC signatures of trace batches (decision 017): a partner signs
 * `<unix seconds>.<raw body>` with its partner project's secret and sends
 * `X-Copilot-Timestamp` and `X-Copilot-Signature: sha256=<hex>`. A batch is
 * accepted within five minutes of its timestamp, with the current secret or,
 * during a rotation's overlap window, the previous one; the comparison is
 * timing-safe. Pure: replay protection is the store's job.
 */
import crypto from 'node:crypto'

export const PARTNER_HEADER = 'x-copilot-partner'
export const TIMESTAMP_HEADER = 'x-copilot-timestamp'
export const SIGNATURE_HEADER = 'x-copilot-signature'
/** How far a batch's timestamp may be from the server's clock, either way. */
export const MAX_SKEW_SECONDS = 300

/** The signature header value for a body: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function signTraceBatch(
  secret: string,
  timestamp: number | string,
  body: Uint8Array | string,
) {
  const hmac = crypto.createHmac('sha256', secret)
  hmac.update(`${timestamp}.`)
  hmac.update(body)
  return `sha256=${hmac.digest('hex')}`
}

export type SignatureVerdict =
  { ok: true; signature: string; secretIndex: number } | { ok: false; reason: string }

export function verifyTraceSignature({
  timestamp,
  signature,
  body,
  secrets,
  now = Date.now(),
}: {
  timestamp: string | null
  signature: string | null
  body: Uint8Array
  /** Candidate secrets, the current one first. */
  secrets: string[]
  now?: number
}): SignatureVerdict {
  if (!signature && !timestamp)
    return {
      ok: false,
      reason:
        'The batch is not signed. Send X-Copilot-Timestamp (unix seconds) and X-Copilot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> with the partner project’s trace secret.',
    }
  if (!timestamp) return { ok: false, reason: 'X-Copilot-Timestamp is missing (unix seconds).' }
  if (!/^\d{1,12}$/.test(timestamp.trim()))
    return {
      ok: false,
      reason: `X-Copilot-Timestamp must be unix seconds (e.g. ${Math.floor(now / 1000)}); got “${timestamp.slice(0, 40)}”.`,
    }
  const seconds = Number(timestamp.trim())
  const skew = Math.floor(now / 1000) - seconds
  if (skew > MAX_SKEW_SECONDS)
    return {
      ok: false,
      reason: `The signature is too old: its timestamp is ${skew} s in the past and batches are accepted for ${MAX_SKEW_SECONDS / 60} minutes. Sign each batch when you send it.`,
    }
  if (-skew > MAX_SKEW_SECONDS)
    return {
      ok: false,
      reason: `The timestamp is ${-skew} s in the future: check the sending machine’s clock.`,
    }
  if (!signature) return { ok: false, reason: 'X-Copilot-Signature is missing.' }
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim())
  if (!match)
    return {
      ok: false,
      reason: 'X-Copilot-Signature must read sha256=<64 hex characters>.',
    }
  if (secrets.length === 0)
    return {
      ok: false,
      reason:
        'This partner project has no trace secret yet: the vendor creates one on the Traces tab.',
    }
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex')
  let found = -1
  // Every candidate is compared (no early exit), each in constant time.
  secrets.forEach((secret, index) => {
    const expected = Buffer.from(signTraceBatch(secret, timestamp.trim(), body).slice(7), 'hex')
    if (crypto.timingSafeEqual(expected, given) && found === -1) found = index
  })
  if (found === -1)
    return {
      ok: false,
      reason:
        'The signature does not match: sign "<timestamp>.<raw body>" with HMAC-SHA256 and the partner project’s current trace secret, over the exact bytes you send.',
    }
  return { ok: true, signature: match[1]!.toLowerCase(), secretIndex: found }
}
