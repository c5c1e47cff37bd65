/** Migrates one base database per run; each test file copies it (setup-test-env.ts). */
import fs from 'node:fs'
import path from 'node:path'
import { deployMigrations } from '../../other/migrate-engine.ts'
import { baseDbPath, TMP_ROOT } from './paths.ts'

export default async function setup() {
  const dir = path.join(TMP_ROOT, `run-${process.pid}`)
  fs.mkdirSync(dir, { recursive: true })
  process.env.TEST_RUN_DIR = dir
  await deployMigrations({ databaseUrl: `file:${baseDbPath(dir)}` })
  return () => fs.rmSync(dir, { recursive: true, force: true })
}
