/** Messages between a run's recorder (job worker main thread) and its execution thread. */
import type { EnvironmentKind, ResolvedOptions } from '~/shared/environment-schemas'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { ResolvedCredentials } from '../environments/credentials.server'
import type { ReceivedWebhook } from './context.server'
import type { PlannedCase } from './model.server'
import type { RecordedResult } from './recording.server'

export type ThreadInput = {
  spec: NormalizedSpec
  planned: PlannedCase[]
  kind: EnvironmentKind
  options: ResolvedOptions
  target: {
    baseUrl: string
    allowPrivate: boolean
    credentials: ResolvedCredentials | null
    variables: Record<string, string>
    secretNames: string[]
    secretValues: string[]
    extraHeaders?: Record<string, string>
  }
  webhookReceiver: boolean
  mockAcceptsAnyCredential: boolean
  /** The mock keeps what is created (its Stateful setting); false on Sandbox/UAT. */
  mockStateful?: boolean
}

export type ToThread =
  { type: 'abort' } | { type: 'webhooks'; id: number; received: ReceivedWebhook[] }

export type FromThread =
  /** Results that finished in the same turn of the thread's event loop. */
  | { type: 'results'; results: RecordedResult[] }
  | { type: 'webhooks'; id: number }
  | { type: 'done' }
  | { type: 'failed'; message: string }
