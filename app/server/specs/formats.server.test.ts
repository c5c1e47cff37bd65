/**
 * Every `format` used by a schema of a spec in ../shared/specs generates a value of its kind
 * (what an SDK parsing it expects), and the value validates against the schema itself.
 */
import fs from 'node:fs'
import path from 'node:path'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import type { JsonSchema } from '~/shared/normalized-spec'
import { SHARED_SPECS as SHARED, sharedSpecFiles } from '../../../tests/support/shared-specs'
import { zipFolder } from '../../../tests/support/zip-folder'
import { analyzeSpec } from './analyze.server'
import { generateFromSchema } from './generate.server'
import { SpecImportError } from './problems.server'
import { SpecSchemas } from './schemas.server'
import { singleFileSource, zipSource } from './source.server'

const standard = new Ajv2020({ strict: false })
addFormats(standard)
const standardFormat = (format: string) => (value: unknown) =>
  standard.validate({ format, type: typeof value === 'number' ? 'number' : 'string' }, value)

/** What a value of each format must look like: JSON type and shape. */
const KINDS: Record<string, (value: unknown, type: string | undefined) => boolean> = {
  'date-time': standardFormat('date-time'),
  date: standardFormat('date'),
  uri: standardFormat('uri'),
  url: standardFormat('uri'),
  uriref: standardFormat('uri-reference'),
  uuid: standardFormat('uuid'),
  byte: standardFormat('byte'),
  binary: (value) => typeof value === 'string',
  decimal: (value) => typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value),
  'unix-time': (value) =>
    Number.isInteger(value) && (value as number) > 1e9 && (value as number) < 4e9,
  int32: (value, type) =>
    type === 'string'
      ? typeof value === 'string' && /^-?\d+$/.test(value)
      : Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31,
  int64: (value, type) =>
    type === 'string'
      ? typeof value === 'string' && /^-?\d+$/.test(value)
      : Number.isSafeInteger(value),
  double: (value) => typeof value === 'number',
  float: (value) => typeof value === 'number',
  'phone-number': (value) => typeof value === 'string' && /^\+\d{7,15}$/.test(value),
  'http-method': (value) =>
    typeof value === 'string' && /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(value),
  'uri-map': (value) =>
    !!value &&
    typeof value === 'object' &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((entry) => standard.validate({ format: 'uri' }, entry)),
}

const specs: [string, () => ReturnType<typeof singleFileSource>][] = [
  ...sharedSpecFiles().map(
    (file) =>
      [file, () => singleFileSource(fs.readFileSync(path.join(SHARED, file), 'utf8'), file)] as [
        string,
        () => ReturnType<typeof singleFileSource>,
      ],
  ),
  ['lichess-multifile', () => zipSource(zipFolder(path.join(SHARED, 'lichess-multifile')))],
]

/** Every schema object under `value` that carries a string `format` (nested ones included). */
function formatted(value: unknown, found: Record<string, unknown>[] = [], depth = 0) {
  if (!value || typeof value !== 'object' || depth > 40) return found
  if (Array.isArray(value)) {
    for (const item of value) formatted(item, found, depth + 1)
    return found
  }
  const record = value as Record<string, unknown>
  if (typeof record.format === 'string' && (record.type !== undefined || record.format))
    found.push(record)
  for (const [key, child] of Object.entries(record))
    if (key !== 'examples' && key !== 'example' && key !== 'default' && key !== 'enum')
      formatted(child, found, depth + 1)
  return found
}

describe('generated values have the kind their format names', () => {
  const seen = new Set<string>()

  it.each(specs)(
    '%s',
    async (_name, source) => {
      let analyzed
      try {
        analyzed = await analyzeSpec(source())
      } catch (error) {
        if (error instanceof SpecImportError) return // refused at import (spec-import.test.ts)
        throw error
      }
      const { spec } = analyzed
      const schemas = new SpecSchemas(spec)
      const candidates = [
        ...formatted(spec.schemas),
        ...formatted(spec.operations.map((operation) => operation.parameters)),
        ...formatted(spec.operations.map((operation) => operation.requestBody)),
        ...formatted(spec.operations.map((operation) => operation.responses)),
      ]
      const failures: string[] = []
      for (const [index, schema] of candidates.entries()) {
        const format = schema.format as string
        const type = Array.isArray(schema.type)
          ? (schema.type as string[]).find((entry) => entry !== 'null')
          : (schema.type as string | undefined)
        if (!KINDS[format]) continue
        // Documented examples win over generation; the kind is about what we make up.
        const { examples: _examples, default: _default, ...bare } = schema
        for (const seed of ['a', 'b', 'c']) {
          const value = generateFromSchema(bare as JsonSchema, schemas, `${index}:${seed}`)
          seen.add(format)
          if (!KINDS[format](value, type))
            failures.push(`${format} (${type}): ${JSON.stringify(value)}`)
          const validate = schemas.validator(`formats:${index}`, bare as JsonSchema)
          if (!validate(value))
            failures.push(
              `${format} (${type}): ${JSON.stringify(value)} ${JSON.stringify(validate.errors)}`,
            )
        }
      }
      expect([...new Set(failures)].slice(0, 10)).toEqual([])
    },
    120_000,
  )

  it('covers every format the shared specs use', () => {
    for (const format of [
      'date-time',
      'date',
      'uri',
      'uuid',
      'byte',
      'binary',
      'decimal',
      'unix-time',
      'int32',
      'int64',
      'double',
      'phone-number',
      'http-method',
      'uri-map',
      'url',
      'uriref',
    ])
      expect(seen, format).toContain(format)
  })
})
