/** The mock engine with requests as official SDKs send them: negotiation, form bodies, error shapes, idempotency. */
import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { singleFileSource } from '../specs/source.server'
import { DEFAULT_MOCK_CONFIG, MockEngine } from './engine.server'
import { prepareRequest } from '../specs/request.server'

const SPEC = `openapi: 3.0.3
info: {title: Shop, version: "1"}
servers: [{url: "https://api.shop.test"}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Customer:
      type: object
      required: [id, object]
      properties:
        id: {type: string, example: cus_123}
        object: {type: string, enum: [customer]}
        name: {type: string}
        balance: {type: integer}
        metadata: {type: object, additionalProperties: {type: string}}
        tags: {type: array, items: {type: string}}
        address:
          type: object
          properties: {line1: {type: string}, postal_code: {type: string}}
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [type]
          properties:
            type: {type: string, enum: [api_error, idempotency_error, invalid_request_error]}
            message: {type: string}
            param: {type: string}
            code: {type: string}
security: [{bearer: []}]
paths:
  /v1/customers:
    post:
      operationId: createCustomer
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                name: {type: string, maxLength: 20}
                balance: {type: integer}
                metadata: {type: object, additionalProperties: {type: string}}
                tags: {type: array, items: {type: string}}
                address:
                  type: object
                  properties: {line1: {type: string}, postal_code: {type: string}}
            encoding:
              metadata: {style: deepObject, explode: true}
              tags: {style: deepObject, explode: true}
              address: {style: deepObject, explode: true}
          multipart/form-data:
            schema:
              type: object
              properties:
                name: {type: string}
                document: {type: string, format: binary}
                settings: {type: object, properties: {theme: {type: string}}}
            encoding:
              settings: {contentType: application/json}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
        default: {description: error, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /v1/customers/{customer}:
    get:
      operationId: getCustomer
      parameters:
        - {name: customer, in: path, required: true, schema: {type: string}}
        - {name: expand, in: query, style: deepObject, explode: true, schema: {type: array, items: {type: string}}}
      responses:
        "200":
          description: ok
          content:
            text/csv: {schema: {type: string}}
            application/json: {schema: {$ref: "#/components/schemas/Customer"}}
        default: {description: error, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
`

let spec: NormalizedSpec
beforeAll(async () => {
  spec = (await analyzeSpec(singleFileSource(SPEC, 'shop.yaml'))).spec
})

const AUTH = { authorization: 'Bearer sk_test_123' }

async function send(
  engine: MockEngine,
  method: string,
  target: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  const url = new URL(target, 'http://mock.test')
  const prepared = await prepareRequest({
    method,
    pathname: url.pathname,
    query: url.searchParams,
    headers: { ...AUTH, ...headers },
    body: body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body),
  })
  const response = engine.handle(prepared)
  return {
    ...response,
    json: () =>
      JSON.parse(response.body ?? 'null') as Record<string, unknown> & {
        error: Record<string, unknown>
      },
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('form bodies as SDKs send them', () => {
  it('stores nested metadata, arrays and objects sent with brackets', async () => {
    const engine = new MockEngine(spec)
    const created = await send(engine, 'POST', '/v1/customers', {
      headers: FORM,
      body: 'name=Ann&balance=120&metadata[order]=42&metadata[note]=vip&tags[0]=a&tags[1]=b&address[line1]=1%20Main',
    })
    expect(created.status).toBe(200)
    expect(created.json()).toMatchObject({
      object: 'customer',
      name: 'Ann',
      balance: 120,
      metadata: { order: '42', note: 'vip' },
      tags: ['a', 'b'],
      address: { line1: '1 Main' },
    })
    const id = created.json().id as string
    const read = await send(engine, 'GET', `/v1/customers/${id}?expand[0]=tags`)
    expect(read.status).toBe(200)
    expect(read.json().metadata).toEqual({ order: '42', note: 'vip' })
  })

  it('decodes multipart bodies, JSON parts included', async () => {
    const engine = new MockEngine(spec)
    const boundary = 'b0undary'
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nBo\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="settings"\r\nContent-Type: application/json\r\n\r\n{"theme":"dark"}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="id.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n` +
      `--${boundary}--\r\n`
    const created = await send(engine, 'POST', '/v1/customers', {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    })
    expect(created.status).toBe(200)
    expect(created.json().name).toBe('Bo')
    const broken = await send(engine, 'POST', '/v1/customers', {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: 'garbage',
    })
    expect(broken.status).toBe(400)
    expect(broken.json().error.message).toMatch(/multipart/)
  })
})

describe('errors in the spec’s own shape', () => {
  it('answers an invalid request with Stripe’s envelope, naming the parameter', async () => {
    const engine = new MockEngine(spec)
    const invalid = await send(engine, 'POST', '/v1/customers', {
      headers: FORM,
      body: `name=${'x'.repeat(30)}`,
    })
    expect(invalid.status).toBe(400)
    expect(invalid.headers['content-type']).toMatch(/^application\/json/)
    expect(invalid.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('name must NOT have more than 20 characters'),
        param: 'name',
        code: 'bad_request',
      },
    })
    const unauthorized = await send(engine, 'GET', '/v1/customers/cus_x', {
      headers: { authorization: '' },
    })
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.headers['www-authenticate']).toMatch(/Bearer/)
    expect(unauthorized.json().error.message).toMatch(/credentials/)
    const missing = await send(engine, 'GET', '/v1/customers/cus_missing')
    expect(missing.status).toBe(404)
    expect(missing.json().error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringMatching(/cus_missing/),
    })
  })
})

describe('idempotency without a declared header', () => {
  it('honours Idempotency-Key on POST by default: replay, and 409 with another body', async () => {
    const engine = new MockEngine(spec)
    const headers = { ...FORM, 'idempotency-key': 'key-1' }
    const first = await send(engine, 'POST', '/v1/customers', { headers, body: 'name=Ann' })
    const replay = await send(engine, 'POST', '/v1/customers', { headers, body: 'name=Ann' })
    expect(replay.body).toBe(first.body)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    const conflict = await send(engine, 'POST', '/v1/customers', { headers, body: 'name=Bo' })
    expect(conflict.status).toBe(409)
    expect(conflict.json().error.type).toBe('idempotency_error')
  })

  it('can be turned off in the mock’s settings', async () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, idempotencyKeyOnPost: false })
    const headers = { ...FORM, 'idempotency-key': 'key-1' }
    const first = await send(engine, 'POST', '/v1/customers', { headers, body: 'name=Ann' })
    const second = await send(engine, 'POST', '/v1/customers', { headers, body: 'name=Ann' })
    expect(second.json().id).not.toBe(first.json().id)
  })
})

describe('content negotiation', () => {
  it('serves the type the client prefers by q-value, suffixes and wildcards included', async () => {
    const engine = new MockEngine(spec)
    const created = (
      await send(engine, 'POST', '/v1/customers', { headers: FORM, body: 'name=Ann' })
    ).json()
    const get = (accept: string) =>
      send(engine, 'GET', `/v1/customers/${created.id as string}`, { headers: { accept } })
    expect((await get('text/csv;q=0.5, application/json')).headers['content-type']).toMatch(
      /^application\/json/,
    )
    expect((await get('text/csv, application/json;q=0.2')).headers['content-type']).toBe('text/csv')
    expect((await get('application/vnd.shop.v1+json')).headers['content-type']).toMatch(
      /^application\/json/,
    )
    expect((await get('application/*')).headers['content-type']).toMatch(/^application\/json/)
    expect((await get('*/*')).status).toBe(200)
    const refused = await get('image/png')
    expect(refused.status).toBe(406)
    expect(refused.json().error.message).toMatch(/Accept/)
  })
})
