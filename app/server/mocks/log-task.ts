/**
 * Stores a batch of a mock's request-log entries, in the log writer's thread
 * (log-writer.server.ts): the insert of up to a hundred Stripe-sized entries holds SQLite
 * for 5–13 ms, which on the web thread stalled every page and every public mock URL
 * (decision 038). The thread keeps its own better-sqlite3 connection per database file.
 */
import { threadId } from 'node:worker_threads'
import Database from 'better-sqlite3'

export type LogBatch = {
  databaseUrl: string
  mockId: string
  /** The rows as one JSON array (log-rows.ts). */
  rows: string
  /** The time of the newest request, as SQLite stores dates. */
  lastAt: string
  /** Requests served since the last batch (the batch may hold fewer). */
  total: number
  /** How many entries a mock keeps. */
  limit: number
}

type Statements = { store: (batch: LogBatch) => void }

const connections = new Map<string, Statements>()

function open(databaseUrl: string): Statements {
  const file = databaseUrl.replace(/^file:/, '').replace(/\?.*$/, '')
  const sqlite = new Database(file, { timeout: 10_000 })
  sqlite.pragma('synchronous = NORMAL')
  const insert = sqlite.prepare(
    `INSERT INTO "MockRequestLog" ("id", "at", "method", "path", "status", "durationMs", "operationId", "violations", "request", "response", "mockId")
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, ? FROM json_each(?)`,
  )
  const count = sqlite.prepare(
    'UPDATE "Mock" SET "requestCount" = "requestCount" + ?, "lastRequestAt" = ? WHERE "id" = ?',
  )
  const trim = sqlite.prepare(
    `DELETE FROM "MockRequestLog" WHERE "mockId" = ? AND "id" IN (
       SELECT "id" FROM "MockRequestLog" WHERE "mockId" = ? ORDER BY "at" DESC, "id" DESC LIMIT -1 OFFSET ?)`,
  )
  const store = sqlite.transaction((batch: LogBatch) => {
    insert.run(batch.mockId, batch.rows)
    count.run(batch.total, batch.lastAt, batch.mockId)
    trim.run(batch.mockId, batch.mockId, batch.limit)
  })
  return { store: (batch) => store.immediate(batch) }
}

/** What became of a batch: not stored when the mock no longer exists (deleted while it served). */
export type LogBatchOutcome = { stored: boolean; threadId: number }

export default function storeLogBatch(batch: LogBatch): LogBatchOutcome {
  let statements = connections.get(batch.databaseUrl)
  if (!statements) {
    statements = open(batch.databaseUrl)
    connections.set(batch.databaseUrl, statements)
  }
  try {
    statements.store(batch)
    return { stored: true, threadId }
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      return { stored: false, threadId }
    throw error
  }
}
