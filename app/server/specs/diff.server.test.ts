import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from './analyze.server'
import {
  changelogMarkdown,
  DIFF_RULES,
  diffSpecs,
  type ChangeSeverity,
  type SpecChange,
} from './diff.server'
import { singleFileSource } from './source.server'

/* eslint-disable @typescript-eslint/no-explicit-any -- test fixtures are mutated freely */
type Doc = Record<string, any>

async function analyze(text: string): Promise<NormalizedSpec> {
  return (await analyzeSpec(singleFileSource(text, 'spec.yaml'))).spec
}

const PETS_30 = `openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
servers: [{url: "https://api.pets.test/v1"}]
security: [{apiKey: []}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: status, in: query, schema: {type: string, enum: [available, sold]}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses:
        "200":
          description: Pets
          headers:
            X-Rate-Limit: {required: true, schema: {type: integer}}
            X-Request-Id: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/Pet"}}
        "404": {description: Not found}
    post:
      operationId: createPet
      security: [{oauth: [write]}]
      requestBody:
        content:
          application/json: {schema: {$ref: "#/components/schemas/NewPet"}}
      responses:
        "201":
          description: Created
          content:
            application/json: {schema: {$ref: "#/components/schemas/Pet"}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      operationId: getPet
      responses:
        "200":
          description: One pet
          content:
            application/json: {schema: {$ref: "#/components/schemas/Pet"}}
    delete:
      operationId: deletePet
      responses:
        "204": {description: Deleted}
  /subscriptions:
    post:
      operationId: subscribe
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {url: {type: string}}}
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody:
                required: true
                content:
                  application/json: {schema: {$ref: "#/components/schemas/Event"}}
              responses:
                "200": {description: Received}
      responses:
        "201": {description: Subscribed}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: "https://auth.pets.test/token"
          scopes: {read: Read, write: Write}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, maxLength: 50}
        price: {type: number}
        status: {type: string, enum: [available, sold]}
        tag: {type: string}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 50}
        tag: {type: string}
        kind: {type: string, enum: [dog, cat]}
        age: {type: integer, minimum: 0}
        note: {type: string, nullable: true}
    Event:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [created, deleted]}
        petId: {type: string}
`

const HOOKS_31 = `openapi: 3.1.0
info: {title: Pet hooks, version: 1.0.0}
paths: {}
webhooks:
  newPet:
    post:
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "#/components/schemas/PetEvent"}}
      responses:
        "200": {description: Received}
components:
  schemas:
    PetEvent:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {type: string, enum: [available, sold]}
        tag: {type: string}
`

const BASES = { pets: PETS_30, hooks: HOOKS_31 }

type Case = {
  rule: string
  severity: ChangeSeverity
  location: string
  mutate: (doc: Doc) => void
  /** Applied to both sides first, when the base lacks what the rule needs. */
  prepare?: (doc: Doc) => void
  base?: keyof typeof BASES
}

const pets = (doc: Doc) => doc.paths['/pets']
const listParams = (doc: Doc) => pets(doc).get.parameters as Doc[]
const param = (doc: Doc, name: string) => listParams(doc).find((p) => p.name === name)!
const newPet = (doc: Doc) => doc.components.schemas.NewPet
const pet = (doc: Doc) => doc.components.schemas.Pet
const hook = (doc: Doc) => doc.webhooks.newPet.post
const petEvent = (doc: Doc) => doc.components.schemas.PetEvent
const withoutCreateBody = (doc: Doc) => delete pets(doc).post.requestBody

const LIST = 'GET /pets'
const CREATE_BODY = 'POST /pets > request body'
const CREATE_JSON = `${CREATE_BODY} > application/json`
const LIST_200 = 'GET /pets > response 200'
const LIST_JSON = `${LIST_200} > application/json`
const CALLBACK = 'POST /subscriptions > callback onEvent {$request.body#/url}'
const HOOK_JSON = 'webhook newPet > request body > application/json'
const OBJ = { type: 'object', properties: { id: { type: 'string' } } }

const CASES: Case[] = [
  // operations
  {
    rule: 'operation-removed',
    severity: 'breaking',
    location: 'DELETE /pets/{id}',
    mutate: (doc) => delete doc.paths['/pets/{id}'].delete,
  },
  {
    rule: 'operation-added',
    severity: 'non-breaking',
    location: 'GET /stores',
    mutate: (doc) =>
      (doc.paths['/stores'] = { get: { responses: { 200: { description: 'ok' } } } }),
  },
  {
    rule: 'operation-deprecated',
    severity: 'non-breaking',
    location: LIST,
    mutate: (doc) => (pets(doc).get.deprecated = true),
  },
  {
    rule: 'operation-id-changed',
    severity: 'potentially-breaking',
    location: LIST,
    mutate: (doc) => (pets(doc).get.operationId = 'findPets'),
  },
  // parameters
  {
    rule: 'required-parameter-added',
    severity: 'breaking',
    location: `${LIST} > parameter header.X-Tenant`,
    mutate: (doc) =>
      listParams(doc).push({
        name: 'X-Tenant',
        in: 'header',
        required: true,
        schema: { type: 'string' },
      }),
  },
  {
    rule: 'optional-parameter-added',
    severity: 'non-breaking',
    location: `${LIST} > parameter query.sort`,
    mutate: (doc) =>
      listParams(doc).push({ name: 'sort', in: 'query', schema: { type: 'string' } }),
  },
  {
    rule: 'parameter-removed',
    severity: 'potentially-breaking',
    location: `${LIST} > parameter query.tags`,
    mutate: (doc) => listParams(doc).splice(2, 1),
  },
  {
    rule: 'parameter-became-required',
    severity: 'breaking',
    location: `${LIST} > parameter query.limit`,
    mutate: (doc) => (param(doc, 'limit').required = true),
  },
  {
    rule: 'parameter-became-optional',
    severity: 'non-breaking',
    location: `${LIST} > parameter header.X-Trace`,
    mutate: (doc) => (param(doc, 'X-Trace').required = false),
  },
  {
    rule: 'parameter-location-changed',
    severity: 'breaking',
    location: `${LIST} > parameter limit`,
    mutate: (doc) => (param(doc, 'limit').in = 'header'),
  },
  {
    rule: 'parameter-type-changed',
    severity: 'breaking',
    location: `${LIST} > parameter query.limit`,
    mutate: (doc) => (param(doc, 'limit').schema = { type: 'string' }),
  },
  {
    rule: 'parameter-enum-value-removed',
    severity: 'breaking',
    location: `${LIST} > parameter query.status`,
    mutate: (doc) => (param(doc, 'status').schema.enum = ['available']),
  },
  {
    rule: 'parameter-enum-value-added',
    severity: 'non-breaking',
    location: `${LIST} > parameter query.status`,
    mutate: (doc) => param(doc, 'status').schema.enum.push('pending'),
  },
  {
    rule: 'parameter-enum-value-removed',
    severity: 'breaking',
    location: `${LIST} > parameter query.tags[]`,
    prepare: (doc) => (param(doc, 'tags').schema.items.enum = ['a', 'b']),
    mutate: (doc) => (param(doc, 'tags').schema.items.enum = ['a']),
  },
  {
    rule: 'parameter-style-changed',
    severity: 'breaking',
    location: `${LIST} > parameter query.tags`,
    mutate: (doc) => (param(doc, 'tags').style = 'pipeDelimited'),
  },
  {
    rule: 'parameter-constraint-tightened',
    severity: 'potentially-breaking',
    location: `${LIST} > parameter query.limit`,
    mutate: (doc) => (param(doc, 'limit').schema.maximum = 50),
  },
  {
    rule: 'parameter-deprecated',
    severity: 'non-breaking',
    location: `${LIST} > parameter query.status`,
    mutate: (doc) => (param(doc, 'status').deprecated = true),
  },
  // request bodies
  {
    rule: 'request-body-added-required',
    severity: 'breaking',
    location: CREATE_BODY,
    prepare: withoutCreateBody,
    mutate: (doc) =>
      (pets(doc).post.requestBody = {
        required: true,
        content: { 'application/json': { schema: OBJ } },
      }),
  },
  {
    rule: 'request-body-added-optional',
    severity: 'non-breaking',
    location: CREATE_BODY,
    prepare: withoutCreateBody,
    mutate: (doc) =>
      (pets(doc).post.requestBody = { content: { 'application/json': { schema: OBJ } } }),
  },
  {
    rule: 'request-body-removed',
    severity: 'potentially-breaking',
    location: CREATE_BODY,
    mutate: withoutCreateBody,
  },
  {
    rule: 'request-body-became-required',
    severity: 'breaking',
    location: CREATE_BODY,
    mutate: (doc) => (pets(doc).post.requestBody.required = true),
  },
  {
    rule: 'request-media-type-removed',
    severity: 'breaking',
    location: CREATE_JSON,
    mutate: (doc) => (pets(doc).post.requestBody.content = { 'application/xml': { schema: OBJ } }),
  },
  {
    rule: 'request-media-type-added',
    severity: 'non-breaking',
    location: `${CREATE_BODY} > application/xml`,
    mutate: (doc) => (pets(doc).post.requestBody.content['application/xml'] = { schema: OBJ }),
  },
  {
    rule: 'required-request-property-added',
    severity: 'breaking',
    location: `${CREATE_JSON} > body.owner`,
    mutate: (doc) => {
      newPet(doc).properties.owner = { type: 'string' }
      newPet(doc).required.push('owner')
    },
  },
  {
    rule: 'optional-request-property-added',
    severity: 'non-breaking',
    location: `${CREATE_JSON} > body.color`,
    mutate: (doc) => (newPet(doc).properties.color = { type: 'string' }),
  },
  {
    rule: 'request-property-removed',
    severity: 'potentially-breaking',
    location: `${CREATE_JSON} > body.tag`,
    mutate: (doc) => delete newPet(doc).properties.tag,
  },
  {
    rule: 'request-property-became-required',
    severity: 'breaking',
    location: `${CREATE_JSON} > body.tag`,
    mutate: (doc) => newPet(doc).required.push('tag'),
  },
  {
    rule: 'request-property-type-changed',
    severity: 'breaking',
    location: `${CREATE_JSON} > body.age`,
    mutate: (doc) => (newPet(doc).properties.age = { type: 'string' }),
  },
  {
    rule: 'request-property-became-non-nullable',
    severity: 'breaking',
    location: `${CREATE_JSON} > body.note`,
    mutate: (doc) => (newPet(doc).properties.note = { type: 'string' }),
  },
  {
    rule: 'request-enum-value-removed',
    severity: 'breaking',
    location: `${CREATE_JSON} > body.kind`,
    mutate: (doc) => (newPet(doc).properties.kind.enum = ['dog']),
  },
  {
    rule: 'request-enum-value-added',
    severity: 'non-breaking',
    location: `${CREATE_JSON} > body.kind`,
    mutate: (doc) => newPet(doc).properties.kind.enum.push('bird'),
  },
  {
    rule: 'request-constraint-tightened',
    severity: 'potentially-breaking',
    location: `${CREATE_JSON} > body.name`,
    mutate: (doc) => (newPet(doc).properties.name.maxLength = 20),
  },
  {
    rule: 'request-constraint-tightened',
    severity: 'potentially-breaking',
    location: `${CREATE_JSON} > body.age`,
    mutate: (doc) => (newPet(doc).properties.age.minimum = 1),
  },
  {
    rule: 'request-constraint-tightened',
    severity: 'potentially-breaking',
    location: `${CREATE_JSON} > body.tag`,
    mutate: (doc) => (newPet(doc).properties.tag.pattern = '^[a-z]+$'),
  },
  // responses
  {
    rule: 'response-status-removed',
    severity: 'breaking',
    location: 'GET /pets > response 404',
    mutate: (doc) => delete pets(doc).get.responses['404'],
  },
  {
    rule: 'response-status-added',
    severity: 'non-breaking',
    location: 'GET /pets > response 429',
    mutate: (doc) => (pets(doc).get.responses['429'] = { description: 'Slow down' }),
  },
  {
    rule: 'response-success-status-added',
    severity: 'potentially-breaking',
    location: 'DELETE /pets/{id} > response 200',
    mutate: (doc) =>
      (doc.paths['/pets/{id}'].delete.responses['200'] = { description: 'Deleted, with body' }),
  },
  {
    rule: 'response-media-type-removed',
    severity: 'breaking',
    location: 'GET /pets/{id} > response 200 > application/json',
    mutate: (doc) =>
      (doc.paths['/pets/{id}'].get.responses['200'].content = {
        'application/xml': { schema: OBJ },
      }),
  },
  {
    rule: 'response-media-type-added',
    severity: 'non-breaking',
    location: 'GET /pets/{id} > response 200 > application/xml',
    mutate: (doc) =>
      (doc.paths['/pets/{id}'].get.responses['200'].content['application/xml'] = { schema: OBJ }),
  },
  {
    rule: 'response-required-header-removed',
    severity: 'breaking',
    location: `${LIST_200} > header X-Rate-Limit`,
    mutate: (doc) => delete pets(doc).get.responses['200'].headers['X-Rate-Limit'],
  },
  {
    rule: 'response-header-removed',
    severity: 'potentially-breaking',
    location: `${LIST_200} > header X-Request-Id`,
    mutate: (doc) => delete pets(doc).get.responses['200'].headers['X-Request-Id'],
  },
  {
    rule: 'response-property-removed',
    severity: 'breaking',
    location: `${LIST_JSON} > body.items[].price`,
    mutate: (doc) => delete pet(doc).properties.price,
  },
  {
    rule: 'response-property-added',
    severity: 'non-breaking',
    location: `${LIST_JSON} > body.items[].color`,
    mutate: (doc) => (pet(doc).properties.color = { type: 'string' }),
  },
  {
    rule: 'response-property-became-optional',
    severity: 'breaking',
    location: `${LIST_JSON} > body.items[].name`,
    mutate: (doc) => (pet(doc).required = ['id']),
  },
  {
    rule: 'response-property-type-changed',
    severity: 'breaking',
    location: `${LIST_JSON} > body.items[].price`,
    mutate: (doc) => (pet(doc).properties.price = { type: 'string' }),
  },
  {
    rule: 'response-property-type-changed',
    severity: 'breaking',
    location: `${LIST_200} > header X-Rate-Limit`,
    mutate: (doc) =>
      (pets(doc).get.responses['200'].headers['X-Rate-Limit'].schema = { type: 'string' }),
  },
  {
    rule: 'response-property-became-nullable',
    severity: 'potentially-breaking',
    location: `${LIST_JSON} > body.items[].tag`,
    mutate: (doc) => (pet(doc).properties.tag.nullable = true),
  },
  {
    rule: 'response-enum-value-added',
    severity: 'potentially-breaking',
    location: `${LIST_JSON} > body.items[].status`,
    mutate: (doc) => pet(doc).properties.status.enum.push('pending'),
  },
  {
    rule: 'response-enum-value-removed',
    severity: 'non-breaking',
    location: `${LIST_JSON} > body.items[].status`,
    mutate: (doc) => (pet(doc).properties.status.enum = ['available']),
  },
  {
    rule: 'response-constraint-relaxed',
    severity: 'potentially-breaking',
    location: `${LIST_JSON} > body.items[].name`,
    mutate: (doc) => (pet(doc).properties.name.maxLength = 100),
  },
  // security
  {
    rule: 'security-requirement-added',
    severity: 'breaking',
    location: 'GET /pets/{id} > security',
    mutate: (doc) => (doc.paths['/pets/{id}'].get.security = [{ apiKey: [], oauth: ['read'] }]),
  },
  {
    rule: 'security-requirement-added',
    severity: 'breaking',
    location: 'GET /pets/{id} > security',
    prepare: (doc) => (doc.paths['/pets/{id}'].get.security = []),
    mutate: (doc) => (doc.paths['/pets/{id}'].get.security = [{ apiKey: [] }]),
  },
  {
    rule: 'security-requirement-removed',
    severity: 'non-breaking',
    location: 'GET /pets/{id} > security',
    mutate: (doc) => (doc.paths['/pets/{id}'].get.security = []),
  },
  {
    rule: 'security-alternative-added',
    severity: 'non-breaking',
    location: 'GET /pets/{id} > security',
    mutate: (doc) => (doc.paths['/pets/{id}'].get.security = [{ apiKey: [] }, { oauth: ['read'] }]),
  },
  {
    rule: 'security-scopes-added',
    severity: 'breaking',
    location: 'POST /pets > security',
    mutate: (doc) => (pets(doc).post.security = [{ oauth: ['write', 'read'] }]),
  },
  {
    rule: 'security-scheme-removed',
    severity: 'potentially-breaking',
    location: 'security scheme legacy',
    prepare: (doc) => (doc.components.securitySchemes.legacy = { type: 'http', scheme: 'basic' }),
    mutate: (doc) => delete doc.components.securitySchemes.legacy,
  },
  {
    rule: 'security-scheme-added',
    severity: 'non-breaking',
    location: 'security scheme bearer',
    mutate: (doc) => (doc.components.securitySchemes.bearer = { type: 'http', scheme: 'bearer' }),
  },
  {
    rule: 'security-scheme-changed',
    severity: 'breaking',
    location: 'security scheme apiKey',
    mutate: (doc) => (doc.components.securitySchemes.apiKey.name = 'Authorization'),
  },
  // servers
  {
    rule: 'server-removed',
    severity: 'potentially-breaking',
    location: 'servers',
    prepare: (doc) => doc.servers.push({ url: 'https://eu.pets.test/v1' }),
    mutate: (doc) => doc.servers.pop(),
  },
  {
    rule: 'server-changed',
    severity: 'potentially-breaking',
    location: 'servers',
    mutate: (doc) => (doc.servers[0].url = 'https://api.pets.test/v2'),
  },
  {
    rule: 'server-added',
    severity: 'non-breaking',
    location: 'servers',
    mutate: (doc) => doc.servers.push({ url: 'https://eu.pets.test/v1' }),
  },
  // webhooks: the provider sends the payload, so it is checked with the receiving rules
  {
    rule: 'webhook-removed',
    severity: 'breaking',
    location: 'webhook newPet',
    base: 'hooks',
    mutate: (doc) => delete doc.webhooks.newPet,
  },
  {
    rule: 'webhook-added',
    severity: 'non-breaking',
    location: 'webhook petSold',
    base: 'hooks',
    mutate: (doc) => (doc.webhooks.petSold = structuredClone(doc.webhooks.newPet)),
  },
  {
    rule: 'response-property-removed',
    severity: 'breaking',
    location: `${HOOK_JSON} > body.tag`,
    base: 'hooks',
    mutate: (doc) => delete petEvent(doc).properties.tag,
  },
  {
    rule: 'response-enum-value-added',
    severity: 'potentially-breaking',
    location: `${HOOK_JSON} > body.status`,
    base: 'hooks',
    mutate: (doc) => petEvent(doc).properties.status.enum.push('pending'),
  },
  {
    rule: 'request-body-became-required',
    severity: 'breaking',
    location: 'webhook newPet > request body',
    base: 'hooks',
    prepare: (doc) => (hook(doc).requestBody.required = false),
    mutate: (doc) => (hook(doc).requestBody.required = true),
  },
  {
    rule: 'response-status-removed',
    severity: 'breaking',
    location: 'webhook newPet > response 200',
    base: 'hooks',
    mutate: (doc) => (hook(doc).responses = { 204: { description: 'Received' } }),
  },
  // callbacks
  {
    rule: 'callback-removed',
    severity: 'breaking',
    location: CALLBACK,
    mutate: (doc) => delete doc.paths['/subscriptions'].post.callbacks,
  },
  {
    rule: 'callback-added',
    severity: 'non-breaking',
    location: 'POST /subscriptions > callback onCancel {$request.body#/url}',
    mutate: (doc) => {
      const callbacks = doc.paths['/subscriptions'].post.callbacks
      callbacks.onCancel = structuredClone(callbacks.onEvent)
    },
  },
  {
    rule: 'response-enum-value-added',
    severity: 'potentially-breaking',
    location: `${CALLBACK} > request body > application/json > body.type`,
    mutate: (doc) => doc.components.schemas.Event.properties.type.enum.push('updated'),
  },
  {
    rule: 'response-property-removed',
    severity: 'breaking',
    location: `${CALLBACK} > request body > application/json > body.petId`,
    mutate: (doc) => delete doc.components.schemas.Event.properties.petId,
  },
]

async function diffCase({ mutate, prepare, base = 'pets' }: Case): Promise<SpecChange[]> {
  const doc = YAML.parse(BASES[base]) as Doc
  prepare?.(doc)
  const before = YAML.stringify(doc)
  mutate(doc)
  return diffSpecs(await analyze(before), await analyze(YAML.stringify(doc)))
}

describe('DIFF_RULES', () => {
  it('has at least 30 unique kebab-case rules', () => {
    const ids = DIFF_RULES.map((rule) => rule.id)
    expect(ids.length).toBeGreaterThanOrEqual(30)
    expect(new Set(ids).size).toBe(ids.length)
    for (const rule of DIFF_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(rule.description.length).toBeGreaterThan(0)
    }
  })

  it('has a test case for every rule, with the catalogue severity', () => {
    const uncovered = DIFF_RULES.filter((rule) => !CASES.some((c) => c.rule === rule.id))
    expect(uncovered.map((rule) => rule.id)).toEqual([])
    for (const c of CASES) {
      expect(DIFF_RULES.find((rule) => rule.id === c.rule)?.severity, c.rule).toBe(c.severity)
    }
  })
})

describe('diffSpecs rules', () => {
  it.each(CASES.map((c) => [`${c.rule} @ ${c.location}`, c] as const))('%s', async (_, c) => {
    const changes = await diffCase(c)
    const found = changes.find(
      (change) => change.ruleId === c.rule && change.location === c.location,
    )
    expect(found, JSON.stringify(changes, null, 2)).toBeDefined()
    expect(found!.severity).toBe(c.severity)
    expect(found!.message.length).toBeGreaterThan(0)
  })
})

describe('diffSpecs', () => {
  it('finds no changes between identical specs', async () => {
    for (const text of Object.values(BASES)) {
      expect(diffSpecs(await analyze(text), await analyze(text))).toEqual([])
    }
  })

  it('matches operations by method and path: a changed operationId is not a removal', async () => {
    const changes = await diffCase({
      rule: 'operation-id-changed',
      severity: 'potentially-breaking',
      location: LIST,
      mutate: (doc) => (pets(doc).get.operationId = 'findPets'),
    })
    expect(changes).toEqual([
      {
        ruleId: 'operation-id-changed',
        severity: 'potentially-breaking',
        location: LIST,
        message: 'operationId changed from "listPets" to "findPets".',
        operationId: 'findPets',
      },
    ])
  })

  it('treats a renamed path parameter as the same operation, with no change', async () => {
    const changes = await diffCase({
      rule: '',
      severity: 'non-breaking',
      location: '',
      mutate: (doc) => {
        const item = doc.paths['/pets/{id}']
        item.parameters[0].name = 'petId'
        doc.paths['/pets/{petId}'] = item
        delete doc.paths['/pets/{id}']
      },
    })
    expect(changes).toEqual([])
  })

  it('reports a shared schema change in every operation using it, with the operationId', async () => {
    const changes = await diffCase(CASES.find((c) => c.location.endsWith('body.items[].price'))!)
    expect(changes.map((change) => `${change.operationId} ${change.location}`)).toEqual([
      'listPets GET /pets > response 200 > application/json > body.items[].price',
      'getPet GET /pets/{id} > response 200 > application/json > body.price',
      'createPet POST /pets > response 201 > application/json > body.price',
    ])
  })

  it('ignores readOnly properties in requests and does not double-report type changes', async () => {
    const changes = await diffCase({
      rule: '',
      severity: 'breaking',
      location: '',
      mutate: (doc) => {
        newPet(doc).properties.id = { type: 'string', readOnly: true }
        newPet(doc).required.push('id')
        newPet(doc).properties.kind = { type: 'integer', enum: [1, 2] }
      },
    })
    expect(changes.map((change) => `${change.ruleId} ${change.location}`)).toEqual([
      `request-property-type-changed ${CREATE_JSON} > body.kind`,
    ])
  })

  it('accepts widened request types and narrowed response types', async () => {
    const changes = await diffCase({
      rule: '',
      severity: 'non-breaking',
      location: '',
      mutate: (doc) => {
        newPet(doc).properties.age.type = 'number'
        pet(doc).properties.price.type = 'integer'
      },
    })
    expect(changes).toEqual([])
  })

  it('terminates on circular schemas and still reports changes inside them', async () => {
    const circular = (extra: string) => `openapi: 3.0.3
info: {title: Graph, version: "1"}
paths:
  /nodes:
    get:
      responses:
        "200":
          description: A linked list
          content:
            application/json: {schema: {$ref: "#/components/schemas/Node"}}
    post:
      requestBody:
        content:
          application/json: {schema: {$ref: "#/components/schemas/Node"}}
      responses:
        "204": {description: Stored}
components:
  schemas:
    Node:
      type: object
      properties:
        value: {type: string}
        next: {$ref: "#/components/schemas/Node"}
        children: {type: array, items: {$ref: "#/components/schemas/Tree"}}
${extra}
    Tree:
      type: object
      properties:
        node: {$ref: "#/components/schemas/Node"}
        parent: {$ref: "#/components/schemas/Tree"}
`
    const before = await analyze(circular(''))
    const after = await analyze(circular('        label: {type: string}'))
    expect(diffSpecs(before, before)).toEqual([])
    const changes = diffSpecs(before, after)
    expect(changes.map((change) => `${change.ruleId} ${change.location}`)).toEqual([
      'response-property-added GET /nodes > response 200 > application/json > body.label',
      'optional-request-property-added POST /nodes > request body > application/json > body.label',
    ])
  })

  it('stays fast on densely cross-referenced schemas (each ref pair compared once)', async () => {
    const dense = (extra: string) => {
      const names = Array.from({ length: 12 }, (_, i) => `S${i}`)
      const props = names.map((name) => `        to${name}: {$ref: "#/components/schemas/${name}"}`)
      const schemas = names.map(
        (name) =>
          `    ${name}:\n      type: object\n      properties:\n${props.join('\n')}\n${extra}`,
      )
      return `openapi: 3.1.0
info: {title: Dense, version: "1"}
paths:
  /graph:
    get:
      responses:
        "200":
          description: Graph
          content:
            application/json:
              schema: {anyOf: [{$ref: "#/components/schemas/S0"}, {type: "null"}]}
components:
  schemas:
${schemas.join('')}`
    }
    const before = await analyze(dense(''))
    const after = await analyze(dense('        extra: {type: string}\n'))
    const started = performance.now()
    const changes = diffSpecs(before, after)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(changes.every((change) => change.ruleId === 'response-property-added')).toBe(true)
    expect(changes).toHaveLength(12) // one per schema, where first met
    expect(changes.map((change) => change.location)).toContain(
      'GET /graph > response 200 > application/json > body.extra',
    )
  })

  it('resolves allOf and nullable anyOf wrappers', async () => {
    const spec = (status: string) => `openapi: 3.0.3
info: {title: Composed, version: "1"}
paths:
  /cats:
    get:
      responses:
        "200":
          description: Cat
          content:
            application/json:
              schema:
                allOf:
                  - {$ref: "#/components/schemas/Base"}
                  - {type: object, properties: {status: {type: string, enum: [${status}]}}}
components:
  schemas:
    Base: {type: object, required: [id], properties: {id: {type: string}}}
`
    const changes = diffSpecs(await analyze(spec('a')), await analyze(spec('a, b')))
    expect(changes.map((change) => `${change.ruleId} ${change.location}`)).toEqual([
      'response-enum-value-added GET /cats > response 200 > application/json > body.status',
    ])
  })

  it('sorts breaking changes first, then by location', async () => {
    const changes = await diffCase({
      rule: '',
      severity: 'breaking',
      location: '',
      mutate: (doc) => {
        doc.servers.push({ url: 'https://eu.pets.test/v1' })
        delete doc.paths['/pets/{id}'].delete
        pets(doc).get.deprecated = true
        pet(doc).properties.status.enum.push('pending')
        delete pets(doc).get.responses['404']
      },
    })
    const severities = changes.map((change) => change.severity)
    expect(severities).toEqual([...severities].sort((a, b) => rank(a) - rank(b)))
    expect(changes[0]).toMatchObject({ ruleId: 'operation-removed', location: 'DELETE /pets/{id}' })
    expect(changes[1]).toMatchObject({ ruleId: 'response-status-removed' })
    expect(changes.at(-1)).toMatchObject({ ruleId: 'server-added' })
  })
})

const rank = (severity: ChangeSeverity) =>
  ['breaking', 'potentially-breaking', 'non-breaking'].indexOf(severity)

describe('changelogMarkdown', () => {
  const meta = { title: 'Pets', fromVersion: '1.0.0', toVersion: '2.0.0' }

  it('groups changes by severity with counts', () => {
    const changes: SpecChange[] = [
      {
        ruleId: 'server-added',
        severity: 'non-breaking',
        location: 'servers',
        message: 'https://eu.pets.test was added.',
      },
      {
        ruleId: 'operation-removed',
        severity: 'breaking',
        location: 'DELETE /pets/{id}',
        message: 'DELETE /pets/{id} was removed.',
      },
      {
        ruleId: 'response-property-removed',
        severity: 'breaking',
        location: 'GET /pets > response 200 > application/json > body.items[].price',
        message: 'Property "price" was removed.',
      },
    ]
    expect(changelogMarkdown(changes, meta)).toBe(`# Pets: 1.0.0 → 2.0.0

3 changes: 2 breaking, 0 potentially breaking, 1 non-breaking.

## Breaking changes

- **DELETE /pets/{id}**: DELETE /pets/{id} was removed. (\`operation-removed\`)
- **GET /pets > response 200 > application/json > body.items[].price**: Property "price" was removed. (\`response-property-removed\`)

## Non-breaking changes

- **servers**: https://eu.pets.test was added. (\`server-added\`)
`)
  })

  it('renders a real diff with every section', async () => {
    const changes = await diffCase({
      rule: '',
      severity: 'breaking',
      location: '',
      mutate: (doc) => {
        delete pets(doc).get.responses['404']
        pet(doc).properties.status.enum.push('pending')
        doc.servers.push({ url: 'https://eu.pets.test/v1' })
      },
    })
    const markdown = changelogMarkdown(changes, meta)
    expect(markdown).toContain('## Breaking changes')
    expect(markdown).toContain('## Potentially breaking changes')
    expect(markdown).toContain('## Non-breaking changes')
    expect(markdown).toContain('- **GET /pets > response 404**: Response 404 was removed.')
  })

  it('says so when nothing changed', () => {
    expect(changelogMarkdown([], meta)).toBe('# Pets: 1.0.0 → 2.0.0\n\nNo changes.\n')
  })
})
