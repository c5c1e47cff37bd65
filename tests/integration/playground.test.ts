/**
 * The request playground through its routes, against real HTTP servers on
 * 127.0.0.1: a small server acting as the Sandbox (it echoes the credential
 * it received, which must never reach the page) and a real mock process.
 * Vendor and partner send valid and invalid requests, see violations on the
 * lines of the bodies, save, load and delete templates; the history keeps 50;
 * hostile input is refused before anything is sent; a partner reaches neither
 * a spec not shared with it nor another partner's templates.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loader as partnerHome } from '~/routes/partner.playground'
import {
  action as partnerAction,
  loader as partnerLoader,
} from '~/routes/partner.$partnerProjectId.playground'
import {
  action as vendorAction,
  loader as vendorLoader,
} from '~/routes/projects.$projectId.playground'
import type { Actor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import { createEnvironment, setPartnerAuth } from '~/server/environments/service.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { partnerRequestLog } from '~/server/partners/portal-mocks.server'
import { setVisibility } from '~/server/partners/visibility.server'
import { importSpec } from '~/server/specs/store.server'
import type { PlaygroundActionData, PlaygroundView } from '~/shared/playground'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createPartnerUser,
  createUser,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { SHARED_SPECS } from '../support/shared-specs'
import { shopProject } from '../support/traces'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 5}`

const SECRET_SPEC = `openapi: 3.0.3
info: {title: Secret API, version: "1.0"}
paths:
  /vault:
    get:
      operationId: openVault
      responses: {"200": {description: ok}}
`

const SANDBOX_TOKEN = 'sbx_vendor_token_0123456789'
const PARTNER_TOKEN = 'sbx_partner_token_9876543210'

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
const received: Received[] = []
let sandbox: http.Server

/** The Sandbox: answers the Orders API and echoes the credential it received (in a header and the body). */
function startSandbox() {
  sandbox = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body })
      const echo = String(request.headers.authorization ?? '')
      const send = (status: number, value: unknown) =>
        response
          .writeHead(status, { 'content-type': 'application/json', 'x-echo': echo })
          .end(JSON.stringify(value))
      const url = new URL(request.url!, 'http://sandbox')
      if (request.method === 'POST' && url.pathname === '/v1/orders') {
        const input = JSON.parse(body || '{}') as { note?: string; amount?: number }
        if (input.note === 'wrong-response')
          return send(201, { id: 'ord_9', amount: 'lots', currency: 'EUR', seen: echo })
        return send(201, { id: 'ord_1', amount: input.amount, currency: 'EUR', seen: echo })
      }
      const match = /^\/v1\/orders\/([^/]+)$/.exec(url.pathname)
      if (request.method === 'GET' && match)
        return send(200, { id: decodeURIComponent(match[1]!), amount: 1, currency: 'EUR' })
      send(404, { message: 'not here' })
    })
  })
  return new Promise<void>((resolve) => sandbox.listen(0, '127.0.0.1', resolve))
}

let projectId: string
let specId: string
let secretSpecId: string
let sandboxEnvId: string
let mockId: string
let partnerId: string
let siblingId: string
let vendorUserId: string
const cookies = { vendor: '', viewer: '', partner: '', sibling: '', nobody: '' }

beforeAll(async () => {
  await startSandbox()
  // SHOP_SPEC (orders, bearer auth) in a project with the partner project "Partner Co".
  const shop = await shopProject('globex')
  const { org } = shop
  projectId = shop.project.id
  partnerId = shop.partner.id
  const owner = await createMember(org.id, 'OWNER')
  const actor: Actor = { userId: owner.user.id, organizationId: org.id, projectId, via: 'page' }
  const version = await db.specVersion.findUniqueOrThrow({ where: { id: shop.specVersionId } })
  specId = version.specId
  const secret = await importSpec({
    projectId,
    raw: new TextEncoder().encode(SECRET_SPEC),
    sourceKind: 'paste',
  })
  secretSpecId = secret.spec.id
  siblingId = (
    await db.partnerProject.create({ data: { projectId, name: 'Umbrella', slug: 'umbrella' } })
  ).id
  const secretMock = await db.mock.create({
    data: {
      projectId,
      specVersionId: secret.version.id,
      status: 'stopped',
      desiredState: 'stopped',
    },
  })
  // The Secret API and its mock are shared with no partner.
  await setVisibility(
    projectId,
    [
      { type: 'spec', id: secretSpecId },
      { type: 'mock', id: secretMock.id },
    ],
    { visibility: 'restricted', partnerProjectIds: [] },
    actor,
  )
  const { environment } = await createEnvironment(
    projectId,
    {
      kind: 'sandbox',
      name: 'Orders sandbox',
      baseUrl: `http://127.0.0.1:${(sandbox.address() as AddressInfo).port}`,
      auth: { type: 'bearer', token: SANDBOX_TOKEN },
      allowPrivateNetwork: true,
    },
    actor,
  )
  sandboxEnvId = environment.id
  await setPartnerAuth(
    projectId,
    sandboxEnvId,
    partnerId,
    { type: 'bearer', token: PARTNER_TOKEN },
    actor,
  )
  mockId = (await createMock(projectId, shop.specVersionId)).id
  vendorUserId = (await createMember(org.id, 'VENDOR')).user.id
  cookies.vendor = await cookieFor(vendorUserId)
  cookies.viewer = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  for (const [role, id] of [
    ['partner', partnerId],
    ['sibling', siblingId],
  ] as const) {
    cookies[role] = (await createPartnerUser(id)).cookie
  }
  cookies.nobody = await cookieFor((await createUser()).id)
  for (let waited = 0; waited < 15_000; waited += 100) {
    const mock = await db.mock.findUniqueOrThrow({ where: { id: mockId } })
    if (mock.status === 'up') break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
})

afterAll(async () => {
  await getSupervisor().shutdown()
  await new Promise<void>((resolve) => sandbox.close(() => resolve()))
})

const CREATE = () => `${specId}:createOrder`
const GET_ORDER = () => `${specId}:getOrder`

type Who = 'vendor' | 'viewer' | 'partner' | 'sibling'
const pageOf = (who: Who) =>
  who === 'partner' || who === 'sibling'
    ? `/partner/${who === 'partner' ? partnerId : siblingId}/playground`
    : `/projects/${projectId}/playground`
const paramsOf = (who: Who): Record<string, string> =>
  who === 'partner' || who === 'sibling'
    ? { partnerProjectId: who === 'partner' ? partnerId : siblingId }
    : { projectId }

async function load(who: Who, query: Record<string, string> = {}) {
  const search = new URLSearchParams(query).toString()
  const request = getRequest(`${pageOf(who)}${search ? `?${search}` : ''}`, cookies[who])
  const run = who === 'partner' || who === 'sibling' ? partnerLoader : vendorLoader
  const result = await settle(() => run(routeArgs(request, paramsOf(who))) as Promise<unknown>)
  return { ...result, view: result.data as PlaygroundView }
}

async function post(who: Who, fields: Record<string, string>, raw?: string) {
  const request = new Request(`${BASE_URL}${pageOf(who)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies[who] },
    body: raw ?? new URLSearchParams(fields).toString(),
  })
  const run = who === 'partner' || who === 'sibling' ? partnerAction : vendorAction
  const result = await settle(() => run(routeArgs(request, paramsOf(who))) as Promise<unknown>)
  return { ...result, answer: result.data as PlaygroundActionData }
}

/** The form of createOrder as the page posts it. */
function createOrder(env: string, body: string, extra: Record<string, string> = {}) {
  return {
    intent: 'send',
    op: CREATE(),
    env,
    headers: 'X-Request-Id: req-1',
    mediaType: 'application/json',
    body,
    ...extra,
  }
}

const VALID = '{\n  "amount": 1200,\n  "currency": "EUR",\n  "note": "first"\n}'

describe('the page', () => {
  it('searches operations on the server and prefills the chosen one from the spec', async () => {
    const { status, view } = await load('vendor', { q: 'post orders' })
    expect(status).toBe(200)
    expect(view.catalogue.groups.flatMap((group) => group.operations.map((op) => op.key))).toEqual([
      CREATE(),
    ])
    const selected = await load('vendor', { op: GET_ORDER() })
    expect(selected.view.selected).toMatchObject({ method: 'GET', path: '/orders/{orderId}' })
    expect(selected.view.draft?.params).toMatchObject([{ in: 'path', name: 'orderId' }])
    expect(selected.view.draft?.params[0]?.value).not.toBe('')
    const created = await load('vendor', { op: CREATE(), env: sandboxEnvId })
    // No example in the spec: a valid body generated from the schema, pretty-printed.
    const body = created.view.draft!.body
    expect(body).toContain('\n  "amount": ')
    expect(JSON.parse(body)).toMatchObject({ amount: expect.any(Number) })
    expect(['EUR', 'USD']).toContain((JSON.parse(body) as { currency: string }).currency)
    expect(created.view.draft?.env).toBe(sandboxEnvId)
    expect(created.view.environments.map((choice) => choice.kind).sort()).toEqual([
      'mock',
      'mock',
      'sandbox',
    ])
    // Snippets name the credential's variable, never its value.
    expect(created.view.snippets?.curl).toContain('"$API_TOKEN"')
    expect(created.view.snippets?.curl).toContain('/v1/orders')
    expect(JSON.stringify(created.view)).not.toContain(SANDBOX_TOKEN)
  })

  it('sends a signed-in partner to its first playground; someone with none gets a page', async () => {
    const partner = await settle(
      () =>
        partnerHome(
          routeArgs(getRequest('/partner/playground', cookies.partner)),
        ) as Promise<unknown>,
    )
    expect(partner.status).toBe(302)
    expect(partner.response?.headers.get('Location')).toBe(`/partner/${partnerId}/playground`)
    const nobody = await settle(
      () =>
        partnerHome(
          routeArgs(getRequest('/partner/playground', cookies.nobody)),
        ) as Promise<unknown>,
    )
    expect(nobody.status).toBe(200)
  })
})

describe('sending', () => {
  it('never lends the vendor’s sandbox credential to a partner without its own', async () => {
    const before = received.length
    const { answer } = await post('sibling', createOrder(sandboxEnvId, VALID))
    expect(received.length).toBe(before)
    expect(JSON.stringify(answer)).toContain('Set your own credentials for Orders sandbox')
    expect(JSON.stringify(answer)).not.toContain(SANDBOX_TOKEN)
  })

  it('sends the vendor’s request to the sandbox with the environment’s credential, never shown', async () => {
    const before = received.length
    const { status, answer } = await post('vendor', createOrder(sandboxEnvId, VALID))
    expect(status).toBe(200)
    expect(received.length).toBe(before + 1)
    const sent = received.at(-1)!
    expect(sent.url).toBe('/v1/orders')
    expect(sent.headers.authorization).toBe(`Bearer ${SANDBOX_TOKEN}`)
    expect(sent.headers['x-request-id']).toBe('req-1')
    expect(JSON.parse(sent.body)).toEqual({ amount: 1200, currency: 'EUR', note: 'first' })
    const outcome = answer.outcome!
    expect(outcome.response?.status).toBe(201)
    expect(outcome.response?.durationMs).toBeGreaterThanOrEqual(0)
    expect(outcome.request.body.violations).toEqual([])
    expect(outcome.response?.body.violations).toEqual([])
    expect(outcome.credential).toBe('authorization: Bearer [redacted]')
    // The sandbox echoed the token in a header and in the body: redacted on the page.
    const page = JSON.stringify(answer)
    expect(page).not.toContain(SANDBOX_TOKEN)
    expect(page).toContain('[redacted]')
    expect(answer.snippets?.python).toContain('os.environ["API_TOKEN"]')
    const history = await db.playgroundRequest.findMany({ where: { projectId, kind: 'history' } })
    expect(history.length).toBeGreaterThan(0)
    expect(JSON.stringify(history)).not.toContain(SANDBOX_TOKEN)
  })

  it('uses the partner’s own credential for the environment', async () => {
    const { status, answer } = await post('partner', createOrder(sandboxEnvId, VALID))
    expect(status).toBe(200)
    expect(received.at(-1)!.headers.authorization).toBe(`Bearer ${PARTNER_TOKEN}`)
    expect(JSON.stringify(answer)).not.toContain(PARTNER_TOKEN)
    const page = await load('partner', { op: CREATE() })
    expect(JSON.stringify(page.view)).not.toContain(PARTNER_TOKEN)
    const history = await db.playgroundRequest.findMany({ where: { partnerProjectId: partnerId } })
    expect(history.length).toBe(1)
    expect(JSON.stringify(history)).not.toContain(PARTNER_TOKEN)
  })

  it('sends to a running mock', async () => {
    const page = await load('partner', { op: CREATE() })
    const mockChoice = page.view.environments.find(
      (choice) => choice.kind === 'mock' && choice.specId === specId,
    )!
    expect(page.view.draft?.env).toBe(mockChoice.value)
    expect(page.view.snippets?.curl).toContain(`/mock/${mockId}/v1/orders`)
    const { status, answer } = await post('partner', createOrder(mockChoice.value, VALID))
    expect(status).toBe(200)
    expect(answer.outcome?.error).toBeNull()
    expect(answer.outcome?.response?.status).toBe(201)
    expect(answer.outcome?.response?.body.violations).toEqual([])
    // Attributed to the partner: the request shows in its own log on the Mocks page.
    await vi.waitFor(
      async () => {
        const log = await partnerRequestLog(
          { projectId, partnerProjectId: partnerId },
          { id: partnerId, slug: 'globex', projectId },
          mockId,
          new URLSearchParams(),
        )
        expect(log.entries.map((entry) => entry.path)).toContain('/v1/orders')
      },
      { timeout: 5000, interval: 100 },
    )
  })

  it('places a request body violation on its line, and still sends', async () => {
    const body = '{\n  "amount": 1200,\n  "currency": "GBP"\n}'
    const { status, answer } = await post('partner', createOrder(sandboxEnvId, body))
    expect(status).toBe(200)
    expect(answer.outcome?.sent).toBe(true)
    expect(answer.outcome?.request.body.violations).toMatchObject([
      { side: 'request', location: 'body/currency', line: 3 },
    ])
  })

  it('places response violations on the lines of the response body', async () => {
    const body = '{\n  "amount": 5,\n  "currency": "EUR",\n  "note": "wrong-response"\n}'
    const { answer } = await post('vendor', createOrder(sandboxEnvId, body))
    const response = answer.outcome!.response!
    expect(response.status).toBe(201)
    const violation = response.body.violations.find((entry) => entry.location === 'body/amount')!
    expect(violation.side).toBe('response')
    expect(response.body.text.split('\n')[violation.line! - 1]).toContain('"amount": "lots"')
  })

  it('does not send a malformed JSON body; the syntax error is on its line', async () => {
    const before = received.length
    const body = '{\n  "amount": 1200,\n  "currency": "EUR"\n  "note": "x"\n}'
    const { status, answer } = await post('partner', createOrder(sandboxEnvId, body))
    expect(status).toBe(422)
    expect(received.length).toBe(before)
    expect(answer.outcome?.sent).toBe(false)
    expect(answer.outcome?.request.body.violations[0]).toMatchObject({ location: 'body', line: 4 })
  })

  it('refuses an oversized body', async () => {
    const before = received.length
    const big = JSON.stringify({ amount: 1, currency: 'EUR', note: 'x'.repeat(1024 * 1024) })
    const { status, answer } = await post('partner', createOrder(sandboxEnvId, big))
    expect(status).toBe(400)
    expect(answer.reply.error?.body?.[0]).toMatch(/at most 1 MB/)
    const huge = await post('partner', {}, `body=${'x'.repeat(5 * 1024 * 1024)}`)
    expect(huge.status).toBe(413)
    expect(received.length).toBe(before)
  })

  it('refuses CR/LF in header values, undocumented parameters and a typed credential, sending nothing', async () => {
    const before = received.length
    const refused = async (extra: Record<string, string>) => {
      const { status, answer } = await post('partner', createOrder(sandboxEnvId, VALID, extra))
      expect(status).toBe(400)
      return answer.reply.error ?? {}
    }
    expect((await refused({ headers: 'X-Note: a\rX-Admin: yes' })).headers?.[0]).toMatch(
      /line break/,
    )
    expect((await refused({ headers: 'X-Note: a\u0000b' })).headers?.[0]).toMatch(/line break/)
    expect((await refused({ headers: 'X-Note: a\nX-Admin' })).headers?.[0]).toMatch(
      /not a Name: value line/,
    )
    const undocumented = await refused({
      'params[0].in': 'header',
      'params[0].name': 'X-Admin',
      'params[0].value': 'yes\r\nX-Injected: 1',
    })
    expect(undocumented['params[0].value']?.[0]).toMatch(/not a parameter of this operation/)
    expect((await refused({ headers: 'Authorization: Bearer stolen' })).headers?.[0]).toMatch(
      /credentials/,
    )
    expect(received.length).toBe(before)
  })

  it('keeps the URL under the environment’s base URL whatever the path parameter holds', async () => {
    for (const value of ['../../admin', '//evil.test/x', 'a?b=c#d']) {
      const { status } = await post('vendor', {
        intent: 'send',
        op: GET_ORDER(),
        env: sandboxEnvId,
        'params[0].in': 'path',
        'params[0].name': 'orderId',
        'params[0].value': value,
      })
      expect(status).toBe(200)
      const sent = received.at(-1)!
      expect(sent.url).toBe(`/v1/orders/${encodeURIComponent(value)}`)
    }
    const before = received.length
    const dots = await post('vendor', {
      intent: 'send',
      op: GET_ORDER(),
      env: sandboxEnvId,
      'params[0].in': 'path',
      'params[0].name': 'orderId',
      'params[0].value': '..',
    })
    expect(dots.status).toBe(400)
    expect(received.length).toBe(before)
  })

  it('lets a viewer look but not send', async () => {
    expect((await load('viewer', { op: CREATE() })).view.canSend).toBe(false)
    expect((await post('viewer', createOrder(sandboxEnvId, VALID))).status).toBe(403)
  })
})

describe('templates and history', () => {
  it('keeps a body typed in a textarea (CRLF line breaks) with LF, in the template and its snippets', async () => {
    const crlf = VALID.replace(/\n/g, '\r\n')
    const saved = await post(
      'partner',
      createOrder(sandboxEnvId, crlf, { intent: 'save-template', name: 'Typed in a textarea' }),
    )
    const templateId = new URL(saved.response!.headers.get('Location')!, BASE_URL).searchParams.get(
      'template',
    )!
    const row = await db.playgroundRequest.findUniqueOrThrow({ where: { id: templateId } })
    expect(row.request).not.toContain('\\r')
    const loaded = await load('partner', { template: templateId })
    expect(loaded.view.draft?.body).toBe(VALID)
    expect(JSON.stringify(loaded.view.snippets)).not.toContain('\\r')
    await db.playgroundRequest.delete({ where: { id: templateId } })
  })

  it('saves, loads and deletes a template, which no other partner reaches', async () => {
    const saved = await post(
      'partner',
      createOrder(sandboxEnvId, VALID, { intent: 'save-template', name: 'Create EUR order' }),
    )
    expect(saved.status).toBe(302)
    const location = saved.response!.headers.get('Location')!
    const templateId = new URL(location, BASE_URL).searchParams.get('template')!
    const row = await db.playgroundRequest.findUniqueOrThrow({ where: { id: templateId } })
    expect(row).toMatchObject({
      kind: 'template',
      name: 'Create EUR order',
      userId: expect.any(String),
    })
    expect(row.request).not.toContain(PARTNER_TOKEN)

    const loaded = await load('partner', { template: templateId })
    expect(loaded.view.loaded).toMatchObject({ id: templateId, kind: 'template' })
    expect(loaded.view.selected?.key).toBe(CREATE())
    expect(loaded.view.draft).toMatchObject({ env: sandboxEnvId, body: VALID })
    expect(loaded.view.templates.map((entry) => entry.name)).toEqual(['Create EUR order'])

    // Another partner of the same project: the id is a 404, by page and by action.
    expect((await load('sibling', { template: templateId })).status).toBe(404)
    expect((await load('sibling')).view.templates).toEqual([])
    expect((await post('sibling', { intent: 'delete-saved', savedId: templateId })).status).toBe(
      404,
    )
    // The vendor's playground does not list the partner's templates either.
    expect((await load('vendor', { template: templateId })).status).toBe(404)

    const deleted = await post('partner', { intent: 'delete-saved', savedId: templateId })
    expect(deleted.status).toBe(302)
    expect(await db.playgroundRequest.count({ where: { id: templateId } })).toBe(0)
  })

  it('keeps the last 50 sends per user and project', async () => {
    const userId = vendorUserId
    const old = Date.now() - 3_600_000
    await db.playgroundRequest.createMany({
      data: Array.from({ length: 55 }, (_, index) => ({
        kind: 'history',
        specId,
        operationId: 'createOrder',
        request: '{}',
        userId,
        projectId,
        createdAt: new Date(old + index * 1000),
      })),
    })
    await post('vendor', createOrder(sandboxEnvId, VALID))
    const kept = await db.playgroundRequest.findMany({
      where: { userId, projectId, partnerProjectId: null, kind: 'history' },
      orderBy: { createdAt: 'desc' },
    })
    expect(kept.length).toBe(50)
    expect(kept[0]!.outcome).toContain('"status":201')
    const page = await load('vendor')
    expect(page.view.history.length).toBe(50)
  })
})

describe('visibility', () => {
  it('hides a spec and a mock not shared with the partner (404 by URL and by action)', async () => {
    const vendor = await load('vendor', { q: 'vault' })
    expect(vendor.view.catalogue.matched).toBe(1)
    const partner = await load('partner', { q: 'vault' })
    expect(partner.view.catalogue.matched).toBe(0)
    expect(partner.view.environments.filter((choice) => choice.kind === 'mock')).toHaveLength(1)
    expect((await load('partner', { op: `${secretSpecId}:openVault` })).status).toBe(404)
    expect(
      (
        await post('partner', {
          intent: 'send',
          op: `${secretSpecId}:openVault`,
          env: sandboxEnvId,
        })
      ).status,
    ).toBe(404)
    const secretMock = await db.mock.findFirstOrThrow({
      where: { projectId, specVersion: { specId: secretSpecId } },
    })
    expect((await post('partner', createOrder(`mock:${secretMock.id}`, VALID))).status).toBe(404)
  })
})

describe('a large spec (Stripe)', () => {
  it('stays usable: searched on the server, 50 shown, a form-encoded operation prefilled as JSON', async () => {
    const stripe = await importSpec({
      projectId,
      raw: fs.readFileSync(path.join(SHARED_SPECS, 'stripe-spec3.json')),
      sourceKind: 'upload',
      sourceName: 'stripe-spec3.json',
    })
    const all = await load('vendor')
    expect(all.view.catalogue.total).toBeGreaterThan(400)
    expect(all.view.catalogue.shown).toBe(50)
    const started = performance.now()
    const found = await load('vendor', { q: 'post /v1/customers' })
    const operations = found.view.catalogue.groups.flatMap((group) => group.operations)
    expect(operations.length).toBeGreaterThan(0)
    expect(operations.length).toBeLessThanOrEqual(50)
    expect(
      operations.every((op) => op.method === 'POST' && op.path.includes('/v1/customers')),
    ).toBe(true)
    const key = operations.find((op) => op.path === '/v1/customers')!.key
    const page = await load('vendor', { op: key, env: sandboxEnvId })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(page.view.selected?.specId).toBe(stripe.spec.id)
    expect(page.view.draft?.mediaType).toBe('application/x-www-form-urlencoded')
    expect(() => JSON.parse(page.view.draft!.body)).not.toThrow()
    // The snippet sends what the server would: the JSON encoded as a form.
    expect(page.view.snippets?.curl).toContain('application/x-www-form-urlencoded')
  }, 120_000)
})
