/**
 * A small vendor sandbox on 127.0.0.1 that conforms to LEDGER_SPEC, with
 * defects that can be planted one at a time. The golden suite must find no
 * failure on the conforming server, and exactly the expected templates must
 * fail for each defect (tests/integration/golden-defects.test.ts).
 */
import { createHash, randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { signatureHeaders } from '~/server/environments/signatures.server'

export const LEDGER_SPEC = `openapi: 3.1.0
info: {title: Ledger API, version: "1.0"}
servers: [{url: "https://api.ledger.test/v1"}]
tags: [{name: accounts}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  headers:
    RequestId: {required: true, schema: {type: string, minLength: 8}}
    RateLimitLimit: {schema: {type: integer}}
    RateLimitRemaining: {schema: {type: integer}}
  schemas:
    Account:
      type: object
      required: [id, name, currency, balance, created]
      properties:
        id: {type: string, readOnly: true, pattern: "^acc_[0-9a-f]+$"}
        name: {type: string, maxLength: 40}
        currency: {type: string, enum: [EUR, USD, GBP]}
        balance: {type: integer, minimum: 0}
        created: {type: string, format: date-time, readOnly: true}
    NewAccount:
      type: object
      required: [name, currency]
      properties:
        name: {type: string, minLength: 1, maxLength: 40}
        currency: {type: string, enum: [EUR, USD, GBP]}
        balance: {type: integer, minimum: 0, maximum: 1000000}
    AccountPatch:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 40}
    AccountList:
      type: object
      required: [data, has_more]
      properties:
        data: {type: array, items: {$ref: "#/components/schemas/Account"}}
        has_more: {type: boolean}
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [type, message]
          properties:
            type: {type: string}
            message: {type: string}
            param: {type: string}
  responses:
    BadRequest:
      description: invalid request
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    Unauthorized:
      description: missing or invalid credentials
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    NotFound:
      description: no such account
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    TooMany:
      description: rate limited
      headers: {Retry-After: {schema: {type: integer}}}
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
paths:
  /accounts:
    get:
      operationId: listAccounts
      tags: [accounts]
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: starting_after, in: query, schema: {type: string}}
      responses:
        "200":
          description: a page of accounts
          headers:
            X-Request-Id: {$ref: "#/components/headers/RequestId"}
            RateLimit-Limit: {$ref: "#/components/headers/RateLimitLimit"}
            RateLimit-Remaining: {$ref: "#/components/headers/RateLimitRemaining"}
          content: {application/json: {schema: {$ref: "#/components/schemas/AccountList"}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "429": {$ref: "#/components/responses/TooMany"}
    post:
      operationId: createAccount
      tags: [accounts]
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string, maxLength: 100}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/NewAccount"}}}
      responses:
        "201":
          description: created
          headers:
            X-Request-Id: {$ref: "#/components/headers/RequestId"}
            Idempotent-Replayed: {schema: {type: string}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
          links:
            GetCreated:
              operationId: getAccount
              parameters: {accountId: "$response.body#/id"}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "409":
          description: the idempotency key was used with another body
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
        "429": {$ref: "#/components/responses/TooMany"}
  /accounts/{accountId}:
    parameters:
      - {name: accountId, in: path, required: true, schema: {type: string, pattern: "^acc_[0-9a-f]+$"}}
    get:
      operationId: getAccount
      tags: [accounts]
      responses:
        "200":
          description: the account
          headers: {X-Request-Id: {$ref: "#/components/headers/RequestId"}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/TooMany"}
    patch:
      operationId: renameAccount
      tags: [accounts]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/AccountPatch"}}}
      responses:
        "200":
          description: renamed
          headers: {X-Request-Id: {$ref: "#/components/headers/RequestId"}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/TooMany"}
    delete:
      operationId: closeAccount
      tags: [accounts]
      responses:
        "204": {description: closed}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403":
          description: the credential may not close accounts
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
        "404": {$ref: "#/components/responses/NotFound"}
        "429": {$ref: "#/components/responses/TooMany"}
webhooks:
  account.created:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [type, data]
              properties:
                type: {const: account.created}
                data: {$ref: "#/components/schemas/Account"}
      responses: {"200": {description: received}}
`

export const LEDGER_TOKEN = 'ledger-good-token-0123456789'
export const LEDGER_READONLY_TOKEN = 'ledger-readonly-token-0123456789'
export const RATE_WINDOW_MS = 1000

export type Defect =
  | 'auth-ignored'
  | 'wrong-credentials-accepted'
  | 'no-www-authenticate'
  | 'valid-credentials-rejected'
  | 'forbidden-ignored'
  | 'undocumented-status'
  | 'wrong-content-type'
  | 'schema-violation'
  | 'missing-required-field'
  | 'missing-header'
  | 'accepts-missing-required'
  | 'accepts-wrong-type'
  | 'accepts-bad-enum'
  | 'malformed-json-500'
  | 'stack-trace-leak'
  | 'accepts-oversized'
  | 'not-found-200'
  | 'method-404'
  | 'error-shape'
  | 'pagination-ignores-limit'
  | 'pagination-duplicates'
  | 'has-more-wrong'
  | 'idempotency-ignored'
  | 'idempotency-no-conflict'
  | 'no-replay-marker'
  | 'no-rate-headers'
  | 'no-rate-limit'
  | 'no-retry-after'
  | 'slow'
  | 'hang'
  | 'inconsistent'
  | 'crud-lost-field'
  | 'delete-not-final'
  | 'unsigned-webhooks'
  | 'bad-signature'
  | 'bad-webhook-payload'

type Account = { id: string; name: string; currency: string; balance: number; created: string }

export type LedgerServer = {
  url: string
  /** The base URL with the spec's base path, as an environment has it. */
  baseUrl: string
  close: () => Promise<void>
  /** Where account.created events go (set to a receiver). */
  webhookTarget: string | null
}

export async function startLedger({
  defects = new Set<Defect>(),
  webhookSecret = 'whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OQ==',
  rateLimit = 10_000,
}: {
  defects?: Set<Defect>
  webhookSecret?: string
  /** Requests per second per server; low only where rate limiting is under test. */
  rateLimit?: number
} = {}): Promise<LedgerServer> {
  const RATE_LIMIT = rateLimit
  const has = (defect: Defect) => defects.has(defect)
  const accounts: Account[] = []
  const idempotency = new Map<string, { hash: string; status: number; body: string }>()
  let window = { start: 0, count: 0 }
  /** GET /accounts requests without a limit, counted. */
  let plainLists = 0
  let counter = 0
  const state: LedgerServer = {
    url: '',
    baseUrl: '',
    close: async () => undefined,
    webhookTarget: null,
  }

  const requestId = () => `req_${randomUUID().replace(/-/g, '')}`

  function send(
    response: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = body === undefined ? '' : JSON.stringify(body)
    const all: Record<string, string> = { ...headers }
    if (!has('missing-header')) all['x-request-id'] = requestId()
    if (text) all['content-type'] = has('wrong-content-type') ? 'text/plain' : 'application/json'
    response.writeHead(status, all).end(text)
  }

  function error(
    response: http.ServerResponse,
    status: number,
    type: string,
    message: string,
    param?: string,
    headers: Record<string, string> = {},
  ) {
    const body = has('error-shape')
      ? { message }
      : { error: { type, message, ...(param ? { param } : {}) } }
    send(response, status, body, headers)
  }

  function view(account: Account): Record<string, unknown> {
    const out: Record<string, unknown> = { ...account }
    if (has('schema-violation')) out.balance = String(account.balance)
    if (has('missing-required-field')) delete out.currency
    return out
  }

  /** The server's own validation of NewAccount (required name and currency) or AccountPatch (required name). */
  function validate(body: unknown, required: string[]): { param: string; message: string } | null {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return { param: '', message: 'Send a JSON object.' }
    const record = body as Record<string, unknown>
    if (!has('accepts-missing-required'))
      for (const name of required)
        if (!(name in record)) return { param: name, message: `${name} is required` }
    const typed = !has('accepts-wrong-type')
    if ('name' in record) {
      if (typeof record.name !== 'string') {
        if (typed) return { param: 'name', message: 'name must be a string' }
      } else if (record.name.length === 0 || (record.name.length > 40 && !has('accepts-oversized')))
        return { param: 'name', message: 'name must be 1-40 characters' }
    }
    if ('currency' in record) {
      if (typeof record.currency !== 'string') {
        if (typed) return { param: 'currency', message: 'currency must be a string' }
      } else if (!['EUR', 'USD', 'GBP'].includes(record.currency) && !has('accepts-bad-enum'))
        return { param: 'currency', message: 'currency must be EUR, USD or GBP' }
    }
    if ('balance' in record) {
      if (typeof record.balance !== 'number' || !Number.isInteger(record.balance)) {
        if (typed) return { param: 'balance', message: 'balance must be an integer' }
      } else if (record.balance < 0 || (record.balance > 1_000_000 && !has('accepts-oversized')))
        return { param: 'balance', message: 'balance must be between 0 and 1000000' }
    }
    return null
  }

  async function deliver(account: Account) {
    if (!state.webhookTarget) return
    const payload = has('bad-webhook-payload')
      ? { kind: 'account.created', account: account.id }
      : { type: 'account.created', data: account }
    const body = JSON.stringify(payload)
    const headers = has('unsigned-webhooks')
      ? {}
      : signatureHeaders(
          'standard',
          has('bad-signature') ? 'whsec_d3Jvbmctc2VjcmV0LXh4eHh4eHh4eHh4' : webhookSecret,
          body,
        )
    await fetch(state.webhookTarget, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }).catch(() => undefined)
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse, raw: string) {
    const url = new URL(request.url ?? '/', 'http://ledger.local')
    const path = url.pathname
    const method = request.method ?? 'GET'
    if (!path.startsWith('/v1')) return error(response, 404, 'not_found', 'Unknown path.')
    const route = path.slice(3)
    if (has('slow')) await new Promise((resolve) => setTimeout(resolve, 300))
    if (has('hang') && method === 'GET' && /^\/accounts\/[^/]+$/.test(route)) return // never answers

    // Authentication first.
    const authorization = request.headers.authorization ?? ''
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1]
    if (!has('auth-ignored')) {
      const challenge: Record<string, string> = has('no-www-authenticate')
        ? {}
        : { 'www-authenticate': 'Bearer realm="ledger"' }
      if (!token) {
        if (has('no-www-authenticate')) return send(response, 401, { message: 'no token' })
        return error(response, 401, 'authentication_error', 'No credentials.', undefined, challenge)
      }
      const known = token === LEDGER_TOKEN || token === LEDGER_READONLY_TOKEN
      const accepted = has('wrong-credentials-accepted') ? token.length > 0 : known
      if (!accepted || (has('valid-credentials-rejected') && token === LEDGER_TOKEN)) {
        if (has('no-www-authenticate')) return send(response, 401, { message: 'bad token' })
        return error(
          response,
          401,
          'authentication_error',
          'Invalid credentials.',
          undefined,
          challenge,
        )
      }
    }

    // Rate limit per window.
    const now = Date.now()
    if (now - window.start >= RATE_WINDOW_MS) window = { start: now, count: 0 }
    window.count++
    const remaining = Math.max(0, RATE_LIMIT - window.count)
    const rateHeaders: Record<string, string> = has('no-rate-headers')
      ? {}
      : { 'ratelimit-limit': String(RATE_LIMIT), 'ratelimit-remaining': String(remaining) }
    if (!has('no-rate-limit') && window.count > RATE_LIMIT) {
      const retry = Math.max(1, Math.ceil((window.start + RATE_WINDOW_MS - now) / 1000))
      return error(
        response,
        429,
        'rate_limit',
        'Too many requests.',
        undefined,
        has('no-retry-after') ? {} : { 'retry-after': String(retry) },
      )
    }

    const parseBody = (): { value?: unknown; bad?: boolean } => {
      if (!/json/i.test(request.headers['content-type'] ?? '')) return { bad: true }
      try {
        return { value: JSON.parse(raw) }
      } catch {
        return { bad: true }
      }
    }
    const badJson = (parsedBad: boolean) => {
      if (!parsedBad) return false
      if (!/json/i.test(request.headers['content-type'] ?? '')) {
        error(response, 415, 'invalid_request', 'Send application/json.')
        return true
      }
      if (has('stack-trace-leak')) {
        response
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(
            `SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at handle (/srv/ledger/src/server.js:88:21)`,
          )
        return true
      }
      if (has('malformed-json-500')) {
        error(response, 500, 'api_error', 'Something went wrong.')
        return true
      }
      error(response, 400, 'invalid_request', 'The body is not valid JSON.')
      return true
    }

    if (route === '/accounts') {
      if (method === 'GET') {
        // Inconsistent: every third plain list request fails, as a flaky backend would.
        if (!url.searchParams.has('limit') && ++plainLists % 3 === 0 && has('inconsistent'))
          return error(response, 503, 'unavailable', 'Busy.')
        const limitText = url.searchParams.get('limit')
        const limit = limitText === null ? 10 : Number(limitText)
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          return error(response, 400, 'invalid_request', 'limit must be 1-100', 'limit')
        const after = url.searchParams.get('starting_after')
        let start = 0
        if (after) {
          const index = accounts.findIndex((account) => account.id === after)
          if (index < 0)
            return error(
              response,
              400,
              'invalid_request',
              'No such account for starting_after.',
              'starting_after',
            )
          start = has('pagination-duplicates') ? index : index + 1
        }
        const size = has('pagination-ignores-limit') ? accounts.length : limit
        const page = accounts.slice(start, start + size)
        const more = has('has-more-wrong') ? false : start + page.length < accounts.length
        return send(
          response,
          has('undocumented-status') ? 203 : 200,
          { data: page.map(view), has_more: more },
          rateHeaders,
        )
      }
      if (method === 'POST') {
        const parsed = parseBody()
        if (badJson(Boolean(parsed.bad))) return
        const problem = validate(parsed.value, ['name', 'currency'])
        if (problem) return error(response, 400, 'invalid_request', problem.message, problem.param)
        const key = request.headers['idempotency-key']
        const hash = createHash('sha256').update(raw).digest('hex')
        if (typeof key === 'string' && !has('idempotency-ignored')) {
          const stored = idempotency.get(key)
          if (stored) {
            if (stored.hash !== hash && !has('idempotency-no-conflict'))
              return error(response, 409, 'idempotency_error', 'Key reused with another body.')
            const replayHeaders: Record<string, string> = {
              'content-type': 'application/json',
              'x-request-id': requestId(),
            }
            if (!has('no-replay-marker')) replayHeaders['idempotent-replayed'] = 'true'
            return void response.writeHead(stored.status, replayHeaders).end(stored.body)
          }
        }
        if (token === LEDGER_READONLY_TOKEN && !has('forbidden-ignored'))
          return error(response, 403, 'permission_error', 'Read-only credential.')
        const value = parsed.value as Record<string, unknown>
        const account: Account = {
          id: `acc_${(++counter).toString(16).padStart(6, '0')}`,
          name: String(value.name ?? ''),
          currency: String(value.currency ?? 'EUR'),
          balance: typeof value.balance === 'number' ? value.balance : 0,
          created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        }
        accounts.push(account)
        const body = JSON.stringify(view(account))
        if (typeof key === 'string') idempotency.set(key, { hash, status: 201, body })
        void deliver(account)
        response
          .writeHead(201, {
            'content-type': 'application/json',
            ...(has('missing-header') ? {} : { 'x-request-id': requestId() }),
          })
          .end(body)
        return
      }
      return error(
        response,
        has('method-404') ? 404 : 405,
        'invalid_request',
        `${method} is not allowed here.`,
        undefined,
        has('method-404') ? {} : { allow: 'GET, POST' },
      )
    }

    const item = /^\/accounts\/([^/]+)$/.exec(route)
    if (item) {
      const id = decodeURIComponent(item[1]!)
      const index = accounts.findIndex((account) => account.id === id)
      const account = accounts[index]
      if (!['GET', 'PATCH', 'DELETE'].includes(method))
        return error(
          response,
          has('method-404') ? 404 : 405,
          'invalid_request',
          `${method} is not allowed here.`,
          undefined,
          has('method-404') ? {} : { allow: 'GET, PATCH, DELETE' },
        )
      if (method === 'PATCH') {
        const parsed = parseBody()
        if (badJson(Boolean(parsed.bad))) return
        const problem = validate(parsed.value, ['name'])
        if (problem) return error(response, 400, 'invalid_request', problem.message, problem.param)
        if (!account) return error(response, 404, 'not_found', 'No such account.')
        if (!has('crud-lost-field')) account.name = String((parsed.value as { name: unknown }).name)
        return send(response, 200, view(account))
      }
      if (!account) {
        if (has('not-found-200') && method === 'GET') return send(response, 200, {})
        return error(response, 404, 'not_found', 'No such account.')
      }
      if (method === 'DELETE') {
        if (token === LEDGER_READONLY_TOKEN && !has('forbidden-ignored'))
          return error(response, 403, 'permission_error', 'Read-only credential.')
        if (!has('delete-not-final')) accounts.splice(index, 1)
        return void response
          .writeHead(204, has('missing-header') ? {} : { 'x-request-id': requestId() })
          .end()
      }
      return send(response, 200, view(account))
    }
    return error(response, 404, 'not_found', 'Unknown path.')
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      handle(request, response, Buffer.concat(chunks).toString('utf8')).catch((caught: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(caught))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.baseUrl = `${state.url}/v1`
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
