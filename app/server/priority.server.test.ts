import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'

/** Niceness of each thread of this process (Linux). */
function threadNiceness(): Map<number, number> {
  const result = new Map<number, number>()
  for (const tid of fs.readdirSync('/proc/self/task')) {
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended between the listing and the read
    }
    // Fields after the command name: state is field 3, nice is field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    result.set(Number(tid), Number(fields[16]))
  }
  return result
}

describe.skipIf(process.platform !== 'linux')('CPU priority', () => {
  it('lowers only the calling thread: a run thread yields, the recording thread does not', async () => {
    const entry = pathToFileURL(path.resolve('app/server/priority.server.ts')).href
    const before = threadNiceness()
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads')
       import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })
         .then((module) => { module.yieldCpuInThisThread(module.RUN_THREAD_NICENESS); parentPort.postMessage('ready') })`,
      { eval: true },
    )
    await new Promise((resolve) => worker.once('message', resolve))
    const after = threadNiceness()
    await worker.terminate()
    expect(after.get(process.pid)).toBe(before.get(process.pid))
    const lowered = [...after].filter(([tid, nice]) => nice === 10 && before.get(tid) !== 10)
    expect(lowered.length).toBeGreaterThanOrEqual(1)
  })
})
