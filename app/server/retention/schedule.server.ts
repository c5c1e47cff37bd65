/**
 * When purges run: the job pool's timer queues one `retention.purge` job a
 * day per organisation that has a policy; "Purge now" queues one at once
 * (unless one is already waiting or running). Also the page's view of the
 * latest purge job and the latest audited purge.
 */
import { RETENTION_KINDS } from '~/shared/retention'
import { audit } from '../audit/log.server'
import { db } from '../db.server'
import { RETENTION_PURGE_JOB } from '../jobs/kinds'
import { announceJob, enqueueJob } from '../jobs/queue.server'

export const PURGE_EVERY_MS = 24 * 60 * 60 * 1000
/** A purge that fails is tried again (it is idempotent: it continues where it stopped). */
const PURGE_ATTEMPTS = 3

export type PurgeTrigger = 'schedule' | 'manual'

/** The payload's text always starts this way (JSON.stringify keeps key order), so jobs are found by it. */
const payloadPrefix = (organizationId: string) =>
  `{"organizationId":${JSON.stringify(organizationId)}`

function purgePayload(organizationId: string, trigger: PurgeTrigger) {
  return { organizationId, trigger }
}

/** The queued or running purge job of the organisation, if any. */
export function pendingPurgeJob(organizationId: string) {
  return db.job.findFirst({
    where: {
      kind: RETENTION_PURGE_JOB,
      status: { in: ['queued', 'running'] },
      payload: { startsWith: payloadPrefix(organizationId) },
    },
    orderBy: { createdAt: 'desc' },
  })
}

/**
 * Called by the job pool's timer: queues a purge for every organisation with
 * a policy that has had no purge job in the last day. Returns how many.
 */
export async function enqueueDuePurges(now = new Date()): Promise<number> {
  const orgs = await db.organization.findMany({
    where: { OR: RETENTION_KINDS.map((kind) => ({ [kind.column]: { not: null } })) },
    select: { id: true },
  })
  if (orgs.length === 0) return 0
  const recent = await db.job.findMany({
    where: {
      kind: RETENTION_PURGE_JOB,
      OR: [
        { createdAt: { gt: new Date(now.getTime() - PURGE_EVERY_MS) } },
        { status: { in: ['queued', 'running'] } },
      ],
    },
    select: { payload: true },
  })
  const covered = new Set<string>()
  for (const job of recent) {
    try {
      const payload = JSON.parse(job.payload) as { organizationId?: unknown }
      if (typeof payload.organizationId === 'string') covered.add(payload.organizationId)
    } catch {
      // not ours to judge
    }
  }
  let queued = 0
  for (const org of orgs) {
    if (covered.has(org.id)) continue
    await enqueueJob(RETENTION_PURGE_JOB, purgePayload(org.id, 'schedule'), {
      maxAttempts: PURGE_ATTEMPTS,
    })
    queued += 1
  }
  if (queued > 0) announceJob()
  return queued
}

/** "Purge now": queues a purge unless one is waiting or running already (then returns that one). */
export async function requestPurge(
  organizationId: string,
  actor: { userId: string; ip?: string },
): Promise<{ queued: boolean; job: { id: string; status: string; createdAt: Date } }> {
  const pending = await pendingPurgeJob(organizationId)
  if (pending) return { queued: false, job: pending }
  const job = await enqueueJob(RETENTION_PURGE_JOB, purgePayload(organizationId, 'manual'), {
    maxAttempts: PURGE_ATTEMPTS,
  })
  announceJob()
  await audit({
    action: 'retention.purge_requested',
    actorUserId: actor.userId,
    organizationId,
    targetType: 'organization',
    targetId: organizationId,
    ip: actor.ip,
    metadata: { jobId: job.id },
  })
  return { queued: true, job }
}

export type LastPurge = {
  at: string
  completed: boolean
  error: string | null
  trigger: string
  counts: Record<string, number>
  heldCount: number
}

/** The latest purge job (queued, running, done or failed) and the latest purge that deleted something. */
export async function purgeStatus(organizationId: string) {
  const [job, entry] = await Promise.all([
    db.job.findFirst({
      where: { kind: RETENTION_PURGE_JOB, payload: { startsWith: payloadPrefix(organizationId) } },
      orderBy: { createdAt: 'desc' },
      select: {
        id: true,
        status: true,
        createdAt: true,
        finishedAt: true,
        lastError: true,
        attempts: true,
        maxAttempts: true,
      },
    }),
    db.auditLog.findFirst({
      where: { organizationId, action: 'retention.purged' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true, metadata: true },
    }),
  ])
  let last: LastPurge | null = null
  if (entry) {
    let metadata: Record<string, unknown> = {}
    try {
      metadata = JSON.parse(entry.metadata) as Record<string, unknown>
    } catch {
      metadata = {}
    }
    const counts =
      metadata.counts && typeof metadata.counts === 'object'
        ? Object.fromEntries(
            Object.entries(metadata.counts as Record<string, unknown>).filter(
              (pair): pair is [string, number] => typeof pair[1] === 'number',
            ),
          )
        : {}
    last = {
      at: entry.createdAt.toISOString(),
      completed: metadata.completed !== false,
      error: typeof metadata.error === 'string' ? metadata.error : null,
      trigger: typeof metadata.trigger === 'string' ? metadata.trigger : 'schedule',
      counts,
      heldCount: typeof metadata.heldCount === 'number' ? metadata.heldCount : 0,
    }
  }
  return {
    job: job
      ? {
          id: job.id,
          status: job.status,
          createdAt: job.createdAt.toISOString(),
          finishedAt: job.finishedAt?.toISOString() ?? null,
          error: job.lastError,
        }
      : null,
    last,
  }
}
