/** Stateful mocks on resource shapes real specs have (Stripe's): unions, expanded ids, deleted objects, partial updates. */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { SpecSchemas } from '../specs/schemas.server'
import { singleFileSource } from '../specs/source.server'
import { DEFAULT_MOCK_CONFIG, MockEngine } from './engine.server'
import { resourceWord } from './state.server'
import { SHARED_SPECS } from '../../../tests/support/shared-specs'

const SPEC = `openapi: 3.0.3
info: {title: Shapes, version: "1"}
components:
  schemas:
    card: {type: object, required: [id, brand], properties: {id: {type: string}, brand: {type: string}}}
    bank_account: {type: object, required: [id, object], properties: {id: {type: string}, object: {type: string, enum: [bank_account]}, bank_name: {type: string}}}
    external_account:
      anyOf: [{$ref: "#/components/schemas/bank_account"}, {$ref: "#/components/schemas/card"}]
    person:
      type: object
      required: [id, first_name, address]
      properties:
        id: {type: string}
        first_name: {type: string}
        address: {type: object, required: [city, country], properties: {city: {type: string}, country: {type: string}}}
        card: {$ref: "#/components/schemas/card"}
    deleted_person:
      type: object
      required: [id, deleted, object]
      properties: {id: {type: string}, deleted: {type: boolean, enum: [true]}, object: {type: string, enum: [person]}}
paths:
  /v1/external_accounts:
    post:
      requestBody: {content: {application/json: {schema: {type: object, properties: {bank_name: {type: string}}}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/external_account"}}}}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/external_account"}}}}}}}}
  /v1/external_accounts/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/external_account"}}}}}
  /v1/people:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                first_name: {type: string}
                card: {type: string}
                address: {type: object, properties: {city: {type: string}, country: {type: string}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/person"}}}}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/person"}}}}}}}}
  /v1/events:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: starting_after, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  has_more: {type: boolean}
                  data: {type: array, minItems: 1, items: {type: object, properties: {id: {type: string}}}}
  /v1/people/{person}:
    get:
      parameters: [{name: person, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/person"}}}}}
    post:
      parameters: [{name: person, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {address: {type: object, properties: {city: {type: string}, country: {type: string}}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/person"}}}}}
    delete:
      parameters: [{name: person, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/deleted_person"}}}}}
`

let spec: NormalizedSpec
let schemas: SpecSchemas
beforeAll(async () => {
  spec = (await analyzeSpec(singleFileSource(SPEC, 'shapes.yaml'))).spec
  schemas = new SpecSchemas(spec)
})

function call(engine: MockEngine, method: string, target: string, body?: unknown) {
  const url = new URL(target, 'http://mock.test')
  const response = engine.handle({
    method,
    pathname: url.pathname,
    query: url.searchParams,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  })
  return { status: response.status, json: JSON.parse(response.body ?? 'null') }
}

const validAgainst = (name: string, value: unknown) =>
  schemas.check(`test:${name}`, { $ref: `#/components/schemas/${name}` }, value, 'response')

describe('stateful mocks on real resource shapes', () => {
  it('stores a resource whose schema is a union (anyOf), and 404s an unknown id', () => {
    const engine = new MockEngine(spec)
    const created = call(engine, 'POST', '/v1/external_accounts', { bank_name: 'Nordea' })
    expect(created.status).toBe(200)
    const read = call(engine, 'GET', `/v1/external_accounts/${created.json.id}`)
    expect(read).toMatchObject({ status: 200, json: { id: created.json.id } })
    expect(call(engine, 'GET', '/v1/external_accounts/nope').status).toBe(404)
  })

  it('keeps the expanded object where a request sends an id, merges partial updates, answers DELETE in its own schema', () => {
    const engine = new MockEngine(spec)
    const created = call(engine, 'POST', '/v1/people', {
      first_name: 'Ann',
      card: 'card_123',
      address: { city: 'Oslo' },
    })
    expect(created.json.first_name).toBe('Ann')
    expect(typeof created.json.card).toBe('object')
    expect(created.json.address.city).toBe('Oslo')
    expect(validAgainst('person', created.json)).toEqual([])
    const updated = call(engine, 'POST', `/v1/people/${created.json.id}`, {
      address: { city: 'Bergen' },
    })
    expect(updated.json.address).toEqual({ ...created.json.address, city: 'Bergen' })
    expect(validAgainst('person', updated.json)).toEqual([])
    const deleted = call(engine, 'DELETE', `/v1/people/${created.json.id}`)
    expect(deleted.json).toMatchObject({ id: created.json.id, deleted: true, object: 'person' })
    expect(call(engine, 'GET', `/v1/people/${created.json.id}`).status).toBe(404)
  })

  it('serves a generated list as one coherent page: no more after it, a later page empty', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const first = call(engine, 'GET', '/v1/events?limit=2')
    expect(first.json.has_more).toBe(false)
    expect(first.json.data.length).toBeGreaterThan(0)
    const later = call(engine, 'GET', `/v1/events?limit=2&starting_after=${first.json.data[0].id}`)
    expect(later.json).toMatchObject({ has_more: false, data: [] })
  })
})

describe('a documented list example on a stateless mock', () => {
  it('keeps no way to a next page: Adyen’s example _links.next leads to the real API', async () => {
    const file = 'adyen-TransferService-v4.yaml'
    const text = fs.readFileSync(path.join(SHARED_SPECS, file), 'utf8')
    expect(text).toContain('https://balanceplatform-api-test.adyen.com')
    const adyen = (await analyzeSpec(singleFileSource(text, file))).spec!
    const engine = new MockEngine(adyen, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const response = engine.handle({
      method: 'GET',
      pathname: '/transfers',
      query: new URLSearchParams(
        'createdSince=2024-01-01T00:00:00Z&createdUntil=2024-02-01T00:00:00Z&limit=2',
      ),
      headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'key' },
      body: Buffer.alloc(0),
    })
    expect(response.status, response.body).toBe(200)
    const body = JSON.parse(response.body!)
    expect(Array.isArray(body.data)).toBe(true)
    expect(body._links?.next).toBeUndefined()
    expect(response.body).not.toContain('adyen.com/btl/v4/transfers?')
  })
})

describe('id prefixes from schema names', () => {
  it('name the resource, not the schema', () => {
    expect(resourceWord('CreateChatCompletionResponse')).toBe('chat_completion')
    expect(resourceWord('VectorStoreObject')).toBe('vector_store')
    expect(resourceWord('OpenAIFile')).toBe('open_ai_file')
    expect(resourceWord('AssistantObject')).toBe('assistant')
    expect(resourceWord('customer')).toBe('customer')
    expect(resourceWord('messaging.v1.service')).toBe('messaging_v1_service')
    expect(resourceWord('Response')).toBe('response')
    expect(resourceWord('ListItem')).toBe('item')
  })
})

describe('the field an item path names', () => {
  it('finds items by it: GitHub’s issues by `number`, each with its own `id` as well', async () => {
    const github = (
      await analyzeSpec(
        singleFileSource(
          `openapi: 3.0.3
info: {title: Issues, version: "1"}
components:
  schemas:
    issue:
      type: object
      required: [id, number, title]
      properties:
        id: {type: integer, example: 1}
        number: {type: integer, example: 42}
        title: {type: string}
paths:
  /repos/{owner}/{repo}/issues:
    parameters:
      - {name: owner, in: path, required: true, schema: {type: string}}
      - {name: repo, in: path, required: true, schema: {type: string}}
    post:
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [title], properties: {title: {type: string}}}}}}
      responses: {"201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/issue"}}}}}}
  /repos/{owner}/{repo}/issues/{issue_number}:
    parameters:
      - {name: owner, in: path, required: true, schema: {type: string}}
      - {name: repo, in: path, required: true, schema: {type: string}}
      - {name: issue_number, in: path, required: true, schema: {type: integer}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}}}
`,
          'issues.yaml',
        ),
      )
    ).spec!
    const engine = new MockEngine(github, { ...DEFAULT_MOCK_CONFIG, stateful: true })
    const first = call(engine, 'POST', '/repos/o/r/issues', { title: 'First' })
    const second = call(engine, 'POST', '/repos/o/r/issues', { title: 'Second' })
    expect(first.json).toMatchObject({ id: 1, number: 1, title: 'First' })
    expect(second.json).toMatchObject({ id: 2, number: 2, title: 'Second' })
    expect(call(engine, 'GET', '/repos/o/r/issues/2')).toMatchObject({
      status: 200,
      json: { number: 2, title: 'Second' },
    })
    expect(call(engine, 'GET', '/repos/o/r/issues/42').status).toBe(404)
  })
})
