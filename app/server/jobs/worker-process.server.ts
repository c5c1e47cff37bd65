/**
 * A job worker process (forked by the pool on the primary): claims jobs of
 * every registered kind, forwards live notifications to the web process, and
 * wakes when the web process says a job was queued.
 */
import { forwardPublications } from '../live.server'
import { JOB_HANDLERS } from './handlers.server'
import type { FromWorker, ToWorker } from './protocol'
import { JobWorker } from './worker.server'

function send(message: FromWorker) {
  if (process.connected) process.send?.(message)
}

export function startWorkerProcess() {
  const id = process.env.JOB_WORKER_ID ?? `worker-${process.pid}`
  forwardPublications((topic, payload) => send({ type: 'publish', topic, payload }))
  const worker = new JobWorker(id, JOB_HANDLERS, {
    concurrency: Number(process.env.JOB_CONCURRENCY) || 4,
  })
  worker.start()
  process.on('message', (message: ToWorker) => {
    if (message.type === 'wake') worker.wake()
    if (message.type === 'stop') void worker.stop().then(() => process.exit(0))
  })
  // The web process is gone: stop (running jobs are recovered by lease).
  process.on('disconnect', () => void worker.stop().then(() => process.exit(0)))
  send({ type: 'ready' })
}
