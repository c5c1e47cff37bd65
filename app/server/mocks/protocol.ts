/** Messages between the supervisor (web process) and a mock process, over the fork IPC channel. */
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { MockConfig } from './engine.server'

export type ToMock =
  | {
      type: 'start'
      spec: NormalizedSpec
      config: MockConfig
      port: number
      /** A Unix socket the app's gateway forwards the public URL through (cheaper than TCP). */
      socketPath?: string
    }
  | { type: 'ping'; id: number }
  | { type: 'reset' }
  | { type: 'config'; config: MockConfig }

export type MockLogEntry = {
  at: number
  method: string
  path: string
  status: number
  durationMs: number
  operationId: string
  violations: unknown[]
  request: { headers: Record<string, string>; query: string; body: string }
  response: { headers: Record<string, string>; body: string }
}

export type FromMock =
  | { type: 'ready'; port: number }
  | { type: 'pong'; id: number; memoryBytes: number }
  /** `entries`: the newest requests (at most MOCK_LOG_LIMIT); `total`: all requests since the last batch. */
  | { type: 'log'; entries: MockLogEntry[]; total: number }
  | { type: 'error'; message: string }
  | { type: 'callback'; event: string; url: string; payload: unknown }
