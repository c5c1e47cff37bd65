/** Gives every test file its own SQLite file, copied from the migrated base. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll } from 'vitest'
import { baseDbPath, runDir } from './paths.ts'

const id = crypto.randomBytes(6).toString('hex')
const dir = runDir()
const dbFile = path.join(dir, `test-${id}.db`)
fs.copyFileSync(baseDbPath(dir), dbFile)

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: `file:${dbFile}`,
  DATA_DIR: path.join(dir, `data-${id}`),
  SESSION_SECRET: 'test-session-secret-0123456789',
  SECRETS_KEY: '0'.repeat(64),
  MOCK_AUTOSTART: 'false',
})
delete process.env.GITHUB_CLIENT_ID
delete process.env.GITHUB_CLIENT_SECRET
delete process.env.MOCKS
delete process.env.LITEFS_DIR
delete process.env.APP_URL

afterAll(async () => {
  const { getDb } = await import('~/server/db.server')
  await getDb().$disconnect()
  for (const suffix of ['', '-journal', '-wal', '-shm'])
    fs.rmSync(`${dbFile}${suffix}`, { force: true })
})
