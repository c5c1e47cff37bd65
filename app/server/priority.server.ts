/**
 * CPU priority of the app's processes and threads. The web process and a job
 * process's main thread (which records results and publishes them) run at
 * normal priority: people and live pages wait on them. Bulk work yields when
 * the CPU is short: the threads that execute a run's cases (nice 10) and mock
 * servers (nice 5), whose load is driven by tenants and partners, so a
 * partner hammering a mock cannot slow the app down for everyone. With spare
 * CPU, niceness changes nothing. On Linux niceness belongs to a thread
 * (threads created later inherit it); a call that is not permitted is a no-op.
 */
import os from 'node:os'

export const RUN_THREAD_NICENESS = 10
export const MOCK_NICENESS = 5
/** Spec imports and diffs: a person waits for them, but the web process must keep answering. */
export const SPEC_THREAD_NICENESS = 5

/** Lowers the calling thread's priority (never raises it). */
export function yieldCpuInThisThread(niceness: number) {
  try {
    os.setPriority(0, Math.max(os.getPriority(0), niceness))
  } catch {
    // not permitted here: the thread keeps its priority
  }
}

/** Lowers the priority of a child process's main thread, the one that runs its JavaScript. */
export function lowerPriority(pid: number | undefined, niceness: number) {
  if (!pid) return
  try {
    os.setPriority(pid, Math.max(os.getPriority(pid), niceness))
  } catch {
    // not permitted, or the process is gone
  }
}
