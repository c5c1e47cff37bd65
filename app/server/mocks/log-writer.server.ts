/**
 * Mock request logs are written by one worker thread of the web process (piscina), with
 * its own SQLite connection: a batch of large entries held the web thread 5–13 ms per
 * insert, a stall that every page and every public mock URL felt under load (decision
 * 038). Batches are queued in arrival order; `closeLogWriter` waits for what is queued.
 */
import type { Piscina } from 'piscina'
import { getEnv } from '../env.server'
import { createTaskPool } from '../task-pool.server'
import type { LogBatch, LogBatchOutcome } from './log-task'

let pool: Piscina | null = null
/** The newest batch handed over: batches finish in order, so this one settles last. */
let newest: Promise<unknown> = Promise.resolve()

function logPool(): Piscina {
  // One thread: SQLite takes one writer at a time, and batches of a mock stay in order.
  pool ??= createTaskPool({
    built: 'log-task.js',
    dev: 'app/server/mocks/log-task-dev.mjs',
    maxThreads: 1,
  })
  return pool
}

/** Stores a batch, in order after those before it. */
export function writeLogBatch(batch: Omit<LogBatch, 'databaseUrl'>): Promise<LogBatchOutcome> {
  const written = logPool().run({
    ...batch,
    databaseUrl: getEnv().DATABASE_URL,
  } satisfies LogBatch) as Promise<LogBatchOutcome>
  newest = written.catch(() => undefined)
  return written
}

/** Waits for the queued batches, then stops the thread. */
export async function closeLogWriter() {
  const closing = pool
  pool = null
  // piscina's close() waits for the batch being written, not for those queued behind it.
  await newest
  await closing?.close()
}
