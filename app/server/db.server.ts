import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaClient } from '~/generated/prisma/client'
import { getEnv } from './env.server'

export type { PrismaClient }

let client: PrismaClient | undefined

export function createPrismaClient(databaseUrl: string): PrismaClient {
  const client = new PrismaClient({
    adapter: new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 }),
    // SQLite runs one transaction at a time per connection: a job worker recording several runs
    // queues them, so waiting for one (maxWait, default 2 s) must not fail a write under load.
    transactionOptions: { maxWait: 30_000, timeout: 60_000 },
  })
  // WAL with synchronous=NORMAL (SQLite's recommendation for WAL): commits no longer wait for an
  // fsync each; a power loss can lose the last commits but never corrupts the database. The first
  // statement of the connection, so it applies before any write.
  void client.$executeRawUnsafe('PRAGMA synchronous = NORMAL').catch(() => undefined)
  return client
}

/** The process-wide client, created on first use from DATABASE_URL. */
export function getDb(): PrismaClient {
  client ??= createPrismaClient(getEnv().DATABASE_URL)
  return client
}

export const db = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = getDb() as unknown as Record<PropertyKey, unknown>
    const value = real[property]
    return typeof value === 'function'
      ? (value as (...args: unknown[]) => unknown).bind(real)
      : value
  },
})

export { sqliteDate } from './sqlite-date'
