import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JsonSchema, NormalizedOperation } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { singleFileSource } from '../specs/source.server'
import {
  annotatableFieldPaths,
  fieldPathExists,
  MAX_FIELD_PATHS,
  parseFieldPath,
} from './field-paths.server'

const schemas: Record<string, JsonSchema> = {
  Money: {
    type: 'object',
    properties: { amount: { type: 'integer' }, currency: { type: 'string' } },
  },
  Error: {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  Node: {
    type: 'object',
    properties: { id: { type: 'string' }, parent: { $ref: '#/components/schemas/Node' } },
  },
  Card: { type: 'object', properties: { last4: { type: 'string' } } },
  Bank: { type: 'object', properties: { iban: { type: 'string' } } },
}

const media = (schema: JsonSchema) => ({
  'application/json': { schema, examples: [], needsGeneratedExample: true },
})

const operation: NormalizedOperation = {
  id: 'createPayment',
  kind: 'operation',
  method: 'POST',
  path: '/payments/{id}',
  tags: [],
  group: 'payments',
  deprecated: false,
  parameters: [
    {
      name: 'id',
      in: 'path',
      required: true,
      deprecated: false,
      schema: { type: 'string' },
      style: 'simple',
      explode: false,
      examples: [],
    },
    {
      name: 'limit',
      in: 'query',
      required: false,
      deprecated: false,
      schema: { type: 'integer' },
      style: 'form',
      explode: true,
      examples: [],
    },
    {
      name: 'X-Id',
      in: 'header',
      required: false,
      deprecated: false,
      schema: { type: 'string' },
      style: 'simple',
      explode: false,
      examples: [],
    },
  ],
  requestBody: {
    required: true,
    content: media({
      type: 'object',
      properties: {
        amount: { $ref: '#/components/schemas/Money' },
        lines: {
          type: 'array',
          items: { type: 'object', properties: { sku: { type: 'string' } } },
        },
        metadata: { type: 'object', additionalProperties: { type: 'string' } },
        'a/b': { type: 'string' },
        method: {
          oneOf: [{ $ref: '#/components/schemas/Card' }, { $ref: '#/components/schemas/Bank' }],
        },
        node: { $ref: '#/components/schemas/Node' },
      },
    }),
  },
  responses: [
    {
      status: '200',
      description: 'ok',
      headers: {},
      content: media({ type: 'array', items: { $ref: '#/components/schemas/Money' } }),
    },
    {
      status: '400',
      description: 'bad',
      headers: {},
      content: media({ $ref: '#/components/schemas/Error' }),
    },
    { status: '204', description: 'none', headers: {}, content: {} },
  ],
  security: [],
  callbacks: [],
  capabilities: [],
}
const spec = { schemas }

describe('field paths', () => {
  it('lists parameters, the body and responses in page order, arrays as [] and maps as *', () => {
    const { paths, truncated } = annotatableFieldPaths(spec, operation)
    expect(truncated).toBe(false)
    const listed = paths.map((entry) => entry.path)
    expect(listed.slice(0, 4)).toEqual(['path.id', 'query.limit', 'header.X-Id', 'body'])
    expect(listed).toEqual(
      expect.arrayContaining([
        'body/amount',
        'body/amount/currency',
        'body/lines',
        'body/lines[]/sku',
        'body/metadata/*',
        'body/a~1b',
        'body/method/last4',
        'body/method/iban',
        'body/node/parent',
        'response.200',
        'response.200[]/amount',
        'response.400/error/message',
        'response.204',
      ]),
    )
    // Tree order: each parent right before its children.
    expect(listed.indexOf('body/amount/currency')).toBe(listed.indexOf('body/amount') + 2)
    expect(listed.indexOf('response.400')).toBeGreaterThan(listed.indexOf('body/node/id'))
    // The circular Node stops after one turn.
    expect(listed).not.toContain('body/node/parent/parent')
    expect(paths.find((entry) => entry.path === 'response.400/error/message')).toMatchObject({
      group: 'Response 400',
      depth: 2,
    })
  })

  it('finds every listed path, and deeper ones than the list shows', () => {
    for (const entry of annotatableFieldPaths(spec, operation).paths)
      expect(fieldPathExists(spec, operation, entry.path), entry.path).toBe(true)
    expect(fieldPathExists(spec, operation, '')).toBe(true)
    expect(fieldPathExists(spec, operation, 'body/node/parent/parent/parent/id')).toBe(true)
  })

  it('refuses paths that do not exist or do not follow the syntax', () => {
    for (const bad of [
      'body/nope',
      'body/amount/currency/x',
      'body/amount[]',
      'body/lines/sku',
      'query.nope',
      'query.id',
      'cookie.limit',
      'response.500',
      'response.400/error/stack',
      'response.200/amount',
      'header.x-id',
      'body//amount',
      'body/',
      'nope',
      'request.body/amount',
      'response.',
      'query.',
      'body/a/b',
      'body/amount\u0000',
      'body/amount\n',
      '/body',
      'body/' + 'x/'.repeat(100) + 'x',
    ])
      expect(fieldPathExists(spec, operation, bad), bad).toBe(false)
    expect(parseFieldPath('response.4XX/error')).toEqual({
      kind: 'response',
      status: '4XX',
      arrays: 0,
      segments: ['error'],
    })
    expect(parseFieldPath('query.expand[]')).toMatchObject({ kind: 'parameter', name: 'expand[]' })
    expect(parseFieldPath('body[]/a~1b~0c')).toEqual({
      kind: 'body',
      arrays: 1,
      segments: ['a/b~c'],
    })
  })

  it('caps depth and count, keeping the shallowest paths', () => {
    const shallow = annotatableFieldPaths(spec, operation, { maxDepth: 1 })
    expect(shallow.truncated).toBe(true)
    expect(shallow.paths.every((entry) => entry.depth <= 1)).toBe(true)
    const few = annotatableFieldPaths(spec, operation, { maxPaths: 8 })
    expect(few.truncated).toBe(true)
    expect(few.paths).toHaveLength(8)
    expect(few.paths.map((entry) => entry.path)).toEqual([
      'path.id',
      'query.limit',
      'header.X-Id',
      'body',
      'body/amount',
      'response.200',
      'response.400',
      'response.204',
    ])
  })

  it('stays within its limits on the largest spec (Stripe)', async () => {
    const file = path.resolve('../shared/specs/stripe-spec3.json')
    const { spec: stripe } = await analyzeSpec(
      singleFileSource(fs.readFileSync(file, 'utf8'), 'stripe-spec3.json'),
    )
    const started = performance.now()
    let checked = 0
    for (const entry of stripe.operations) {
      const { paths } = annotatableFieldPaths(stripe, entry)
      expect(paths.length).toBeLessThanOrEqual(MAX_FIELD_PATHS)
      expect(new Set(paths.map((choice) => choice.path)).size).toBe(paths.length)
      if (checked++ % 40 === 0)
        for (const choice of paths)
          expect(fieldPathExists(stripe, entry, choice.path), choice.path).toBe(true)
    }
    expect(performance.now() - started).toBeLessThan(15_000)
    const charges = stripe.operations.find((entry) => entry.id === 'PostCharges')!
    const listed = annotatableFieldPaths(stripe, charges).paths.map((choice) => choice.path)
    expect(listed).toEqual(expect.arrayContaining(['body/amount', 'body/metadata/*']))
  }, 60_000)
})
