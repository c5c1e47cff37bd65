// A run's cases execute in this worker thread (started by runner.server.ts), so the job
// process's main thread stays free to record results and publish them the moment they exist:
// schema compilation and validation of big specs would otherwise delay live progress.
import { parentPort, workerData } from 'node:worker_threads'
import { runThread } from './thread.server'

runThread(parentPort!, workerData)
