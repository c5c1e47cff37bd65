/**
 * An organisation's retention policy (settings/retention): days to keep each
 * kind of data (null keeps it forever), changed by its owner and audited with
 * before and after, and the cut-off dates it gives at a moment.
 */
import {
  RETENTION_KINDS,
  type RetentionColumn,
  type RetentionKind,
  type RetentionPolicy,
} from '~/shared/retention'
import { audit } from '../audit/log.server'
import { db } from '../db.server'

const DAY_MS = 24 * 60 * 60 * 1000

export type PolicyColumns = Record<RetentionColumn, number | null>

export function policyOf(org: PolicyColumns): RetentionPolicy {
  return Object.fromEntries(
    RETENTION_KINDS.map((kind) => [kind.key, org[kind.column] ?? null]),
  ) as RetentionPolicy
}

/** Whether the policy purges anything at all. */
export function hasPolicy(policy: RetentionPolicy): boolean {
  return RETENTION_KINDS.some((kind) => policy[kind.key] !== null)
}

/** Rows older than these dates are purged; null: that kind is kept forever. */
export function cutoffsOf(
  policy: RetentionPolicy,
  now: Date = new Date(),
): Record<RetentionKind, Date | null> {
  return Object.fromEntries(
    RETENTION_KINDS.map((kind) => {
      const days = policy[kind.key]
      return [kind.key, days === null ? null : new Date(now.getTime() - days * DAY_MS)]
    }),
  ) as Record<RetentionKind, Date | null>
}

export async function readPolicy(organizationId: string) {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: {
      retainTracesDays: true,
      retainMockLogsDays: true,
      retainRunArtifactsDays: true,
      retainEvidenceDays: true,
      lastPurgeAt: true,
    },
  })
  return { policy: policyOf(org), lastPurgeAt: org.lastPurgeAt }
}

/**
 * Replaces the policy (a kind left out keeps its data forever) and audits
 * `retention.updated` with before and after when anything changed.
 */
export async function updatePolicy(
  organizationId: string,
  next: Partial<Record<RetentionKind, number | undefined | null>>,
  actor: { userId: string; ip?: string },
): Promise<{ before: RetentionPolicy; after: RetentionPolicy; changed: boolean }> {
  const { policy: before } = await readPolicy(organizationId)
  const after = Object.fromEntries(
    RETENTION_KINDS.map((kind) => [kind.key, next[kind.key] ?? null]),
  ) as RetentionPolicy
  const changed = RETENTION_KINDS.some((kind) => before[kind.key] !== after[kind.key])
  if (!changed) return { before, after, changed }
  await db.organization.update({
    where: { id: organizationId },
    data: Object.fromEntries(RETENTION_KINDS.map((kind) => [kind.column, after[kind.key]])),
  })
  await audit({
    action: 'retention.updated',
    actorUserId: actor.userId,
    organizationId,
    targetType: 'organization',
    targetId: organizationId,
    ip: actor.ip,
    metadata: { before, after },
  })
  return { before, after, changed }
}
