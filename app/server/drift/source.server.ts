/**
 * Where a spec comes from when it is pushed: its source URL, the inbound
 * webhook's scheme (GitHub push or generic HMAC) and sealed signing secret,
 * and whether a new version starts a run against the Mock. Reads, writes
 * (audited) and the verification of an inbound delivery.
 */
import { z } from 'zod'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { verifySignature } from '../environments/signatures.server'
import { decryptSecret, encryptSecret, maskSecret, randomToken, safeEqual } from '../crypto.server'
import { MAX_SKEW_SECONDS, signTraceBatch } from '../traces/signature.server'

export const INBOUND_SCHEMES = ['github', 'hmac'] as const
export type InboundScheme = (typeof INBOUND_SCHEMES)[number]

/** The settings form (also a JSON shape): an http(s) URL of at most 2,000 characters, or none. */
export const SpecSourceSchema = z.object({
  sourceUrl: z
    .string()
    .trim()
    .max(2000)
    .refine((value) => value === '' || /^https?:\/\/[^\s]+$/i.test(value), {
      message: 'Give an http(s) URL of the spec document.',
    })
    .transform((value) => (value === '' ? null : value))
    .nullable(),
  inboundScheme: z.enum(INBOUND_SCHEMES),
  runOnNewVersion: z.boolean(),
})
export type SpecSourceInput = z.infer<typeof SpecSourceSchema>

export class SpecSourceError extends Error {
  constructor(
    message: string,
    readonly status = 404,
  ) {
    super(message)
  }
}

/** The inbound webhook's path for a spec. */
export function inboundPath(specId: string) {
  return `/hooks/specs/${specId}`
}

async function ownedSpec(projectId: string, specId: string) {
  const spec = await db.spec.findFirst({ where: { id: specId, projectId } })
  if (!spec) throw new SpecSourceError('That spec does not exist in this project.')
  return spec
}

/** What the settings page shows: never the secret, only whether one is set and its last characters. */
export async function readSpecSource(projectId: string, specId: string) {
  const spec = await ownedSpec(projectId, specId)
  return {
    specId: spec.id,
    specName: spec.name,
    sourceUrl: spec.sourceUrl,
    inboundScheme: (spec.inboundScheme === 'hmac' ? 'hmac' : 'github') as InboundScheme,
    runOnNewVersion: spec.runOnNewVersion,
    inboundPath: inboundPath(spec.id),
    secretMask: spec.inboundSecret ? maskSecret(decryptSecret(spec.inboundSecret)) : null,
  }
}

/** Saves the source settings; a first save also creates the signing secret (returned once). */
export async function saveSpecSource(
  actor: Actor,
  specId: string,
  input: SpecSourceInput,
): Promise<{ secret: string | null }> {
  const spec = await ownedSpec(actor.projectId, specId)
  const secret = spec.inboundSecret ? null : newInboundSecret()
  await db.spec.update({
    where: { id: spec.id },
    data: {
      sourceUrl: input.sourceUrl,
      inboundScheme: input.inboundScheme,
      runOnNewVersion: input.runOnNewVersion,
      ...(secret ? { inboundSecret: encryptSecret(secret) } : {}),
    },
  })
  await auditAs(
    actor,
    'spec.source_updated',
    { type: 'spec', id: spec.id },
    {
      sourceUrl: input.sourceUrl,
      inboundScheme: input.inboundScheme,
      runOnNewVersion: input.runOnNewVersion,
      ...(secret ? { secretCreated: true } : {}),
    },
  )
  return { secret }
}

/** A new signing secret replaces the old one at once (shown once). */
export async function rotateInboundSecret(actor: Actor, specId: string): Promise<string> {
  const spec = await ownedSpec(actor.projectId, specId)
  const secret = newInboundSecret()
  await db.spec.update({ where: { id: spec.id }, data: { inboundSecret: encryptSecret(secret) } })
  await auditAs(actor, 'spec.inbound_secret_rotated', { type: 'spec', id: spec.id })
  return secret
}

function newInboundSecret() {
  return `spsec_${randomToken(24)}`
}

export type InboundVerdict =
  | { ok: true; spec: { id: string; projectId: string; sourceUrl: string | null } }
  | { ok: false; status: 401 | 404 | 409; reason: string }

/**
 * Verifies a delivery to /hooks/specs/<specId>: `github` wants
 * `X-Hub-Signature-256: sha256=<hex HMAC of the body>`; `hmac` wants
 * `X-Copilot-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` with an
 * `X-Copilot-Timestamp` within five minutes. Timing-safe both ways. A spec
 * without a secret (never configured) has no inbound webhook: 404.
 */
export async function verifyInbound(
  specId: string,
  headers: Record<string, string | undefined>,
  body: Uint8Array,
  now = Date.now(),
): Promise<InboundVerdict> {
  const spec = specId
    ? await db.spec.findUnique({
        where: { id: specId },
        select: {
          id: true,
          projectId: true,
          sourceUrl: true,
          inboundScheme: true,
          inboundSecret: true,
        },
      })
    : null
  if (!spec?.inboundSecret)
    return { ok: false, status: 404, reason: 'No spec has this inbound webhook.' }
  const secret = decryptSecret(spec.inboundSecret)
  if (spec.inboundScheme === 'hmac') {
    const reason = hmacRefusal(secret, headers, body, now)
    if (reason) return { ok: false, status: 401, reason }
  } else {
    const verdict = verifySignature('github', secret, headers, Buffer.from(body).toString('utf8'))
    if (!verdict.verified)
      return { ok: false, status: 401, reason: verdict.reason ?? 'The signature does not verify.' }
  }
  const { inboundSecret: _secret, inboundScheme: _scheme, ...rest } = spec
  return { ok: true, spec: rest }
}

/** Why a generic HMAC delivery is refused, or null (the trace batches' signing rule, another secret). */
function hmacRefusal(
  secret: string,
  headers: Record<string, string | undefined>,
  body: Uint8Array,
  now: number,
): string | null {
  const timestamp = headers['x-copilot-timestamp']?.trim()
  const signature = headers['x-copilot-signature']?.trim()
  if (!signature)
    return 'missing X-Copilot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">'
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return 'missing X-Copilot-Timestamp (unix seconds)'
  const skew = Math.abs(Math.floor(now / 1000) - Number(timestamp))
  if (skew > MAX_SKEW_SECONDS)
    return `the timestamp is ${skew} s away from now (over ${MAX_SKEW_SECONDS} s)`
  return safeEqual(signature.toLowerCase(), signTraceBatch(secret, timestamp, body))
    ? null
    : 'the signature does not match the secret'
}
