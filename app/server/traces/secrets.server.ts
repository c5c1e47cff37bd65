/**
 * Each partner project's trace secret: created or rotated by the vendor,
 * returned in full only then, sealed at rest. A rotation keeps the previous
 * secret valid for an overlap window so a partner can switch without losing
 * a batch.
 */
import { type Actor, auditAs } from '../audit/log.server'
import { decryptSecret, encryptSecret, maskSecret, randomToken } from '../crypto.server'
import { db } from '../db.server'

export const DEFAULT_OVERLAP_HOURS = 24
export const MAX_OVERLAP_HOURS = 24 * 14

export function newTraceSecret(): string {
  return `tsk_${randomToken(32)}`
}

function unseal(sealed: string | null): string | null {
  if (!sealed) return null
  try {
    return decryptSecret(sealed)
  } catch {
    return null
  }
}

type SecretColumns = {
  traceSecret: string | null
  traceSecretPrev: string | null
  traceSecretPrevUntil: Date | null
}

/** The secrets a batch may be signed with now: the current one, then the previous one while its window lasts. */
export function acceptedSecrets(row: SecretColumns, now = new Date()): string[] {
  const secrets: string[] = []
  const current = unseal(row.traceSecret)
  if (current) secrets.push(current)
  if (row.traceSecretPrevUntil && row.traceSecretPrevUntil > now) {
    const previous = unseal(row.traceSecretPrev)
    if (previous) secrets.push(previous)
  }
  return secrets
}

/** What pages show: masked values and the overlap window. */
export function secretStatus(
  row: SecretColumns & { traceSecretRotatedAt: Date | null },
  now = new Date(),
) {
  const current = unseal(row.traceSecret)
  return {
    configured: Boolean(row.traceSecret),
    masked: current ? maskSecret(current) : row.traceSecret ? 'unreadable (rotate it)' : null,
    rotatedAt: row.traceSecretRotatedAt?.toISOString() ?? null,
    previousValidUntil:
      row.traceSecretPrevUntil && row.traceSecretPrevUntil > now
        ? row.traceSecretPrevUntil.toISOString()
        : null,
  }
}

export class TraceSecretError extends Error {}

/**
 * A new secret for the partner project, returned in full this once. The one
 * it replaces keeps verifying for `overlapHours` (0: it stops at once).
 */
export async function rotateTraceSecret(
  projectId: string,
  partnerProjectId: string,
  actor: Actor,
  { overlapHours = DEFAULT_OVERLAP_HOURS }: { overlapHours?: number } = {},
): Promise<string> {
  const row = await db.partnerProject.findFirst({ where: { id: partnerProjectId, projectId } })
  if (!row) throw new TraceSecretError('Partner project not found.')
  const hours = Math.max(0, Math.min(MAX_OVERLAP_HOURS, Math.floor(overlapHours)))
  const secret = newTraceSecret()
  const now = new Date()
  const keepPrevious = Boolean(row.traceSecret) && hours > 0
  await db.partnerProject.updateMany({
    where: { id: row.id, projectId },
    data: {
      traceSecret: encryptSecret(secret),
      traceSecretPrev: keepPrevious ? row.traceSecret : null,
      traceSecretPrevUntil: keepPrevious ? new Date(now.getTime() + hours * 3600_000) : null,
      traceSecretRotatedAt: now,
    },
  })
  await auditAs(
    actor,
    row.traceSecret ? 'trace_secret.rotated' : 'trace_secret.created',
    { type: 'partner_project', id: row.id },
    { overlapHours: keepPrevious ? hours : 0 },
  )
  return secret
}

/** Ends the overlap window now: only the current secret verifies. */
export async function retirePreviousSecret(
  projectId: string,
  partnerProjectId: string,
  actor: Actor,
) {
  const result = await db.partnerProject.updateMany({
    where: { id: partnerProjectId, projectId },
    data: { traceSecretPrev: null, traceSecretPrevUntil: null },
  })
  if (result.count !== 1) throw new TraceSecretError('Partner project not found.')
  await auditAs(actor, 'trace_secret.previous_retired', {
    type: 'partner_project',
    id: partnerProjectId,
  })
}

/** The seed's DEMO_TRACE_SECRET: sets a known secret (no overlap). */
export async function setTraceSecret(partnerProjectId: string, secret: string) {
  await db.partnerProject.update({
    where: { id: partnerProjectId },
    data: {
      traceSecret: encryptSecret(secret),
      traceSecretPrev: null,
      traceSecretPrevUntil: null,
      traceSecretRotatedAt: new Date(),
    },
  })
}

/** The signing secret's state for the partner's own Traces page (masked, never in full). */
export async function partnerSecretStatus(partnerProjectId: string) {
  const row = await db.partnerProject.findUniqueOrThrow({ where: { id: partnerProjectId } })
  return secretStatus(row)
}
