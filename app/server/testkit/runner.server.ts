/**
 * Executes a run in a job worker: builds the target from the run's
 * environment (the mock's own port, or the Sandbox/UAT base URL; the
 * partner's or the environment's credentials; test variables), plans the
 * cases from the profile the run recorded, executes them, and records each
 * result and a run event as it comes (batched every few milliseconds, so the
 * run page sees cases finish live). Cancellation, the total timeout and a
 * lost lease stop it cleanly; `markRunInterrupted` finishes runs whose worker
 * died.
 */
import { setMaxListeners } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Category, Level, Verdict } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { EnvironmentAuth } from '~/shared/environment-schemas'
import { decryptSecret } from '../crypto.server'
import { db, sqliteDate } from '../db.server'
import { CredentialError, resolveCredentials } from '../environments/credentials.server'
import { matchEvent } from '../environments/events.server'
import { partnerAuth, readAuth, readOptions, readTestConfig } from '../environments/service.server'
import { emitRunFinished } from '../events/emit.server'
import { EVIDENCE_RUN_JOB } from '../jobs/kinds'
import { enqueueUniqueJob } from '../jobs/queue.server'
import type { JobHandler } from '../jobs/worker.server'
import { SpecSchemas } from '../specs/schemas.server'
import type { ReceivedWebhook } from './context.server'
import { generateSuite } from './generate.server'
import { emptyCounts, type PlannedCase, type RunCounts } from './model.server'
import { commitRunEvents } from './live.server'
import { planCases } from './profiles.server'
import type { RecordedResult } from './recording.server'
import type { FromThread, ThreadInput, ToThread } from './thread-protocol'

export const RUN_JOB = 'run'
const FLUSH_MS = 2
/** The most results one transaction writes. */
const BATCH_MAX = 1_000
/** The most exchanges and assertions one statement writes (a short hold on the database). */
const DETAILS_MAX = 100
/** Details written before more verdicts once this many wait. */
const DETAILS_BACKLOG = 2_000

export { runTopic } from './live.server'

/** Whether a mock keeps what is created: its Stateful setting, on unless turned off. */
export function mockKeepsState(storedConfig: string): boolean {
  try {
    return (JSON.parse(storedConfig || '{}') as { stateful?: unknown }).stateful !== false
  } catch {
    return true
  }
}

/**
 * The credential a run uses against a mock when its environment sets none:
 * the exact credential the mock was told to accept (its settings, sealed), or
 * else any well-formed one of the spec's first scheme (a mock without exact
 * credentials accepts any), in which case wrong credentials cannot be judged.
 * Reads the mock's stored settings as data; the test kit runs no mock code.
 */
export function mockCredentials(
  spec: NormalizedSpec,
  storedConfig: string,
): { auth: EnvironmentAuth | null; acceptsAny: boolean } {
  let exact: Record<string, string> = {}
  try {
    const sealed =
      (JSON.parse(storedConfig || '{}') as { credentials?: Record<string, string> }).credentials ??
      {}
    for (const [scheme, value] of Object.entries(sealed))
      try {
        exact[scheme] = decryptSecret(value)
      } catch {
        // sealed with another key: that scheme accepts any credential
      }
  } catch {
    exact = {}
  }
  const firstName = spec.operations.flatMap((operation) => operation.security.flat())[0]?.scheme
  const scheme = firstName ? spec.securitySchemes[firstName] : undefined
  if (!scheme) return { auth: null, acceptsAny: true }
  const value = exact[scheme.name]
  const token = value ?? 'copilot-mock-token'
  switch (scheme.kind) {
    case 'apiKey':
      return {
        auth:
          scheme.in === 'query'
            ? { type: 'apiKey', in: 'query', name: scheme.parameterName ?? 'api_key', value: token }
            : scheme.in === 'cookie'
              ? {
                  type: 'apiKey',
                  in: 'header',
                  name: 'cookie',
                  value: `${scheme.parameterName}=${token}`,
                }
              : {
                  type: 'apiKey',
                  in: 'header',
                  name: scheme.parameterName ?? 'x-api-key',
                  value: token,
                },
        acceptsAny: value === undefined,
      }
    case 'http-basic': {
      const [username = 'copilot', ...rest] = (value ?? 'copilot:copilot-mock').split(':')
      return {
        auth: { type: 'basic', username, password: rest.join(':') || 'copilot-mock' },
        acceptsAny: value === undefined,
      }
    }
    default:
      return { auth: { type: 'bearer', token }, acceptsAny: value === undefined }
  }
}

/** The environment's base URL, with the spec's base path when the URL names only the host. */
export function withBasePath(baseUrl: string, spec: NormalizedSpec): string {
  const url = new URL(baseUrl)
  const basePath = spec.servers[0]?.basePath ?? ''
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.origin}${path || basePath}`.replace(/\/+$/, '')
}

export type { StoredExchange } from './recording.server'

/**
 * Buffers results and writes them in two steps. First what live pages need,
 * in one transaction per batch: each case's verdict, reason and timing, its
 * event and the run's counts (then pushed to live streams). Then, when no
 * result is waiting, what case pages need: the exchanges and assertions
 * (the bulk of the bytes). A result arriving while the recorder is idle is
 * written within FLUSH_MS; results arriving during a write are written
 * together when it ends (group commit), so a burst costs a few transactions
 * instead of many queued behind each other. `flush` writes everything; a
 * worker that dies between the two steps leaves an interrupted run whose
 * last cases have verdicts without exchanges.
 */
class Recorder {
  private pending: RecordedResult[] = []
  private details: RecordedResult[] = []
  private timer: NodeJS.Timeout | undefined
  private draining: Promise<void> | null = null
  /** The first write that failed: `flush` throws it (the run is then marked errored). */
  private failure: unknown = null

  constructor(
    private readonly runId: string,
    readonly counts: RunCounts,
  ) {}

  add(result: RecordedResult) {
    if (this.failure) return
    this.pending.push(result)
    if (!this.draining) this.timer ??= setTimeout(() => void this.drain(), FLUSH_MS)
  }

  /** Writes everything received so far. */
  async flush() {
    await this.draining
    await this.drain()
    if (this.failure) throw this.failure
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.draining ??= (async () => {
      try {
        while (this.pending.length > 0 || this.details.length > 0) {
          // Verdicts first: details wait while results do, unless they pile up.
          if (this.pending.length > 0 && this.details.length < DETAILS_BACKLOG) {
            const batch = this.pending.splice(0, BATCH_MAX)
            await this.writeResults(batch)
            this.details.push(...batch)
          } else await this.writeDetails(this.details.splice(0, DETAILS_MAX))
        }
      } catch (error) {
        this.failure ??= error
        this.pending = []
        this.details = []
      } finally {
        this.draining = null
      }
    })()
    return this.draining
  }

  private count(verdict: Verdict, level: string) {
    this.counts.done++
    if (verdict !== 'pending') this.counts[verdict]++
    if (level === 'required' && (verdict === 'failed' || verdict === 'errored'))
      this.counts.requiredFailed++
  }

  // Each step is one statement whose rows travel as one JSON parameter: at hundreds of cases
  // a second, a statement (or a bound parameter) per value would keep the worker busy writing.
  // MATERIALIZED keeps SQLite looking each case up by (runId, seq).

  private async writeResults(batch: RecordedResult[]) {
    for (const result of batch) this.count(result.verdict, result.level)
    const rows = batch.map((result) => [
      result.seq,
      result.verdict,
      result.reason,
      result.durationMs,
      sqliteDate(result.startedAt),
      sqliteDate(result.finishedAt),
    ])
    await commitRunEvents(
      this.runId,
      [
        ...batch.map((result) => ({
          type: 'case',
          data: {
            seq: result.seq,
            verdict: result.verdict,
            durationMs: result.durationMs,
            reason: result.reason,
          },
        })),
        { type: 'progress', data: { ...this.counts } },
      ],
      {
        statements: [
          db.$executeRawUnsafe(
            `WITH v AS MATERIALIZED (SELECT value ->> 0 AS seq, value ->> 1 AS verdict, value ->> 2 AS reason, value ->> 3 AS durationMs, value ->> 4 AS startedAt, value ->> 5 AS finishedAt FROM json_each(?)) UPDATE "RunCase" SET "verdict" = v.verdict, "reason" = v.reason, "durationMs" = v.durationMs, "startedAt" = v.startedAt, "finishedAt" = v.finishedAt FROM v WHERE "RunCase"."runId" = ? AND "RunCase"."seq" = v.seq`,
            JSON.stringify(rows),
            this.runId,
          ),
          db.$executeRawUnsafe(
            'UPDATE "Run" SET "counts" = ? WHERE "id" = ?',
            JSON.stringify(this.counts),
            this.runId,
          ),
        ],
      },
    )
  }

  private async writeDetails(batch: RecordedResult[]) {
    const rows = batch.map((result) => [result.seq, result.exchanges, result.assertions])
    await db.$executeRawUnsafe(
      `WITH v AS MATERIALIZED (SELECT value ->> 0 AS seq, value ->> 1 AS exchanges, value ->> 2 AS assertions FROM json_each(?)) UPDATE "RunCase" SET "exchanges" = v.exchanges, "assertions" = v.assertions FROM v WHERE "RunCase"."runId" = ? AND "RunCase"."seq" = v.seq`,
      JSON.stringify(rows),
      this.runId,
    )
  }
}

async function finish(runId: string, status: string, counts: RunCounts, error?: string) {
  await commitRunEvents(
    runId,
    [{ type: 'status', data: { status, counts, error: error ?? null } }],
    {
      statements: [
        db.run.update({
          where: { id: runId },
          data: {
            status,
            finishedAt: new Date(),
            counts: JSON.stringify(counts),
            ...(error ? { error } : {}),
          },
        }),
      ],
      last: true,
    },
  )
  // A partner's run is evidence: chained (and its plan re-judged) by a job of its own.
  const owner = await db.run.findUnique({
    where: { id: runId },
    select: { partnerProjectId: true },
  })
  if (owner?.partnerProjectId)
    await enqueueUniqueJob(EVIDENCE_RUN_JOB, { runId }, { maxAttempts: 5 })
  await emitRunFinished(runId).catch((error: unknown) => console.error('[events] run', error))
}

/** Pending cases of a stopped run: skipped, with why. */
async function skipPending(runId: string, reason: string, counts: RunCounts) {
  const result = await db.runCase.updateMany({
    where: { runId, verdict: 'pending' },
    data: { verdict: 'skipped', reason },
  })
  counts.skipped += result.count
  counts.done += result.count
}

function finalStatus(counts: RunCounts, planned: PlannedCase[], needsConfigRequired: number) {
  if (counts.requiredFailed > 0) return 'failed'
  if (needsConfigRequired > 0 || planned.length === 0) return 'incomplete'
  return 'passed'
}

export async function executeRun(
  runId: string,
  { signal }: { signal: AbortSignal },
): Promise<void> {
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      specVersion: { select: { normalized: true } },
      environment: true,
      partnerProject: { select: { testConfig: true, slug: true } },
    },
  })
  if (!run || run.status !== 'queued') return
  const counts = emptyCounts()
  if (run.cancelRequestedAt) return finish(runId, 'cancelled', counts)
  const environment = run.environment
  const spec = JSON.parse(run.specVersion.normalized) as NormalizedSpec
  const schemas = new SpecSchemas(spec)
  const { resolved: options } = readOptions(environment)

  // The target.
  let baseUrl: string
  let allowPrivate = environment.allowPrivateNetwork
  let mockAuth: { auth: EnvironmentAuth | null; acceptsAny: boolean } | null = null
  let mockStateful = false
  if (environment.kind === 'mock') {
    const mock = environment.mockId
      ? await db.mock.findUnique({ where: { id: environment.mockId } })
      : null
    if (!mock || !mock.port || mock.status !== 'up')
      return finish(
        runId,
        'errored',
        counts,
        'The mock is not running: start it on the Mocks tab and run again.',
      )
    baseUrl = `http://127.0.0.1:${mock.port}${spec.servers[0]?.basePath ?? ''}`
    allowPrivate = true
    mockAuth = mockCredentials(spec, mock.config)
    mockStateful = mockKeepsState(mock.config)
  } else if (!environment.baseUrl)
    return finish(runId, 'errored', counts, 'The environment has no base URL.')
  else baseUrl = withBasePath(environment.baseUrl, spec)

  let credentials
  try {
    // A partner's run on a Sandbox / UAT carries its own credentials, never the vendor's.
    const own = await partnerAuth(environment.id, run.partnerProjectId)
    const auth =
      own ??
      (run.partnerProjectId && environment.kind !== 'mock' ? null : readAuth(environment.auth)) ??
      mockAuth?.auth ??
      null
    credentials = await resolveCredentials(auth, allowPrivate)
  } catch (error) {
    return finish(
      runId,
      'errored',
      counts,
      error instanceof CredentialError ? error.message : String(error),
    )
  }
  const partnerVariables = run.partnerProject ? readTestConfig(run.partnerProject.testConfig) : []
  const variables = {
    ...options.variables,
    ...Object.fromEntries(partnerVariables.map((variable) => [variable.name, variable.value])),
  }
  const secretValues = [
    ...(credentials?.secretValues ?? []),
    ...partnerVariables.filter((variable) => variable.secret).map((variable) => variable.value),
  ]
  const secretNames = Object.values(spec.securitySchemes).flatMap((scheme) =>
    scheme.kind === 'apiKey' && scheme.parameterName ? [scheme.parameterName] : [],
  )

  // The plan, from the profile recorded when the run was made.
  const levels = JSON.parse(run.profile || '{}') as Record<string, Record<string, Level>>
  const categories = JSON.parse(run.categories || '[]') as Category[]
  const planned = planCases(generateSuite(spec, schemas), levels, categories)
  Object.assign(counts, emptyCounts(planned.length))
  await db.$transaction([
    db.runCase.createMany({
      data: planned.map((entry) => ({
        runId,
        seq: entry.seq,
        key: entry.key,
        templateId: entry.templateId,
        category: entry.category,
        operationId: entry.operationId,
        group: entry.group,
        title: entry.title.slice(0, 500),
        level: entry.level,
      })),
    }),
  ])
  await commitRunEvents(runId, [{ type: 'status', data: { status: 'running', counts } }], {
    statements: [
      db.run.update({
        where: { id: runId },
        data: {
          status: 'running',
          startedAt: new Date(),
          caseTotal: planned.length,
          counts: JSON.stringify(counts),
        },
      }),
    ],
  })

  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  let stopReason: 'cancelled' | 'timeout' | 'lost' | null = null
  const stop = (reason: 'cancelled' | 'timeout' | 'lost') => {
    stopReason ??= reason
    controller.abort()
  }
  signal.addEventListener('abort', () => stop('lost'), { once: true })
  const totalTimer = setTimeout(() => stop('timeout'), options.totalTimeoutMs)
  const cancelWatch = setInterval(() => {
    void db.run
      .findUnique({ where: { id: runId }, select: { cancelRequestedAt: true } })
      .then((row) => {
        if (row?.cancelRequestedAt) stop('cancelled')
      })
      .catch(() => undefined)
  }, 500)
  const startedAt = new Date()
  const recorder = new Recorder(runId, counts)
  try {
    await executeInThread(
      {
        spec,
        planned,
        kind: environment.kind as 'mock' | 'sandbox' | 'uat',
        options,
        target: {
          baseUrl,
          allowPrivate,
          credentials,
          variables,
          secretNames,
          secretValues,
          // A partner's run on a mock shows in that partner's request log (its Mocks page).
          ...(run.partnerProject && environment.kind === 'mock'
            ? { extraHeaders: { 'x-copilot-partner': run.partnerProject.slug } }
            : {}),
        },
        webhookReceiver: environment.kind !== 'mock',
        mockAcceptsAnyCredential: Boolean(mockAuth?.acceptsAny) && !readAuth(environment.auth),
        mockStateful,
      },
      {
        signal: controller.signal,
        onResult: (result) => recorder.add(result),
        webhooks: () => receivedSince(environment.id, startedAt, spec, schemas),
      },
    )
    await recorder.flush()
  } finally {
    clearTimeout(totalTimer)
    clearInterval(cancelWatch)
  }
  if (stopReason === 'lost') return // the job was taken away (cancelled or recovered): its owner finishes it
  if (stopReason === 'cancelled') {
    await skipPending(runId, 'The run was cancelled.', counts)
    return finish(runId, 'cancelled', counts)
  }
  if (stopReason === 'timeout') {
    await skipPending(
      runId,
      `The run reached its total timeout (${Math.round(options.totalTimeoutMs / 60_000)} min).`,
      counts,
    )
    return finish(
      runId,
      'errored',
      counts,
      'The run reached its total timeout; the cases it did not reach are skipped.',
    )
  }
  const needsConfigRequired = await db.runCase.count({
    where: { runId, verdict: 'needs_config', level: 'required' },
  })
  return finish(runId, finalStatus(counts, planned, needsConfigRequired), counts)
}

/**
 * The run's execution thread: the bundled script in production; in
 * development and tests the TypeScript entry, loaded through tsx's module
 * hooks (registered inside the thread, where `--import` does not reach).
 */
function startThread(workerData: ThreadInput): Worker {
  const built = path.resolve('server-build/run-thread.js')
  if (process.env.NODE_ENV === 'production' && fs.existsSync(built))
    return new Worker(built, { workerData })
  const entry = pathToFileURL(path.resolve('app/server/testkit/execute-thread.ts')).href
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`,
    { eval: true, workerData },
  )
}

/**
 * Executes the cases in a worker thread and hands each result to `onResult`
 * on this thread as it arrives. Aborting `signal` stops the thread's work.
 */
function executeInThread(
  input: ThreadInput,
  handlers: {
    signal: AbortSignal
    onResult: (result: RecordedResult) => void
    webhooks: () => Promise<ReceivedWebhook[]>
  },
): Promise<void> {
  const thread = startThread(input)
  return new Promise((resolve, reject) => {
    const abort = () => thread.postMessage({ type: 'abort' } satisfies ToThread)
    handlers.signal.addEventListener('abort', abort, { once: true })
    let settled = false
    const settle = (error?: Error) => {
      if (settled) return
      settled = true
      handlers.signal.removeEventListener('abort', abort)
      void thread.terminate()
      if (error) reject(error)
      else resolve()
    }
    thread.on('message', (message: FromThread) => {
      if (message.type === 'results')
        for (const result of message.results) handlers.onResult(result)
      else if (message.type === 'webhooks')
        void handlers
          .webhooks()
          .catch(() => [])
          .then((received) =>
            thread.postMessage({ type: 'webhooks', id: message.id, received } satisfies ToThread),
          )
      else if (message.type === 'done') settle()
      else if (message.type === 'failed') settle(new Error(message.message))
    })
    thread.on('error', (error) => settle(error))
    thread.on('exit', (code) =>
      settle(code === 0 ? undefined : new Error(`The run's thread exited with code ${code}.`)),
    )
  })
}

/** Deliveries to the environment's receiver since the run started, matched against this run's spec. */
async function receivedSince(
  environmentId: string,
  since: Date,
  spec: NormalizedSpec,
  schemas: SpecSchemas,
): Promise<ReceivedWebhook[]> {
  const rows = await db.webhookReceipt.findMany({
    where: { environmentId, receivedAt: { gte: since } },
    orderBy: { receivedAt: 'asc' },
    take: 200,
  })
  return rows.map((row) => {
    const match = matchEvent(spec, schemas, row.body)
    return {
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      signed: row.signed,
      verified: row.verified,
      verifyReason: row.verifyReason,
      eventName: match.eventName,
      valid: match.valid,
      violations: match.violations,
    }
  })
}

/** A run whose worker died: interrupted, its unfinished cases skipped; it can be run again. */
export async function markRunInterrupted(runId: string) {
  const run = await db.run.findUnique({ where: { id: runId } })
  if (!run || !['queued', 'running'].includes(run.status)) return
  const counts = {
    ...emptyCounts(run.caseTotal),
    ...(JSON.parse(run.counts || '{}') as Partial<RunCounts>),
  }
  await skipPending(
    runId,
    'The run was interrupted (the worker or the app stopped); run it again.',
    counts,
  )
  await finish(runId, 'interrupted', counts, 'The worker running it stopped before it finished.')
}

/** A run whose execution failed unexpectedly: errored with the reason, never left queued or running. */
export async function markRunErrored(runId: string, reason: string) {
  const run = await db.run.findUnique({ where: { id: runId } })
  if (!run || !['queued', 'running'].includes(run.status)) return
  const counts = {
    ...emptyCounts(run.caseTotal),
    ...(JSON.parse(run.counts || '{}') as Partial<RunCounts>),
  }
  await skipPending(runId, 'The run stopped on an internal error before this case.', counts)
  await finish(
    runId,
    'errored',
    counts,
    `The run stopped on an internal error: ${reason.slice(0, 500)}`,
  )
}

export const runJobHandler: JobHandler = {
  run: async (job, context) => {
    const { runId } = JSON.parse(job.payload) as { runId: string }
    try {
      await executeRun(runId, context)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      console.error(`[runs] ${runId} failed:`, reason)
      await markRunErrored(runId, reason)
    }
  },
  abandoned: async (job) => {
    const { runId } = JSON.parse(job.payload) as { runId: string }
    await markRunInterrupted(runId)
  },
}
