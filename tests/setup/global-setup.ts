/** Migrates one base database per run; each test file copies it (setup-test-env.ts). */
import fs from 'node:fs'
import { deployMigrations } from '../../other/migrate-engine.ts'
import { BASE_DB, TMP_DIR } from './paths.ts'

export default async function setup() {
  fs.rmSync(TMP_DIR, { recursive: true, force: true })
  fs.mkdirSync(TMP_DIR, { recursive: true })
  await deployMigrations({ databaseUrl: `file:${BASE_DB}` })
  return () => fs.rmSync(TMP_DIR, { recursive: true, force: true })
}
