/** Bundles server.ts, the migrate CLI (for LiteFS's exec), the mock process, the job worker, the run, spec and log threads and the MOCKS=true handlers into server-build/. */
import { build } from 'esbuild'

await build({
  entryPoints: {
    index: 'server.ts',
    migrate: 'other/migrate.ts',
    mocks: 'tests/mocks/index.ts',
    'mock-process': 'app/server/mocks/process-entry.ts',
    'job-worker': 'app/server/jobs/worker-entry.ts',
    'run-thread': 'app/server/testkit/execute-thread.ts',
    'spec-task': 'app/server/specs/analyze-task.ts',
    'log-task': 'app/server/mocks/log-task.ts',
  },
  outdir: 'server-build',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
console.log('Built server-build/index.js')
