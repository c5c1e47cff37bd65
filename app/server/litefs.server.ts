/**
 * LiteFS awareness. Without LITEFS_DIR (local development, tests, CI) this
 * instance is the primary. With it, litefs-js reads LITEFS_DIR/.primary.
 */
import os from 'node:os'
import { getInstanceInfo } from 'litefs-js'
import { ensurePrimary as litefsEnsurePrimary } from 'litefs-js/remix'

export async function getInstance() {
  if (!process.env.LITEFS_DIR) {
    const hostname = os.hostname()
    return { primaryInstance: hostname, currentInstance: hostname, currentIsPrimary: true }
  }
  return getInstanceInfo(process.env.LITEFS_DIR)
}

/**
 * Call before writing from a GET handler: on a replica it throws a response
 * that makes Fly replay the request on the primary. Non-GET requests are
 * already forwarded to the primary by the LiteFS proxy.
 */
export async function ensurePrimary(): Promise<void> {
  if (!process.env.LITEFS_DIR) return
  await litefsEnsurePrimary()
}
