/**
 * The one durable job queue (decision 010): a Job row per piece of background
 * work. Workers claim a queued job with a lease (an optimistic compare-and-set
 * that SQLite serialises), extend the lease while they work, and finish it;
 * a lease that expires (a dead worker) puts the job back or, past its
 * attempts, fails it and tells its kind's handler so it can clean up (a run
 * becomes "interrupted").
 */
import { db } from '../db.server'
import { publish } from '../live.server'

export const JOBS_TOPIC = 'jobs:queued'

/** Tells the workers a job is waiting (they also poll). */
export function announceJob() {
  publish(JOBS_TOPIC)
}

export type JobRow = Awaited<ReturnType<typeof db.job.findUniqueOrThrow>>

export const LEASE_MS = 30_000

export async function enqueueJob(
  kind: string,
  payload: Record<string, unknown>,
  { runAt = new Date(), maxAttempts = 1 }: { runAt?: Date; maxAttempts?: number } = {},
) {
  return db.job.create({
    data: { kind, payload: JSON.stringify(payload), runAt, maxAttempts },
  })
}

/**
 * Queues a job unless the same kind with the same payload is already waiting
 * (work that only needs doing once, however often it is asked for: a plan to
 * re-evaluate after new evidence). Wakes the workers.
 */
export async function enqueueUniqueJob(
  kind: string,
  payload: Record<string, unknown>,
  options: { runAt?: Date; maxAttempts?: number } = {},
) {
  const text = JSON.stringify(payload)
  const waiting = await db.job.findFirst({
    where: { kind, payload: text, status: 'queued' },
    select: { id: true },
  })
  if (waiting) return null
  const job = await enqueueJob(kind, payload, options)
  announceJob()
  return job
}

/** Claims the oldest due job of `kinds` for `workerId`, or returns null. */
export async function claimJob(
  workerId: string,
  kinds: string[],
  now = new Date(),
): Promise<JobRow | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = await db.job.findFirst({
      where: { status: 'queued', runAt: { lte: now }, kind: { in: kinds } },
      orderBy: [{ runAt: 'asc' }, { createdAt: 'asc' }],
      select: { id: true },
    })
    if (!candidate) return null
    const claimed = await db.job.updateMany({
      where: { id: candidate.id, status: 'queued' },
      data: {
        status: 'running',
        lockedBy: workerId,
        leaseExpiresAt: new Date(now.getTime() + LEASE_MS),
        attempts: { increment: 1 },
      },
    })
    if (claimed.count === 1) return db.job.findUniqueOrThrow({ where: { id: candidate.id } })
    // Another worker took it first: try the next one.
  }
  return null
}

/** Extends the lease; false when the job is no longer this worker's (cancelled, recovered). */
export async function heartbeat(
  jobId: string,
  workerId: string,
  now = new Date(),
): Promise<boolean> {
  const result = await db.job.updateMany({
    where: { id: jobId, lockedBy: workerId, status: 'running' },
    data: { leaseExpiresAt: new Date(now.getTime() + LEASE_MS) },
  })
  return result.count === 1
}

export async function completeJob(jobId: string, workerId: string) {
  await db.job.updateMany({
    where: { id: jobId, lockedBy: workerId },
    data: { status: 'done', finishedAt: new Date(), leaseExpiresAt: null },
  })
}

export async function failJob(jobId: string, workerId: string, error: string) {
  const job = await db.job.findUnique({ where: { id: jobId } })
  if (!job || job.lockedBy !== workerId) return
  const retry = job.attempts < job.maxAttempts
  await db.job.update({
    where: { id: jobId },
    data: retry
      ? {
          status: 'queued',
          lockedBy: null,
          leaseExpiresAt: null,
          lastError: error.slice(0, 2000),
          runAt: new Date(Date.now() + 2 ** job.attempts * 1000),
        }
      : {
          status: 'failed',
          finishedAt: new Date(),
          leaseExpiresAt: null,
          lastError: error.slice(0, 2000),
        },
  })
}

/** Cancels a job that has not started; returns whether it was still queued. */
export async function cancelQueuedJob(jobId: string): Promise<boolean> {
  const result = await db.job.updateMany({
    where: { id: jobId, status: 'queued' },
    data: { status: 'cancelled', finishedAt: new Date() },
  })
  return result.count === 1
}

/**
 * Jobs whose worker is gone: every running job of `workerIds` (a worker that
 * exited), or, without it, every running job whose lease has expired. Each is
 * requeued while it has attempts left, else failed; the failed ones are
 * returned so their handlers can clean up.
 */
export async function recoverAbandonedJobs({
  workerIds,
  now = new Date(),
}: { workerIds?: string[]; now?: Date } = {}): Promise<JobRow[]> {
  const abandoned = await db.job.findMany({
    where: {
      status: 'running',
      ...(workerIds ? { lockedBy: { in: workerIds } } : { leaseExpiresAt: { lt: now } }),
    },
  })
  const failed: JobRow[] = []
  for (const job of abandoned) {
    const retry = job.attempts < job.maxAttempts
    const updated = await db.job.updateMany({
      where: { id: job.id, status: 'running', lockedBy: job.lockedBy },
      data: retry
        ? {
            status: 'queued',
            lockedBy: null,
            leaseExpiresAt: null,
            lastError: 'The worker stopped; retried.',
          }
        : {
            status: 'failed',
            finishedAt: now,
            leaseExpiresAt: null,
            lastError: 'The worker stopped while running this job.',
          },
    })
    if (updated.count === 1 && !retry) failed.push(job)
  }
  return failed
}
