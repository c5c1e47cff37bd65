/**
 * Entry of a mock host (forked by the supervisor): one process serving many mocks, each
 * an HTTP server on its own port (and Unix socket) around its own MockEngine. Mocks of
 * the same spec version share the spec and what is compiled from it (the engine keeps
 * per-spec parts in a WeakMap); each keeps its own state, settings and log. Request logs
 * go back to the parent in batches per mock; secrets are redacted before they leave.
 */
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { MAX_BODY_BYTES, readBody, writeWhole } from './http-body.server'
import { MockEngine, type MockResponse } from './engine.server'
import { logRowsJson } from './log-rows'
import type { FromMock, MockLogEntry, ToMock } from './protocol'
import { encodeFrame, frameReader, headerList, type WireAnswer, type WireRequest } from './wire'
import { prepareRequest } from '../specs/request.server'
import { redactBody, redactHeaders, redactQuery } from '../redact.server'

const LOGGED_BODY_CHARS = 4096
/** Bodies are redacted whole (a JSON body cut mid-way cannot be parsed) up to this size. */
const MAX_REDACTED_BODY = 256 * 1024

function send(message: FromMock) {
  process.send?.(message)
}

type RawLog = {
  at: number
  durationMs: number
  method: string
  pathname: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: Buffer
  result: MockResponse
}
const LOG_LIMIT = Number(process.env.MOCK_LOG_LIMIT || 500)

/** One mock served by this host. */
type Hosted = {
  mockId: string
  specKey: string
  engine: MockEngine
  /** Query parameters and headers that carry the spec's API keys: redacted in the log. */
  secretQuery: string[]
  secretHeaders: string[]
  /** Its own port's server and the gateway's wire server, with a way to close each and its connections. */
  servers: { server: net.Server; close: () => void }[]
  pending: RawLog[]
  received: number
  lastFlushAt: number
  lastBatch: number
}

const hosted = new Map<string, Hosted>()
/** Specs by version, shared by the mocks of that version while one runs. */
const specs = new Map<string, NormalizedSpec>()

function toEntry(
  { secretHeaders, secretQuery }: Hosted,
  { at, durationMs, method, pathname, query, headers, body, result }: RawLog,
): MockLogEntry {
  return {
    at,
    method,
    path: pathname,
    status: result.status,
    durationMs,
    operationId: result.operationId ?? '',
    violations: result.violations,
    request: {
      headers: redactHeaders(headers, secretHeaders),
      query: redactQuery(query, secretQuery),
      body: redactBody(
        body.toString('utf8', 0, MAX_REDACTED_BODY),
        String(headers['content-type'] ?? ''),
      ).slice(0, LOGGED_BODY_CHARS),
    },
    response: {
      headers: redactHeaders(result.headers),
      body: redactBody(
        (result.body ?? '').slice(0, MAX_REDACTED_BODY),
        result.headers['content-type'] ?? '',
      ).slice(0, LOGGED_BODY_CHARS),
    },
  }
}

/**
 * Logs go to the supervisor twice a second, at most BATCH_MAX of the newest requests at a
 * time; under load (a full batch), every two seconds. Every request is counted; under load
 * the log keeps a sample of the newest ones (50 a second), which is what a person reading
 * it can use, and what keeps storing them from stalling the web thread (decision 034).
 */
const FLUSH_MS = 500
const BUSY_FLUSH_MS = 2000
const BATCH_MAX = Math.min(100, LOG_LIMIT)

function flushLogs(mock: Hosted) {
  if (mock.received === 0) return
  const now = Date.now()
  if (mock.lastBatch >= BATCH_MAX && now - mock.lastFlushAt < BUSY_FLUSH_MS) return
  const entries = mock.pending.slice(-BATCH_MAX).map((raw) => toEntry(mock, raw))
  send({
    type: 'log',
    mockId: mock.mockId,
    rows: logRowsJson(entries),
    lastAt: entries[entries.length - 1]!.at,
    total: mock.received,
  })
  mock.lastFlushAt = now
  mock.lastBatch = entries.length
  mock.pending = []
  mock.received = 0
}

/** Plain origin-form targets (`/path?query`) need no URL parser; anything unusual (`//` first, dot segments plain or escaped, spaces, `#`, `\\`, absolute form) gets the WHATWG one. */
const PLAIN_TARGET = /^(?!\/\/)(?!.*\/\.)(?!.*%2e)\/[\x21\x22\x24-\x5b\x5d-\x7e]*$/i

export function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  if (PLAIN_TARGET.test(target)) {
    const mark = target.indexOf('?')
    if (mark === -1) return { pathname: target, query: new URLSearchParams() }
    return {
      pathname: target.slice(0, mark),
      query: new URLSearchParams(target.slice(mark + 1)),
    }
  }
  const url = new URL(target, 'http://mock.local')
  return { pathname: url.pathname, query: url.searchParams }
}

/** Node joins repeated headers itself except set-cookie, which stays an array. */
function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const name in headers) {
    const value = headers[name]
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

type Incoming = {
  method: string
  target: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}
type Reply = (status: number, headers: Record<string, string>, body?: string) => void

const HEALTH = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"status":"up"}',
}
const TOO_LARGE = {
  status: 413,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ title: 'Payload Too Large', status: 413 }),
}

/**
 * One request to a mock, whichever way it came (its own port or the gateway's wire):
 * answered through `reply`, then its callbacks sent and its log entry kept.
 */
async function serve(mock: Hosted, incoming: Incoming, started: number, reply: Reply) {
  const { pathname, query } = splitTarget(incoming.target)
  if (pathname === '/__mock/health') return reply(HEALTH.status, HEALTH.headers, HEALTH.body)
  const { method, headers, body } = incoming
  const prepared = prepareRequest({ method, pathname, query, headers: flatHeaders(headers), body })
  const result = mock.engine.handle(prepared instanceof Promise ? await prepared : prepared)
  if (result.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, result.delayMs))
  reply(result.status, result.headers, result.body)
  for (const callback of result.callbacks ?? [])
    send({ type: 'callback', mockId: mock.mockId, ...callback })
  // Only the newest BATCH_MAX requests are sent, so the log entry is built at flush time, for those only.
  mock.received++
  mock.pending.push({
    at: Date.now(),
    durationMs: Math.round(performance.now() - started),
    method,
    pathname,
    query,
    headers,
    body,
    result,
  })
  // Only the newest BATCH_MAX are sent: trimmed in bulk, not one shift (an array copy) per request.
  if (mock.pending.length >= 2 * BATCH_MAX) mock.pending = mock.pending.slice(-BATCH_MAX)
}

function reportError(mock: Hosted, error: unknown) {
  send({
    type: 'error',
    mockId: mock.mockId,
    message: error instanceof Error ? error.message : String(error),
  })
}

/** The mock's own port: plain HTTP. */
function answerFor(mock: Hosted) {
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const started = performance.now()
    const read = readBody(request)
    const body = read instanceof Promise ? await read : read
    const reply: Reply = (status, headers, text) =>
      writeWhole(request.method, response, status, headers, text)
    if (body === null) return reply(TOO_LARGE.status, TOO_LARGE.headers, TOO_LARGE.body)
    const { method = 'GET', url = '/', headers } = request
    await serve(mock, { method, target: url, headers, body }, started, reply)
  }
  return (request: http.IncomingMessage, response: http.ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      reportError(mock, error)
      if (!response.headersSent) response.writeHead(500).end()
    })
  }
}

/** A frame carries a request body (at most MAX_BODY_BYTES, checked by the gateway) and its head. */
const MAX_REQUEST_FRAME = MAX_BODY_BYTES + 1024 * 1024

function isWireRequest(head: unknown): head is WireRequest {
  const request = head as WireRequest | null
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof request.method === 'string' &&
    typeof request.target === 'string' &&
    typeof request.headers === 'object' &&
    request.headers !== null
  )
}

/** The gateway's way in (decision 034): frames over a Unix socket, answered in any order. */
function wireServerFor(mock: Hosted) {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const push = frameReader((id, head, body) => {
      const started = performance.now()
      const reply: Reply = (status, headers, text) => {
        if (!socket.destroyed)
          socket.write(
            encodeFrame(id, { status, headers: headerList(headers) } satisfies WireAnswer, text),
          )
      }
      if (!isWireRequest(head)) return reply(400, {})
      const { method, target, headers } = head
      serve(mock, { method, target, headers, body }, started, reply).catch((error: unknown) => {
        reportError(mock, error)
        reply(500, {})
      })
    }, MAX_REQUEST_FRAME)
    socket.on('data', (chunk: Buffer) => {
      // The answers to the frames of one chunk leave together, in one write, as soon as the
      // chunk is done (answers that wait for a delay go out on their own).
      socket.cork()
      try {
        push(chunk)
      } catch (error) {
        reportError(mock, error)
        socket.destroy()
      }
      socket.uncork()
    })
    socket.on('error', () => socket.destroy())
  })
  const close = () => {
    server.close()
    for (const socket of sockets) socket.destroy()
  }
  return { server, close }
}

function listen(server: net.Server, where: number | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const done = () => {
      server.off('error', reject)
      resolve()
    }
    if (typeof where === 'number') server.listen(where, '127.0.0.1', done)
    else server.listen(where, done)
  })
}

async function startMock(message: Extract<ToMock, { type: 'start' }>) {
  if (message.spec) specs.set(message.specKey, message.spec)
  const spec = specs.get(message.specKey)
  if (!spec) throw new Error(`No spec ${message.specKey} in this host.`)
  const mock: Hosted = {
    mockId: message.mockId,
    specKey: message.specKey,
    engine: new MockEngine(spec, message.config),
    secretQuery: Object.values(spec.securitySchemes)
      .filter((scheme) => scheme.in === 'query')
      .map((scheme) => scheme.parameterName ?? ''),
    secretHeaders: Object.values(spec.securitySchemes)
      .filter((scheme) => scheme.in === 'header')
      .map((scheme) => scheme.parameterName ?? ''),
    servers: [],
    pending: [],
    received: 0,
    lastFlushAt: 0,
    lastBatch: 0,
  }
  const answer = answerFor(mock)
  const server = http.createServer(answer)
  server.keepAliveTimeout = 5_000
  mock.servers.push({
    server,
    close: () => {
      server.close()
      server.closeAllConnections()
    },
  })
  await listen(server, message.port)
  if (message.socketPath) {
    const wire = wireServerFor(mock)
    mock.servers.push(wire)
    fs.rmSync(message.socketPath, { force: true })
    await listen(wire.server, message.socketPath)
  }
  hosted.set(mock.mockId, mock)
}

function stopMock(mockId: string) {
  const mock = hosted.get(mockId)
  if (!mock) return
  hosted.delete(mockId)
  flushLogs(mock)
  for (const { close } of mock.servers) close()
  if (![...hosted.values()].some((other) => other.specKey === mock.specKey))
    specs.delete(mock.specKey)
}

export function startMockHost() {
  setInterval(() => {
    for (const mock of hosted.values()) flushLogs(mock)
  }, FLUSH_MS).unref()
  process.on('message', (message: ToMock) => {
    switch (message.type) {
      case 'start':
        startMock(message).then(
          () => send({ type: 'ready', mockId: message.mockId, port: message.port }),
          (error: unknown) => {
            stopMock(message.mockId)
            send({
              type: 'failed',
              mockId: message.mockId,
              message: `Could not listen on port ${message.port}: ${error instanceof Error ? error.message : String(error)}`,
            })
          },
        )
        break
      case 'stop':
        stopMock(message.mockId)
        send({ type: 'stopped', mockId: message.mockId })
        break
      case 'ping':
        send({
          type: 'pong',
          id: message.id,
          memoryBytes: process.memoryUsage().rss,
          mocks: hosted.size,
        })
        break
      case 'reset':
        hosted.get(message.mockId)?.engine.reset()
        break
      case 'config': {
        const mock = hosted.get(message.mockId)
        if (mock) mock.engine.config = message.config
        break
      }
    }
  })
  process.on('disconnect', () => process.exit(0))
}
