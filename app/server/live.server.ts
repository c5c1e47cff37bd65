/**
 * In-process notifications that something changed ("run:<id>"), so live pages
 * (SSE) wake at once instead of polling. A job worker process forwards its
 * publications to the web process over IPC (the pool re-publishes them). The
 * database stays the source of truth: a missed notification only delays.
 */
import { EventEmitter } from 'node:events'

const KEY = Symbol.for('integration-copilot.live-bus')

function bus(): EventEmitter {
  const holder = globalThis as unknown as Record<symbol, EventEmitter | undefined>
  if (!holder[KEY]) {
    holder[KEY] = new EventEmitter()
    holder[KEY].setMaxListeners(0)
  }
  return holder[KEY]
}

/** Set in a job worker process: publications go to the parent. */
let forward: ((topic: string) => void) | null = null

export function forwardPublications(send: (topic: string) => void) {
  forward = send
}

export function publish(topic: string) {
  if (forward) forward(topic)
  bus().emit(topic)
}

export function subscribe(topic: string, listener: () => void): () => void {
  bus().on(topic, listener)
  return () => bus().off(topic, listener)
}
