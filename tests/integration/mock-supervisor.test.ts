/** Real mock processes on 127.0.0.1: start, serve, log, crash and come back, reset, stop, resume after an app restart. */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { MockSupervisor, getSupervisor } from '~/server/mocks/supervisor.server'
import {
  controlMock,
  createMock,
  mockNewVersion,
  updateMockConfig,
} from '~/server/mocks/service.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject } from '../helpers'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 20}`

const SPEC = `openapi: 3.0.3
info: {title: Ping, version: "1"}
paths:
  /items:
    get:
      operationId: listItems
      parameters: [{name: limit, in: query, schema: {type: integer, maximum: 10}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Item"}}}}}}
    post:
      operationId: createItem
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}}
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}}
components:
  schemas:
    Item: {type: object, properties: {id: {type: string}, name: {type: string}}}
`

let projectId: string
let versionId: string
let specId: string
beforeAll(async () => {
  projectId = (await createProject((await createOrg()).id)).id
  const imported = await importSpec({
    projectId,
    raw: new TextEncoder().encode(SPEC),
    sourceKind: 'paste',
  })
  versionId = imported.version.id
  specId = imported.spec.id
})
afterAll(async () => {
  await getSupervisor().shutdown()
})

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('condition not met in time')
}

/** Sends a request target exactly as written (fetch would normalise it) and returns the status. */
function rawStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n`),
    )
    let head = ''
    socket.on('data', (chunk: Buffer) => (head += chunk.toString('latin1')))
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)))
    socket.on('error', reject)
  })
}

describe('mock supervisor', () => {
  it('starts a mock process that serves the spec, logs requests and validates them', async () => {
    const mock = await createMock(projectId, versionId)
    expect(mock).toMatchObject({ status: 'up' })
    expect(mock.port).toBeGreaterThanOrEqual(base)
    const ok = await fetch(`http://127.0.0.1:${mock.port}/items`)
    expect(ok.status).toBe(200)
    expect(Array.isArray(await ok.json())).toBe(true)
    const bad = await fetch(`http://127.0.0.1:${mock.port}/items?limit=99`)
    expect(bad.status).toBe(400)
    await until(async () => (await db.mockRequestLog.count({ where: { mockId: mock.id } })) === 2)
    const logged = await db.mockRequestLog.findFirstOrThrow({
      where: { mockId: mock.id, status: 400 },
    })
    expect(JSON.parse(logged.violations)[0]).toMatchObject({ location: 'query.limit' })
    expect((await db.mock.findUniqueOrThrow({ where: { id: mock.id } })).requestCount).toBe(2)
    await getSupervisor().stop(mock.id)
  })

  it('answers hostile requests with clear statuses and keeps serving', async () => {
    const mock = await createMock(projectId, versionId, { stateful: false })
    const port = mock.port!
    expect(await rawStatus(port, '/items/%E0%A4%A')).toBe(200)
    expect(await rawStatus(port, '/items/../items?limit=1')).toBe(200)
    expect(await rawStatus(port, '/items/./../items')).toBe(200)
    expect(await rawStatus(port, '/items?limit=%ZZ')).toBe(400)
    expect(await rawStatus(port, `/items?${'x=1&'.repeat(2000)}limit=2`)).toBe(200)
    expect(await rawStatus(port, '/nowhere/at/all')).toBe(404)
    const post = (body: string, type = 'application/json') =>
      fetch(`http://127.0.0.1:${port}/items`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      })
    expect((await post('x'.repeat(6 * 1024 * 1024))).status).toBe(413)
    expect((await post('['.repeat(100_000) + ']'.repeat(100_000))).status).toBeLessThan(500)
    expect((await post('{"name": 5')).status).toBe(400)
    const wrongType = await post('{"name": 5}')
    expect(((await wrongType.json()) as { violations: unknown[] }).violations).toEqual([
      expect.objectContaining({ location: 'body/name' }),
    ])
    expect((await post('name=x', 'application/x-www-form-urlencoded')).status).toBe(415)
    expect((await fetch(`http://127.0.0.1:${port}/items`)).status).toBe(200)
    expect((await db.mock.findUniqueOrThrow({ where: { id: mock.id } })).restartCount).toBe(0)
    await getSupervisor().stop(mock.id)
  })

  it('restarts a crashed mock, keeps state until reset, and frees the port on stop', async () => {
    const mock = await createMock(projectId, versionId)
    const supervisor = getSupervisor()
    const created = (await (
      await fetch(`http://127.0.0.1:${mock.port}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"a"}',
      })
    ).json()) as { id: string }
    expect((await fetch(`http://127.0.0.1:${mock.port}/items/${created.id}`)).status).toBe(200)
    await controlMock(projectId, mock.id, 'reset')
    await until(
      async () => (await fetch(`http://127.0.0.1:${mock.port}/items/${created.id}`)).status === 404,
    )

    const pid = supervisor.pidOf(mock.id)!
    process.kill(pid, 'SIGKILL')
    await until(async () => {
      const row = await db.mock.findUniqueOrThrow({ where: { id: mock.id } })
      return row.status === 'up' && supervisor.pidOf(mock.id) !== pid
    })
    const row = await db.mock.findUniqueOrThrow({ where: { id: mock.id } })
    expect(row.restartCount).toBe(1)
    expect((await fetch(`http://127.0.0.1:${row.port}/items`)).status).toBe(200)

    await controlMock(projectId, mock.id, 'stop')
    expect(await db.mock.findUniqueOrThrow({ where: { id: mock.id } })).toMatchObject({
      status: 'stopped',
      port: null,
      desiredState: 'stopped',
    })
    await expect(fetch(`http://127.0.0.1:${row.port}/items`)).rejects.toThrow()
  })

  it('serves many mocks per host: own ports, state and settings; a host crash restarts only its mocks', async () => {
    const supervisor = getSupervisor()
    // Two hosts by default: of three mocks, two share one (pigeonhole).
    const mocks = [
      await createMock(projectId, versionId),
      await createMock(projectId, versionId),
      await createMock(projectId, versionId),
    ]
    const byHost = new Map<number, typeof mocks>()
    for (const mock of mocks) {
      const pid = supervisor.pidOf(mock.id)!
      byHost.set(pid, [...(byHost.get(pid) ?? []), mock])
    }
    const [sharedPid, shared] = [...byHost].find(([, group]) => group.length >= 2)!
    const [first, second] = shared
    expect(first!.port).not.toBe(second!.port)
    // State is per mock even in one process.
    const created = (await (
      await fetch(`http://127.0.0.1:${first!.port}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"only-in-first"}',
      })
    ).json()) as { id: string }
    expect((await fetch(`http://127.0.0.1:${first!.port}/items/${created.id}`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${second!.port}/items/${created.id}`)).status).toBe(404)
    // Settings too: a rate limit on one leaves the other alone.
    await updateMockConfig(projectId, first!.id, { rateLimit: { requests: 1, windowSeconds: 60 } })
    await until(async () => {
      await fetch(`http://127.0.0.1:${first!.port}/items`)
      return (await fetch(`http://127.0.0.1:${first!.port}/items`)).status === 429
    })
    for (let request = 0; request < 3; request++)
      expect((await fetch(`http://127.0.0.1:${second!.port}/items`)).status).toBe(200)
    // A crash of the host: its mocks come back; a mock of the other host never went down.
    const other = mocks.find((mock) => supervisor.pidOf(mock.id) !== sharedPid)
    process.kill(sharedPid, 'SIGKILL')
    await until(async () => {
      const rows = await db.mock.findMany({ where: { id: { in: shared.map((mock) => mock.id) } } })
      return rows.every((row) => row.status === 'up' && supervisor.pidOf(row.id) !== sharedPid)
    })
    for (const mock of shared) {
      const row = await db.mock.findUniqueOrThrow({ where: { id: mock.id } })
      expect(row.restartCount).toBe(1)
      expect((await fetch(`http://127.0.0.1:${row.port}/items`)).status).toBeLessThan(500)
    }
    if (other) {
      expect((await db.mock.findUniqueOrThrow({ where: { id: other.id } })).restartCount).toBe(0)
      expect((await fetch(`http://127.0.0.1:${other.port}/items`)).status).toBe(200)
    }
    for (const mock of mocks) await supervisor.stop(mock.id)
    expect(supervisor.hostStats()).toEqual([])
  })

  it('applies configuration live (rate limit) and moves to a new spec version on import', async () => {
    const mock = await createMock(projectId, versionId)
    await updateMockConfig(projectId, mock.id, { rateLimit: { requests: 1, windowSeconds: 60 } })
    await until(
      async () =>
        (await fetch(`http://127.0.0.1:${mock.port}/items`)).headers.get('ratelimit-limit') === '1',
    )
    expect((await fetch(`http://127.0.0.1:${mock.port}/items`)).status).toBe(429)

    const next = await importSpec({
      projectId,
      raw: new TextEncoder().encode(SPEC.replace('title: Ping', 'title: Ping v2')),
      sourceKind: 'paste',
      name: 'Ping',
    })
    const moved = await mockNewVersion(projectId, specId, next.version.id)
    expect(moved.specVersionId).toBe(next.version.id)
    await getSupervisor().shutdown()
  })

  it('skips a port of the range that another program holds', async () => {
    const supervisor = new MockSupervisor()
    // Another program listens on the first ports of the range.
    const squatters = await Promise.all(
      [base, base + 1].map(
        (port) =>
          new Promise<net.Server>((resolve, reject) => {
            const server = net.createServer().listen(port, '127.0.0.1', () => resolve(server))
            server.on('error', reject)
          }),
      ),
    )
    try {
      const mock = await createMock(projectId, versionId)
      await getSupervisor().stop(mock.id)
      await supervisor.start(mock.id)
      const port = supervisor.portOf(mock.id)
      expect(port).toBeGreaterThan(base + 1)
      expect((await fetch(`http://127.0.0.1:${port}/items`)).status).toBe(200)
      expect((await db.mock.findUniqueOrThrow({ where: { id: mock.id } })).status).toBe('up')
    } finally {
      await supervisor.shutdown()
      await Promise.all(squatters.map((server) => new Promise((resolve) => server.close(resolve))))
    }
  })

  it('brings running mocks back when the app restarts', async () => {
    const mock = await createMock(projectId, versionId)
    await getSupervisor().shutdown() // the old app process goes away...
    const fresh = new MockSupervisor() // ...and a new one boots
    await fresh.boot()
    const port = fresh.portOf(mock.id)
    expect(port).toBeDefined()
    expect((await fetch(`http://127.0.0.1:${port}/items`)).status).toBe(200)
    await fresh.shutdown()
  })
})
