/** Helpers for the pushed-spec and drift tests: run queued jobs of a kind in-process, sign inbound hooks. */
import { createHmac } from 'node:crypto'
import { db } from '~/server/db.server'
import { JOB_HANDLERS } from '~/server/jobs/handlers.server'

/** Runs every queued job of `kind` once, in order, as a worker would; returns how many ran. */
export async function runQueuedJobs(kind: string): Promise<number> {
  const jobs = await db.job.findMany({
    where: { kind, status: 'queued' },
    orderBy: { createdAt: 'asc' },
  })
  for (const job of jobs) {
    await db.job.update({ where: { id: job.id }, data: { status: 'running', attempts: 1 } })
    try {
      await JOB_HANDLERS[kind]!.run(job, { workerId: 'test', signal: new AbortController().signal })
      await db.job.update({
        where: { id: job.id },
        data: { status: 'done', finishedAt: new Date() },
      })
    } catch (error) {
      await db.job.update({
        where: { id: job.id },
        data: {
          status: 'failed',
          lastError: error instanceof Error ? error.message : String(error),
        },
      })
      throw error
    }
  }
  return jobs.length
}

export function githubSignature(secret: string, body: string) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export function copilotSignature(secret: string, timestamp: number, body: string) {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}
