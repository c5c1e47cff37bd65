/**
 * In-process notifications that something changed ("run:<id>"), so live pages
 * (SSE) wake at once instead of polling. A publication may carry a payload
 * (for a run: the events just committed), so a live page can send them
 * without reading them back. A job worker process forwards its publications
 * to the web process over IPC (the pool re-publishes them). The database
 * stays the source of truth: a missed or unusable notification only delays.
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
let forward: ((topic: string, payload?: unknown) => void) | null = null

export function forwardPublications(send: (topic: string, payload?: unknown) => void) {
  forward = send
}

export function publish(topic: string, payload?: unknown) {
  if (forward) forward(topic, payload)
  bus().emit(topic, payload)
}

export function subscribe(topic: string, listener: (payload?: unknown) => void): () => void {
  bus().on(topic, listener)
  return () => bus().off(topic, listener)
}
