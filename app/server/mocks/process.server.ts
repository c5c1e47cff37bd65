/**
 * Entry of a mock process (forked by the supervisor): an HTTP server on the
 * given port around the MockEngine. Request logs go back to the parent in
 * batches; secrets are redacted before they leave the process.
 */
import fs from 'node:fs'
import http from 'node:http'
import { MockEngine, type MockResponse } from './engine.server'
import type { FromMock, MockLogEntry, ToMock } from './protocol'
import { prepareRequest } from './request.server'
import { redactBody, redactHeaders, redactQuery } from '../redact.server'

const MAX_BODY_BYTES = 5 * 1024 * 1024
const MAX_DISCARDED_BYTES = 4 * MAX_BODY_BYTES
const LOGGED_BODY_CHARS = 4096
/** Bodies are redacted whole (a JSON body cut mid-way cannot be parsed) up to this size. */
const MAX_REDACTED_BODY = 256 * 1024

function send(message: FromMock) {
  process.send?.(message)
}

let engine: MockEngine | undefined
/** Query parameters and headers that carry the spec's API keys: redacted in the log. */
let secretQuery: string[] = []
let secretHeaders: string[] = []
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
let pending: RawLog[] = []
let received = 0

function toEntry({
  at,
  durationMs,
  method,
  pathname,
  query,
  headers,
  body,
  result,
}: RawLog): MockLogEntry {
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

/** Logs go to the supervisor twice a second; under load (a full batch), every two seconds. */
const FLUSH_MS = 500
const BUSY_FLUSH_MS = 2000
const BUSY_BATCH = 200
let lastFlushAt = 0
let lastBatch = 0

function flushLogs() {
  if (received === 0) return
  const now = Date.now()
  if (lastBatch >= BUSY_BATCH && now - lastFlushAt < BUSY_FLUSH_MS) return
  const entries = pending.slice(-LOG_LIMIT).map(toEntry)
  send({ type: 'log', entries, total: received })
  lastFlushAt = now
  lastBatch = entries.length
  pending = []
  received = 0
}

const EMPTY = Buffer.alloc(0)

/** Reads and drops a body so the client can read our answer; a client that streams on past MAX_DISCARDED_BYTES is cut off. */
function discardBody(request: http.IncomingMessage) {
  let size = 0
  request.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > MAX_DISCARDED_BYTES) request.destroy()
  })
}

/**
 * The request body, or null when it is over MAX_BODY_BYTES. An oversized body is
 * read and discarded rather than cut off, so the client gets to read the 413.
 */
function readBody(request: http.IncomingMessage): Promise<Buffer | null> | Buffer | null {
  // No Content-Length and no chunked encoding: there is no body to wait for (most GETs).
  if (
    request.headers['content-length'] === undefined &&
    request.headers['transfer-encoding'] === undefined
  ) {
    request.resume()
    return EMPTY
  }
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) {
    discardBody(request)
    return null
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const collect = (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      chunks.length = 0
      request.off('data', collect)
      discardBody(request)
      resolve(null)
    }
    request.on('data', collect)
    request.on('end', () => {
      if (size <= MAX_BODY_BYTES) resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
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

async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
  const started = performance.now()
  const { pathname, query } = splitTarget(request.url ?? '/')
  if (pathname === '/__mock/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}')
    return
  }
  const body = await readBody(request)
  if (!engine) {
    response.writeHead(503).end()
    return
  }
  if (body === null) {
    response
      .writeHead(413, { 'content-type': 'application/problem+json' })
      .end(JSON.stringify({ title: 'Payload Too Large', status: 413 }))
    return
  }
  const method = request.method ?? 'GET'
  const prepared = prepareRequest({
    method,
    pathname,
    query,
    headers: flatHeaders(request.headers),
    body,
  })
  const result = engine.handle(prepared instanceof Promise ? await prepared : prepared)
  if (result.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, result.delayMs))
  response.writeHead(result.status, result.headers).end(result.body)
  for (const callback of result.callbacks ?? []) send({ type: 'callback', ...callback })
  // Only the newest LOG_LIMIT requests are kept, so the log entry is built at flush time, for those only.
  received++
  pending.push({
    at: Date.now(),
    durationMs: Math.round(performance.now() - started),
    method,
    pathname,
    query,
    headers: request.headers,
    body,
    result,
  })
  // Only the newest LOG_LIMIT are kept: trimmed in bulk, not one shift (an array copy) per request.
  if (pending.length >= 2 * LOG_LIMIT) pending = pending.slice(-LOG_LIMIT)
}

function answer(request: http.IncomingMessage, response: http.ServerResponse) {
  handle(request, response).catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    if (!response.headersSent) response.writeHead(500).end()
  })
}

export function startMockProcess() {
  let server: http.Server | undefined
  setInterval(flushLogs, FLUSH_MS).unref()
  process.on('message', (message: ToMock) => {
    switch (message.type) {
      case 'start': {
        engine = new MockEngine(message.spec, message.config)
        secretQuery = Object.values(message.spec.securitySchemes)
          .filter((scheme) => scheme.in === 'query')
          .map((scheme) => scheme.parameterName ?? '')
        secretHeaders = Object.values(message.spec.securitySchemes)
          .filter((scheme) => scheme.in === 'header')
          .map((scheme) => scheme.parameterName ?? '')
        server = http.createServer(answer)
        server.keepAliveTimeout = 5_000
        // Ready once every listener is: the TCP port, and the gateway's Unix socket.
        let listening = message.socketPath ? 2 : 1
        const listened = () => {
          if (--listening === 0) send({ type: 'ready', port: message.port })
        }
        if (message.socketPath) {
          const local = http.createServer(answer)
          local.keepAliveTimeout = 5_000
          fs.rmSync(message.socketPath, { force: true })
          local.listen(message.socketPath, listened)
        }
        server.on('error', (error) => {
          send({
            type: 'error',
            message: `Could not listen on port ${message.port}: ${error.message}`,
          })
          process.exit(1)
        })
        server.listen(message.port, '127.0.0.1', listened)
        break
      }
      case 'ping':
        send({ type: 'pong', id: message.id, memoryBytes: process.memoryUsage().rss })
        break
      case 'reset':
        engine?.reset()
        break
      case 'config':
        if (engine) engine.config = message.config
        break
    }
  })
  process.on('disconnect', () => process.exit(0))
}
