/**
 * The public mock URL's second hop (decision 034): frames between the gateway and a real
 * mock host over its Unix socket. The codec on its own (frames cut anywhere, hostile
 * frames), then the gateway on 127.0.0.1 in front of a real mock: many requests in flight
 * answered to the right caller, whole bodies with their length, 413, a restart, a
 * connection fed garbage, and a mock that never answers.
 */
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mockGateway } from '~/server/mocks/proxy.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { encodeFrame, frameReader, WireError } from '~/server/mocks/wire'
import { expireWaiting, sendOverWire, WireTimeout } from '~/server/mocks/wire-client.server'
import { importSpec } from '~/server/specs/store.server'
import { db } from '~/server/db.server'
import { createOrg, createProject, until } from '../helpers'
import { httpCall } from '../support/http-call'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

describe('frames', () => {
  const frames = [
    encodeFrame(1, { method: 'GET', target: '/a', headers: {} }),
    encodeFrame(2, { status: 201, headers: { 'content-type': 'text/plain' } }, 'héllo wörld'),
    encodeFrame(0xfffffffe, { ok: true }, Buffer.from([0, 1, 2, 255])),
  ]
  const stream = Buffer.concat(frames)
  const read = (chunks: Buffer[]) => {
    const got: { id: number; head: unknown; body: string }[] = []
    const push = frameReader(
      (id, head, body) => got.push({ id, head, body: body.toString('hex') }),
      1024,
    )
    for (const chunk of chunks) push(chunk)
    return got
  }
  const expected = [
    { id: 1, head: { method: 'GET', target: '/a', headers: {} }, body: '' },
    {
      id: 2,
      head: { status: 201, headers: { 'content-type': 'text/plain' } },
      body: Buffer.from('héllo wörld').toString('hex'),
    },
    { id: 0xfffffffe, head: { ok: true }, body: '000102ff' },
  ]

  it('come out whole however the stream is cut', () => {
    expect(read([stream])).toEqual(expected)
    for (let cut = 1; cut < stream.length; cut++)
      expect(read([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected)
    expect(read([...stream].map((byte) => Buffer.from([byte])))).toEqual(expected)
  })

  it('refuse what cannot be trusted: oversized, too short, a head past its frame, a head that is not JSON', () => {
    const push = frameReader(() => {}, 64)
    expect(() => push(encodeFrame(1, { pad: 'x'.repeat(100) }))).toThrow(WireError)
    const short = Buffer.alloc(8)
    short.writeUInt32BE(4, 0)
    expect(() => frameReader(() => {}, 64)(short)).toThrow(/outside the limits/)
    const overrun = encodeFrame(1, { a: 1 })
    overrun.writeUInt32BE(1000, 8)
    expect(() => frameReader(() => {}, 64)(overrun)).toThrow(/overruns/)
    const garbage = encodeFrame(1, { a: 1 })
    garbage.write('{{', 12)
    expect(() => frameReader(() => {}, 64)(garbage)).toThrow(/not JSON/)
  })

  it('join a large body once it is whole', () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7)
    const frame = encodeFrame(9, { status: 200, headers: {} }, body)
    let got: Buffer | undefined
    const push = frameReader((_id, _head, received) => (got = received), 4 * 1024 * 1024)
    for (let offset = 0; offset < frame.length; offset += 65_536)
      push(frame.subarray(offset, offset + 65_536))
    expect(got?.equals(body)).toBe(true)
  })
})

const SPEC = `openapi: 3.0.3
info: {title: Wire, version: "1"}
paths:
  /items:
    post:
      operationId: createItem
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
      responses: {"201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}}
    get:
      operationId: listItems
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Item"}}}}}}
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}}
  /download:
    get:
      operationId: download
      responses:
        "200":
          description: a file, with the framing headers a spec may document
          headers:
            Content-Length: {schema: {type: integer, example: 3}}
            Transfer-Encoding: {schema: {type: string, example: chunked}}
            X-Kept: {schema: {type: string, example: kept}}
          content:
            text/plain: {example: "a body longer than three bytes"}
components:
  schemas:
    Item: {type: object, required: [name], properties: {id: {type: string}, name: {type: string}}}
`

let gatewayUrl: string
let gatewayServer: http.Server
let mockId: string
let direct: string

function call(url: string, method = 'GET', body?: string, agent?: http.Agent) {
  const headers: Record<string, string> =
    body === undefined ? {} : { 'content-type': 'application/json' }
  return httpCall(url, { method, headers, body, agent })
}

beforeAll(async () => {
  const project = await createProject((await createOrg()).id)
  const imported = await importSpec({
    projectId: project.id,
    raw: new TextEncoder().encode(SPEC),
    sourceKind: 'paste',
  })
  const mock = await createMock(project.id, imported.version.id, { stateful: true })
  expect(mock.status).toBe('up')
  mockId = mock.id
  direct = `http://127.0.0.1:${getSupervisor().portOf(mockId)}`
  const gateway = mockGateway(null)
  gatewayServer = http.createServer((request, response) =>
    gateway(request, response, () => response.writeHead(404).end()),
  )
  await new Promise<void>((resolve) => gatewayServer.listen(0, '127.0.0.1', resolve))
  gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as net.AddressInfo).port}/mock/${mockId}`
})

afterAll(async () => {
  await getSupervisor().shutdown()
  gatewayServer?.close()
})

describe('the gateway over the wire', () => {
  it('answers each of many requests in flight at once to its own caller', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 })
    const names = Array.from({ length: 200 }, (_, index) => `item-${index}`)
    const answers = await Promise.all(
      names.map((name) => call(`${gatewayUrl}/items`, 'POST', JSON.stringify({ name }), agent)),
    )
    agent.destroy()
    answers.forEach((answer, index) => {
      expect(answer.status).toBe(201)
      expect(JSON.parse(answer.body)).toMatchObject({ name: names[index] })
    })
    expect(new Set(answers.map((answer) => JSON.parse(answer.body).id)).size).toBe(names.length)
  })

  it('sends whole bodies with their Content-Length, never the framing headers a spec documents', async () => {
    for (const url of [`${direct}/download`, `${gatewayUrl}/download`]) {
      const answer = await call(url)
      expect(answer.status).toBe(200)
      expect(answer.body).toBe('a body longer than three bytes')
      expect(answer.headers['content-length']).toBe(String(answer.body.length))
      expect(answer.headers['transfer-encoding']).toBeUndefined()
      expect(answer.headers['x-kept']).toBe('kept')
    }
    const head = await call(`${gatewayUrl}/download`, 'HEAD')
    expect(head).toMatchObject({ status: 200, body: '' })
  })

  it('refuses a body over 5 MB with a 413 and goes on serving', async () => {
    const huge = await call(
      `${gatewayUrl}/items`,
      'POST',
      `{"name":"${'x'.repeat(6 * 1024 * 1024)}"}`,
    )
    expect(huge.status).toBe(413)
    expect(JSON.parse(huge.body)).toMatchObject({ title: 'Payload Too Large', status: 413 })
    expect((await call(`${gatewayUrl}/items`, 'POST', '{"name":"after"}')).status).toBe(201)
  })

  it('reconnects after the mock restarts', async () => {
    expect((await call(`${gatewayUrl}/items`, 'POST', '{"name":"before"}')).status).toBe(201)
    await getSupervisor().restart(mockId)
    expect((await call(`${gatewayUrl}/items`, 'POST', '{"name":"again"}')).status).toBe(201)
  })

  it('closes a connection that sends garbage, and the mock keeps serving others', async () => {
    const socketPath = getSupervisor().socketOf(mockId)!
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.createConnection(socketPath, () => {
        socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
      })
      socket.on('close', () => resolve(true))
      socket.on('error', () => {})
      setTimeout(() => resolve(false), 5_000)
    })
    expect(closed).toBe(true)
    expect((await call(`${gatewayUrl}/items`, 'POST', '{"name":"still"}')).status).toBe(201)
  })
})

describe('the request log under load', () => {
  it('counts every request and keeps a batch of the newest, built by the host', async () => {
    const before = (await db.mock.findUniqueOrThrow({ where: { id: mockId } })).requestCount
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 })
    const burst = Array.from({ length: 300 }, (_, index) => index)
    for (let start = 0; start < burst.length; start += 20)
      await Promise.all(
        burst
          .slice(start, start + 20)
          .map((index) => call(`${gatewayUrl}/items/burst-${index}`, 'GET', undefined, agent)),
      )
    agent.destroy()
    await until(
      async () =>
        (await db.mock.findUniqueOrThrow({ where: { id: mockId } })).requestCount >= before + 300,
      15_000,
    )
    const logged = await db.mockRequestLog.findMany({
      where: { mockId, path: { startsWith: '/items/burst-' } },
      orderBy: { at: 'desc' },
    })
    expect(logged.length).toBeGreaterThan(0)
    expect(logged.length).toBeLessThanOrEqual(300)
    expect(logged.map((row) => row.path)).toContain('/items/burst-299')
    expect(JSON.parse(logged[0]!.request)).toHaveProperty('headers')
  })
})

describe('a mock that does not answer', () => {
  let silent: net.Server
  let socketPath: string
  const accepted: net.Socket[] = []
  beforeAll(async () => {
    socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ic-wire-')), 'silent.sock')
    silent = net.createServer((socket) => {
      accepted.push(socket)
      socket.resume()
    })
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve))
  })
  afterAll(() => silent.close())

  const send = () =>
    new Promise<Error | null>((resolve) =>
      sendOverWire(
        socketPath,
        { method: 'GET', target: '/', headers: {} },
        Buffer.alloc(0),
        resolve,
      ),
    )

  it('is a timeout once the limit has passed', async () => {
    const answer = send()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expireWaiting(Date.now() + 60_000)
    expect(
      await Promise.race([answer, new Promise((r) => setTimeout(() => r('waiting'), 100))]),
    ).toBe('waiting')
    expireWaiting(Date.now() + 10 * 60_000)
    const error = await answer
    expect(error).toBeInstanceOf(WireTimeout)
    expect(error?.message).toMatch(/did not answer within 150 s/)
  })

  it('fails what is in flight when the connection drops', async () => {
    const answer = send()
    await new Promise((resolve) => setTimeout(resolve, 50))
    for (const socket of accepted) socket.destroy()
    const error = await answer
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(WireTimeout)
  })
})

describe('a mock that answers malformed heads', () => {
  let liar: net.Server
  let socketPath: string
  beforeAll(async () => {
    socketPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ic-wire-')), 'liar.sock')
    liar = net.createServer((socket) => {
      const push = frameReader((id, head) => {
        const { target } = head as { target: string }
        // Headers as an object (not the wire's flat list), or no status at all.
        const answer =
          target === '/object' ? { status: 200, headers: { 'set-cookie': 'x=1' } } : { headers: [] }
        socket.write(encodeFrame(id, answer, 'body'))
      }, 1024 * 1024)
      socket.on('data', push)
    })
    await new Promise<void>((resolve) => liar.listen(socketPath, resolve))
  })
  afterAll(() => liar.close())

  it('fails the request instead of passing the head on', async () => {
    for (const target of ['/object', '/no-status']) {
      const outcome = await new Promise<{ error: Error | null; answer: unknown }>((resolve) =>
        sendOverWire(
          socketPath,
          { method: 'GET', target, headers: {} },
          Buffer.alloc(0),
          (error, answer) => resolve({ error, answer }),
        ),
      )
      expect(outcome.error?.message).toMatch(/malformed/)
      expect(outcome.answer).toBeUndefined()
    }
  })
})
