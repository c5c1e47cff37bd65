import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaClient } from '~/generated/prisma/client'
import { getEnv } from './env.server'

export type { PrismaClient }

let client: PrismaClient | undefined

export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 }),
  })
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
