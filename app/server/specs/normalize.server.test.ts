import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { analyzeSpec } from './analyze.server'
import { singleFileSource } from './source.server'

async function analyze(text: string) {
  return analyzeSpec(singleFileSource(text, 'spec.yaml'))
}

const OAS30 = `openapi: 3.0.3
info: {title: Shop, version: "2"}
servers: [{url: "https://api.shop.test/v1"}]
security: [{bearer: []}]
paths:
  /orders:
    parameters:
      - {name: X-Tenant, in: header, required: true, schema: {type: string}}
    get:
      operationId: listOrders
      tags: [Orders]
      parameters:
        - {name: starting_after, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, exclusiveMaximum: true}}
      responses:
        "200":
          description: Orders
          headers:
            X-RateLimit-Remaining: {schema: {type: integer}}
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Order"}}
              example: [{id: "o1", note: null}]
        "429": {description: Slow down}
    post:
      operationId: createOrder
      tags: [Orders]
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}}
        "400": {description: Bad, content: {application/problem+json: {schema: {type: object}}}}
  /orders/{id}:
    get:
      operationId: getOrder
      tags: [Orders]
      security: []
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
  schemas:
    Order:
      type: object
      required: [id]
      discriminator: {propertyName: kind}
      properties:
        id: {type: string, readOnly: true, example: o1}
        note: {type: string, nullable: true}
        parent: {$ref: "#/components/schemas/Order"}
    Unused: {type: string}
`

describe('normalizeSpec (OpenAPI 3.0)', () => {
  it('normalises servers, operations, parameters and security', async () => {
    const { spec } = await analyze(OAS30)
    expect(spec.servers[0]).toMatchObject({ url: 'https://api.shop.test/v1', basePath: '/v1' })
    const list = spec.operations.find((operation) => operation.id === 'listOrders')!
    expect(list).toMatchObject({
      method: 'GET',
      path: '/orders',
      group: 'Orders',
      security: [[{ scheme: 'bearer', scopes: [] }]],
    })
    expect(
      list.parameters.map((param) => `${param.in}.${param.name}:${param.style}:${param.explode}`),
    ).toEqual([
      'header.X-Tenant:simple:false',
      'query.starting_after:form:true',
      'query.limit:form:true',
    ])
    expect(list.parameters[2]!.schema).toEqual({
      type: 'integer',
      minimum: 1,
      exclusiveMaximum: 100,
    })
    expect(spec.operations.find((operation) => operation.id === 'getOrder')!.security).toEqual([])
    expect(spec.securitySchemes.bearer).toMatchObject({ kind: 'http-bearer', bearerFormat: 'JWT' })
    expect(list.responses[0]!.content['application/json']!.examples[0]).toMatchObject({
      name: 'default',
      source: 'inline',
    })
  })

  it('turns nullable/example/discriminator into JSON Schema, keeps circular refs, and ajv compiles them', async () => {
    const { spec } = await analyze(OAS30)
    const order = spec.schemas.Order as Record<string, Record<string, unknown>>
    expect(order.properties!.note).toEqual({ type: ['string', 'null'] })
    expect(order.properties!.id).toMatchObject({ examples: ['o1'], readOnly: true })
    expect(order.properties!.parent).toEqual({ $ref: '#/components/schemas/Order' })
    expect(order['x-discriminator']).toEqual({ propertyName: 'kind' })
    const ajv = new Ajv2020({ strict: false })
    ajv.addSchema({ $id: 'spec', components: { schemas: spec.schemas } })
    const validate = ajv.compile({ $ref: 'spec#/components/schemas/Order' })
    expect(validate({ id: 'a', note: null, parent: { id: 'b' } })).toBe(true)
    expect(validate({ note: 3 })).toBe(false)
  })

  it('detects capabilities with evidence, per operation, group and API', async () => {
    const { spec, warnings } = await analyze(OAS30)
    const find = (kind: string, value: string) =>
      spec.capabilities.find((capability) => capability.kind === kind && capability.value === value)
    expect(find('pagination', 'cursor')?.evidence).toContain('query.starting_after')
    expect(find('idempotency', 'header')?.evidence).toContain('header.Idempotency-Key')
    expect(find('rate-limit', 'headers')?.evidence).toContain(
      'response 200 header X-RateLimit-Remaining',
    )
    expect(find('rate-limit', 'documented')?.evidence).toContain('response 429')
    expect(find('error-schema', 'problem+json')?.evidence).toContain(
      'response 400 application/problem+json',
    )
    expect(find('auth', 'http-bearer')).toBeDefined()
    expect(find('crud', '/orders')?.evidence[0]).toBe('schema Order')
    expect(spec.groupCapabilities.Orders!.length).toBeGreaterThan(3)
    expect(warnings.map((warning) => warning.message)).toContain(
      'Unused component: schema "Unused" is not referenced by any operation.',
    )
  })
})

describe('normalizeSpec (Swagger 2.0)', () => {
  it('converts host/basePath, body and formData parameters, collectionFormat, apiKey and oauth2', async () => {
    const { spec } = await analyze(`swagger: "2.0"
info: {title: Old, version: "1"}
host: old.test
basePath: /api
schemes: [https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  key: {type: apiKey, in: query, name: api_key}
  oauth: {type: oauth2, flow: accessCode, authorizationUrl: "https://a.test/auth", tokenUrl: "https://a.test/token", scopes: {read: Read}}
security: [{key: []}]
paths:
  /things:
    get:
      parameters:
        - {name: ids, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: offset, in: query, type: integer}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Thing"}}, examples: {application/json: [{name: a}]}}
    post:
      security: [{oauth: [read]}]
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Thing"}}
      responses:
        "200": {description: ok}
  /upload:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        "204": {description: done}
definitions:
  Thing: {type: object, properties: {name: {type: string, x-nullable: true}}}
`)
    expect(spec.servers).toEqual([{ url: 'https://old.test/api', basePath: '/api', variables: {} }])
    const list = spec.operations.find((operation) => operation.id === 'GET /things')!
    expect(list.parameters[0]).toMatchObject({
      style: 'form',
      explode: true,
      schema: { type: 'array', items: { type: 'string' } },
    })
    expect(list.responses[0]!.content['application/json']).toMatchObject({
      schema: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
      needsGeneratedExample: false,
    })
    const create = spec.operations.find((operation) => operation.id === 'POST /things')!
    expect(create.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
    })
    const upload = spec.operations.find((operation) => operation.id === 'POST /upload')!
    expect(upload.requestBody!.content['multipart/form-data']!.schema).toEqual({
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' }, note: { type: 'string' } },
      required: ['file'],
    })
    expect(spec.securitySchemes.key).toMatchObject({
      kind: 'apiKey',
      in: 'query',
      parameterName: 'api_key',
    })
    expect(spec.securitySchemes.oauth!.flows).toHaveProperty('authorizationCode')
    expect((spec.schemas.Thing as { properties: { name: unknown } }).properties.name).toEqual({
      type: ['string', 'null'],
    })
    expect(spec.capabilities.map((capability) => `${capability.kind}:${capability.value}`)).toEqual(
      expect.arrayContaining([
        'auth:apiKey:query',
        'auth:oauth2:authorizationCode',
        'pagination:offset-limit',
      ]),
    )
  })
})
