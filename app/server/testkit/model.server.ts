/**
 * The test kit's model: a suite case (a template instantiated for one
 * operation, path or API), the request a case sends, what came back, and the
 * judged outcome. Every step of the kit (generate, inputs, probe, templates,
 * runner, results) speaks these types.
 */
import type { Category, Level, Verdict } from '~/shared/golden-templates'

/** When a case runs: ordinary cases first, then stateful ones, then bursts, then run-wide judgements. */
export type Phase = 'main' | 'stateful' | 'burst' | 'final'

/** A template instantiated for one operation, path or the whole API. */
export type SuiteCase = {
  /** `templateId:operationId[:variant]`: stable across spec versions (results history). */
  key: string
  templateId: string
  category: Category
  /** The operation the case is about ('' for API-wide cases). */
  operationId: string
  /** The API group (first tag) the profile level is looked up by. */
  group: string
  title: string
  phase: Phase
  /** Template-specific instructions (the variant, the path, the resource). */
  data?: Record<string, unknown>
}

/** A case of a run: the suite case and the level its profile gave it. */
export type PlannedCase = SuiteCase & { seq: number; level: Exclude<Level, 'na'> }

/** How the request authenticates: as configured, not at all, with a wrong or a forbidden credential. */
export type AuthMode = 'valid' | 'none' | 'wrong' | 'forbidden'

/** A request to send, before variables are substituted and credentials applied. */
export type Probe = {
  method: string
  /** Path template of the operation (`/pets/{petId}`), relative to the environment's base URL. */
  path: string
  pathParams: Record<string, string>
  query: [string, string][]
  headers: Record<string, string>
  body?: { contentType: string; text: string }
  auth: AuthMode
  /** Security requirements of the operation, for placing a wrong credential. */
  operationId?: string
  /** Do not wait and retry on 429 (rate-limit templates judge 429 themselves). */
  noRetry?: boolean
  /** Excluded from run-wide latency (bursts). */
  excludeFromLatency?: boolean
  /** Sent at once, past the environment's pacing (bursts only). */
  unpaced?: boolean
}

export type RecordedRequest = {
  method: string
  url: string
  headers: Record<string, string>
  body: string | null
}

export type RecordedResponse = {
  status: number
  headers: Record<string, string>
  body: string
  truncated: boolean
}

/** One request and its answer, as recorded (credentials redacted, bodies capped). */
export type Exchange = {
  /** How the request authenticated (a refusal of a valid credential makes most checks unjudgeable). */
  auth: AuthMode
  request: RecordedRequest
  response: RecordedResponse | null
  /** The parsed JSON body, when the answer was JSON (not redacted: judged, never stored). */
  json?: unknown
  durationMs: number
  /** Set when no answer came: timeout, refused, blocked. */
  error?: { code: string; message: string }
  /** Retries made after 429 answers on ordinary cases. */
  retries: number
}

export type Assertion = {
  name: string
  passed: boolean
  expected: string
  actual: string
  /** The spec location the judgement used: `#/paths/~1pets/get/responses/200`. */
  pointer?: string
  /** A warning is shown but does not fail the case. */
  severity?: 'error' | 'warning'
}

export type CaseOutcome = {
  verdict: Exclude<Verdict, 'pending'>
  reason?: string
  assertions: Assertion[]
  exchanges: Exchange[]
}

export const RUN_STATUSES = [
  'queued',
  'running',
  'passed',
  'failed',
  'incomplete',
  'errored',
  'cancelled',
  'interrupted',
] as const

/** Statuses after which a run changes no more. */
export const FINISHED: ReadonlySet<string> = new Set(
  RUN_STATUSES.filter((status) => status !== 'queued' && status !== 'running'),
)

export type RunCounts = {
  total: number
  done: number
  passed: number
  failed: number
  errored: number
  skipped: number
  needs_config: number
  /** Failures of Required cases: these fail the run. */
  requiredFailed: number
}

export function emptyCounts(total = 0): RunCounts {
  return {
    total,
    done: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    needs_config: 0,
    requiredFailed: 0,
  }
}

/** A case cannot run until a variable (or credential) is configured. */
export class NeedsConfiguration extends Error {
  constructor(
    readonly variable: string,
    message?: string,
  ) {
    super(message ?? `Set the test variable “${variable}” to run this case.`)
  }
}

/** A case cannot be built from the spec (no valid input could be made). */
export class NotApplicable extends Error {}
