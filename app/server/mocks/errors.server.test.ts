import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import { SHARED_SPECS, sharedSpecFiles } from '../../../tests/support/shared-specs'
import { analyzeSpec } from '../specs/analyze.server'
import { SpecImportError } from '../specs/problems.server'
import { SpecSchemas } from '../specs/schemas.server'
import { singleFileSource } from '../specs/source.server'
import { documentedResponse as documentedErrorResponse } from '~/shared/operations'
import { parameterName, renderError } from './errors.server'

/** Operation ids name cached validators within a spec: each test's operation has its own. */
let operations = 0

function operationWith(responses: NormalizedOperation['responses']): NormalizedOperation {
  return {
    id: `createThing${++operations}`,
    kind: 'operation',
    method: 'POST',
    path: '/things',
    tags: [],
    group: 'things',
    deprecated: false,
    parameters: [],
    responses,
    security: [],
    callbacks: [],
    capabilities: [],
  }
}

const json = (schema: unknown, status = 'default') => ({
  status,
  description: 'error',
  headers: {},
  content: {
    'application/json': { schema: schema as never, examples: [], needsGeneratedExample: true },
  },
})

const STRIPE_ERROR = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type'],
      properties: {
        type: {
          type: 'string',
          enum: ['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'],
        },
        message: { type: 'string', maxLength: 40000 },
        param: { type: 'string', maxLength: 5000 },
        code: { type: 'string', maxLength: 5000 },
        doc_url: { type: 'string' },
      },
    },
  },
}

const schemas = new SpecSchemas({ schemas: {} } as unknown as NormalizedSpec)
const violation = {
  location: 'body/metadata/order',
  message: 'must be string',
  constraint: 'type string',
}

describe('errors in the spec’s own shape', () => {
  it('renders Stripe’s envelope: type from the enum, message, param, code', () => {
    const operation = operationWith([json(STRIPE_ERROR)])
    const invalid = renderError(
      operation,
      {
        status: 400,
        title: 'Invalid request',
        detail: 'metadata[order] must be string.',
        violations: [violation],
      },
      schemas,
    )
    expect(invalid.status).toBe(400)
    expect(invalid.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(invalid.body)).toEqual({
      error: {
        type: 'invalid_request_error',
        message: 'metadata[order] must be string.',
        param: 'metadata[order]',
        code: 'bad_request',
      },
    })
    const conflict = JSON.parse(
      renderError(operation, { status: 409, title: 'Conflict', detail: 'Key reused.' }, schemas)
        .body,
    )
    expect(conflict.error.type).toBe('idempotency_error')
    const crash = JSON.parse(
      renderError(operation, { status: 500, title: 'Internal', detail: 'Boom.' }, schemas).body,
    )
    expect(crash.error.type).toBe('api_error')
  })

  it('fills error lists, integer status codes and titles', () => {
    const operation = operationWith([
      json(
        {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'integer' },
            title: { type: 'string' },
            message: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['pointer', 'detail'],
                properties: { pointer: { type: 'string' }, detail: { type: 'string' } },
              },
            },
          },
        },
        '4XX',
      ),
    ])
    const body = JSON.parse(
      renderError(
        operation,
        {
          status: 422,
          title: 'Invalid request',
          detail: '2 problems.',
          violations: [violation, { location: 'query.limit', message: 'must be <= 10' }],
        },
        schemas,
      ).body,
    )
    expect(body).toMatchObject({
      code: 422,
      title: 'Invalid request',
      message: '2 problems.',
      errors: [
        { pointer: 'metadata[order]', detail: 'metadata[order] must be string' },
        { pointer: 'limit', detail: 'limit must be <= 10' },
      ],
    })
  })

  it('falls back to a plainer rendering that still validates', () => {
    const operation = operationWith([
      json({
        type: 'object',
        required: ['message'],
        properties: {
          message: { type: 'string', maxLength: 5 },
          field: { type: 'string', enum: ['x'] },
        },
      }),
    ])
    const rendered = renderError(
      operation,
      { status: 400, title: 'Invalid', detail: 'far too long a message', violations: [violation] },
      schemas,
    )
    const body = JSON.parse(rendered.body)
    expect(
      schemas.validator(
        'fallback',
        operation.responses[0]!.content['application/json']!.schema!,
      )(body),
    ).toBe(true)
  })

  it('answers problem+json where nothing is documented, and prefers the exact status', () => {
    const bare = renderError(
      operationWith([]),
      { status: 404, title: 'Not Found', detail: 'No such thing.' },
      schemas,
    )
    expect(bare.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(bare.body)).toMatchObject({
      status: 404,
      title: 'Not Found',
      detail: 'No such thing.',
    })
    const operation = operationWith([
      json({ type: 'object' }, '4XX'),
      json({ type: 'object' }, '404'),
    ])
    expect(documentedErrorResponse(operation, 404)?.status).toBe('404')
    expect(documentedErrorResponse(operation, 400)?.status).toBe('4XX')
    expect(parameterName('body/items/0/price')).toBe('items[0][price]')
    expect(parameterName('query.limit')).toBe('limit')
  })
})

describe('rendered errors validate against every documented error schema of the shared specs', () => {
  it.each(sharedSpecFiles())(
    '%s',
    async (file) => {
      let analyzed
      try {
        analyzed = await analyzeSpec(
          singleFileSource(fs.readFileSync(path.join(SHARED_SPECS, file), 'utf8'), file),
        )
      } catch (error) {
        if (error instanceof SpecImportError) return
        throw error
      }
      const specSchemas = new SpecSchemas(analyzed.spec)
      const failures: string[] = []
      for (const operation of analyzed.spec.operations) {
        for (const status of [400, 401, 404, 409, 422, 429, 500]) {
          const response = documentedErrorResponse(operation, status)
          const media =
            response && Object.entries(response.content).find(([type]) => /json/i.test(type))
          if (!media?.[1].schema) continue
          const rendered = renderError(
            operation,
            {
              status,
              title: 'Error',
              detail: `A ${status} from the mock.`,
              violations: [violation],
            },
            specSchemas,
          )
          if (
            /problem\+json/.test(rendered.headers['content-type']!) &&
            !/problem/.test(media[0])
          ) {
            failures.push(`${operation.id} ${status}: fell back to problem+json`)
            continue
          }
          const validate = specSchemas.validator(
            `${operation.id}:${response!.status}:${media[0]}`,
            media[1].schema,
          )
          if (!validate(JSON.parse(rendered.body)))
            failures.push(
              `${operation.id} ${status}: ${JSON.stringify(validate.errors?.slice(0, 2))}`,
            )
        }
      }
      expect(failures.slice(0, 10)).toEqual([])
    },
    120_000,
  )
})
