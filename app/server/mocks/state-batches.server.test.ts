/**
 * Mocks of APIs that carry resources in batch envelopes and route look-alike paths by their
 * values (Xero's conventions), stateless lists that honour a page size and serve examples
 * as written, and the ids and empty values form APIs (Stripe's) send.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { SpecSchemas } from '../specs/schemas.server'
import { singleFileSource } from '../specs/source.server'
import { DEFAULT_MOCK_CONFIG, MockEngine } from './engine.server'

const SPEC = `openapi: 3.0.3
info: {title: Ledger, version: "1"}
components:
  schemas:
    Contact:
      type: object
      properties:
        ContactID: {type: string, format: uuid, example: 00000000-0000-0000-0000-000000000000}
        ContactNumber: {type: string}
        Name: {type: string}
        UpdatedDateUTC: {type: string, readOnly: true}
    Contacts:
      type: object
      properties:
        Contacts: {type: array, items: {$ref: "#/components/schemas/Contact"}}
    Journal:
      type: object
      properties:
        JournalID: {type: string, format: uuid}
        JournalNumber: {type: integer}
    Payment:
      type: object
      required: [Amount]
      properties:
        Amount: {type: number}
    Coupon:
      type: object
      properties:
        id: {type: string}
        code: {type: string}
        duration: {type: string, enum: [once, forever], nullable: true}
  parameters:
    ContactID: {name: ContactID, in: path, required: true, schema: {type: string, format: uuid}}
paths:
  /Contacts:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}, example: {Status: OK, pagination: {page: 1, pageSize: 100, pageCount: 9, itemCount: 99}, Contacts: [{ContactID: 00000000-0000-0000-0000-000000000000, Name: Example}]}}}}}
    put:
      operationId: createContacts
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}}
    post:
      operationId: updateOrCreateContacts
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}}
  /Contacts/{ContactID}:
    get:
      parameters: [{$ref: "#/components/parameters/ContactID"}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}}
    post:
      parameters: [{$ref: "#/components/parameters/ContactID"}]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}}
  /Contacts/{ContactNumber}:
    get:
      parameters: [{name: ContactNumber, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Contacts"}}}}}
  /Journals/{JournalID}:
    get:
      operationId: getJournal
      parameters: [{name: JournalID, in: path, required: true, schema: {type: string, format: uuid}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Journal"}}}}}
  /Journals/{JournalNumber}:
    get:
      operationId: getJournalByNumber
      parameters: [{name: JournalNumber, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Journal"}}}}}
  /Payments:
    get:
      parameters: [{name: pageSize, in: query, schema: {type: integer}}, {name: page, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {Payments: {type: array, items: {$ref: "#/components/schemas/Payment"}}}}
              example: {Payments: [{Amount: "1.00"}, {Amount: "2.00"}, {Amount: "3.00"}]}
  /Reports:
    get:
      parameters: [{name: limit, in: query, schema: {type: integer}}, {name: offset, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {data: {type: array, items: {type: object, properties: {id: {type: string}}}}}}
              example: {data: [{id: r1}, {id: r2}, {id: r3}, {id: r4}]}
  /v1/coupons:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                id: {type: string}
                code: {type: string}
                duration: {type: string, enum: ["", once, forever]}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Coupon"}}}}}
  /v1/coupons/{coupon}:
    get:
      parameters: [{name: coupon, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Coupon"}}}}}
`

let spec: NormalizedSpec
let schemas: SpecSchemas
beforeAll(async () => {
  spec = (await analyzeSpec(singleFileSource(SPEC, 'ledger.yaml'))).spec
  schemas = new SpecSchemas(spec)
})

function call(engine: MockEngine, method: string, target: string, body?: unknown, form = false) {
  const url = new URL(target, 'http://mock.test')
  const response = engine.handle({
    method,
    pathname: url.pathname,
    query: url.searchParams,
    headers:
      body === undefined
        ? {}
        : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: Buffer.from(
      body === undefined
        ? ''
        : form
          ? new URLSearchParams(body as Record<string, string>).toString()
          : JSON.stringify(body),
    ),
  })
  return { status: response.status, json: JSON.parse(response.body ?? 'null') }
}

describe('resources in batch envelopes', () => {
  it('creates each item of a PUT, reads one in its envelope, updates by POST, lists them all', () => {
    const engine = new MockEngine(spec)
    const created = call(engine, 'PUT', '/Contacts', {
      Contacts: [{ Name: 'Ada' }, { Name: 'Bob' }],
    })
    expect(created.status).toBe(200)
    const [ada, bob] = created.json.Contacts
    expect([ada.Name, bob.Name]).toEqual(['Ada', 'Bob'])
    // Ids are new and fit their format, not the schema's example repeated.
    expect(ada.ContactID).not.toBe(bob.ContactID)
    expect(ada.ContactID).not.toBe('00000000-0000-0000-0000-000000000000')
    expect(ada.ContactID).toMatch(/^[0-9a-f-]{36}$/)

    const read = call(engine, 'GET', `/Contacts/${ada.ContactID}`)
    expect(read.json.Contacts).toEqual([ada])
    const updated = call(engine, 'POST', `/Contacts/${ada.ContactID}`, {
      Contacts: [{ Name: 'Ada L' }],
    })
    expect(updated.json.Contacts[0]).toMatchObject({ ContactID: ada.ContactID, Name: 'Ada L' })
    // POST on the collection updates the one it names and creates the others.
    const upserted = call(engine, 'POST', '/Contacts', {
      Contacts: [{ ContactID: bob.ContactID, Name: 'Bob B' }, { Name: 'Cy' }],
    })
    expect(upserted.json.Contacts.map((contact: { Name: string }) => contact.Name)).toEqual([
      'Bob B',
      'Cy',
    ])
    const listed = call(engine, 'GET', '/Contacts')
    expect(listed.json.Contacts.map((contact: { Name: string }) => contact.Name)).toEqual([
      'Ada L',
      'Bob B',
      'Cy',
    ])
    // The example's paging object says what the mock holds, not what the example did.
    expect(listed.json.pagination).toMatchObject({ pageCount: 1, itemCount: 3 })
    expect(
      schemas.check(
        't:contacts',
        { $ref: '#/components/schemas/Contacts' },
        listed.json,
        'response',
      ),
    ).toEqual([])
    // Another item path finds it by the field it names; an unknown id is a 404.
    expect(call(engine, 'GET', `/Contacts/${ada.ContactNumber}`).json.Contacts[0].ContactID).toBe(
      ada.ContactID,
    )
    expect(call(engine, 'GET', '/Contacts/f3c1e0d2-7b6a-4c59-9e8d-000000000404').status).toBe(404)
  })
})

describe('routing look-alike paths', () => {
  it('takes the template whose parameters the values fit', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    const get = (pathname: string) =>
      engine.handle({
        method: 'GET',
        pathname,
        query: new URLSearchParams(),
        headers: {},
        body: Buffer.alloc(0),
      })
    expect(get('/Journals/42')).toMatchObject({ status: 200, operationId: 'getJournalByNumber' })
    expect(get('/Journals/3f2b6c1e-8a7d-4e5f-9b0c-1d2e3f4a5b6c')).toMatchObject({
      status: 200,
      operationId: 'getJournal',
    })
    // Neither fits: the first one says why.
    const neither = get('/Journals/abc')
    expect(neither.status).toBe(400)
  })
})

describe('stateless answers', () => {
  it('honours a page size on a documented list example', () => {
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    expect(call(engine, 'GET', '/Reports?limit=2').json.data).toEqual([{ id: 'r1' }, { id: 'r2' }])
    expect(call(engine, 'GET', '/Reports').json.data).toHaveLength(4)
  })

  it('serves a documented example as written, even one that contradicts its schema', () => {
    // The suite on the Mock then fails its schema case: the vendor learns the example is wrong.
    const engine = new MockEngine(spec, { ...DEFAULT_MOCK_CONFIG, stateful: false })
    expect(call(engine, 'GET', '/Payments?pageSize=2').json).toEqual({
      Payments: [{ Amount: '1.00' }, { Amount: '2.00' }],
    })
  })
})

describe('what form clients send', () => {
  it('keeps an id the client chose, finds a coupon by it, and reads an empty value as unset', () => {
    const engine = new MockEngine(spec)
    const created = call(
      engine,
      'POST',
      '/v1/coupons',
      { id: 'SPRING', code: 'SPRING-25', duration: '' },
      true,
    )
    expect(created.json).toMatchObject({ id: 'SPRING', code: 'SPRING-25', duration: null })
    expect(call(engine, 'GET', '/v1/coupons/SPRING').json.code).toBe('SPRING-25')
  })
})
