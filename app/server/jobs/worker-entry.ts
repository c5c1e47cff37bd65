// Forked by the job pool: `node --import tsx app/server/jobs/worker-entry.ts` in development and
// tests, `node server-build/job-worker.js` in production.
import { startWorkerProcess } from './worker-process.server'

startWorkerProcess()
