/**
 * npm run db:migrate            -> apply pending migrations to DATABASE_URL
 * npm run db:migrate:new -- NAME -> write the next migration from schema.prisma
 */
import { createMigration, deployMigrations } from './migrate-engine.ts'

const DEFAULT_DATABASE_URL = 'file:./data/app.db'

async function main() {
  const [command, name] = process.argv.slice(2)
  if (command === 'deploy') {
    const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL
    const applied = await deployMigrations({ databaseUrl })
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'No pending migrations.',
    )
    return
  }
  if (command === 'new') {
    const dir = await createMigration(name ?? '')
    console.log(
      dir
        ? `Wrote ${dir}/migration.sql`
        : 'schema.prisma matches the migrations: nothing to write.',
    )
    return
  }
  console.error('Usage: tsx other/migrate.ts deploy | new NAME')
  process.exitCode = 2
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
