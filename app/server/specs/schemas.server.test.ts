import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { analyzeSpec } from './analyze.server'
import { SpecSchemas } from './schemas.server'
import { singleFileSource } from './source.server'

const SPEC = `openapi: 3.1.0
info: {title: Violations, version: "1"}
components:
  schemas:
    Part:
      type: object
      required: [type]
      properties: {type: {type: string}}
    Moderation:
      type: object
      required: [input, model]
      additionalProperties: false
      properties:
        model: {type: string}
        input:
          anyOf:
            - {type: string}
            - {type: array, items: {type: string}}
            - {type: array, items: {$ref: "#/components/schemas/Part"}}
paths: {}
`

let schemas: SpecSchemas
beforeAll(async () => {
  const spec: NormalizedSpec = (await analyzeSpec(singleFileSource(SPEC, 'violations.yaml'))).spec!
  schemas = new SpecSchemas(spec)
})
const check = (value: unknown) =>
  schemas.check('moderation', { $ref: '#/components/schemas/Moderation' }, value, 'request')

describe('violations read as a person would', () => {
  it('names a missing or undeclared property by its location, not twice', () => {
    expect(check({ input: 'x', extra: 1 })).toEqual([
      expect.objectContaining({ location: 'body/model', message: 'is required' }),
      expect.objectContaining({
        location: 'body/extra',
        message: 'is not allowed (not in the schema)',
      }),
    ])
  })

  it('makes a value that fits no member of a union one violation naming the members', () => {
    for (const input of [42, [1], [{ kind: 'x' }]]) {
      expect(check({ model: 'm', input })).toEqual([
        {
          location: 'body/input',
          message: 'must be one of: string, array of string, array of Part',
          constraint: 'anyOf',
        },
      ])
    }
    expect(check({ model: 'm', input: [{ type: 'text' }] })).toEqual([])
    // Other violations of the same body are kept beside it.
    expect(check({ input: 42 }).map((violation) => violation.location)).toEqual([
      'body/model',
      'body/input',
    ])
  })
})
