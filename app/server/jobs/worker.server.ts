/**
 * A job worker: claims jobs of the kinds it handles, runs up to `concurrency`
 * at once, keeps their leases alive, and records how each ended. A job whose
 * lease it loses (cancelled, or recovered after a pause) is aborted.
 */
import { completeJob, claimJob, failJob, heartbeat, type JobRow, LEASE_MS } from './queue.server'

export type JobContext = { workerId: string; signal: AbortSignal }

export type JobHandler = {
  /** Does the work; throwing fails the job (or retries it while attempts remain). */
  run(job: JobRow, context: JobContext): Promise<void>
  /** The job was abandoned (its worker died) and will not be retried: clean up. */
  abandoned?(job: JobRow): Promise<void>
}

export class JobWorker {
  private readonly active = new Map<string, AbortController>()
  private timer: NodeJS.Timeout | undefined
  private running = false
  private claiming = false

  constructor(
    readonly id: string,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: { concurrency?: number; pollMs?: number } = {},
  ) {}

  start() {
    this.running = true
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 500)
    this.timer.unref()
    this.wake()
  }

  /** Stops claiming; running jobs are aborted and left to lease recovery. */
  async stop() {
    this.running = false
    clearInterval(this.timer)
    for (const controller of this.active.values()) controller.abort()
  }

  get busy() {
    return this.active.size
  }

  /** Claims as many jobs as there are free slots. */
  wake() {
    if (!this.running || this.claiming) return
    this.claiming = true
    void this.fill().finally(() => {
      this.claiming = false
    })
  }

  private async fill() {
    const concurrency = this.options.concurrency ?? 4
    while (this.running && this.active.size < concurrency) {
      let job: JobRow | null
      try {
        job = await claimJob(this.id, Object.keys(this.handlers))
      } catch (error) {
        console.error('[jobs] claim failed', error instanceof Error ? error.message : error)
        return
      }
      if (!job) return
      this.execute(job)
    }
  }

  private execute(job: JobRow) {
    const controller = new AbortController()
    this.active.set(job.id, controller)
    const beat = setInterval(() => {
      void heartbeat(job.id, this.id)
        .then((mine) => {
          if (!mine) controller.abort()
        })
        .catch(() => undefined)
    }, LEASE_MS / 3)
    beat.unref()
    const handler = this.handlers[job.kind]!
    void handler
      .run(job, { workerId: this.id, signal: controller.signal })
      .then(() => completeJob(job.id, this.id))
      .catch((error: unknown) =>
        failJob(job.id, this.id, error instanceof Error ? error.message : String(error)),
      )
      .catch((error: unknown) => console.error('[jobs] bookkeeping failed', error))
      .finally(() => {
        clearInterval(beat)
        this.active.delete(job.id)
        this.wake()
      })
  }
}
