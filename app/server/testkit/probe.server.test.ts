import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Pacer, send, type Target } from './probe.server'

let server: http.Server
let seen: http.IncomingHttpHeaders[] = []

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push(request.headers)
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function target(extraHeaders?: Record<string, string>): Target {
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    allowPrivate: true,
    timeoutMs: 5000,
    credentials: null,
    variables: {},
    pacer: new Pacer(0),
    signal: new AbortController().signal,
    secretNames: [],
    secretValues: [],
    extraHeaders,
    schemeOf: () => undefined,
  }
}

const probe = (headers: Record<string, string> = {}) => ({
  method: 'GET',
  path: '/ping',
  pathParams: {},
  query: [] as [string, string][],
  headers,
  auth: 'none' as const,
})

it("adds a partner run's attribution header to every request, without overriding the probe's own", async () => {
  seen = []
  await send(target({ 'X-Copilot-Partner': 'globex' }), probe())
  await send(target({ 'X-Copilot-Partner': 'globex' }), probe({ 'x-copilot-partner': 'own' }))
  await send(target(), probe())
  expect(seen.map((headers) => headers['x-copilot-partner'])).toEqual(['globex', 'own', undefined])
})
