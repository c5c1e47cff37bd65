/** Messages between the supervisor (web process) and a mock host process, over the fork IPC channel. */
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { MockConfig } from './engine.server'

export type ToMock =
  | {
      type: 'start'
      mockId: string
      /** The spec version: mocks of one version share its spec in a host. */
      specKey: string
      /** Sent with the first mock of a version in a host; later ones reuse it. */
      spec?: NormalizedSpec
      config: MockConfig
      port: number
      /** A Unix socket the app's gateway forwards the public URL through (cheaper than TCP). */
      socketPath?: string
    }
  | { type: 'stop'; mockId: string }
  | { type: 'ping'; id: number }
  | { type: 'reset'; mockId: string }
  | { type: 'config'; mockId: string; config: MockConfig }

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
  | { type: 'ready'; mockId: string; port: number }
  | { type: 'failed'; mockId: string; message: string }
  | { type: 'stopped'; mockId: string }
  | { type: 'pong'; id: number; memoryBytes: number; mocks: number }
  /**
   * `rows`: the newest requests as the log table's rows (log-rows.ts), `lastAt` the time of
   * the newest; `total`: all requests since the last batch.
   */
  | { type: 'log'; mockId: string; rows: string; lastAt: number; total: number }
  | { type: 'error'; mockId?: string; message: string }
  | { type: 'callback'; mockId: string; event: string; url: string; payload: unknown }
