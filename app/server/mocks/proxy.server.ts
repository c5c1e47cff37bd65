/**
 * The public mock URL: `/mock/<mockId>/…` is forwarded to the mock's own port
 * (mocks listen on 127.0.0.1 only). Two origins serve it (decision 009):
 *
 * - the mocks' own origin (MOCK_PUBLIC_URL, another registrable domain): the
 *   tenant's API answers as the spec says, cookies and headers included, and
 *   nothing of the app is served there;
 * - the app's origin: the answer is made inert. The visitor's app cookies are
 *   never forwarded, the spec's Set-Cookie and security headers are dropped,
 *   and `Content-Security-Policy: sandbox` with `nosniff` is added, so a
 *   tenant's HTML or script can never run as the app.
 */
import type http from 'node:http'
import { APP_COOKIE_NAMES } from '../app-cookies.server'
import { db } from '../db.server'
import { getInstance } from '../litefs.server'
import { MAX_BODY_BYTES, readBody, writeWhole } from './http-body.server'
import { getSupervisor } from './supervisor.server'
import type { WireRequest } from './wire'
import { sendOverWire, WireTimeout } from './wire-client.server'

/** Hop-by-hop headers (RFC 9110 §7.6.1) are never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Response headers a tenant may not set on the app's origin: cookies, the
 * page's security policy, anything that acts on the whole origin (site data,
 * service workers, reporting) and client-side redirects.
 */
const DROPPED_ON_APP_ORIGIN = new Set([
  'set-cookie',
  'set-cookie2',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'x-xss-protection',
  'strict-transport-security',
  'clear-site-data',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'permissions-policy',
  'feature-policy',
  'document-policy',
  'referrer-policy',
  'service-worker-allowed',
  'refresh',
  'report-to',
  'reporting-endpoints',
  'nel',
  'alt-svc',
])

/** Added to every answer on the app's origin: no script, no plugin, no framing, no sniffing. */
export const INERT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "sandbox; default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-site',
})

/** The Cookie header without the app's own cookies (null when nothing is left). */
export function withoutAppCookies(cookie: string | undefined): string | null {
  if (!cookie) return null
  const kept = cookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => {
      if (!part) return false
      const name = part.split('=')[0]!.trim()
      return !APP_COOKIE_NAMES.includes(name)
    })
  return kept.length ? kept.join('; ') : null
}

/**
 * The request's headers as the mock gets them. The mock also learns where the client reached
 * it (`x-forwarded-prefix: /mock/<id>`, the client's host and scheme), so that the URLs it
 * writes into answers (Link, `next_page_url`) lead back through the public URL; what a client
 * sent in these headers is replaced.
 */
export function forwardedRequestHeaders(
  headers: http.IncomingHttpHeaders,
  port: number,
  inert: boolean,
  mockPath = '',
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {}
  for (const name in headers) {
    if (HOP_BY_HOP.has(name)) continue
    out[name] = headers[name]
  }
  out.host = `127.0.0.1:${port}`
  if (headers.host) out['x-forwarded-host'] = headers.host
  else delete out['x-forwarded-host']
  // Fly's proxy terminates TLS and says so; anything else is taken as plain HTTP.
  const proto = headers['x-forwarded-proto']
  out['x-forwarded-proto'] = typeof proto === 'string' && /^https\b/.test(proto) ? 'https' : 'http'
  out['x-forwarded-prefix'] = mockPath
  if (inert) {
    const cookie = withoutAppCookies(headers.cookie)
    if (cookie) out.cookie = cookie
    else delete out.cookie
  }
  return out
}

/** INERT_HEADERS as the flat list `writeHead` takes. */
const INERT_LIST: readonly string[] = Object.entries(INERT_HEADERS).flat()

/**
 * The mock's answer headers (a flat list of names and values, as the wire carries them) as
 * they may leave: hop-by-hop and framing headers never (the gateway writes the body whole,
 * with its own Content-Length). On the app's origin a `Location` may only point inside the
 * same mock; anything else is dropped rather than turning the app's origin into an open
 * redirect.
 */
export function answerHeaders(
  headers: readonly string[],
  inert: boolean,
  mockPath: string,
): string[] {
  const out: string[] = []
  for (let index = 0; index + 1 < headers.length; index += 2) {
    const name = headers[index]!.toLowerCase()
    const value = headers[index + 1]!
    if (HOP_BY_HOP.has(name) || name === 'content-length') continue
    if (inert) {
      if (DROPPED_ON_APP_ORIGIN.has(name)) continue
      if (name === 'location') {
        const target = mockLocation(value, mockPath)
        if (target) out.push(name, target)
        continue
      }
    }
    out.push(name, value)
  }
  if (inert) for (const entry of INERT_LIST) out.push(entry)
  return out
}

/** A mock's `Location` as a path inside `/mock/<id>/`, or null when it leads elsewhere. */
function mockLocation(location: string, mockPath: string): string | null {
  try {
    const base = new URL(`http://mock.invalid${mockPath}/`)
    const resolved = new URL(location, base)
    if (resolved.origin !== base.origin) return null
    const path = `${resolved.pathname}${resolved.search}`
    return path.startsWith(`${mockPath}/`) || path === mockPath ? path : `${mockPath}${path}`
  } catch {
    return null
  }
}

function sendProblem(
  res: http.ServerResponse,
  status: number,
  title: string,
  detail: string,
  inert: boolean,
) {
  if (res.headersSent) return void res.end()
  writeWhole(
    undefined,
    res,
    status,
    { 'content-type': 'application/problem+json', ...(inert ? INERT_HEADERS : {}) },
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  )
}

async function mockNotRunning(res: http.ServerResponse, mockId: string, inert: boolean) {
  const exists = await db.mock.count({ where: { id: mockId } })
  if (exists)
    sendProblem(res, 503, 'Mock not running', 'Start this mock from the Mocks tab.', inert)
  else
    sendProblem(
      res,
      404,
      'No such mock',
      'No mock has this id: it was deleted, or the URL is mistyped.',
      inert,
    )
}

/**
 * Forwards one request to its mock. `target` is the part of the URL after
 * `/mock/<mockId>`; `inert` is true on the app's origin.
 */
export function proxyToMock(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { mockId, target, inert }: { mockId: string; target: string; inert: boolean },
) {
  const mockPath = `/mock/${mockId}`
  const port = getSupervisor().portOf(mockId)
  if (!port && process.env.LITEFS_DIR) {
    // Mocks run on the primary: let Fly replay the request there.
    getInstance()
      .then((instance) => {
        if (instance.currentIsPrimary) return mockNotRunning(res, mockId, inert)
        res.writeHead(409, { 'fly-replay': `instance=${instance.primaryInstance}` }).end()
      })
      .catch(() => sendProblem(res, 503, 'Mock unavailable', 'Try again shortly.', inert))
    return
  }
  if (!port) {
    mockNotRunning(res, mockId, inert).catch(() =>
      sendProblem(res, 503, 'Mock unavailable', 'Try again shortly.', inert),
    )
    return
  }
  const socketPath = getSupervisor().socketOf(mockId)!
  forward(
    req,
    res,
    { port, socketPath },
    inert,
    mockPath,
    target.startsWith('/') ? target : `/${target}`,
  )
}

/**
 * The request goes to its mock over the wire (decision 034): its body read whole (as the
 * mock would, with the same 5 MB ceiling), the answer written whole.
 */
function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstream: { port: number; socketPath: string },
  inert: boolean,
  mockPath: string,
  target: string,
) {
  const headers = forwardedRequestHeaders(req.headers, upstream.port, inert, mockPath)
  const send = (body: Buffer | null) => {
    if (body === null)
      return sendProblem(
        res,
        413,
        'Payload Too Large',
        `A mock takes request bodies of up to ${MAX_BODY_BYTES / 1024 / 1024} MB.`,
        inert,
      )
    sendOverWire(
      upstream.socketPath,
      { method: req.method ?? 'GET', target, headers: headers as WireRequest['headers'] },
      body,
      (error, answer, answerBody) => {
        if (res.destroyed || res.writableEnded) return
        if (error || !answer)
          return error instanceof WireTimeout
            ? sendProblem(res, 504, 'Mock timed out', error.message, inert)
            : sendProblem(res, 502, 'Mock unreachable', 'The mock process did not answer.', inert)
        writeWhole(
          req.method,
          res,
          answer.status,
          answerHeaders(answer.headers, inert, mockPath),
          answerBody,
        )
      },
    )
  }
  const read = readBody(req)
  if (read instanceof Promise) read.then(send, () => res.destroy())
  else send(read)
}

/** `/mock/<id>/rest?query` -> its parts, or null when the path is not a mock URL. */
export function parseMockTarget(url: string): { mockId: string; target: string } | null {
  const match = /^\/mock\/([A-Za-z0-9_-]{1,64})(?=\/|\?|$)(.*)$/.exec(url)
  if (!match) return null
  const rest = match[2] ?? ''
  return { mockId: match[1]!, target: rest.startsWith('/') ? rest : `/${rest}` }
}

/** The base URL partners are given for a mock: on the mocks' own origin when MOCK_PUBLIC_URL is set. */
export function publicMockUrl(mockId: string, appOrigin: string, mockPublicUrl?: string): string {
  const base = (mockPublicUrl ?? appOrigin).replace(/\/+$/, '')
  return `${base}/mock/${mockId}`
}

/**
 * The first handler of the server: mock URLs go to their mock (inert unless
 * the request came to the mocks' own host), and the mocks' host serves
 * nothing else. Everything that is not a mock URL on the app's host goes on
 * to the app (`next`).
 */
export function mockGateway(mockHost: string | null) {
  return (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => {
    const onMockHost = mockHost !== null && (req.headers.host ?? '').toLowerCase() === mockHost
    const url = req.url ?? '/'
    const target = url.startsWith('/mock/') ? parseMockTarget(url) : null
    if (target) return proxyToMock(req, res, { ...target, inert: !onMockHost })
    if (onMockHost)
      return sendProblem(
        res,
        404,
        'Not Found',
        'This host serves mocks only: /mock/<mockId>/…',
        false,
      )
    next()
  }
}
