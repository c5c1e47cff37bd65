/**
 * The webhook receiver of an environment (`POST /hooks/<environmentId>`): a
 * vendor points its sandbox at it. Each delivery is stored with its
 * signature check (the environment's scheme and secret) and the documented
 * event it matches in the spec of the environment's latest run; the runs
 * that triggered it judge it with the webhook templates.
 */
import type { WebhookScheme } from '~/shared/environment-schemas'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { decryptSecret } from '../crypto.server'
import { db } from '../db.server'
import { redactHeaders } from '../redact.server'
import { SpecSchemas } from '../specs/schemas.server'
import { matchEvent } from './events.server'
import { verifySignature } from './signatures.server'

export const MAX_DELIVERY_BYTES = 256 * 1024
const KEPT_PER_ENVIRONMENT = 1_000
const SIGNATURE_HEADERS = ['webhook-signature', 'stripe-signature', 'x-hub-signature-256']

export async function receiveWebhook(
  environmentId: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ id: string; verified: boolean; reason: string | null } | null> {
  const environment = await db.environment.findUnique({ where: { id: environmentId } })
  if (!environment) return null
  let secret = ''
  try {
    secret = environment.webhookSecret ? decryptSecret(environment.webhookSecret) : ''
  } catch {
    secret = ''
  }
  const verification = secret
    ? verifySignature(environment.webhookScheme as WebhookScheme, secret, headers, body, {
        header: environment.webhookHeader ?? undefined,
      })
    : { signed: false, verified: false, reason: 'the environment has no receiver secret' }
  const latest = await db.run.findFirst({
    where: { environmentId },
    orderBy: { createdAt: 'desc' },
    select: { specVersion: { select: { normalized: true } } },
  })
  let match: ReturnType<typeof matchEvent> = { eventName: null, valid: null, violations: [] }
  if (latest) {
    const spec = JSON.parse(latest.specVersion.normalized) as NormalizedSpec
    match = matchEvent(spec, new SpecSchemas(spec), body)
  }
  // Signature headers are evidence, not credentials: kept as received.
  const kept = redactHeaders(headers)
  for (const name of [...SIGNATURE_HEADERS, (environment.webhookHeader ?? '').toLowerCase()])
    if (name && headers[name] !== undefined) kept[name] = headers[name]!
  const receipt = await db.webhookReceipt.create({
    data: {
      environmentId,
      headers: JSON.stringify(kept),
      body,
      signed: verification.signed,
      verified: verification.verified,
      verifyReason: verification.reason,
      eventName: match.eventName,
      valid: match.valid,
      violations: JSON.stringify(match.violations.slice(0, 50)),
    },
  })
  const cutoff = await db.webhookReceipt.findFirst({
    where: { environmentId },
    orderBy: { receivedAt: 'desc' },
    skip: KEPT_PER_ENVIRONMENT,
    select: { receivedAt: true },
  })
  if (cutoff)
    await db.webhookReceipt.deleteMany({
      where: { environmentId, receivedAt: { lte: cutoff.receivedAt } },
    })
  return { id: receipt.id, verified: verification.verified, reason: verification.reason }
}

export function listReceipts(environmentId: string, take = 20) {
  return db.webhookReceipt.findMany({
    where: { environmentId },
    orderBy: { receivedAt: 'desc' },
    take,
  })
}
