/**
 * The job pool of the web process (on the LiteFS primary): forks JOB_WORKERS
 * worker processes, so background work never competes with requests on the
 * web process's event loop; restarts a worker that dies (with backoff) after
 * recovering its jobs; recovers jobs whose lease expired; republishes the
 * workers' live notifications; and wakes a worker when a job is queued.
 */
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { enqueueDueSweep } from '../events/emit.server'
import { publish, subscribe } from '../live.server'
import { enqueueDueReports } from '../reports/schedule.server'
import { enqueueDuePurges } from '../retention/schedule.server'
import { JOB_HANDLERS } from './handlers.server'
import type { FromWorker, ToWorker } from './protocol'
import { JOBS_TOPIC, type JobRow, recoverAbandonedJobs } from './queue.server'

function workerModule(): { modulePath: string; execArgv: string[] } {
  const built = path.resolve('server-build/job-worker.js')
  if (process.env.NODE_ENV === 'production' && fs.existsSync(built))
    return { modulePath: built, execArgv: [] }
  return {
    modulePath: path.resolve('app/server/jobs/worker-entry.ts'),
    execArgv: ['--import', 'tsx'],
  }
}

async function cleanUp(jobs: JobRow[]) {
  for (const job of jobs)
    await JOB_HANDLERS[job.kind]
      ?.abandoned?.(job)
      .catch((error: unknown) =>
        console.error(`[jobs] clean-up of ${job.kind} ${job.id} failed`, error),
      )
}

type Slot = { id: string; child: ChildProcess | null; restarts: number }

export class JobPool {
  private readonly slots: Slot[] = []
  private timer: NodeJS.Timeout | undefined
  private unsubscribe: (() => void) | undefined
  private stopping = false

  constructor(private readonly size = Math.max(1, Number(process.env.JOB_WORKERS) || 1)) {}

  /** Recovers jobs left running by a previous process, then forks the workers. */
  async boot() {
    this.stopping = false
    // No worker of this process exists yet: whatever is "running" belonged to a previous one.
    await cleanUp(await recoverAbandonedJobs({ now: new Date(8.64e15) }))
    for (let index = 0; index < this.size; index++) {
      const slot: Slot = { id: `worker-${process.pid}-${index}`, child: null, restarts: 0 }
      this.slots.push(slot)
      this.fork(slot)
    }
    this.unsubscribe = subscribe(JOBS_TOPIC, () => this.wake())
    this.timer = setInterval(() => void this.recoverExpired(), 10_000)
    this.timer.unref()
  }

  wake() {
    for (const slot of this.slots) this.send(slot, { type: 'wake' })
  }

  pids(): number[] {
    return this.slots.flatMap((slot) => (slot.child?.pid ? [slot.child.pid] : []))
  }

  private send(slot: Slot, message: ToWorker) {
    if (slot.child?.connected) slot.child.send(message)
  }

  private fork(slot: Slot) {
    const { modulePath, execArgv } = workerModule()
    const child = fork(modulePath, [], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, JOB_WORKER_ID: slot.id },
    })
    slot.child = child
    child.on('message', (message: FromWorker) => {
      if (message.type === 'publish') publish(message.topic, message.payload)
      if (message.type === 'ready') slot.restarts = 0
    })
    child.on('exit', (code, signal) => {
      slot.child = null
      void (async () => {
        await cleanUp(await recoverAbandonedJobs({ workerIds: [slot.id] }))
        if (this.stopping) return
        console.error(`[jobs] ${slot.id} exited (${signal ?? `code ${code}`}); restarting`)
        const delay = Math.min(30_000, 500 * 2 ** slot.restarts++)
        setTimeout(() => {
          if (!this.stopping) this.fork(slot)
        }, delay).unref()
      })().catch((error: unknown) => console.error('[jobs] recovery failed', error))
    })
  }

  private async recoverExpired() {
    try {
      await cleanUp(await recoverAbandonedJobs())
    } catch (error) {
      console.error('[jobs] lease recovery failed', error)
    }
    await enqueueDueReports().catch((error: unknown) =>
      console.error('[jobs] scheduled reports failed', error),
    )
    await enqueueDueSweep().catch((error: unknown) =>
      console.error('[jobs] event sweep failed', error),
    )
    await enqueueDuePurges().catch((error: unknown) =>
      console.error('[jobs] retention purges failed', error),
    )
  }

  async shutdown() {
    this.stopping = true
    clearInterval(this.timer)
    this.unsubscribe?.()
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const child = slot.child
            if (!child || child.exitCode !== null) return resolve()
            const force = setTimeout(() => child.kill('SIGKILL'), 3_000)
            child.once('exit', () => {
              clearTimeout(force)
              resolve()
            })
            this.send(slot, { type: 'stop' })
          }),
      ),
    )
    this.slots.length = 0
  }
}

const KEY = Symbol.for('integration-copilot.job-pool')

/** One pool per process, shared by the server entry and the Remix build. */
export function getJobPool(): JobPool {
  const holder = globalThis as unknown as Record<symbol, JobPool | undefined>
  holder[KEY] ??= new JobPool()
  return holder[KEY]
}
