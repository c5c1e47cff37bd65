// Forked by the mock supervisor: `node --import tsx app/server/mocks/process-entry.ts` in development
// and tests, `node server-build/mock-process.js` in production.
import { startMockHost } from './process.server'

startMockHost()
