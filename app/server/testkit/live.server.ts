/** A run's events as a server-sent-events stream (pages and the JSON API share it). */
import { db } from '../db.server'
import { subscribe } from '../live.server'
import { eventStream } from '../sse.server'
import { runTopic } from './runner.server'
import { FINISHED, runEventsAfter } from './runs.server'

export function runEventStream(request: Request, runId: string): Response {
  return eventStream(request, {
    read: async (after) =>
      (await runEventsAfter(runId, after)).map((event) => ({
        id: event.id,
        event: event.type,
        data: event.data,
      })),
    subscribe: (wake) => subscribe(runTopic(runId), wake),
    done: async () => {
      const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } })
      return !run || FINISHED.has(run.status)
    },
  })
}
