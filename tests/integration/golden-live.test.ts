/**
 * Live progress as clients see it: the JSON API's SSE stream of a run, cut
 * off mid-run and resumed with Last-Event-ID, delivers every case event once;
 * the API's run and JUnit answers; another project's token gets 404.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { action as startRunApi } from '~/routes/api.v1.projects.$projectId.runs'
import { action as createEnvironmentApi } from '~/routes/api.v1.projects.$projectId.environments'
import { loader as runApi } from '~/routes/api.v1.runs.$runId'
import { loader as runEventsApi } from '~/routes/api.v1.runs.$runId.events'
import { readEventStream, type SseEvent } from '../support/sse-reader'
import { loader as junitApi } from '~/routes/api.v1.runs.$runId.junit[.]xml'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { JOB_HANDLERS } from '~/server/jobs/handlers.server'
import { JobWorker } from '~/server/jobs/worker.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject, createUser, routeArgs, settle } from '../helpers'
import { LEDGER_SPEC, LEDGER_TOKEN, type LedgerServer, startLedger } from '../support/ledger-api'

let projectId: string
let specId: string
let token: string
let otherToken: string
let ledger: LedgerServer
let worker: JobWorker

beforeAll(async () => {
  const org = await createOrg()
  projectId = (await createProject(org.id)).id
  const user = await createUser()
  token = (await createApiToken({ projectId, name: 'CI', createdById: user.id })).token
  const other = await createProject((await createOrg()).id)
  otherToken = (await createApiToken({ projectId: other.id, name: 'Other', createdById: user.id }))
    .token
  specId = (
    await importSpec({ projectId, raw: new TextEncoder().encode(LEDGER_SPEC), sourceKind: 'api' })
  ).spec.id
  ledger = await startLedger({ defects: new Set(['slow']) })
  worker = new JobWorker('live-worker', JOB_HANDLERS, { concurrency: 1, pollMs: 50 })
  worker.start()
})
afterAll(async () => {
  await worker.stop()
  await ledger.close()
})

const api = (path: string, init: RequestInit & { bearer?: string } = {}) =>
  new Request(`http://localhost${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${init.bearer ?? token}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {}),
    },
  })

type Event = SseEvent

/** Reads SSE events until `stop` says so (or the stream ends), then aborts the request. */
async function readEvents(
  runId: string,
  lastEventId: number,
  stop: (events: Event[]) => boolean,
): Promise<Event[]> {
  const controller = new AbortController()
  const headers: Record<string, string> = lastEventId
    ? { 'Last-Event-ID': String(lastEventId) }
    : {}
  const request = api(`/api/v1/runs/${runId}/events`, { signal: controller.signal, headers })
  const response = (await runEventsApi(routeArgs(request, { runId }))) as Response
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  expect(response.headers.get('cache-control')).toContain('no-transform')
  const events: Event[] = []
  await readEventStream(response.body!, (event) => {
    events.push(event)
    return event.event === 'end' || stop(events)
  })
  controller.abort()
  return events
}

it('streams a run live, and a reconnect with Last-Event-ID loses and repeats nothing', async () => {
  const created = await settle(() =>
    createEnvironmentApi(
      routeArgs(
        api(`/api/v1/projects/${projectId}/environments`, {
          method: 'POST',
          body: JSON.stringify({
            kind: 'sandbox',
            name: 'Slow ledger',
            baseUrl: ledger.baseUrl,
            auth: { type: 'bearer', token: LEDGER_TOKEN },
            allowPrivateNetwork: true,
            options: { concurrency: 1, requestsPerSecond: 0 },
            webhook: { scheme: 'stripe' },
          }),
        }),
        { projectId },
      ),
    ),
  )
  expect(created.status).toBe(201)
  const environment = (await created.response!.json()) as {
    environmentId: string
    webhookSecret: string
    webhookUrl: string
  }
  expect(environment.webhookSecret).toMatch(/^whsec_/)
  expect(environment.webhookUrl).toBe(`http://localhost/hooks/${environment.environmentId}`)

  const started = await settle(() =>
    startRunApi(
      routeArgs(
        api(`/api/v1/projects/${projectId}/runs`, {
          method: 'POST',
          body: JSON.stringify({
            specId,
            environment: environment.environmentId,
            categories: ['contract', 'errors'],
          }),
        }),
        { projectId },
      ),
    ),
  )
  expect(started.status).toBe(202)
  const { runId } = (await started.response!.json()) as { runId: string }

  const first = await readEvents(
    runId,
    0,
    (events) => events.filter((event) => event.event === 'case').length >= 3,
  )
  const firstCases = first.filter((event) => event.event === 'case')
  expect(firstCases.length).toBeGreaterThanOrEqual(3)
  const resumeFrom = first[first.length - 1]!.id
  const rest = await readEvents(runId, resumeFrom, () => false)
  expect(rest[rest.length - 1]!.event).toBe('end')
  const seqs = [...firstCases, ...rest.filter((event) => event.event === 'case')].map(
    (event) => (JSON.parse(event.data) as { seq: number }).seq,
  )
  const total = await db.runCase.count({ where: { runId } })
  expect(seqs.length).toBe(total)
  expect(new Set(seqs).size).toBe(total)
  const ids = [...first, ...rest].filter((event) => event.id > 0).map((event) => event.id)
  expect(new Set(ids).size).toBe(ids.length)

  const run = await settle(() => runApi(routeArgs(api(`/api/v1/runs/${runId}`), { runId })))
  const body = (await run.response!.json()) as {
    status: string
    counts: { total: number }
    cases: { templateId: string; verdict: string; assertions: unknown[] }[]
  }
  expect(['passed', 'failed', 'incomplete']).toContain(body.status)
  expect(body.cases).toHaveLength(total)
  expect(body.cases[0]).toHaveProperty('assertions')
  const junit = await settle(() =>
    junitApi(routeArgs(api(`/api/v1/runs/${runId}/junit.xml`), { runId })),
  )
  expect(await junit.response!.text()).toMatch(
    /<testsuites name="Ledger API v1 on Slow ledger \(sandbox\)" tests="\d+"/,
  )

  // Another project's token: 404; no token: 401.
  expect(
    (
      await settle(() =>
        runApi(routeArgs(api(`/api/v1/runs/${runId}`, { bearer: otherToken }), { runId })),
      )
    ).status,
  ).toBe(404)
  const anonymous = new Request(`http://localhost/api/v1/runs/${runId}`)
  expect((await settle(() => runApi(routeArgs(anonymous, { runId })))).status).toBe(401)
})

it('refuses malformed, oversized and hostile API input with clear errors', async () => {
  const post = (path: string, body: string) =>
    settle(() =>
      (path.endsWith('/runs') ? startRunApi : createEnvironmentApi)(
        routeArgs(api(path, { method: 'POST', body }), { projectId }),
      ),
    )
  const runs = `/api/v1/projects/${projectId}/runs`
  const environments = `/api/v1/projects/${projectId}/environments`
  expect((await post(runs, '{not json')).status).toBe(400)
  expect(
    (await post(runs, JSON.stringify({ specId, environment: 'mock', categories: ['nope'] })))
      .status,
  ).toBe(400)
  expect((await post(runs, JSON.stringify({ specId, environment: 'mock' }))).status).toBe(422) // no mock
  expect(
    (await post(runs, JSON.stringify({ specId: 'other-project-spec', environment: 'mock' })))
      .status,
  ).toBe(404)
  expect((await post(runs, 'x'.repeat(20_000))).status).toBe(413)
  const badUrl = await post(
    environments,
    JSON.stringify({ kind: 'sandbox', name: 'X', baseUrl: 'javascript:alert(1)' }),
  )
  expect(badUrl.status).toBe(400)
  expect(JSON.stringify(await badUrl.response!.json())).toMatch(/baseUrl/)
  const noToken = await post(
    environments,
    JSON.stringify({
      kind: 'sandbox',
      name: 'Y',
      baseUrl: 'https://x.test',
      auth: { type: 'bearer' },
    }),
  )
  expect(noToken.status).toBe(400)
  const clash = await post(
    environments,
    JSON.stringify({ kind: 'sandbox', name: 'Slow ledger', baseUrl: 'https://x.test' }),
  )
  expect(clash.status).toBe(409)
})
