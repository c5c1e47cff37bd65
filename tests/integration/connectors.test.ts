/**
 * Domain events and connectors (issue 12, points 1, 2 and 6): real SQLite,
 * the real job worker, and local servers on 127.0.0.1 speaking Slack's
 * incoming webhooks, Jira Cloud REST v3 and a Standard Webhooks receiver.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken } from '~/server/api-tokens.server'
import type { Actor } from '~/server/audit/log.server'
import { connectorJobHandlers } from '~/server/connectors/deliver.server'
import {
  saveJira,
  saveSlack,
  addWebhook,
  requestJiraIssue,
} from '~/server/connectors/settings.server'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { verifySignature } from '~/server/environments/signatures.server'
import { emitRunFinished, sweepEvents } from '~/server/events/emit.server'
import { recordEvent } from '~/server/events/record.server'
import { JobWorker } from '~/server/jobs/worker.server'
import { importSpec } from '~/server/specs/store.server'
import { action as apiAction } from '~/routes/api.v1.projects.$projectId.connectors.$kind'
import {
  action as settingsAction,
  loader as settingsLoader,
} from '~/routes/projects.$projectId.settings_.connectors'
import {
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  routeArgs,
  settle,
  until,
} from '../helpers'
import { LEDGER_SPEC } from '../support/ledger-api'

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** A local receiver answering `status(request)` after `delayMs`. */
async function receiver(
  answer: (
    received: Received,
    index: number,
  ) => { status: number; body?: string; delayMs?: number },
) {
  const received: Received[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = {
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      received.push(entry)
      const { status, body = '', delayMs = 0 } = answer(entry, received.length - 1)
      setTimeout(() => {
        if (!response.destroyed)
          response.writeHead(status, { 'content-type': 'application/json' }).end(body)
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let orgId: string
let projectId: string
let actor: Actor
let ownerCookie: string
let worker: JobWorker
let specVersionId: string

async function newProject() {
  const project = await createProject(orgId)
  return { projectId: project.id, actor: { ...actor, projectId: project.id } }
}

/** A finished run with one failing Required case (and a passing one), as the runner leaves it. */
async function finishedRun(
  project: string,
  status: string,
  failingKey = 'auth.missing:getBalance',
) {
  const run = await db.run.create({
    data: {
      projectId: project,
      specVersionId,
      environmentId:
        (await db.environment.findFirst({ where: { projectId: project } }))?.id ??
        (
          await db.environment.create({
            data: {
              projectId: project,
              kind: 'sandbox',
              name: 'Sandbox',
              baseUrl: 'http://127.0.0.1:1',
            },
          })
        ).id,
      status,
      environmentLabel: 'Sandbox',
      counts: JSON.stringify({ passed: 1, failed: 1, requiredFailed: 1 }),
      finishedAt: new Date(),
      cases: {
        create: [
          {
            seq: 1,
            key: failingKey,
            templateId: 'auth.missing',
            category: 'auth',
            title: 'Rejects a request without <credentials>',
            level: 'required',
            verdict: 'failed',
            reason: 'Expected 401, got 200',
            exchanges: JSON.stringify([
              {
                auth: 'none',
                request: {
                  method: 'GET',
                  url: 'http://sandbox.test/balance',
                  headers: { accept: 'application/json' },
                  body: null,
                },
                response: { status: 200, headers: {}, body: '{}', truncated: false },
                durationMs: 3,
                retries: 0,
              },
            ]),
            assertions: JSON.stringify([
              { name: 'status', passed: false, expected: '401', actual: '200' },
            ]),
          },
          {
            seq: 2,
            key: 'basic.ok:getBalance',
            templateId: 'basic.ok',
            category: 'basic',
            title: 'Answers',
            level: 'required',
            verdict: 'passed',
          },
        ],
      },
    },
  })
  return run
}

beforeAll(async () => {
  process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
  process.env.CONNECTOR_BACKOFF_MS = '40'
  process.env.CONNECTOR_TIMEOUT_MS = '400'
  resetEnvCache()
  const org = await createOrg()
  orgId = org.id
  const owner = await createMember(org.id, 'OWNER')
  ownerCookie = await cookieFor(owner.user.id)
  projectId = (await createProject(org.id)).id
  actor = { userId: owner.user.id, organizationId: org.id, projectId, via: 'page' }
  const imported = await importSpec({
    projectId,
    raw: new TextEncoder().encode(LEDGER_SPEC),
    sourceKind: 'paste',
  })
  specVersionId = imported.version.id
  await db.environment.create({
    data: { projectId, kind: 'sandbox', name: 'Sandbox', baseUrl: 'http://127.0.0.1:1' },
  })
  worker = new JobWorker('connectors-test', connectorJobHandlers, { concurrency: 4, pollMs: 30 })
  worker.start()
})

afterAll(async () => {
  await worker.stop()
  delete process.env.CONNECTOR_BACKOFF_MS
  delete process.env.CONNECTOR_TIMEOUT_MS
})

describe('recordEvent', () => {
  it('records an occurrence once and fans out to enabled, subscribed connectors only', async () => {
    const { projectId: project, actor: a } = await newProject()
    const slack = await saveSlack(
      project,
      { webhookUrl: 'http://127.0.0.1:9/slack', events: ['run.failed'] },
      a,
    )
    const all = await addWebhook(project, { url: 'http://127.0.0.1:9/all', events: [] }, a)
    const other = await addWebhook(
      project,
      { url: 'http://127.0.0.1:9/other', events: ['trace.rejected'] },
      a,
    )
    const off = await addWebhook(project, { url: 'http://127.0.0.1:9/off', events: [] }, a)
    await db.connector.update({ where: { id: off.connector.id }, data: { enabled: false } })

    const first = await recordEvent(
      project,
      'run.failed',
      { title: 'x' },
      { dedupeKey: `dedupe-${project}` },
    )
    const second = await recordEvent(
      project,
      'run.failed',
      { title: 'x' },
      { dedupeKey: `dedupe-${project}` },
    )
    expect(first).not.toBeNull()
    expect(second).toBeNull()
    expect(await db.domainEvent.count({ where: { projectId: project } })).toBe(1)
    const deliveries = await db.connectorDelivery.findMany({ where: { eventId: first!.eventId } })
    expect(deliveries.map((entry) => entry.connectorId).sort()).toEqual(
      [slack.id, all.connector.id].sort(),
    )
    expect(deliveries.map((entry) => entry.connectorId)).not.toContain(other.connector.id)
    // One delivery job each, in the one queue.
    const jobs = await db.job.findMany({ where: { kind: 'connector.deliver' } })
    for (const delivery of deliveries)
      expect(jobs.some((job) => job.payload.includes(delivery.id))).toBe(true)
    expect(await recordEvent(project, 'not.a.type', { title: 'x' })).toBeNull()
  })
})

describe('the hourly sweep', () => {
  it('records overdue plan items and idle partners once each, and nothing for active partners', async () => {
    const { projectId: project, actor: a } = await newProject()
    await saveSlack(project, { webhookUrl: 'http://127.0.0.1:9/slack', events: [] }, a)
    const now = new Date()
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000)
    const idle = await db.partnerProject.create({
      data: { projectId: project, name: 'Sleepy', slug: 'sleepy', createdAt: days(10) },
    })
    const busy = await db.partnerProject.create({
      data: { projectId: project, name: 'Busy', slug: 'busy', createdAt: days(10) },
    })
    await db.trace.create({
      data: {
        projectId: project,
        partnerProjectId: busy.id,
        occurredAt: days(1),
        receivedAt: days(1),
        method: 'GET',
        url: 'https://api.example.test/x',
        status: 200,
        request: '{}',
        response: '{}',
      },
    })
    const item = await db.planItem.create({
      data: {
        partnerProjectId: busy.id,
        phase: 'build',
        title: 'Send a signed trace',
        dueDate: days(2),
      },
    })
    await db.planItem.create({
      data: {
        partnerProjectId: busy.id,
        phase: 'build',
        title: 'Done already',
        dueDate: days(2),
        status: 'done',
      },
    })
    await sweepEvents(now)
    await sweepEvents(now)
    const events = await db.domainEvent.findMany({
      where: { projectId: project, type: { in: ['plan_item.overdue', 'partner.idle'] } },
    })
    expect(events.map((event) => [event.type, event.partnerProjectId]).sort()).toEqual(
      [
        ['partner.idle', idle.id],
        ['plan_item.overdue', busy.id],
      ].sort(),
    )
    expect(events.find((event) => event.type === 'plan_item.overdue')!.dedupeKey).toContain(item.id)
  })
})

describe('Slack', () => {
  it('receives a Block Kit message with links after a run fails, and the newly failing case', async () => {
    const slack = await receiver(() => ({ status: 200, body: 'ok' }))
    const { projectId: project, actor: a } = await newProject()
    await saveSlack(project, { webhookUrl: `${slack.url}/services/T000/B000/XXXX`, events: [] }, a)
    const run = await finishedRun(project, 'failed')
    await emitRunFinished(run.id)
    await until(async () => slack.received.length >= 2)
    const bodies = slack.received.map(
      (entry) =>
        JSON.parse(entry.body) as {
          text: string
          blocks: {
            type: string
            elements?: { url?: string; text?: unknown }[]
            text?: { text: string }
          }[]
        },
    )
    const runMessage = bodies.find((body) => body.text.startsWith('Run failed'))!
    expect(runMessage.blocks[0]!.type).toBe('header')
    const button = runMessage.blocks.find((block) => block.type === 'actions')!.elements![0]!
    expect(button.url).toBe(`http://localhost:3000/projects/${project}/tests/runs/${run.id}`)
    const caseMessage = bodies.find((body) => body.text.startsWith('Newly failing'))!
    expect(JSON.stringify(caseMessage)).toContain(`/tests/runs/${run.id}/cases/1`)
    // Tenant text is escaped for mrkdwn (no forged <url|links>).
    expect(
      JSON.stringify(caseMessage.blocks.filter((block) => block.type !== 'header')),
    ).not.toContain('<credentials>')
    expect(slack.received[0]!.headers['content-type']).toContain('application/json')
    await until(
      async () =>
        (await db.connectorDelivery.count({
          where: { connector: { projectId: project }, status: 'delivered' },
        })) === 2,
    )
    // A second run failing the same case is not "newly" failing.
    const again = await finishedRun(project, 'failed')
    await emitRunFinished(again.id)
    expect(
      await db.domainEvent.count({ where: { projectId: project, type: 'case.newly_failing' } }),
    ).toBe(1)
    await slack.close()
  })

  it('retries a failing or slow receiver with backoff, then keeps it as a dead letter; recording returns at once', async () => {
    const slow = await receiver((_, index) =>
      index % 2 === 0 ? { status: 500, body: 'no' } : { status: 200, delayMs: 2_000 },
    )
    const { projectId: project, actor: a } = await newProject()
    const connector = await saveSlack(project, { webhookUrl: `${slow.url}/hook`, events: [] }, a)
    const started = Date.now()
    const recorded = await recordEvent(project, 'partner.idle', { title: 'Globex idle' })
    expect(Date.now() - started).toBeLessThan(500)
    const dead = await until(async () => {
      const row = await db.connectorDelivery.findFirst({
        where: { connectorId: connector.id, status: 'failed' },
      })
      return row
    }, 20_000)
    const attempts = JSON.parse(dead.attempts) as {
      at: string
      status: number | null
      error: string
    }[]
    expect(attempts).toHaveLength(5)
    expect(attempts[0]!.status).toBe(500)
    expect(attempts[1]!.error).toMatch(/did not answer/)
    // Backoff: each wait at least base x 4^(n-1).
    const gaps = attempts
      .slice(1)
      .map((entry, index) => Date.parse(entry.at) - Date.parse(attempts[index]!.at))
    expect(gaps[2]!).toBeGreaterThanOrEqual(40 * 4 ** 2)
    expect(slow.received.length).toBe(5)
    expect(recorded!.deliveryIds).toEqual([dead.id])
    // The dead letter is listed and can be retried from Settings.
    const page = await settle(() =>
      settingsLoader(
        routeArgs(getRequest(`/projects/${project}/settings/connectors`, ownerCookie), {
          projectId: project,
        }),
      ),
    )
    const listed = (page.data as { connectors: { deliveries: { id: string; status: string }[] }[] })
      .connectors[0]!.deliveries
    expect(listed[0]).toMatchObject({ id: dead.id, status: 'failed' })
    const retried = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            `/projects/${project}/settings/connectors`,
            { intent: 'retry', deliveryId: dead.id },
            ownerCookie,
          ),
          { projectId: project },
        ),
      ),
    )
    expect(retried.status).toBe(302)
    expect((await db.connectorDelivery.findUniqueOrThrow({ where: { id: dead.id } })).status).toBe(
      'pending',
    )
    await worker.stop()
    await slow.close()
    worker = new JobWorker('connectors-test-2', connectorJobHandlers, {
      concurrency: 4,
      pollMs: 30,
    })
    worker.start()
  }, 30_000)
})

describe('Jira', () => {
  it('opens one issue per failure through REST v3 with Basic auth and an ADF description', async () => {
    let next = 1
    const jira = await receiver((entry) =>
      entry.url === '/rest/api/3/issue'
        ? { status: 201, body: JSON.stringify({ id: '1000', key: `PAY-${next++}`, self: 'x' }) }
        : { status: 404, body: '{"errorMessages":["nope"]}' },
    )
    const { projectId: project, actor: a } = await newProject()
    await saveJira(
      project,
      {
        baseUrl: jira.url,
        email: 'ops@acme.test',
        apiToken: 'jira-secret-token-123',
        projectKey: 'PAY',
        issueType: 'Bug',
        autoCreate: true,
      },
      a,
    )
    const run = await finishedRun(project, 'failed')
    await emitRunFinished(run.id)
    const issue = await until(() =>
      db.jiraIssue.findFirst({ where: { projectId: project, key: { not: '' } } }),
    )
    expect(issue).toMatchObject({
      key: 'PAY-1',
      caseKey: 'auth.missing:getBalance',
      partnerProjectId: '',
      url: `${jira.url}/browse/PAY-1`,
    })
    const post = jira.received.find((entry) => entry.url === '/rest/api/3/issue')!
    expect(post.method).toBe('POST')
    expect(post.headers.authorization).toBe(
      `Basic ${Buffer.from('ops@acme.test:jira-secret-token-123').toString('base64')}`,
    )
    const fields = (
      JSON.parse(post.body) as {
        fields: {
          project: unknown
          issuetype: unknown
          summary: string
          description: { type: string; version: number }
        }
      }
    ).fields
    expect(fields.project).toEqual({ key: 'PAY' })
    expect(fields.issuetype).toEqual({ name: 'Bug' })
    expect(fields.summary).toContain('Rejects a request')
    expect(fields.description.type).toBe('doc')
    expect(fields.description.version).toBe(1)
    const adf = JSON.stringify(fields.description)
    expect(adf).toContain('Expected 401, got 200')
    expect(adf).toContain('GET http://sandbox.test/balance')
    expect(adf).toContain('expected 401; actual 200')
    expect(adf).toContain(`/tests/runs/${run.id}/cases/1`)
    // The same failure again (by hand from the case page, and in the next run): never a second issue.
    const byHand = await requestJiraIssue(project, run.id, 1, a)
    expect(byHand).toMatchObject({ key: 'PAY-1', queued: false })
    // A second attempt for the same failure (another event carrying the case): answered from the store.
    const failing = await db.runCase.findFirstOrThrow({ where: { runId: run.id, seq: 1 } })
    const second = await recordEvent(
      project,
      'case.newly_failing',
      { title: 'again', runCaseId: failing.id },
      { dedupeKey: `again-${run.id}` },
    )
    await until(
      async () =>
        (await db.connectorDelivery.findUnique({ where: { id: second!.deliveryIds[0] } }))
          ?.status === 'delivered',
    )
    expect(jira.received.filter((entry) => entry.url === '/rest/api/3/issue')).toHaveLength(1)
    expect(await db.jiraIssue.count({ where: { projectId: project } })).toBe(1)
    await jira.close()
  })
})

describe('outgoing webhooks', () => {
  it('signs {type, id, createdAt, data} per Standard Webhooks', async () => {
    const hook = await receiver(() => ({ status: 204 }))
    const { projectId: project, actor: a } = await newProject()
    const { secret } = await addWebhook(
      project,
      { url: `${hook.url}/in`, events: ['phase.completed'] },
      a,
    )
    expect(secret).toMatch(/^whsec_/)
    await recordEvent(project, 'phase.completed', {
      title: 'Globex completed Build',
      path: `/projects/${project}/plan/pp1`,
    })
    await until(async () => hook.received.length === 1)
    const [delivery] = hook.received
    const headers = Object.fromEntries(
      Object.entries(delivery!.headers).map(([key, value]) => [key, String(value)]),
    )
    expect(verifySignature('standard', secret, headers, delivery!.body)).toEqual({
      signed: true,
      verified: true,
      reason: null,
    })
    expect(verifySignature('standard', 'whsec_d3Jvbmc=', headers, delivery!.body).verified).toBe(
      false,
    )
    const body = JSON.parse(delivery!.body) as { id: unknown; createdAt: string }
    expect(body).toMatchObject({
      type: 'phase.completed',
      data: {
        title: 'Globex completed Build',
        url: `http://localhost:3000/projects/${project}/plan/pp1`,
      },
    })
    expect(typeof body.id).toBe('string')
    expect(Date.parse(body.createdAt)).toBeGreaterThan(0)
    await hook.close()
  })
})

describe('settings page', () => {
  it('seals secrets at rest, masks them in loader data, and refuses viewers (403) and outsiders (404)', async () => {
    const { projectId: project } = await newProject()
    const path = `/projects/${project}/settings/connectors`
    const slackUrl = 'https://hooks.slack.com/services/T123/B456/verysecretpart'
    const saved = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            path,
            { intent: 'save-slack', webhookUrl: slackUrl, events: 'run.failed', enabled: 'on' },
            ownerCookie,
          ),
          { projectId: project },
        ),
      ),
    )
    expect(saved.status).toBe(302)
    const jiraForm = new URLSearchParams({
      intent: 'save-jira',
      baseUrl: 'https://acme.atlassian.net',
      email: 'ops@acme.test',
      apiToken: 'tok-supersecret-9876',
      projectKey: 'PAY',
      issueType: 'Bug',
    })
    const jiraSaved = await settle(() =>
      settingsAction(
        routeArgs(
          new Request(`http://localhost:3000${path}`, {
            method: 'POST',
            headers: { Cookie: ownerCookie, 'Content-Type': 'application/x-www-form-urlencoded' },
            body: jiraForm,
          }),
          { projectId: project },
        ),
      ),
    )
    expect(jiraSaved.status).toBe(302)
    const rows = await db.$queryRawUnsafe<{ config: string }[]>(
      'SELECT config FROM "Connector" WHERE projectId = ?',
      project,
    )
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row.config).not.toContain('verysecretpart')
      expect(row.config).not.toContain('tok-supersecret')
      expect(row.config).toMatch(/^v1\./)
    }
    const page = await settle(() =>
      settingsLoader(routeArgs(getRequest(path, ownerCookie), { projectId: project })),
    )
    const text = JSON.stringify(page.data)
    expect(text).not.toContain('verysecretpart')
    expect(text).not.toContain('tok-supersecret')
    expect(text).toContain('••••9876')
    expect(text).toContain('https://hooks.slack.com/••••')

    const viewer = await createMember(orgId, 'VIEWER')
    const viewerCookie = await cookieFor(viewer.user.id)
    const denied = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            path,
            { intent: 'save-slack', webhookUrl: slackUrl, events: 'run.failed' },
            viewerCookie,
          ),
          { projectId: project },
        ),
      ),
    )
    expect(denied.status).toBe(403)
    const viewerPage = await settle(() =>
      settingsLoader(routeArgs(getRequest(path, viewerCookie), { projectId: project })),
    )
    expect(JSON.stringify(viewerPage.data)).not.toContain('hooks.slack.com')
    const outsiderOrg = await createOrg()
    const outsider = await createMember(outsiderOrg.id, 'OWNER')
    const outsiderCookie = await cookieFor(outsider.user.id)
    const hidden = await settle(() =>
      settingsAction(
        routeArgs(formRequest(path, { intent: 'test', connectorId: 'x' }, outsiderCookie), {
          projectId: project,
        }),
      ),
    )
    expect(hidden.status).toBe(404)
  })

  it('refuses hostile input with clear messages', async () => {
    const { projectId: project } = await newProject()
    const path = `/projects/${project}/settings/connectors`
    const post = (fields: Record<string, string>) =>
      settle(() =>
        settingsAction(routeArgs(formRequest(path, fields, ownerCookie), { projectId: project })),
      )
    const js = await post({
      intent: 'save-slack',
      webhookUrl: 'javascript:alert(1)',
      events: 'run.failed',
    })
    expect(js.status).toBe(400)
    expect(JSON.stringify(js.data)).toContain('https://')
    const crlf = await post({
      intent: 'add-webhook',
      url: 'https://example.com/a\r\nX-Evil: 1',
      events: 'run.failed',
    })
    expect(crlf.status).toBe(400)
    expect(JSON.stringify(crlf.data)).toContain('control characters')
    const plainHttp = await post({
      intent: 'add-webhook',
      url: 'http://example.com/hook',
      events: 'run.failed',
    })
    expect(plainHttp.status).toBe(400)
    const creds = await post({
      intent: 'add-webhook',
      url: 'https://user:pw@example.com/hook',
      events: 'run.failed',
    })
    expect(creds.status).toBe(400)
    const badKey = await post({
      intent: 'save-jira',
      baseUrl: 'https://a.atlassian.net',
      email: 'a@b.test',
      apiToken: 't',
      projectKey: 'pay\n',
      issueType: 'Bug',
    })
    expect(badKey.status).toBe(400)
    const unknownEvent = await post({
      intent: 'add-webhook',
      url: 'https://example.com/h',
      events: 'everything',
    })
    expect(unknownEvent.status).toBe(400)
    expect(await db.connector.count({ where: { projectId: project } })).toBe(0)
  })
})

describe('PUT /api/v1/projects/:projectId/connectors/:kind', () => {
  const put = (project: string, kind: string, body: string, token?: string) =>
    settle(() =>
      apiAction(
        routeArgs(
          new Request(`http://localhost:3000/api/v1/projects/${project}/connectors/${kind}`, {
            method: 'PUT',
            headers: {
              'content-type': 'application/json',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body,
          }),
          { projectId: project, kind },
        ),
      ),
    )

  it('needs a token, validates the body, defaults to every event and audits', async () => {
    const { projectId: project } = await newProject()
    const { token } = await createApiToken({
      projectId: project,
      name: 'ci',
      createdById: actor.userId!,
    })
    expect((await put(project, 'slack', '{}')).status).toBe(401)
    const malformed = await put(project, 'slack', '{"webhookUrl":', token)
    expect(malformed.status).toBe(400)
    const invalid = await put(
      project,
      'slack',
      JSON.stringify({ webhookUrl: 'javascript:alert(1)' }),
      token,
    )
    expect(invalid.status).toBe(400)
    expect(((await invalid.response!.json()) as { problems: unknown[] }).problems).toHaveLength(1)
    const extra = await put(
      project,
      'slack',
      JSON.stringify({ webhookUrl: 'https://hooks.slack.com/x', evil: 1 }),
      token,
    )
    expect(extra.status).toBe(400)
    const huge = await put(
      project,
      'slack',
      JSON.stringify({ webhookUrl: `https://hooks.slack.com/${'a'.repeat(40_000)}` }),
      token,
    )
    expect(huge.status).toBe(413)
    const ok = await put(
      project,
      'slack',
      JSON.stringify({ webhookUrl: 'https://hooks.slack.com/services/T/B/secretsecret' }),
      token,
    )
    expect(ok.status).toBe(200)
    const body = (await ok.response!.json()) as { connector: { events: string[]; target: string } }
    expect(body.connector.events).toEqual([])
    expect(JSON.stringify(body)).not.toContain('secretsecret')
    const hook = await put(
      project,
      'webhooks',
      JSON.stringify({ url: 'https://example.com/in', events: ['run.failed'] }),
      token,
    )
    expect(hook.status).toBe(201)
    const created = (await hook.response!.json()) as { id: string; signingSecret: string }
    expect(created.signingSecret).toMatch(/^whsec_/)
    // The same URL again (a CI job run twice): the same webhook, its events updated, no new secret.
    const again = await put(
      project,
      'webhooks',
      JSON.stringify({ url: 'https://example.com/in', events: ['run.finished'] }),
      token,
    )
    expect(again.status).toBe(200)
    const updated = (await again.response!.json()) as {
      id: string
      signingSecret: string | null
      connector: { events: string[] }
    }
    expect(updated.id).toBe(created.id)
    expect(updated.signingSecret).toBeNull()
    expect(updated.connector.events).toEqual(['run.finished'])
    expect(await db.connector.count({ where: { projectId: project, kind: 'webhook' } })).toBe(1)
    const jira = await put(
      project,
      'jira',
      JSON.stringify({
        baseUrl: 'https://acme.atlassian.net',
        email: 'a@acme.test',
        apiToken: 'x',
        projectKey: 'PAY',
        issueType: 'Bug',
      }),
      token,
    )
    expect(jira.status).toBe(200)
    expect((await put(project, 'teams', '{}', token)).status).toBe(404)
    const audits = await db.auditLog.findMany({
      where: { projectId: project, action: { startsWith: 'connector.' } },
    })
    // slack, webhook created, webhook updated, jira
    expect(audits).toHaveLength(4)
    expect(audits.every((entry) => entry.metadata.includes('"via":"api"'))).toBe(true)
  })
})
