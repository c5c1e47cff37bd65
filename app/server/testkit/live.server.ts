/**
 * A run's events: committed, pushed, streamed. Every event of a run (status,
 * case, progress) is written by `commitRunEvents` in the transaction that
 * makes it true, and the committed events, with their ids and the id of the
 * run's event before them, are published with the run's notification. A live
 * stream that is exactly at that previous id sends them at once, without
 * reading them back; any other stream (behind, reconnecting, or in another
 * process) reads the table, which stays the source of truth.
 */
import type { Prisma } from '~/generated/prisma/client'
import { db, sqliteDate } from '../db.server'
import { publish, subscribe } from '../live.server'
import { eventStream, type PushedEvents, type StreamEvent } from '../sse.server'
import { FINISHED } from './model.server'

export function runTopic(runId: string) {
  return `run:${runId}`
}

export type NewRunEvent = { type: string; data: unknown }

/**
 * Runs `statements` and inserts `events` in one transaction, then publishes
 * them. `last` says the run is over: streams may end at once. The statements
 * (or a no-op update of the run) write first: the transaction then holds the
 * write lock before it reads the run's previous event id, so no other
 * process can commit in between.
 */
export async function commitRunEvents(
  runId: string,
  events: NewRunEvent[],
  {
    statements = [],
    last = false,
  }: { statements?: Prisma.PrismaPromise<unknown>[]; last?: boolean } = {},
): Promise<void> {
  const rows = events.map((event) => ({ type: event.type, data: JSON.stringify(event.data) }))
  const now = sqliteDate(new Date())
  const writes =
    statements.length > 0
      ? statements
      : [db.$executeRawUnsafe('UPDATE "Run" SET "id" = "id" WHERE "id" = ?', runId)]
  // One INSERT, the rows passed as one JSON parameter (a bound parameter per value is slow).
  const insert = db.$queryRawUnsafe<{ id: number | bigint }[]>(
    `INSERT INTO "RunEvent" ("type", "data", "createdAt", "runId") SELECT value ->> 0, value ->> 1, ?, ? FROM json_each(?) ORDER BY key RETURNING "id"`,
    now,
    runId,
    JSON.stringify(rows.map((row) => [row.type, row.data])),
  )
  const results = await db.$transaction([
    ...writes,
    db.$queryRawUnsafe<{ last: number | bigint | null }[]>(
      'SELECT max("id") AS "last" FROM "RunEvent" WHERE "runId" = ?',
      runId,
    ),
    insert,
  ])
  const previous = results[writes.length] as { last: number | bigint | null }[]
  // An INSERT … SELECT numbers its rows in order; RETURNING lists them in no promised order.
  const ids = (results[writes.length + 1] as { id: number | bigint }[])
    .map((row) => Number(row.id))
    .sort((a, b) => a - b)
  const pushed: PushedEvents = {
    after: Number(previous[0]?.last ?? 0),
    events: rows.map((row, index) => ({ id: ids[index]!, event: row.type, data: row.data })),
    last,
  }
  publish(runTopic(runId), ids.length === rows.length ? pushed : undefined)
}

/** Events after `afterId`, in order: what a stream reads when it cannot use a push. */
export function runEventsAfter(runId: string, afterId: number, take = 500) {
  return db.runEvent.findMany({
    where: { runId, id: { gt: afterId } },
    orderBy: { id: 'asc' },
    take,
  })
}

function isPushedEvents(value: unknown): value is PushedEvents {
  const candidate = value as PushedEvents | undefined
  return (
    typeof candidate?.after === 'number' &&
    Array.isArray(candidate.events) &&
    candidate.events.every(
      (event: StreamEvent) =>
        typeof event?.id === 'number' &&
        typeof event.event === 'string' &&
        typeof event.data === 'string',
    )
  )
}

/** A run's events as a server-sent-events stream (pages and the JSON API share it). */
export function runEventStream(request: Request, runId: string): Response {
  return eventStream(request, {
    read: async (after) =>
      (await runEventsAfter(runId, after)).map((event) => ({
        id: event.id,
        event: event.type,
        data: event.data,
      })),
    subscribe: (wake) =>
      subscribe(runTopic(runId), (payload) => wake(isPushedEvents(payload) ? payload : undefined)),
    done: async () => {
      const run = await db.run.findUnique({ where: { id: runId }, select: { status: true } })
      return !run || FINISHED.has(run.status)
    },
  })
}
