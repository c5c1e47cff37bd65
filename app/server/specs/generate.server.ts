/**
 * Data from a JSON Schema: documented examples first, then values built from
 * the schema (formats, enums, bounds, patterns, compositions, discriminators),
 * deterministic for a given seed so repeated requests agree.
 */
import RandExp from 'randexp'
import type { JsonSchema } from '~/shared/normalized-spec'
import type { SpecSchemas } from './schemas.server'

type Schema = Record<string, unknown>
export type Direction = 'request' | 'response'

const MAX_DEPTH = 7
const MAX_OPTIONAL_PROPERTIES = 12

/** mulberry32: tiny, fast, good enough for mock data. */
export function seededRandom(seed: string): () => number {
  let state = 2166136261
  for (let index = 0; index < seed.length; index++)
    state = Math.imul(state ^ seed.charCodeAt(index), 16777619)
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Context = {
  random: () => number
  direction: Direction
  schemas: SpecSchemas
  stack: string[]
  depth: number
  /** Optional properties generated per object (required ones always are). */
  maxOptional: number
  /** Documented examples first (the default); false for values that must differ (ids). */
  examples?: boolean
}

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
]

function pick<T>(context: Context, values: readonly T[]): T {
  return values[Math.floor(context.random() * values.length)]!
}

function firstType(schema: Schema): string | undefined {
  if (Array.isArray(schema.type))
    return (schema.type as string[]).find((type) => type !== 'null') ?? 'null'
  if (typeof schema.type === 'string') return schema.type
  if (schema.properties || schema.additionalProperties || schema.required) return 'object'
  if (schema.items || schema.prefixItems) return 'array'
  if (schema.enum) return undefined
  return undefined
}

function pad(value: number, width = 2) {
  return String(value).padStart(width, '0')
}

function formatted(format: string, context: Context): string | undefined {
  const n = Math.floor(context.random() * 1_000_000)
  const day = new Date(Date.UTC(2026, n % 12, (n % 28) + 1, n % 24, n % 60, n % 60))
  switch (format) {
    case 'date-time':
      return day.toISOString().replace(/\.\d{3}Z$/, 'Z')
    case 'date':
      return day.toISOString().slice(0, 10)
    case 'time':
      return `${pad(day.getUTCHours())}:${pad(day.getUTCMinutes())}:${pad(day.getUTCSeconds())}Z`
    case 'email':
      return `${pick(context, WORDS)}.${n % 1000}@example.com`
    case 'uuid': {
      const hex = (length: number) =>
        Array.from({ length }, () => Math.floor(context.random() * 16).toString(16)).join('')
      return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`
    }
    case 'uri':
    case 'url':
    case 'iri':
      return `https://example.com/${pick(context, WORDS)}/${n % 1000}`
    case 'uri-reference':
    case 'iri-reference':
      return `/${pick(context, WORDS)}/${n % 1000}`
    case 'hostname':
    case 'idn-hostname':
      return `${pick(context, WORDS)}.example.com`
    case 'ipv4':
      return `192.0.2.${n % 255}`
    case 'ipv6':
      return `2001:db8::${(n % 65535).toString(16)}`
    case 'byte':
      return Buffer.from(`${pick(context, WORDS)}-${n}`).toString('base64')
    case 'binary':
      return `${pick(context, WORDS)}-${n}`
    // Vendor formats met in real specs (Stripe, Twilio, Lichess, USPTO…).
    case 'decimal':
      return `${n % 10_000}.${pad(n % 100)}`
    case 'int64':
    case 'int32':
      return String(n)
    case 'phone-number':
      return `+1415555${pad(n % 10_000, 4)}`
    case 'http-method':
      return pick(context, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
    case 'uriref':
      return `/${pick(context, WORDS)}/${n % 1000}`
    case 'password':
      return `secret-${n}`
    case 'duration':
      return `P${(n % 28) + 1}D`
    case 'regex':
      return '^[a-z]+$'
    case 'json-pointer':
      return `/${pick(context, WORDS)}`
    default:
      return undefined
  }
}

function generateString(schema: Schema, context: Context): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
  const maxLength =
    typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY
  let value: string | undefined
  if (typeof schema.pattern === 'string') {
    try {
      const generator = new RandExp(schema.pattern)
      generator.randInt = (from: number, to: number) =>
        from + Math.floor(context.random() * (to - from + 1))
      generator.max = Math.min(8, Number.isFinite(maxLength) ? maxLength : 8)
      value = generator.gen()
    } catch {
      value = undefined
    }
  }
  value ??= typeof schema.format === 'string' ? formatted(schema.format, context) : undefined
  value ??= `${pick(context, WORDS)}-${Math.floor(context.random() * 10_000)}`
  if (typeof schema.pattern === 'string') return value
  while (value.length < minLength) value += 'x'
  return value.length > maxLength ? value.slice(0, Math.max(maxLength, minLength)) : value
}

/** Epoch seconds within 2026, for `format: unix-time` (Stripe's timestamps). */
const UNIX_2026 = Date.UTC(2026, 0, 1) / 1000
const YEAR_SECONDS = 365 * 24 * 3600

/** 32-bit and 64-bit bounds for `format: int32` / `int64` (int64 kept within exact JSON numbers). */
const FORMAT_BOUNDS: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}

function generateNumber(schema: Schema, integer: boolean, context: Context): number {
  if (
    schema.format === 'unix-time' &&
    typeof schema.minimum !== 'number' &&
    typeof schema.maximum !== 'number'
  )
    return UNIX_2026 + Math.floor(context.random() * YEAR_SECONDS)
  const exclusiveMin =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined
  const exclusiveMax =
    typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined
  let min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : exclusiveMin !== undefined
        ? exclusiveMin + (integer ? 1 : 0.01)
        : 0
  let max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : exclusiveMax !== undefined
        ? exclusiveMax - (integer ? 1 : 0.01)
        : min + 1000
  if (exclusiveMin !== undefined && min <= exclusiveMin) min = exclusiveMin + (integer ? 1 : 0.01)
  if (exclusiveMax !== undefined && max >= exclusiveMax) max = exclusiveMax - (integer ? 1 : 0.01)
  if (max < min) max = min
  const bounds = typeof schema.format === 'string' ? FORMAT_BOUNDS[schema.format] : undefined
  if (bounds) {
    min = Math.max(min, bounds[0])
    max = Math.min(max, bounds[1])
    if (max < min) max = min
  }
  const multipleOf =
    typeof schema.multipleOf === 'number' && schema.multipleOf > 0
      ? schema.multipleOf
      : integer
        ? 1
        : undefined
  let value = min + context.random() * (max - min)
  if (multipleOf) {
    value =
      Math.ceil(min / multipleOf) * multipleOf +
      Math.floor(context.random() * Math.max(0, Math.floor((max - min) / multipleOf))) * multipleOf
    if (value > max) value = Math.ceil(min / multipleOf) * multipleOf
  }
  if (integer) return Math.round(value)
  return Math.round(value * 100) / 100
}

/** allOf members merged into one schema (properties, required, everything else last-wins). */
function mergeAllOf(schema: Schema, context: Context): Schema {
  const merged: Schema = { ...schema }
  delete merged.allOf
  const properties: Record<string, unknown> = { ...((schema.properties as object) ?? {}) }
  const required = new Set<string>((schema.required as string[]) ?? [])
  for (const member of schema.allOf as JsonSchema[]) {
    let resolved = context.schemas.resolve(member) as Schema | undefined
    if (!resolved || typeof resolved !== 'object') continue
    if (resolved.allOf) resolved = mergeAllOf(resolved, context)
    Object.assign(properties, resolved.properties ?? {})
    for (const name of (resolved.required as string[]) ?? []) required.add(name)
    for (const [key, value] of Object.entries(resolved)) {
      if (key !== 'properties' && key !== 'required' && !(key in merged)) merged[key] = value
    }
  }
  if (Object.keys(properties).length) merged.properties = properties
  if (required.size) merged.required = [...required]
  return merged
}

function generateObject(schema: Schema, context: Context): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required as string[]) ?? [])
  const object: Record<string, unknown> = {}
  let optional = 0
  for (const [name, property] of Object.entries(properties)) {
    const resolved = context.schemas.resolve(property) as Schema | undefined
    const skip =
      resolved &&
      typeof resolved === 'object' &&
      ((context.direction === 'request' && resolved.readOnly === true) ||
        (context.direction === 'response' && resolved.writeOnly === true))
    if (skip && !required.has(name)) continue
    if (!required.has(name)) {
      if (optional >= context.maxOptional || context.depth >= MAX_DEPTH - 2) continue
      optional++
    }
    const value = generateValue(property, { ...context, depth: context.depth + 1 })
    if (value !== undefined) object[name] = value
  }
  for (const name of required) if (!(name in object)) object[name] = `${pick(context, WORDS)}`
  // Twilio's `format: uri-map`: names to URIs.
  if (schema.format === 'uri-map' && Object.keys(object).length === 0)
    object[pick(context, WORDS)] = `https://example.com/${pick(context, WORDS)}`
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0
  const extra = schema.additionalProperties
  for (let index = Object.keys(object).length; index < minProperties; index++) {
    object[`key${index}`] =
      extra && typeof extra === 'object'
        ? generateValue(extra as JsonSchema, { ...context, depth: context.depth + 1 })
        : 'value'
  }
  return object
}

function generateArray(schema: Schema, context: Context): unknown[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : minItems + 2
  const count =
    context.depth >= MAX_DEPTH - 1 ? minItems : Math.min(maxItems, Math.max(minItems, 1))
  const items = (schema.items ?? {}) as JsonSchema
  const prefix = (schema.prefixItems ?? []) as JsonSchema[]
  const array: unknown[] = []
  for (let index = 0; index < count; index++) {
    const itemSchema = prefix[index] ?? items
    let value = generateValue(itemSchema, {
      ...context,
      depth: context.depth + 1,
      random: seededRandom(`${context.random()}:${index}`),
    })
    if (
      schema.uniqueItems &&
      array.some((existing) => JSON.stringify(existing) === JSON.stringify(value))
    ) {
      value = generateValue(itemSchema, {
        ...context,
        depth: context.depth + 1,
        random: seededRandom(`${index}:${context.random()}`),
      })
      if (array.some((existing) => JSON.stringify(existing) === JSON.stringify(value))) break
    }
    array.push(value)
  }
  return array
}

/** Whether a documented value at least has the schema's JSON type (specs often carry `example: 123` on strings). */
function fitsType(schema: Schema, value: unknown): boolean {
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === 'string'
      ? [schema.type]
      : []
  if (types.length === 0) return true
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value
  return types.includes(actual) || (actual === 'integer' && types.includes('number'))
}

function example(schema: Schema): { found: boolean; value?: unknown } {
  if ('const' in schema) return { found: true, value: schema.const }
  const candidates = [
    ...(Array.isArray(schema.examples) ? schema.examples : []),
    ...('default' in schema ? [schema.default] : []),
  ]
  const fitting = candidates.find(
    (value) =>
      value !== undefined &&
      fitsType(schema, value) &&
      (!Array.isArray(schema.enum) || schema.enum.includes(value)),
  )
  return fitting === undefined ? { found: false } : { found: true, value: fitting }
}

/** Picks the composition branch to generate from (a discriminated oneOf follows its mapping). */
function branch(
  schema: Schema,
  key: 'oneOf' | 'anyOf',
): {
  chosen: JsonSchema
  discriminator?: { property: string; value: string; implicit: boolean }
} {
  const options = schema[key] as JsonSchema[]
  const nonNull = options.filter(
    (option) => !(typeof option === 'object' && option.type === 'null'),
  )
  const chosen = nonNull[0] ?? options[0]!
  const discriminator = schema['x-discriminator'] as
    { propertyName?: string; mapping?: Record<string, string> } | undefined
  if (
    discriminator?.propertyName &&
    typeof chosen === 'object' &&
    typeof chosen.$ref === 'string'
  ) {
    const target = chosen.$ref
    const mapped = Object.entries(discriminator.mapping ?? {}).find(
      ([, ref]) => ref === target || ref.endsWith(`/${target.split('/').pop()}`),
    )
    return {
      chosen,
      discriminator: {
        property: discriminator.propertyName,
        value: mapped?.[0] ?? target.split('/').pop()!,
        implicit: !mapped,
      },
    }
  }
  return { chosen }
}

/** Does the branch give `property` one value of its own (`const`, or an enum of one)? */
function fixesOwnValue(branchSchema: JsonSchema, property: string, context: Context): boolean {
  const resolved = context.schemas.resolve(branchSchema)
  if (!resolved || typeof resolved !== 'object') return false
  const members = [resolved, ...(((resolved as Schema).allOf as JsonSchema[] | undefined) ?? [])]
  return members.some((member) => {
    const own = context.schemas.resolve(member)
    const properties = own && typeof own === 'object' ? (own as Schema).properties : undefined
    const field = context.schemas.resolve(
      (properties as Record<string, JsonSchema> | undefined)?.[property],
    ) as Schema | undefined
    return (
      field !== undefined &&
      typeof field === 'object' &&
      ('const' in field || (Array.isArray(field.enum) && field.enum.length === 1))
    )
  })
}

export function generateValue(input: JsonSchema | undefined, context: Context): unknown {
  if (input === undefined || input === true) return pick(context, WORDS)
  if (input === false) return undefined
  let schema = input as Schema
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!
    if (context.stack.includes(name) && context.depth >= MAX_DEPTH) return undefined
    const resolved = context.schemas.resolve(schema)
    return generateValue(resolved, { ...context, stack: [...context.stack, name] })
  }
  const documented = context.examples === false ? { found: false } : example(schema)
  if (documented.found) return documented.value
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const values = schema.enum.filter((value) => value !== null)
    return values.length ? pick(context, values) : null
  }
  if (schema.allOf) schema = mergeAllOf(schema, context)
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (!Array.isArray(schema[key])) continue
    const { chosen, discriminator } = branch(schema, key)
    const { [key]: _dropped, ...rest } = schema
    const base = Object.keys(rest).some((name) => ['properties', 'type', 'required'].includes(name))
      ? generateValue(rest, context)
      : undefined
    const value = generateValue(chosen, context)
    const combined =
      base &&
      typeof base === 'object' &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
        ? { ...base, ...value }
        : (value ?? base)
    // Without a mapping the value is the schema's name (OpenAPI 3), unless the branch fixes
    // its own (OpenAI's events: `type: {enum: [response.created]}` under `ResponseCreatedEvent`).
    if (
      discriminator &&
      combined &&
      typeof combined === 'object' &&
      !(discriminator.implicit && fixesOwnValue(chosen, discriminator.property, context))
    )
      (combined as Record<string, unknown>)[discriminator.property] = discriminator.value
    return combined
  }
  const type = firstType(schema)
  switch (type) {
    case 'object':
      return generateObject(schema, context)
    case 'array':
      return generateArray(schema, context)
    case 'string':
      return generateString(schema, context)
    case 'integer':
      return generateNumber(schema, true, context)
    case 'number':
      return generateNumber(schema, false, context)
    case 'boolean':
      return context.random() < 0.5
    case 'null':
      return null
    default:
      return Object.keys(schema).length === 0 || schema.not
        ? pick(context, WORDS)
        : generateObject(schema, context)
  }
}

export function generateFromSchema(
  schema: JsonSchema | undefined,
  schemas: SpecSchemas,
  seed: string,
  direction: Direction = 'response',
  {
    maxOptional = MAX_OPTIONAL_PROPERTIES,
    examples = true,
  }: { maxOptional?: number; examples?: boolean } = {},
): unknown {
  return generateValue(schema, {
    random: seededRandom(seed),
    direction,
    schemas,
    stack: [],
    depth: 0,
    maxOptional,
    examples,
  })
}
