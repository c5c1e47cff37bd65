// Generates the Prisma client into app/generated/prisma (postinstall and setup).
// Prisma's CLI wants its native schema engine even though `generate` never
// uses it, and that binary cannot be downloaded here: point it at any file.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

if (!existsSync('node_modules/prisma/package.json')) {
  console.log(
    '[generate] prisma CLI not installed (production install?): skipping client generation',
  )
  process.exit(0)
}
const result = spawnSync('node', ['node_modules/prisma/build/index.js', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
})
process.exit(result.status ?? 1)
