/**
 * The web process's worker-thread pools (piscina): the spec pool (specs/pool.server.ts) and
 * the mock log writer (mocks/log-writer.server.ts). Production loads the bundled task from
 * server-build/; development and tests load a small .mjs that registers tsx's module hooks
 * inside the thread (where `--import` does not reach) and imports the TypeScript task.
 * Threads start on demand and stop after a minute unused.
 */
import fs from 'node:fs'
import path from 'node:path'
import { SHARE_ENV } from 'node:worker_threads'
import { Piscina } from 'piscina'

export function createTaskPool({
  built,
  dev,
  maxThreads,
  idleTimeout = 60_000,
}: {
  /** The bundle's name in server-build/, e.g. `spec-task.js`. */
  built: string
  /** The development loader, relative to the project root. */
  dev: string
  maxThreads: number
  idleTimeout?: number
}): Piscina {
  const bundle = path.resolve('server-build', built)
  const filename =
    process.env.NODE_ENV === 'production' && fs.existsSync(bundle) ? bundle : path.resolve(dev)
  // One environment for the whole process: settings changed at run time reach the threads.
  return new Piscina({ filename, minThreads: 0, maxThreads, idleTimeout, env: SHARE_ENV })
}
