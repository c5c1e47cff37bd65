/**
 * Runs as the product makes them: a Run row and a durable job, a job worker
 * that claims it, results and events recorded as cases finish, webhook
 * deliveries through the environment's receiver, cancellation, and a worker
 * process that dies mid-run (the run is marked interrupted and can be rerun).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { createEnvironment } from '~/server/environments/service.server'
import { receiveWebhook } from '~/server/environments/receiver.server'
import { JOB_HANDLERS } from '~/server/jobs/handlers.server'
import { JobPool } from '~/server/jobs/pool.server'
import { JobWorker } from '~/server/jobs/worker.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import { cancelRun, getRun, listRunCases, rerun, startRun } from '~/server/testkit/runs.server'
import { runEventsAfter } from '~/server/testkit/live.server'
import type { Actor } from '~/server/audit/log.server'
import { createMember, createOrg, createProject, until as poll } from '../helpers'
import {
  LEDGER_READONLY_TOKEN,
  LEDGER_SPEC,
  LEDGER_TOKEN,
  type LedgerServer,
  startLedger,
} from '../support/ledger-api'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 5}`

let projectId: string
let specId: string
let actor: Actor
let ledger: LedgerServer
let hooks: http.Server
let worker: JobWorker

/** Runs take their time on 2 cores: 30 s, every 100 ms. */
const until = <T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000) =>
  poll(check, timeoutMs, 100)

const finished = (runId: string) =>
  until(async () => {
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } })
    return ['passed', 'failed', 'incomplete', 'errored', 'cancelled', 'interrupted'].includes(
      run.status,
    )
      ? run
      : null
  }, 60_000)

beforeAll(async () => {
  process.env.OUTBOUND_ALLOW_PRIVATE = 'false'
  resetEnvCache()
  const org = await createOrg()
  const owner = await createMember(org.id, 'OWNER')
  projectId = (await createProject(org.id)).id
  actor = { userId: owner.user.id, organizationId: org.id, projectId, via: 'page' }
  specId = (
    await importSpec({ projectId, raw: new TextEncoder().encode(LEDGER_SPEC), sourceKind: 'paste' })
  ).spec.id
  ledger = await startLedger({ webhookSecret: 'whsec_unused' })
  // The app's /hooks/<id> receiver, in-process: forwards to receiveWebhook.
  hooks = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      )
      void receiveWebhook(
        request.url!.split('/').pop()!,
        headers,
        Buffer.concat(chunks).toString('utf8'),
      ).then(() => response.writeHead(202).end())
    })
  })
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
  worker = new JobWorker('test-worker', JOB_HANDLERS, { concurrency: 2, pollMs: 100 })
  worker.start()
})

afterAll(async () => {
  await worker.stop()
  await ledger.close()
  hooks.close()
  await getSupervisor().shutdown()
})

describe('a run against a sandbox', () => {
  it('is claimed by a worker, records every case and its events, and judges webhooks received by the environment', async () => {
    const { environment, webhookSecret } = await createEnvironment(
      projectId,
      {
        kind: 'sandbox',
        name: 'Ledger sandbox',
        baseUrl: ledger.url, // the base path comes from the spec's server
        auth: { type: 'bearer', token: LEDGER_TOKEN },
        allowPrivateNetwork: true,
        options: {
          requestsPerSecond: 0,
          latencyBudgetMs: 1_000,
          webhookWaitMs: 3_000,
          variables: { forbidden_credential: LEDGER_READONLY_TOKEN },
        },
        webhook: { scheme: 'standard' },
      },
      actor,
    )
    // The sandbox signs its deliveries with the receiver's secret and sends them to /hooks/<id>.
    await ledger.close()
    ledger = await startLedger({ webhookSecret })
    ledger.webhookTarget = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/${environment.id}`
    await db.environment.update({ where: { id: environment.id }, data: { baseUrl: ledger.url } })

    const run = await startRun(projectId, { specId, environment: 'sandbox' }, actor)
    expect(run.status).toBe('queued')
    const done = await finished(run.id)
    const cases = await listRunCases(run.id)
    const failing = await db.runCase.findMany({
      where: { runId: run.id, verdict: { in: ['failed', 'errored'] } },
    })
    expect(
      failing.map(
        (entry) =>
          `${entry.key}: ${entry.reason} ${entry.assertions} ${entry.exchanges.slice(0, 800)}`,
      ),
    ).toEqual([])
    expect(done.status).toBe('passed')
    expect(cases.every((entry) => entry.verdict !== 'pending')).toBe(true)
    expect(cases.find((entry) => entry.templateId === 'webhooks.signature-valid')?.verdict).toBe(
      'passed',
    )
    expect(
      await db.webhookReceipt.count({ where: { environmentId: environment.id, verified: true } }),
    ).toBeGreaterThan(0)
    // One event per case, plus progress and status events, in order.
    const events = await runEventsAfter(run.id, 0, 100_000)
    const caseEvents = events
      .filter((event) => event.type === 'case')
      .map((event) => (JSON.parse(event.data) as { seq: number }).seq)
    expect(new Set(caseEvents).size).toBe(cases.length)
    expect(caseEvents.length).toBe(cases.length)
    expect(JSON.parse(events[events.length - 1]!.data)).toMatchObject({ status: 'passed' })
    // Details (written after the verdicts) are all there once the run is finished.
    const passed = await db.runCase.findMany({
      where: { runId: run.id, verdict: 'passed' },
      select: { key: true, assertions: true, exchanges: true },
    })
    expect(passed.length).toBeGreaterThan(20)
    expect(
      passed
        .filter((entry) => entry.assertions === '[]' && entry.exchanges === '[]')
        .map((entry) => entry.key),
    ).toEqual([])
    expect(
      passed.filter((entry) => (JSON.parse(entry.exchanges) as unknown[]).length > 0).length,
    ).toBeGreaterThan(passed.length / 2)
    // The credential never reaches a recording.
    const recorded = await db.runCase.findMany({
      where: { runId: run.id },
      select: { exchanges: true },
    })
    const text = JSON.stringify(recorded)
    expect(text.includes(LEDGER_TOKEN)).toBe(false)
    expect(text.includes(LEDGER_READONLY_TOKEN)).toBe(false)
    expect(text.includes('Bearer [redacted]')).toBe(true)
  })

  it('refuses a private sandbox unless the environment may reach private addresses', async () => {
    const { environment } = await createEnvironment(
      projectId,
      {
        kind: 'uat',
        name: 'Private UAT',
        baseUrl: ledger.url,
        auth: { type: 'bearer', token: LEDGER_TOKEN },
      },
      actor,
    )
    const run = await startRun(
      projectId,
      { specId, environment: environment.id, categories: ['connectivity'] },
      actor,
    )
    await finished(run.id)
    const reach = (await listRunCases(run.id)).find(
      (entry) => entry.templateId === 'connectivity.reachable',
    )!
    expect(reach.verdict).toBe('failed')
    const detail = await db.runCase.findFirstOrThrow({ where: { runId: run.id, seq: reach.seq } })
    expect(detail.exchanges).toMatch(/private or loopback address/)
  })

  it('can be cancelled while it runs, and run again', async () => {
    const slow = await startLedger({ defects: new Set(['slow']) })
    const { environment } = await createEnvironment(
      projectId,
      {
        kind: 'sandbox',
        name: 'Slow sandbox',
        baseUrl: slow.baseUrl,
        auth: { type: 'bearer', token: LEDGER_TOKEN },
        allowPrivateNetwork: true,
        options: { concurrency: 1, requestsPerSecond: 0 },
      },
      actor,
    )
    const run = await startRun(projectId, { specId, environment: environment.id }, actor)
    await until(
      async () => (await db.run.findUniqueOrThrow({ where: { id: run.id } })).status === 'running',
    )
    await until(
      async () =>
        (await db.runCase.count({ where: { runId: run.id, verdict: { not: 'pending' } } })) > 0,
    )
    await cancelRun(projectId, run.id, actor)
    const done = await finished(run.id)
    expect(done.status).toBe('cancelled')
    const cases = await listRunCases(run.id)
    expect(cases.some((entry) => entry.reason === 'The run was cancelled.')).toBe(true)
    expect(cases.every((entry) => entry.verdict !== 'pending')).toBe(true)
    const again = await rerun(projectId, run.id, actor)
    expect(again.id).not.toBe(run.id)
    expect((await getRun(projectId, again.id)).environmentId).toBe(environment.id)
    await cancelRun(projectId, again.id, actor)
    await finished(again.id)
    await slow.close()
  })
})

describe('a run against the project’s mock', () => {
  it('finds the spec’s mock, runs on its own port, and finishes', async () => {
    const version = await db.specVersion.findFirstOrThrow({ where: { specId } })
    const mock = await createMock(projectId, version.id)
    expect(mock.status).toBe('up')
    const run = await startRun(projectId, { specId, environment: 'mock' }, actor)
    const done = await finished(run.id)
    expect(['passed', 'failed', 'incomplete']).toContain(done.status)
    const cases = await listRunCases(run.id)
    expect(cases.length).toBeGreaterThan(40)
    expect(cases.filter((entry) => entry.templateId === 'connectivity.reachable')[0]?.verdict).toBe(
      'passed',
    )
  })
})

describe('a worker that dies mid-run', () => {
  it('leaves the run interrupted, not running forever', async () => {
    await worker.stop() // only the pool's process may take this one
    const hang = await startLedger({ defects: new Set(['hang', 'slow']) })
    const { environment } = await createEnvironment(
      projectId,
      {
        kind: 'sandbox',
        name: 'Hanging sandbox',
        baseUrl: hang.baseUrl,
        auth: { type: 'bearer', token: LEDGER_TOKEN },
        allowPrivateNetwork: true,
        options: { concurrency: 1, requestsPerSecond: 0, timeoutMs: 30_000 },
      },
      actor,
    )
    const pool = new JobPool(1)
    await pool.boot()
    try {
      const run = await startRun(projectId, { specId, environment: environment.id }, actor)
      pool.wake()
      await until(
        async () =>
          (await db.run.findUniqueOrThrow({ where: { id: run.id } })).status === 'running',
      )
      for (const pid of pool.pids()) process.kill(pid, 'SIGKILL')
      const done = await finished(run.id)
      expect(done.status).toBe('interrupted')
      expect(await db.runCase.count({ where: { runId: run.id, verdict: 'pending' } })).toBe(0)
    } finally {
      await pool.shutdown()
      await hang.close()
      worker.start()
    }
  })
})
