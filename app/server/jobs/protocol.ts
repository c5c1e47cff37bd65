/** Messages between the job pool (web process) and a worker process, over the fork IPC channel. */
export type ToWorker = { type: 'wake' } | { type: 'stop' }
export type FromWorker =
  | { type: 'ready' }
  | { type: 'publish'; topic: string; payload?: unknown }
  | { type: 'error'; message: string }
