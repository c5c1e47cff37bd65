/**
 * npm run setup: generate the Prisma client, apply migrations, seed the demo
 * (unless SEED_DEMO=false). Idempotent; safe with NODE_ENV=production.
 */
import { spawnSync } from 'node:child_process'
import { deployMigrations } from './migrate-engine.ts'

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env })
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`)
}

run('node', ['other/generate-client.mjs'])
const databaseUrl = process.env.DATABASE_URL || 'file:./data/app.db'
const applied = await deployMigrations({ databaseUrl })
console.log(
  applied.length
    ? `[setup] applied ${applied.length} migration(s)`
    : '[setup] database is up to date',
)
if (process.env.SEED_DEMO === 'false') {
  console.log('[setup] SEED_DEMO=false: demo data not seeded')
} else {
  run('node', ['--import', 'tsx', 'prisma/seed.ts'])
}
