import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { singleFileSource } from '../specs/source.server'
import { DEFAULT_MOCK_CONFIG, MockEngine, type MockResponse } from './engine.server'
import { Router } from '../specs/router.server'

const SPEC = `openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: "https://api.pets.test/v1"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, minLength: 1}
        price: {type: number, minimum: 0}
        status: {type: string, enum: [available, sold]}
        password: {type: string, writeOnly: true}
        createdAt: {type: string, format: date-time, readOnly: true}
    PetList:
      type: object
      properties:
        data: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        has_more: {type: boolean}
security: [{key: []}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50}}
        - {name: starting_after, in: query, schema: {type: string}}
        - {name: tags, in: query, style: form, explode: false, schema: {type: array, items: {type: string}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/PetList"}}}}
    post:
      operationId: createPet
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              examples:
                rex: {value: {id: p_1, name: Rex, price: 10}}
                tom: {value: {id: p_2, name: Tom, price: 5}}
        "422": {description: invalid}
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: string}}
    get:
      operationId: getPet
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
        "404": {description: missing, content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}}
    patch:
      operationId: updatePet
      requestBody: {content: {application/json: {schema: {type: object, properties: {price: {type: number}}}}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
    delete:
      operationId: deletePet
      responses:
        "204": {description: gone}
  /health:
    get:
      security: []
      responses:
        "200": {description: ok, content: {text/plain: {schema: {type: string}, example: ok}}}
`

let spec: NormalizedSpec
beforeAll(async () => {
  spec = (await analyzeSpec(singleFileSource(SPEC, 'pets.yaml'))).spec
})

const KEY = { 'x-api-key': 'k1' }
function call(
  engine: MockEngine,
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): MockResponse & { json: () => unknown } {
  const parsed = new URL(url, 'http://mock.test')
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body))
  const headers: Record<string, string> = {
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...KEY,
    ...options.headers,
  }
  const response = engine.handle({
    method,
    pathname: parsed.pathname,
    query: parsed.searchParams,
    headers,
    body,
  })
  return { ...response, json: () => (response.body ? JSON.parse(response.body) : undefined) }
}

describe('routing', () => {
  it('answers 404 and 405 (with Allow) as problem+json, with or without the base path', () => {
    const engine = new MockEngine(spec)
    expect(call(engine, 'GET', '/nowhere')).toMatchObject({
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
    })
    const wrongMethod = call(engine, 'PUT', '/v1/pets')
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.allow).toBe('GET, POST')
    expect(call(engine, 'GET', '/v1/health').status).toBe(200)
    expect(call(engine, 'GET', '/health').status).toBe(200)
  })

  it('decodes percent-escaped path parameters and keeps a malformed escape as sent', () => {
    const router = new Router(spec)
    const params = (pathname: string) => {
      const match = router.match('get', pathname)
      return match.kind === 'operation' ? match.pathParams : match.kind
    }
    expect(params('/v1/pets/a%20b%2Fc')).toEqual({ petId: 'a b/c' })
    expect(params('/pets/100%')).toEqual({ petId: '100%' })
    expect(params('/pets/%E0%A4%A')).toEqual({ petId: '%E0%A4%A' })
    expect(params('//pets//')).toBe('not-found')
    const trailingSlash = router.match('GET', '/pets/')
    expect(trailingSlash.kind === 'operation' && trailingSlash.operation.id).toBe('listPets')
  })
})

describe('router priority', () => {
  const ROUTES = `openapi: 3.0.3
info: {title: Routes, version: "1"}
servers: [{url: "https://x.test/api"}, {url: "https://x.test/api/v2"}]
paths:
  /files/{name}: {get: {operationId: bare, parameters: [{name: name, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok}}}}
  /files/{name}.json: {get: {operationId: json, parameters: [{name: name, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok}}}}
  /files/latest: {get: {operationId: latest, responses: {"200": {description: ok}}}}
  /items/{id}: {get: {operationId: getItem, parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok}}}}
  /items/{itemId}: {delete: {operationId: deleteItem, parameters: [{name: itemId, in: path, required: true, schema: {type: string}}], responses: {"204": {description: gone}}}}
  /v2/status: {get: {operationId: v2Status, responses: {"200": {description: ok}}}}
  /status: {get: {operationId: status, responses: {"200": {description: ok}}}}
`
  let router: Router
  beforeAll(async () => {
    router = new Router((await analyzeSpec(singleFileSource(ROUTES, 'routes.yaml'))).spec)
  })
  const route = (method: string, pathname: string) => {
    const match = router.match(method, pathname)
    return match.kind === 'operation' ? { id: match.operation.id, params: match.pathParams } : match
  }

  it('prefers literal segments, then templated segments with more literal text', () => {
    expect(route('GET', '/files/latest')).toEqual({ id: 'latest', params: {} })
    expect(route('GET', '/files/report.json')).toEqual({ id: 'json', params: { name: 'report' } })
    expect(route('GET', '/files/report.csv')).toEqual({
      id: 'bare',
      params: { name: 'report.csv' },
    })
  })

  it("keeps each template's own parameter names when two templates share a shape", () => {
    expect(route('GET', '/items/7')).toEqual({ id: 'getItem', params: { id: '7' } })
    expect(route('DELETE', '/items/7')).toEqual({ id: 'deleteItem', params: { itemId: '7' } })
    expect(route('PUT', '/items/7')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'DELETE'],
    })
  })

  it('strips the longest server base path first, then shorter ones, then none', () => {
    expect(route('GET', '/api/v2/status')).toMatchObject({ id: 'status' })
    expect(route('GET', '/api/status')).toMatchObject({ id: 'status' })
    expect(route('GET', '/v2/status')).toMatchObject({ id: 'v2Status' })
    expect(route('GET', '/api/nothing')).toEqual({ kind: 'not-found' })
  })
})

describe('validation and credentials', () => {
  it('lists every violation with its location, using the documented 422', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const query = call(engine, 'GET', '/pets?limit=500&tags=a,b')
    expect(query.status).toBe(400)
    expect(query.violations).toEqual([
      expect.objectContaining({
        location: 'query.limit',
        constraint: expect.stringContaining('maximum'),
      }),
    ])
    const body = call(engine, 'POST', '/pets', { body: { name: '', price: -1, status: 'lost' } })
    expect(body.status).toBe(422)
    expect(body.violations.map((violation) => violation.location).sort()).toEqual([
      'body/name',
      'body/price',
      'body/status',
    ])
    expect(call(engine, 'POST', '/pets', { body: '{oops' }).violations[0]).toMatchObject({
      location: 'body',
      message: expect.stringContaining('not valid JSON'),
    })
    expect(
      call(engine, 'POST', '/pets', { body: 'name=x', headers: { 'content-type': 'text/csv' } })
        .status,
    ).toBe(415)
  })

  it('requires well-formed credentials (or the configured ones) with WWW-Authenticate', () => {
    const engine = new MockEngine(spec)
    const missing = call(engine, 'GET', '/pets', { headers: { 'x-api-key': '' } })
    expect(missing.status).toBe(401)
    expect(missing.headers['www-authenticate']).toContain('X-API-Key')
    const strict = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, credentials: { key: 'secret' } })
    expect(call(strict, 'GET', '/pets').status).toBe(401)
    expect(call(strict, 'GET', '/pets', { headers: { 'x-api-key': 'secret' } }).status).toBe(200)
  })
})

describe('responses', () => {
  it('uses examples first, honours Prefer example/code/dynamic, and is deterministic', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    expect(call(engine, 'POST', '/pets', { body: { name: 'A' } }).json()).toMatchObject({
      name: 'Rex',
    })
    expect(
      call(engine, 'POST', '/pets', {
        body: { name: 'A' },
        headers: { prefer: 'example=tom' },
      }).json(),
    ).toMatchObject({ name: 'Tom' })
    const notFound = call(engine, 'GET', '/pets/p9', { headers: { prefer: 'code=404' } })
    expect(notFound.status).toBe(404)
    expect(call(engine, 'GET', '/pets/p9', { headers: { prefer: 'code=418' } }).status).toBe(400)
    const first = call(engine, 'GET', '/pets/p1').body
    expect(call(engine, 'GET', '/pets/p1').body).toBe(first)
    const dynamic = new Set(
      Array.from(
        { length: 5 },
        () => call(engine, 'GET', '/pets/p1', { headers: { prefer: 'dynamic=true' } }).body,
      ),
    )
    expect(dynamic.size).toBeGreaterThan(1)
    expect(call(engine, 'GET', '/pets/p1', { headers: { accept: 'application/xml' } }).status).toBe(
      406,
    )
  })

  it('negotiates like a server: q-values, wildcards, +json suffixes, and errors whatever Accept says', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const accept = (value: string) =>
      call(engine, 'GET', '/pets/p1', { headers: { accept: value } })
    expect(accept('application/vnd.pets.v1+json').status).toBe(200)
    expect(accept('application/*').status).toBe(200)
    expect(accept('text/html;q=0.9, */*;q=0.1').status).toBe(200)
    expect(accept('application/json;q=0').status).toBe(406)
    // A 404 documented as problem+json is served to an application/json client, not refused with 406.
    const stateful = new MockEngine(spec)
    const missing = call(stateful, 'GET', '/pets/nope', { headers: { accept: 'application/json' } })
    expect(missing.status).toBe(404)
    const other = call(stateful, 'GET', '/pets/nope', { headers: { accept: 'text/csv' } })
    expect(other.status).toBe(404)
  })
})

describe('stateful CRUD', () => {
  it('creates, reads, updates, lists with cursor pagination, deletes, and resets', () => {
    const engine = new MockEngine(spec)
    const created = call(engine, 'POST', '/pets', { body: { name: 'Rex', price: 10 } })
    expect(created.status).toBe(201)
    const pet = created.json() as { id: string; name: string }
    expect(pet).toMatchObject({ name: 'Rex', price: 10 })
    expect(pet.id).toMatch(/^\w+_\d{6}$/)
    expect(call(engine, 'GET', `/pets/${pet.id}`).json()).toEqual(pet)
    expect(call(engine, 'PATCH', `/pets/${pet.id}`, { body: { price: 12 } }).json()).toMatchObject({
      id: pet.id,
      price: 12,
    })
    for (const name of ['A', 'B', 'C']) call(engine, 'POST', '/pets', { body: { name } })
    const page = call(engine, 'GET', '/pets?limit=2').json() as {
      data: { id: string }[]
      has_more: boolean
    }
    expect(page.data).toHaveLength(2)
    expect(page.has_more).toBe(true)
    const next = call(engine, 'GET', `/pets?limit=2&starting_after=${page.data[1]!.id}`).json() as {
      data: unknown[]
      has_more: boolean
    }
    expect(next.data).toHaveLength(2)
    expect(next.has_more).toBe(false)
    expect(call(engine, 'DELETE', `/pets/${pet.id}`).status).toBe(204)
    expect(call(engine, 'GET', `/pets/${pet.id}`).status).toBe(404)
    engine.reset()
    expect((call(engine, 'GET', '/pets').json() as { data: unknown[] }).data).toEqual([])
  })

  it('sets readOnly fields itself, never stores or returns writeOnly ones, and counts ids from 1', () => {
    const engine = new MockEngine(spec)
    const created = call(engine, 'POST', '/pets', {
      body: {
        name: 'Rex',
        password: 's3cret',
        createdAt: '1999-01-01T00:00:00Z',
        id: 'mine',
        undeclared: 'not part of a Pet',
      },
    })
    const pet = created.json() as Record<string, unknown>
    expect(pet.id).toMatch(/_000001$/)
    expect(pet.name).toBe('Rex')
    expect(pet).not.toHaveProperty('password')
    expect(pet).not.toHaveProperty('undeclared')
    expect(pet.createdAt).not.toBe('1999-01-01T00:00:00Z')
    expect(created.body).not.toContain('s3cret')
    const updated = call(engine, 'PATCH', `/pets/${String(pet.id)}`, {
      body: { price: 3, createdAt: '2000-01-01T00:00:00Z' },
    }).json()
    expect(updated).toMatchObject({ price: 3, createdAt: pet.createdAt })
    expect(call(engine, 'GET', `/pets/${String(pet.id)}`).body).not.toContain('s3cret')
    const second = call(engine, 'POST', '/pets', { body: { name: 'Tom' } }).json() as {
      id: string
    }
    expect(second.id).toMatch(/_000002$/)
  })

  it('keeps fields declared through nested allOf, and every field of a polymorphic resource', async () => {
    const composed = `openapi: 3.0.3
info: {title: Kennel, version: "1"}
paths:
  /dogs:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Dog"}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Dog"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Dog"}}}}}
  /dogs/{dogId}:
    get:
      parameters: [{name: dogId, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Dog"}}}}}
  /payments:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Payment"}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}}
  /payments/{paymentId}:
    get:
      parameters: [{name: paymentId, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Payment"}}}}}
components:
  schemas:
    NewPet: {type: object, properties: {name: {type: string}}}
    Pet: {allOf: [{$ref: "#/components/schemas/NewPet"}, {properties: {id: {type: string, readOnly: true}}}]}
    Dog: {allOf: [{$ref: "#/components/schemas/Pet"}, {properties: {breed: {type: string}}}]}
    Payment:
      type: object
      properties: {id: {type: string, readOnly: true}, amount: {type: integer}}
      oneOf:
        - {required: [card], properties: {card: {type: string}}}
        - {required: [iban], properties: {iban: {type: string}}}
`
    const engine = new MockEngine(
      (await analyzeSpec(singleFileSource(composed, 'kennel.yaml'))).spec,
    )
    const dog = call(engine, 'POST', '/dogs', { body: { name: 'Rex', breed: 'collie' } }).json()
    expect(dog).toMatchObject({ name: 'Rex', breed: 'collie' })
    const payment = call(engine, 'POST', '/payments', { body: { amount: 5, card: 'visa' } }).json()
    expect(payment).toMatchObject({ amount: 5, card: 'visa' })
  })

  it('bounds each collection, dropping the oldest', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, maxItemsPerCollection: 3 })
    const ids = ['a', 'b', 'c', 'd'].map(
      (name) => (call(engine, 'POST', '/pets', { body: { name } }).json() as { id: string }).id,
    )
    expect(call(engine, 'GET', `/pets/${ids[0]}`).status).toBe(404)
    expect(call(engine, 'GET', `/pets/${ids[3]}`).status).toBe(200)
  })

  it('drops the oldest still there, in creation order, across deletes and thousands of creates', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, maxItemsPerCollection: 3 })
    const create = (name: string) =>
      (call(engine, 'POST', '/pets', { body: { name } }).json() as { id: string }).id
    const [a, b, c] = ['a', 'b', 'c'].map(create)
    expect(call(engine, 'DELETE', `/pets/${b}`).status).toBeLessThan(300)
    const d = create('d')
    for (const id of [a, c, d]) expect(call(engine, 'GET', `/pets/${id}`).status).toBe(200)
    const e = create('e')
    expect(call(engine, 'GET', `/pets/${a}`).status).toBe(404)
    for (const id of [c, d, e]) expect(call(engine, 'GET', `/pets/${id}`).status).toBe(200)
    const many = Array.from({ length: 3000 }, (_, index) => create(`n${index}`))
    for (const id of many.slice(-3)) expect(call(engine, 'GET', `/pets/${id}`).status).toBe(200)
    expect(call(engine, 'GET', `/pets/${many.at(-4)}`).status).toBe(404)
    expect(call(engine, 'GET', `/pets/${e}`).status).toBe(404)
  })
})

describe('idempotency, rate limits and faults', () => {
  it('replays the same key and body, and refuses the same key with another body (409)', () => {
    const engine = new MockEngine(spec)
    const first = call(engine, 'POST', '/pets', {
      body: { name: 'Rex' },
      headers: { 'idempotency-key': 'k-1' },
    })
    const replay = call(engine, 'POST', '/pets', {
      body: { name: 'Rex' },
      headers: { 'idempotency-key': 'k-1' },
    })
    expect(replay.status).toBe(first.status)
    expect(replay.body).toBe(first.body)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(
      call(engine, 'POST', '/pets', {
        body: { name: 'Other' },
        headers: { 'idempotency-key': 'k-1' },
      }).status,
    ).toBe(409)
  })

  it('sets RateLimit headers and answers 429 with Retry-After past the limit', () => {
    let now = 1_000_000
    const engine = new MockEngine(
      spec,
      { ...DEFAULT_MOCK_CONFIG, rateLimit: { requests: 2, windowSeconds: 60 } },
      () => now,
    )
    expect(call(engine, 'GET', '/pets').headers).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
    })
    call(engine, 'GET', '/pets')
    const limited = call(engine, 'GET', '/pets')
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('60')
    now += 60_000
    expect(call(engine, 'GET', '/pets').status).toBe(200)
  })

  it('injects faults at the configured rate and delays responses', () => {
    const engine = new MockEngine(spec, {
      ...DEFAULT_MOCK_CONFIG,
      errorRate: 0.5,
      latency: { fixedMs: 40, randomMs: 0 },
    })
    const statuses = Array.from({ length: 10 }, () => call(engine, 'GET', '/pets').status)
    expect(statuses.filter((status) => status >= 500)).toHaveLength(5)
    expect(call(engine, 'GET', '/pets').delayMs).toBe(40)
  })
})

describe('CORS', () => {
  const origin = 'https://partner.example'
  const preflight = (engine: MockEngine, requestOrigin = origin) =>
    call(engine, 'OPTIONS', '/v1/pets', {
      headers: {
        origin: requestOrigin,
        'access-control-request-method': 'post',
        'access-control-request-headers': 'content-type, x-api-key, idempotency-key',
      },
    })

  it('answers preflights 204 before routing and auth, allowing the requested method and headers', () => {
    const engine = new MockEngine(spec)
    const answer = preflight(engine)
    expect(answer.status).toBe(204)
    expect(answer.body).toBeUndefined()
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, x-api-key, idempotency-key',
      'access-control-max-age': '7200',
    })
    expect(answer.headers.vary).toMatch(/Origin/)
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined()
    // An OPTIONS without the CORS request headers is an ordinary request: routed (405 here).
    expect(call(engine, 'OPTIONS', '/v1/pets').status).toBe(405)
  })

  it('grants every answer, errors included, to the calling origin and exposes its headers', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: true })
    const created = call(engine, 'POST', '/v1/pets', { headers: { origin }, body: { name: 'Rex' } })
    expect(created.status).toBe(201)
    expect(created.headers['access-control-allow-origin']).toBe(origin)
    expect(created.headers.vary).toBe('Origin')
    for (const failed of [
      call(engine, 'GET', '/nowhere', { headers: { origin } }),
      call(engine, 'GET', '/v1/pets?limit=500', { headers: { origin } }),
      call(engine, 'GET', '/v1/pets', { headers: { origin, 'x-api-key': '' } }),
    ]) {
      expect(failed.status).toBeGreaterThanOrEqual(400)
      expect(failed.headers['access-control-allow-origin']).toBe(origin)
    }
    const unauthorized = call(engine, 'GET', '/v1/pets', { headers: { origin, 'x-api-key': '' } })
    expect(unauthorized.headers['access-control-expose-headers']).toMatch(/www-authenticate/)
    // No Origin (curl, SDKs): any origin.
    expect(call(engine, 'GET', '/v1/pets').headers['access-control-allow-origin']).toBe('*')
  })

  it('with origins set, grants only those, with credentials', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, corsOrigins: [origin] })
    expect(preflight(engine).headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
    })
    const listed = call(engine, 'GET', '/v1/pets', { headers: { origin } })
    expect(listed.headers['access-control-allow-credentials']).toBe('true')
    const other = preflight(engine, 'https://evil.example')
    expect(other.status).toBe(204)
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    expect(other.headers['access-control-allow-methods']).toBeUndefined()
    const otherAnswer = call(engine, 'GET', '/v1/pets', {
      headers: { origin: 'https://evil.example' },
    })
    expect(otherAnswer.headers['access-control-allow-origin']).toBeUndefined()
    expect(otherAnswer.headers.vary).toBe('Origin')
  })
})

describe('generated rate-limit headers', () => {
  it('never say more remains than the limit', async () => {
    const spec = (
      await analyzeSpec(
        singleFileSource(
          `openapi: 3.0.3
info: {title: Limits, version: "1"}
paths:
  /things/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          headers:
            RateLimit-Limit: {schema: {type: integer, minimum: 1, maximum: 1000}}
            RateLimit-Remaining: {schema: {type: integer, minimum: 0, maximum: 1000}}
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
`,
          'limits.yaml',
        ),
      )
    ).spec!
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    for (let index = 0; index < 200; index++) {
      const response = engine.handle({
        method: 'GET',
        pathname: `/things/${index}`,
        query: new URLSearchParams(),
        headers: {},
        body: Buffer.alloc(0),
      })
      expect(response.status).toBe(200)
      const limit = Number(response.headers['ratelimit-limit'])
      const remaining = Number(response.headers['ratelimit-remaining'])
      expect(Number.isInteger(limit) && Number.isInteger(remaining)).toBe(true)
      expect(remaining).toBeLessThanOrEqual(limit)
    }
    // With the mock's own rate limit set, its figures are the ones sent.
    const limited = new MockEngine(spec, {
      ...DEFAULT_MOCK_CONFIG,
      stateful: false,
      rateLimit: { requests: 5, windowSeconds: 60 },
    })
    const remaining = [1, 2, 3].map(
      () =>
        limited.handle({
          method: 'GET',
          pathname: '/things/a',
          query: new URLSearchParams(),
          headers: {},
          body: Buffer.alloc(0),
        }).headers,
    )
    expect(remaining.map((headers) => headers['ratelimit-limit'])).toEqual(['5', '5', '5'])
    expect(remaining.map((headers) => headers['ratelimit-remaining'])).toEqual(['4', '3', '2'])
  })
})

const STREAMING_SPEC = `openapi: 3.1.0
info: {title: Streams, version: "1"}
components:
  schemas:
    ErrorResponse:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [message, type]
          properties:
            message: {type: string}
            type: {type: string}
            param: {type: [string, "null"]}
            code: {type: [string, "null"]}
    Completion:
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [chat.completion]}
    Chunk:
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [chat.completion.chunk]}
    CreatedEvent:
      type: object
      required: [type, sequence_number]
      properties:
        type: {type: string, enum: [response.created]}
        sequence_number: {type: integer}
    DeltaEvent:
      type: object
      required: [type, delta]
      properties:
        type: {type: string, enum: [response.output_text.delta]}
        delta: {type: string}
    StreamEvent:
      oneOf: [{$ref: "#/components/schemas/CreatedEvent"}, {$ref: "#/components/schemas/DeltaEvent"}]
      discriminator: {propertyName: type}
paths:
  /chat/completions:
    post:
      operationId: createChatCompletion
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [model, messages]
              properties:
                model: {type: string}
                messages: {type: array, items: {type: object}}
                stream: {type: [boolean, "null"]}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: "#/components/schemas/Completion"}}
            text/event-stream: {schema: {$ref: "#/components/schemas/Chunk"}}
  /responses:
    post:
      operationId: createResponse
      requestBody:
        content: {application/json: {schema: {type: object, properties: {stream: {type: boolean}}}}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: object, properties: {id: {type: string}}}}
            text/event-stream: {schema: {$ref: "#/components/schemas/StreamEvent"}}
  /files:
    get:
      operationId: listFiles
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad, content: {application/json: {schema: {$ref: "#/components/schemas/ErrorResponse"}}}}
  /files/{id}:
    delete:
      operationId: deleteFile
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "429": {description: slow down, content: {application/json: {schema: {$ref: "#/components/schemas/ErrorResponse"}}}}
`

/** `data:` payloads (and `event:` names) of a server-sent event stream. */
function events(text: string): { event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n')
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7)
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n')
      return { ...(event ? { event } : {}), data: JSON.parse(data) }
    })
}

describe('streaming APIs and an API-wide error shape', () => {
  let streaming: NormalizedSpec
  beforeAll(async () => {
    streaming = (await analyzeSpec(singleFileSource(STREAMING_SPEC, 'streams.yaml'))).spec!
  })
  const post = (engine: MockEngine, pathname: string, body: unknown, accept?: string) =>
    engine.handle({
      method: 'POST',
      pathname,
      query: new URLSearchParams(),
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
      body: Buffer.from(JSON.stringify(body)),
    })

  it('answers "stream": true with the documented event stream, whatever Accept says', () => {
    for (const stateful of [false, true]) {
      const engine = new MockEngine(streaming, { ...DEFAULT_MOCK_CONFIG, stateful })
      const message = { model: 'm', messages: [{ role: 'user', content: 'hi' }] }
      const plain = post(engine, '/chat/completions', message, 'application/json')
      expect(plain.headers['content-type']).toMatch(/^application\/json/)
      expect(JSON.parse(plain.body!)).toMatchObject({ object: 'chat.completion' })

      const streamed = post(
        engine,
        '/chat/completions',
        { ...message, stream: true },
        'application/json',
      )
      expect(streamed.status).toBe(200)
      expect(streamed.headers['content-type']).toBe('text/event-stream')
      const chunks = events(streamed.body!)
      expect(chunks).toHaveLength(3)
      for (const chunk of chunks)
        expect(chunk.data).toMatchObject({ object: 'chat.completion.chunk' })
      // `stream: false` is a plain answer, and Accept alone can ask for the stream.
      expect(
        post(engine, '/chat/completions', { ...message, stream: false }).headers['content-type'],
      ).toMatch(/json/)
      const accepted = post(engine, '/chat/completions', message, 'text/event-stream')
      expect(events(accepted.body!)).toHaveLength(3)
    }
  })

  it('names each event after its type, the one its own schema fixes rather than the schema name', () => {
    const engine = new MockEngine(streaming, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const streamed = post(engine, '/responses', { stream: true })
    const sent = events(streamed.body!)
    expect(sent.length).toBeGreaterThan(0)
    for (const { event, data } of sent) {
      expect(['response.created', 'response.output_text.delta']).toContain(event)
      expect((data as { type: string }).type).toBe(event)
    }
  })

  it('renders errors of operations that document none in the shape the others document', () => {
    const engine = new MockEngine(streaming, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const invalid = post(engine, '/chat/completions', { model: 'm' })
    expect(invalid.status).toBe(400)
    expect(invalid.headers['content-type']).toMatch(/^application\/json/)
    const body = JSON.parse(invalid.body!) as { error: { message: string; param: string } }
    expect(body.error.message).toBe('messages is required.')
    expect(body.error.param).toBe('messages')
    // One operation documenting a shape is not the API's shape: problem+json stays.
    const single = STREAMING_SPEC.replace(/"429": \{description: slow down[^\n]*\n/, '')
    return analyzeSpec(singleFileSource(single, 'single.yaml')).then(({ spec: one }) => {
      const other = new MockEngine(one!, { ...DEFAULT_MOCK_CONFIG, stateful: false })
      const answer = post(other, '/chat/completions', { model: 'm' })
      expect(answer.headers['content-type']).toBe('application/problem+json')
      expect(JSON.parse(answer.body!)).toMatchObject({ detail: 'messages is required.' })
    })
  })
})

describe('documented headers with a syntax of their own', () => {
  it('never sends a spec’s Link, keeps Location inside the mock, quotes ETags, dates HTTP dates', async () => {
    const spec = (
      await analyzeSpec(
        singleFileSource(
          `openapi: 3.0.3
info: {title: Headers, version: "1"}
paths:
  /issues:
    get:
      parameters: [{name: per_page, in: query, schema: {type: integer}}, {name: page, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          headers:
            Link: {schema: {type: string, example: '<https://api.vendor.example/issues?page=2>; rel="next"'}}
            ETag: {schema: {type: string}}
            Last-Modified: {schema: {type: string}}
          content: {application/json: {schema: {type: array, items: {type: object, properties: {id: {type: integer}}}}}}
    post:
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [title], properties: {title: {type: string}}}}}}
      responses:
        "201":
          description: created
          headers:
            Location: {schema: {type: string, example: "https://api.vendor.example/issues/1"}}
          content: {application/json: {schema: {type: object, properties: {id: {type: integer}}}}}
`,
          'headers.yaml',
        ),
      )
    ).spec!
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const listed = call(engine, 'GET', '/issues?per_page=2')
    expect(listed.status).toBe(200)
    expect(listed.headers.link).toBeUndefined()
    expect(listed.headers.etag).toMatch(/^"[^"]+"$/)
    expect(new Date(listed.headers['last-modified']!).toUTCString()).toBe(
      listed.headers['last-modified'],
    )
    const created = call(engine, 'POST', '/issues', { body: { title: 'Bug' } })
    expect(created.status).toBe(201)
    expect(created.headers.location).toBeUndefined()
    const empty = engine.handle({
      method: 'POST',
      pathname: '/issues',
      query: new URLSearchParams(),
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(0),
    })
    expect(JSON.parse(empty.body!)).toMatchObject({ detail: 'The request body is required.' })
  })
})
