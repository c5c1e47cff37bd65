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
import type { Category, Level, Verdict } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { EnvironmentAuth } from '~/shared/environment-schemas'
import { decryptSecret } from '../crypto.server'
import { db } from '../db.server'
import { CredentialError, resolveCredentials } from '../environments/credentials.server'
import { matchEvent } from '../environments/events.server'
import { partnerAuth, readAuth, readOptions, readTestConfig } from '../environments/service.server'
import type { JobHandler } from '../jobs/worker.server'
import { publish } from '../live.server'
import { SpecSchemas } from '../specs/schemas.server'
import { type ReceivedWebhook, RunContext } from './context.server'
import { type CaseResult, executeCases } from './execute.server'
import { generateSuite } from './generate.server'
import { emptyCounts, type Exchange, type PlannedCase, type RunCounts } from './model.server'
import { Pacer } from './probe.server'
import { planCases } from './profiles.server'

export const RUN_JOB = 'run'
const FLUSH_MS = 20
const STORED_BODY_CHARS = 16 * 1024
const STORED_EXCHANGES = 12

export function runTopic(runId: string) {
  return `run:${runId}`
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

function capExchange(exchange: Exchange) {
  const cap = (text: string | null) =>
    text && text.length > STORED_BODY_CHARS
      ? `${text.slice(0, STORED_BODY_CHARS)}… (${text.length} characters, cut)`
      : text
  return {
    request: { ...exchange.request, body: cap(exchange.request.body) },
    response: exchange.response
      ? { ...exchange.response, body: cap(exchange.response.body) ?? '' }
      : null,
    durationMs: exchange.durationMs,
    retries: exchange.retries,
    ...(exchange.error ? { error: exchange.error } : {}),
  }
}
export type StoredExchange = ReturnType<typeof capExchange>

async function appendEvent(runId: string, type: string, data: unknown) {
  await db.runEvent.create({ data: { runId, type, data: JSON.stringify(data) } })
  publish(runTopic(runId))
}

/** Buffers results and writes them (case rows, events, counts) in one transaction per flush. */
class Recorder {
  private pending: CaseResult[] = []
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly runId: string,
    readonly counts: RunCounts,
  ) {}

  add(result: CaseResult) {
    this.pending.push(result)
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.writing = this.writing.then(() => this.write())
    }, FLUSH_MS)
  }

  async flush() {
    clearTimeout(this.timer)
    this.timer = undefined
    this.writing = this.writing.then(() => this.write())
    await this.writing
  }

  private count(verdict: Verdict, level: string) {
    this.counts.done++
    if (verdict !== 'pending') this.counts[verdict]++
    if (level === 'required' && (verdict === 'failed' || verdict === 'errored'))
      this.counts.requiredFailed++
  }

  private async write() {
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return
    for (const result of batch) this.count(result.outcome.verdict, result.plannedCase.level)
    const operations = batch.map((result) =>
      db.runCase.updateMany({
        where: { runId: this.runId, seq: result.plannedCase.seq },
        data: {
          verdict: result.outcome.verdict,
          reason: result.outcome.reason?.slice(0, 2000) ?? null,
          durationMs: result.durationMs,
          exchanges: JSON.stringify(
            result.outcome.exchanges.slice(0, STORED_EXCHANGES).map(capExchange),
          ),
          assertions: JSON.stringify(result.outcome.assertions),
          startedAt: result.startedAt,
          finishedAt: result.finishedAt,
        },
      }),
    )
    await db.$transaction([
      ...operations,
      db.runEvent.createMany({
        data: [
          ...batch.map((result) => ({
            runId: this.runId,
            type: 'case',
            data: JSON.stringify({
              seq: result.plannedCase.seq,
              verdict: result.outcome.verdict,
              durationMs: result.durationMs,
              reason: result.outcome.reason ?? null,
            }),
          })),
          { runId: this.runId, type: 'progress', data: JSON.stringify(this.counts) },
        ],
      }),
      db.run.update({ where: { id: this.runId }, data: { counts: JSON.stringify(this.counts) } }),
    ])
    publish(runTopic(this.runId))
  }
}

async function finish(runId: string, status: string, counts: RunCounts, error?: string) {
  await db.run.update({
    where: { id: runId },
    data: {
      status,
      finishedAt: new Date(),
      counts: JSON.stringify(counts),
      ...(error ? { error } : {}),
    },
  })
  await appendEvent(runId, 'status', { status, counts, error: error ?? null })
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
      partnerProject: { select: { testConfig: true } },
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
  } else if (!environment.baseUrl)
    return finish(runId, 'errored', counts, 'The environment has no base URL.')
  else baseUrl = withBasePath(environment.baseUrl, spec)

  let credentials
  try {
    const auth =
      (await partnerAuth(environment.id, run.partnerProjectId)) ??
      readAuth(environment.auth) ??
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
    db.run.update({
      where: { id: runId },
      data: {
        status: 'running',
        startedAt: new Date(),
        caseTotal: planned.length,
        counts: JSON.stringify(counts),
      },
    }),
  ])
  await appendEvent(runId, 'status', { status: 'running', counts })

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
  const context = new RunContext({
    spec,
    schemas,
    target: {
      baseUrl,
      allowPrivate,
      timeoutMs: options.timeoutMs,
      credentials,
      variables,
      pacer: new Pacer(options.requestsPerSecond),
      signal: controller.signal,
      secretNames,
      secretValues,
      schemeOf: (operationId) => {
        const name = spec.operations.find((operation) => operation.id === operationId)
          ?.security[0]?.[0]?.scheme
        return name ? spec.securitySchemes[name] : undefined
      },
    },
    kind: environment.kind as 'mock' | 'sandbox' | 'uat',
    options,
    webhookReceiver: environment.kind !== 'mock',
    mockAcceptsAnyCredential: Boolean(mockAuth?.acceptsAny) && !readAuth(environment.auth),
    webhooks: () => receivedSince(environment.id, startedAt, spec, schemas),
  })
  const recorder = new Recorder(runId, counts)
  try {
    await executeCases(context, planned, {
      concurrency: options.concurrency,
      signal: controller.signal,
      onResult: (result) => recorder.add(result),
    })
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

export const runJobHandler: JobHandler = {
  run: async (job, context) => {
    const { runId } = JSON.parse(job.payload) as { runId: string }
    await executeRun(runId, context)
  },
  abandoned: async (job) => {
    const { runId } = JSON.parse(job.payload) as { runId: string }
    await markRunInterrupted(runId)
  },
}
