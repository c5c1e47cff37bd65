/**
 * The mock runtime: one request in, one response out, from the NormalizedSpec.
 * Routing, credentials, rate limits, faults, request validation, idempotency,
 * stateful CRUD and response selection (examples first, then generated data).
 * Pure of I/O: the mock process (process.server.ts) puts HTTP around it.
 */
import { preflightHeaders, withCorsHeaders } from './cors.server'
import { createHash } from 'node:crypto'
import type {
  MediaTypeContent,
  NormalizedHeader,
  NormalizedOperation,
  NormalizedResponse,
  NormalizedSecurityScheme,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { cached } from './cached.server'
import {
  houseErrorContent,
  type MockError,
  parameterName,
  problemError,
  renderError,
} from './errors.server'
import { eventPayload, triggeredCallbacks } from './callbacks.server'
import { generateFromSchema } from '../specs/generate.server'
import {
  type IncomingRequest,
  parseAndValidate,
  pathParamsFit,
  planRequest,
  type RequestPlan,
} from '../specs/request.server'
import { Router } from '../specs/router.server'
import { SpecSchemas, type Violation } from '../specs/schemas.server'
import { isPlainObject, onePage } from './paging.server'
import { formatEvent } from '../sse.server'
import { StateStore } from './state.server'

export type MockConfig = {
  stateful: boolean
  /** scheme name -> the only credential accepted (API key, bearer token, or `user:password` for basic). */
  credentials: Record<string, string>
  rateLimit: { requests: number; windowSeconds: number } | null
  latency: { fixedMs: number; randomMs: number }
  /** 0..1: share of requests answered 500 or 503. */
  errorRate: number
  maxItemsPerCollection: number
  /**
   * POST honours the conventional `Idempotency-Key` header even where the spec
   * declares none (every Stripe client sends it): a replay answers the same,
   * another body with the same key gets 409.
   */
  idempotencyKeyOnPost: boolean
  /**
   * Origins a browser app may call the mock from with credentials (CORS); empty: any
   * origin, echoed, without credentials (see cors.server.ts).
   */
  corsOrigins: string[]
}

export const DEFAULT_MOCK_CONFIG: MockConfig = {
  stateful: true,
  credentials: {},
  rateLimit: null,
  latency: { fixedMs: 0, randomMs: 0 },
  errorRate: 0,
  maxItemsPerCollection: 1000,
  idempotencyKeyOnPost: true,
  corsOrigins: [],
}

export type MockResponse = {
  status: number
  headers: Record<string, string>
  body?: string
  /** For the request log. */
  operationId?: string
  /** Callbacks this request triggers (delivered by the supervisor through the guarded client). */
  callbacks?: { event: string; url: string; payload: unknown }[]
  violations: Violation[]
  delayMs: number
}

const NOT_RATE_LIMITED = { limited: false, headers: null }

/** An error no operation owns (no route, method not allowed): problem+json. */
function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): MockResponse {
  return { ...problemError({ status, title, detail, headers }), delayMs: 0 }
}

const RATE_LIMIT = /^(x-)?rate-?limit-limit$/i
const RATE_REMAINING = /^(x-)?rate-?limit-remaining$/i

/**
 * Generated rate-limit headers that agree with each other: what remains is at most the limit
 * (`RateLimit-Remaining: 195` under `RateLimit-Limit: 122` tells a client's back-off logic
 * nonsense).
 */
function consistentRateLimit(headers: Record<string, string>) {
  let limitName: string | undefined
  let remainingName: string | undefined
  for (const name in headers) {
    if (RATE_LIMIT.test(name)) limitName = name
    else if (RATE_REMAINING.test(name)) remainingName = name
  }
  if (!limitName || !remainingName) return
  const limit = Number(headers[limitName])
  const remaining = Number(headers[remainingName])
  if (Number.isInteger(limit) && Number.isInteger(remaining) && remaining > limit)
    headers[remainingName] = String(Math.max(0, limit - 1))
}

/**
 * Documented headers the mock never fills from the spec: `Link` says where the next page is,
 * and a generated one is noise ("hotel-9958") or, from an example, a link to the vendor's
 * real API that an SDK would follow with the partner's token (GitHub's). A stateless list is
 * one page; a stateful one sets its own (state.server.ts).
 */
const NEVER_GENERATED = new Set(['link'])
const HTTP_DATE_HEADERS = new Set(['last-modified', 'date', 'expires'])
/** A fixed, valid HTTP date for generated date headers (answers stay the same per request). */
const GENERATED_HTTP_DATE = new Date(Date.UTC(2026, 0, 1)).toUTCString()

/**
 * A generated header value in its header's own syntax, or undefined to leave it out: a
 * `Location` only inside the mock (a relative reference), an `ETag` quoted, dates as HTTP
 * dates.
 */
function wellFormedHeader(name: string, value: string): string | undefined {
  if (name === 'location')
    return value.startsWith('/') && !value.startsWith('//') ? value : undefined
  if (name === 'etag')
    return /^(W\/)?"[^"]*"$/.test(value) ? value : `"${fingerprint(Buffer.from(value))}"`
  if (HTTP_DATE_HEADERS.has(name))
    return /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)
      ? value
      : GENERATED_HTTP_DATE
  return value
}

function isEventStream(type: string): boolean {
  return /^text\/event-stream\s*(;|$)/i.test(type)
}

/** Events generated for a documented event stream with no example. */
const STREAM_EVENTS = 3

function serialise(body: unknown, type: string): string {
  if (isEventStream(type)) return typeof body === 'string' ? body : eventStreamText(body)
  return typeof body === 'string' && !/json/i.test(type) ? body : JSON.stringify(body)
}

/**
 * Values as a server-sent event stream: one event per value (an array is a list of events),
 * its JSON on the `data:` line, named after its `type` field when it has one (OpenAI's
 * Responses and Anthropic's streams name each event as its `type`).
 */
function eventStreamText(body: unknown): string {
  return (Array.isArray(body) ? body : [body])
    .map((value) => {
      const name = isPlainObject(value) && typeof value.type === 'string' ? value.type : undefined
      return formatEvent({
        event: name,
        data: typeof value === 'string' ? value : JSON.stringify(value),
      })
    })
    .join('')
}

/**
 * Streaming APIs (OpenAI's, Anthropic's, Mistral's, Ollama's) take `"stream": true` in the
 * body and answer an event stream whatever Accept says; a mock does the same when the
 * response documents one.
 */
function asksForStream(body: unknown): boolean {
  return isPlainObject(body) && body.stream === true
}

const NO_PREFERENCES: Readonly<Record<string, string>> = Object.freeze({})

/** `Prefer: code=404, example=big, dynamic=true` -> map. */
function parsePrefer(header: string | undefined): Record<string, string> {
  if (!header) return NO_PREFERENCES
  const prefer: Record<string, string> = {}
  for (const part of header.split(/[,;]/)) {
    const [key, value] = part.split('=').map((piece) => piece?.trim())
    if (key) prefer[key.toLowerCase()] = (value ?? 'true').replace(/^"|"$/g, '')
  }
  return prefer
}

/** The type without parameters, lower-cased, split at the slash; a `+json` suffix noted. */
function parts(type: string) {
  const [main = '', sub = ''] = type.split(';')[0]!.trim().toLowerCase().split('/')
  const suffix = sub.includes('+') ? sub.slice(sub.lastIndexOf('+') + 1) : null
  return { main, sub, suffix }
}

/**
 * How much an Accept header wants `type` (its q-value, 0 = not at all):
 * the most specific matching range decides (RFC 9110 §12.5.1). Wildcards
 * (`*\/*`, `application/*`) and RFC 6839 suffixes both ways
 * (`application/json` takes `application/problem+json`;
 * `application/vnd.x+json` takes `application/json`) match.
 */
function quality(accept: string, type: string): number {
  const offered = parts(type)
  let best = -1
  let q = 0
  for (const entry of accept.split(',')) {
    const [range = '', ...params] = entry.split(';')
    const wanted = parts(range)
    let specificity = -1
    if (wanted.main === '*') specificity = 0
    else if (wanted.main === offered.main) {
      if (wanted.sub === offered.sub) specificity = 3
      else if (offered.suffix === wanted.sub || wanted.suffix === offered.sub) specificity = 2
      else if (wanted.sub === '*') specificity = 1
    }
    if (specificity <= best) continue
    best = specificity
    const qParam = params.map((param) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(param)?.[1]).find(Boolean)
    const value = qParam === undefined ? 1 : Number(qParam)
    q = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1
  }
  return best < 0 ? 0 : q
}

/** The documented type the client prefers most (documented order breaks ties); undefined = none acceptable. */
function negotiate<T extends { type: string }>(accept: string, content: T[]): T | undefined {
  let chosen: T | undefined
  let chosenQ = 0
  for (const entry of content) {
    const q = quality(accept, entry.type)
    if (q > chosenQ) {
      chosen = entry
      chosenQ = q
    }
  }
  return chosen
}

/** A documented response's content types and headers, in the shapes the engine serves them. */
type ContentPlan = { type: string; media: MediaTypeContent; contentType: string }
type ResponsePlan = {
  content: ContentPlan[]
  headers: [string, NormalizedHeader][]
  /** Accept header -> the negotiated content (null: none acceptable); clients send few distinct ones. */
  negotiated: Map<string, ContentPlan | null>
}

/**
 * Response headers a spec may document but the mock never takes from it: the type comes
 * from negotiation, and the framing ones from the HTTP server (a documented
 * `Content-Length: 42` sent as such would cut or stall every body that is not 42 bytes).
 */
const SERVER_MADE_HEADERS = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'te',
])

function planResponse(response: NormalizedResponse): ResponsePlan {
  return {
    content: Object.entries(response.content).map(([type, media]) => ({
      type,
      media,
      contentType: /json/i.test(type) ? `${type}; charset=utf-8` : type,
    })),
    headers: Object.entries(response.headers).filter(
      ([name]) => !SERVER_MADE_HEADERS.has(name.toLowerCase()),
    ),
    negotiated: new Map(),
  }
}

const NO_RESPONSE: ResponsePlan = { content: [], headers: [], negotiated: new Map() }

/** `negotiate`, remembered per response plan (at most 64 distinct Accept headers). */
function negotiateCached(plan: ResponsePlan, accept: string): ContentPlan | undefined {
  let found = plan.negotiated.get(accept)
  if (found === undefined) {
    found = negotiate(accept, plan.content) ?? null
    if (plan.negotiated.size < 64) plan.negotiated.set(accept, found)
  }
  return found ?? undefined
}

/** FNV-1a over the body: a cheap, stable fingerprint for the generation seed (not for security). */
function fingerprint(body: Buffer): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < body.length; index++) {
    hash ^= body[index]!
    hash = Math.imul(hash, 0x01000193)
  }
  return `${body.length}:${(hash >>> 0).toString(36)}`
}

/** Per-operation facts the engine needs on every request, worked out once. */
type OperationPlan = {
  request: RequestPlan
  idempotencyHeader: string | undefined
  /** The documented response when no `Prefer: code` picks one. */
  defaultResponse: NormalizedResponse | undefined
  /** The spec's own status for an invalid request (400 or 422), else 400. */
  invalidStatus: number
  rateLimitHeaders: { limit: string; remaining: string; reset: string }
}

function planOperation(operation: NormalizedOperation, schemas: SpecSchemas): OperationPlan {
  const documentedInvalid = operation.responses.find(
    (response) => response.status === '400' || response.status === '422',
  )
  const documentedHeaders = operation.responses.flatMap((response) => Object.keys(response.headers))
  const headerName = (suffix: RegExp, fallback: string) =>
    (
      documentedHeaders.find((header) => /rate-?limit/i.test(header) && suffix.test(header)) ??
      fallback
    ).toLowerCase()
  return {
    request: planRequest(operation, schemas),
    idempotencyHeader: operation.parameters
      .find((param) => param.in === 'header' && /idempotency[-_]?key/i.test(param.name))
      ?.name.toLowerCase(),
    defaultResponse:
      [...operation.responses]
        .filter((response) => /^2/.test(response.status))
        .sort((a, b) => a.status.localeCompare(b.status))[0] ??
      operation.responses.find((response) => response.status === 'default') ??
      operation.responses[0],
    invalidStatus: documentedInvalid ? Number(documentedInvalid.status) : 400,
    rateLimitHeaders: {
      limit: headerName(/limit$/i, 'RateLimit-Limit'),
      remaining: headerName(/remaining$/i, 'RateLimit-Remaining'),
      reset: headerName(/reset$/i, 'RateLimit-Reset'),
    },
  }
}

/**
 * What depends on the spec alone: compiled schemas, the router, per-operation and
 * per-response plans, generated bodies and error bases (all deterministic). Engines of the
 * same spec object share them: a host serving ten mocks of one version compiles it once.
 */
type SpecParts = {
  schemas: SpecSchemas
  router: Router
  plans: WeakMap<NormalizedOperation, OperationPlan>
  responsePlans: WeakMap<NormalizedResponse, ResponsePlan>
  generatedBodies: Map<string, string>
  /** Generated bases of rendered errors, per operation and status. */
  errorBases: Map<string, unknown>
  /** The API's house error shape, for operations that document no error of their own. */
  houseError: ReturnType<typeof houseErrorContent>
  /** Method names as paths (rpcStyle): POST reaches a GET method too. */
  rpcStyle: boolean
}
const partsBySpec = new WeakMap<NormalizedSpec, SpecParts>()

/**
 * An RPC-style API names its methods as paths (`/chat.postMessage`, `/conversations.list`:
 * at least four in five paths of at least five), and takes GET and POST alike on each, as
 * Slack's does: its SDK POSTs a form to every method, the ones its spec documents as GET too.
 */
function rpcStyle(spec: NormalizedSpec): boolean {
  const paths = new Set(spec.operations.map((operation) => operation.path))
  if (paths.size < 5) return false
  let methods = 0
  for (const path of paths)
    if (/^(?:\/[^/{}]+)*\/[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+$/.test(path)) methods++
  return methods >= paths.size * 0.8
}

/**
 * A POST to an RPC-style method documented as GET, as that GET: the form's (or JSON object's)
 * fields join the query. Null when the body is neither.
 */
function postAsGet(request: IncomingRequest): IncomingRequest | null {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  const query = new URLSearchParams(request.query)
  if (request.body.length > 0) {
    if (type === 'application/x-www-form-urlencoded')
      for (const [name, value] of new URLSearchParams(request.body.toString('utf8')))
        query.append(name, value)
    else if (/[/+]json$/.test(type)) {
      let fields: unknown
      try {
        fields = JSON.parse(request.body.toString('utf8'))
      } catch {
        return null
      }
      if (!isPlainObject(fields)) return null
      for (const [name, value] of Object.entries(fields))
        if (value !== undefined && value !== null)
          query.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value))
    } else return null
  }
  const { 'content-type': _type, 'content-length': _length, ...headers } = request.headers
  return { ...request, method: 'GET', query, headers, body: Buffer.alloc(0), form: undefined }
}

function specParts(spec: NormalizedSpec): SpecParts {
  return cached(partsBySpec, spec, () => ({
    schemas: new SpecSchemas(spec),
    router: new Router(spec),
    plans: new WeakMap(),
    responsePlans: new WeakMap(),
    generatedBodies: new Map(),
    errorBases: new Map(),
    houseError: houseErrorContent(spec),
    rpcStyle: rpcStyle(spec),
  }))
}

export class MockEngine {
  readonly schemas: SpecSchemas
  private readonly router: Router
  private readonly state: StateStore
  private readonly idempotency = new Map<string, { bodyHash: string; response: MockResponse }>()
  private window = { start: 0, count: 0 }
  private faultCounter = 0
  private readonly generatedBodies: Map<string, string>
  private readonly plans: WeakMap<NormalizedOperation, OperationPlan>
  private readonly responsePlans: WeakMap<NormalizedResponse, ResponsePlan>
  private readonly errorBases: Map<string, unknown>
  private readonly houseError: SpecParts['houseError']
  private readonly rpcStyle: boolean

  constructor(
    readonly spec: NormalizedSpec,
    public config: MockConfig = DEFAULT_MOCK_CONFIG,
    private readonly now: () => number = Date.now,
  ) {
    const parts = specParts(spec)
    this.schemas = parts.schemas
    this.router = parts.router
    this.plans = parts.plans
    this.responsePlans = parts.responsePlans
    this.generatedBodies = parts.generatedBodies
    this.errorBases = parts.errorBases
    this.houseError = parts.houseError
    this.rpcStyle = parts.rpcStyle
    this.state = new StateStore(spec, this.schemas)
  }

  private readonly paramsFit = (
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
  ): boolean => pathParamsFit(this.plan(operation).request, pathParams)

  private plan(operation: NormalizedOperation): OperationPlan {
    return cached(this.plans, operation, () => planOperation(operation, this.schemas))
  }

  private responsePlan(response: NormalizedResponse | undefined): ResponsePlan {
    return response
      ? cached(this.responsePlans, response, () => planResponse(response))
      : NO_RESPONSE
  }

  /** An error of this operation, in the spec's documented error shape when it has one. */
  private error(operation: NormalizedOperation, error: MockError): MockResponse {
    return {
      ...renderError(operation, error, this.schemas, this.errorBases, this.houseError),
      delayMs: 0,
    }
  }

  reset() {
    this.state.clear()
    this.idempotency.clear()
    this.window = { start: 0, count: 0 }
  }

  handle(request: IncomingRequest): MockResponse {
    const allowed = this.config.corsOrigins
    const preflight = preflightHeaders(request, allowed)
    if (preflight) return { status: 204, headers: preflight, violations: [], delayMs: 0 }
    const response = this.answer(request)
    response.headers = withCorsHeaders(request, response.headers, allowed)
    return response
  }

  private answer(request: IncomingRequest): MockResponse {
    const match = this.router.match(request.method, request.pathname, this.paramsFit)
    if (match.kind === 'not-found')
      return problem(404, 'Not Found', `No operation of this API matches ${request.pathname}.`)
    if (match.kind === 'method-not-allowed') {
      const asGet =
        this.rpcStyle && request.method === 'POST' && match.allow.includes('GET')
          ? postAsGet(request)
          : null
      if (asGet) return this.answer(asGet)
      return problem(
        405,
        'Method Not Allowed',
        `${request.method} is not an operation on ${request.pathname}. Allowed: ${match.allow.join(', ')}.`,
        { allow: match.allow.join(', ') },
      )
    }
    const { operation, pathParams } = match
    const response = this.handleOperation(operation, pathParams, request)
    const { fixedMs, randomMs } = this.config.latency
    response.operationId = operation.id
    response.delayMs = fixedMs + (randomMs > 0 ? Math.floor(Math.random() * randomMs) : 0)
    return response
  }

  private handleOperation(
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
    request: IncomingRequest,
  ): MockResponse {
    const unauthorized = this.checkCredentials(operation, request)
    if (unauthorized) return unauthorized
    const plan = this.plan(operation)
    const rateHeaders = this.rateLimitHeaders(plan)
    if (rateHeaders.limited)
      return this.error(operation, {
        status: 429,
        title: 'Too Many Requests',
        detail: 'The mock rate limit is exceeded; retry after the window resets.',
        headers: rateHeaders.headers ?? {},
      })
    const fault = this.injectedFault(operation)
    if (fault) return fault

    const parsed = parseAndValidate(operation, plan.request, request, pathParams, this.schemas)
    if (parsed.unsupportedMediaType) {
      const accepted = Object.keys(operation.requestBody?.content ?? {}).join(', ')
      return this.error(operation, {
        status: 415,
        title: 'Unsupported Media Type',
        detail: `Send the body as ${accepted}.`,
      })
    }
    if (parsed.violations.length > 0) return this.invalid(operation, plan, parsed.violations)

    const idempotencyHeader =
      plan.idempotencyHeader ??
      (operation.method === 'POST' && this.config.idempotencyKeyOnPost
        ? 'idempotency-key'
        : undefined)
    const idempotencyKey = idempotencyHeader ? request.headers[idempotencyHeader] : undefined
    const bodyHash = idempotencyKey ? createHash('sha256').update(request.body).digest('hex') : ''
    if (idempotencyKey) {
      const stored = this.idempotency.get(`${operation.id}:${idempotencyKey}`)
      if (stored) {
        if (stored.bodyHash !== bodyHash) {
          return this.error(operation, {
            status: 409,
            title: 'Conflict',
            detail: 'This Idempotency-Key was already used with a different request body.',
          })
        }
        return {
          ...stored.response,
          headers: { ...stored.response.headers, 'idempotent-replayed': 'true' },
        }
      }
    }

    const prefer = parsePrefer(request.headers.prefer)
    const stateful =
      this.config.stateful && !prefer.code
        ? this.state.handle(
            operation,
            pathParams,
            parsed,
            request,
            this.config.maxItemsPerCollection,
          )
        : null
    const response = stateful
      ? this.fromState(operation, stateful, request, asksForStream(parsed.body))
      : this.documentedResponse(operation, request, prefer, undefined, asksForStream(parsed.body))
    // The mock's own limit wins over values generated for the headers the spec documents.
    if (rateHeaders.headers) response.headers = { ...response.headers, ...rateHeaders.headers }
    if (response.status < 300 && operation.callbacks.length > 0) {
      response.callbacks = triggeredCallbacks(operation, request, parsed.body, pathParams).map(
        (callback) => ({
          event: callback.event,
          url: callback.url,
          payload: eventPayload(
            callback.operation,
            this.schemas,
            `${callback.event}|${request.pathname}`,
          ),
        }),
      )
    }
    if (idempotencyKey && response.status < 500) {
      this.idempotency.set(`${operation.id}:${idempotencyKey}`, { bodyHash, response })
      if (this.idempotency.size > 10_000)
        this.idempotency.delete(this.idempotency.keys().next().value!)
    }
    return response
  }

  // ---- credentials -----------------------------------------------------------

  private credentialPresent(
    scheme: NormalizedSecurityScheme,
    request: IncomingRequest,
  ): string | null | undefined {
    const authorization = request.headers.authorization ?? ''
    switch (scheme.kind) {
      case 'apiKey': {
        const name = scheme.parameterName ?? ''
        if (scheme.in === 'query') return request.query.get(name)
        if (scheme.in === 'cookie') {
          const cookie = (request.headers.cookie ?? '')
            .split(';')
            .map((part) => part.trim().split('='))
          return cookie.find(([key]) => key === name)?.[1] ?? null
        }
        return request.headers[name.toLowerCase()]
      }
      case 'http-basic': {
        const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization)?.[1]
        if (!encoded) return null
        const decoded = Buffer.from(encoded, 'base64').toString('utf8')
        return decoded.includes(':') ? decoded : null
      }
      case 'http-bearer':
      case 'oauth2':
      case 'openIdConnect':
        return /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null
      case 'http-other':
        return authorization || null
      case 'mutualTLS':
        return 'client-certificate'
    }
  }

  private checkCredentials(
    operation: NormalizedOperation,
    request: IncomingRequest,
  ): MockResponse | null {
    if (operation.security.length === 0) return null
    const satisfied = operation.security.some((requirement) =>
      requirement.every(({ scheme: name }) => {
        const scheme = this.spec.securitySchemes[name]
        if (!scheme) return true
        const value = this.credentialPresent(scheme, request)
        if (!value) return false
        const expected = this.config.credentials[name]
        return expected === undefined || expected === value
      }),
    )
    if (satisfied) return null
    const challenges = [
      ...new Set(
        operation.security
          .flat()
          .map(({ scheme: name }) => this.challenge(this.spec.securitySchemes[name])),
      ),
    ].filter(Boolean)
    const needed = operation.security
      .map((requirement) => requirement.map((entry) => entry.scheme).join(' + '))
      .join(' or ')
    return this.error(operation, {
      status: 401,
      title: 'Unauthorized',
      detail: `Missing or invalid credentials: this operation needs ${needed}.`,
      headers: { 'www-authenticate': challenges.join(', ') || 'Bearer realm="mock"' },
    })
  }

  private challenge(scheme: NormalizedSecurityScheme | undefined): string {
    if (!scheme) return ''
    if (scheme.kind === 'http-basic') return 'Basic realm="mock"'
    if (scheme.kind === 'apiKey')
      return `ApiKey realm="mock", in="${scheme.in}", name="${scheme.parameterName}"`
    return 'Bearer realm="mock"'
  }

  // ---- rate limits and faults ------------------------------------------------

  private rateLimitHeaders(plan: OperationPlan): {
    limited: boolean
    headers: Record<string, string> | null
  } {
    const limit = this.config.rateLimit
    if (!limit) return NOT_RATE_LIMITED
    const now = this.now()
    const windowMs = limit.windowSeconds * 1000
    if (now - this.window.start >= windowMs) this.window = { start: now, count: 0 }
    this.window.count++
    const remaining = Math.max(0, limit.requests - this.window.count)
    const reset = Math.max(1, Math.ceil((this.window.start + windowMs - now) / 1000))
    const names = plan.rateLimitHeaders
    const headers: Record<string, string> = {
      [names.limit]: String(limit.requests),
      [names.remaining]: String(remaining),
      [names.reset]: String(reset),
    }
    const limited = this.window.count > limit.requests
    if (limited) headers['retry-after'] = String(reset)
    return { limited, headers }
  }

  /** Deterministic share: every n-th request fails, alternating 500 and 503. */
  private injectedFault(operation: NormalizedOperation): MockResponse | null {
    if (this.config.errorRate <= 0) return null
    this.faultCounter += this.config.errorRate
    if (this.faultCounter < 1) return null
    this.faultCounter -= 1
    const unavailable = Math.random() < 0.5
    return this.error(operation, {
      status: unavailable ? 503 : 500,
      title: unavailable ? 'Service Unavailable' : 'Internal Server Error',
      detail: 'Injected fault (mock error rate).',
      headers: unavailable ? { 'retry-after': '1' } : {},
    })
  }

  /** An invalid request: the spec's status for it (400 or 422) and its shape, naming each problem. */
  private invalid(
    operation: NormalizedOperation,
    plan: OperationPlan,
    violations: Violation[],
  ): MockResponse {
    const first = violations[0]!
    const named = parameterName(first.location)
    const detail =
      violations.length === 1
        ? `${named ? `${named} ` : first.location === 'body' ? 'The request body ' : 'The request '}${first.message}.`
        : `${violations.length} problems in the request; first: ${named || 'the request'} ${first.message}.`
    return this.error(operation, {
      status: plan.invalidStatus,
      title: 'Invalid request',
      detail,
      violations,
    })
  }

  // ---- responses -------------------------------------------------------------

  private pickResponse(
    operation: NormalizedOperation,
    code: string | undefined,
  ): NormalizedResponse | undefined {
    if (code)
      return (
        operation.responses.find((response) => response.status === code) ??
        operation.responses.find((response) => response.status.toUpperCase() === `${code[0]}XX`)
      )
    return this.plan(operation).defaultResponse
  }

  private statusNumber(response: NormalizedResponse | undefined, fallback = 200): number {
    if (!response) return fallback
    if (/^\d{3}$/.test(response.status)) return Number(response.status)
    if (/^\dXX$/i.test(response.status)) return Number(response.status[0]) * 100
    return fallback
  }

  /** The response documented for the operation: Prefer code/example/dynamic, content negotiation, examples, generated data. */
  documentedResponse(
    operation: NormalizedOperation,
    request: IncomingRequest,
    prefer: Record<string, string>,
    override?: { body?: unknown; status?: number },
    stream = false,
  ): MockResponse {
    const response = this.pickResponse(operation, prefer.code)
    if (prefer.code && !response) {
      return problem(
        400,
        'Bad Request',
        `Prefer code=${prefer.code} is not a documented response of ${operation.id}. Documented: ${operation.responses.map((entry) => entry.status).join(', ')}.`,
      )
    }
    const status =
      override?.status ?? this.statusNumber(response, operation.method === 'POST' ? 201 : 200)
    const headers: Record<string, string> = {}
    // The generation seed: worked out only when something is generated (not for stored bodies).
    let seedValue: string | undefined
    const seed = () =>
      (seedValue ??=
        prefer.dynamic === 'true'
          ? `${Math.random()}`
          : `${operation.id}|${request.pathname}|${request.query.toString()}|${request.body.length > 0 ? fingerprint(request.body) : ''}`)
    const plan = this.responsePlan(response)
    for (const [name, header] of plan.headers) {
      const lower = name.toLowerCase()
      // CORS is the mock's own (cors.server.ts): a generated `Access-Control-Allow-Credentials`
      // beside `Allow-Origin: *` is a combination browsers refuse.
      if (NEVER_GENERATED.has(lower) || lower.startsWith('access-control-')) continue
      const value = generateFromSchema(header.schema, this.schemas, `${seed()}|header|${name}`)
      if (value === undefined || value === null) continue
      const text = wellFormedHeader(
        lower,
        typeof value === 'object' ? JSON.stringify(value) : String(value),
      )
      if (text !== undefined) headers[lower] = text
    }
    if (plan.headers.length > 1) consistentRateLimit(headers)
    if (plan.content.length === 0 || status === 204 || request.method === 'HEAD')
      return { status, headers, violations: [], delayMs: 0 }
    const accept = request.headers.accept
    // An error is answered in its documented type whatever Accept says (as servers do): a 406
    // would hide the error the client needs to see.
    const negotiated =
      (stream ? plan.content.find((entry) => isEventStream(entry.type)) : undefined) ??
      (accept && status < 400
        ? negotiateCached(plan, accept)
        : ((accept ? negotiateCached(plan, accept) : undefined) ?? plan.content[0]))
    if (!negotiated) {
      return this.error(operation, {
        status: 406,
        title: 'Not Acceptable',
        detail: `This operation answers ${plan.content.map((entry) => entry.type).join(', ')}; the Accept header allows none of them.`,
      })
    }
    const { type, media, contentType } = negotiated
    let body: unknown
    // A stored resource is not an event: a stream is generated from its own schema.
    if (override && 'body' in override && !isEventStream(type)) body = override.body
    else if (prefer.example) {
      const named = media.examples.find((entry) => entry.name === prefer.example)
      if (!named)
        return problem(
          400,
          'Bad Request',
          `No example named "${prefer.example}". Examples: ${media.examples.map((entry) => entry.name).join(', ') || 'none'}.`,
        )
      body = named.value
    } else if (media.examples.length > 0 && prefer.dynamic !== 'true')
      body = onePage(operation, request, media.examples[0]!.value)
    else {
      // Generation is deterministic per seed, so the serialised body can be reused.
      const cacheKey = prefer.dynamic === 'true' ? null : `${status}|${type}|${seed()}`
      const cached = cacheKey ? this.generatedBodies.get(cacheKey) : undefined
      headers['content-type'] = contentType
      if (cached !== undefined) return { status, headers, body: cached, violations: [], delayMs: 0 }
      const value = isEventStream(type)
        ? Array.from({ length: STREAM_EVENTS }, (_, index) =>
            generateFromSchema(media.schema, this.schemas, `${seed()}|event|${index}`),
          )
        : onePage(operation, request, generateFromSchema(media.schema, this.schemas, seed()))
      const text = serialise(value, type)
      if (cacheKey) {
        this.generatedBodies.set(cacheKey, text)
        if (this.generatedBodies.size > 1000)
          this.generatedBodies.delete(this.generatedBodies.keys().next().value!)
      }
      return { status, headers, body: text, violations: [], delayMs: 0 }
    }
    headers['content-type'] = contentType
    return { status, headers, body: serialise(body, type), violations: [], delayMs: 0 }
  }

  private fromState(
    operation: NormalizedOperation,
    result: NonNullable<ReturnType<StateStore['handle']>>,
    request: IncomingRequest,
    stream: boolean,
  ): MockResponse {
    if (result.kind === 'not-found')
      return this.error(operation, { status: 404, title: 'Not Found', detail: result.detail })
    const response = this.documentedResponse(
      operation,
      request,
      {},
      { body: result.body, status: result.status },
      stream,
    )
    if (result.headers) response.headers = { ...response.headers, ...result.headers }
    return response
  }
}
