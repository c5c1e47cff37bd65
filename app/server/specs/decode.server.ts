/**
 * Form-style values as clients send them, turned into the JSON the schema
 * describes: `application/x-www-form-urlencoded` and `multipart/form-data`
 * bodies per the OpenAPI Encoding Object (style form / spaceDelimited /
 * pipeDelimited / deepObject, explode, JSON parts), bracketed names as Stripe,
 * Rails and PHP clients write them (`a[b][c]=`, `a[]=`, `a[0]=`, decoded by
 * `qs`), and strings coerced to the schema's types (numbers, booleans, nulls,
 * arrays from one value) so ajv can judge the result.
 */
import qs from 'qs'
import type { JsonSchema, MediaEncoding } from '~/shared/normalized-spec'
import type { SpecSchemas } from './schemas.server'

/** A name and its value as they arrived; a file is described, not kept. */
export type FormPair = [name: string, value: string | FormFile]
export type FormFile = { kind: 'file'; filename: string; type: string; size: number; text?: string }

type Schema = Record<string, unknown>

/** Bounds for hostile input: nesting, array indexes and pairs beyond these are refused or kept flat. */
const QS_OPTIONS = {
  depth: 20,
  arrayLimit: 1_000,
  parameterLimit: 10_000,
  allowPrototypes: false,
  plainObjects: true,
} as const
export const MAX_FORM_PAIRS = 10_000
const MAX_COERCE_DEPTH = 32
/** File parts of these types are read as text (JSON parts, small text fields sent as files). */
const TEXT_PART = /^(text\/|application\/(json|[\w.+-]+\+json|xml|x-www-form-urlencoded))/i

/** `a=1&b=2` pairs, in order, repeated names kept. */
export function urlencodedPairs(text: string): FormPair[] {
  return [...new URLSearchParams(text)]
}

/**
 * Multipart parts as pairs, parsed by the platform's own parser (undici's
 * `Response.formData`). Files are described (name, type, size) and read as
 * text only when they hold text or JSON.
 */
export async function multipartPairs(
  body: Buffer,
  contentType: string,
): Promise<FormPair[] | { error: string }> {
  let form: FormData
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData()
  } catch (error) {
    return { error: `is not valid multipart/form-data: ${(error as Error).message}` }
  }
  const pairs: FormPair[] = []
  for (const [name, value] of form) {
    if (typeof value === 'string') pairs.push([name, value])
    else
      pairs.push([
        name,
        {
          kind: 'file',
          filename: value.name,
          type: value.type,
          size: value.size,
          ...(TEXT_PART.test(value.type) ? { text: await value.text() } : {}),
        },
      ])
    if (pairs.length > MAX_FORM_PAIRS) return { error: `has more than ${MAX_FORM_PAIRS} parts` }
  }
  return pairs
}

function resolve(schemas: SpecSchemas, schema: JsonSchema | undefined): Schema | undefined {
  const resolved = schemas.resolve(schema)
  return resolved && typeof resolved === 'object' ? (resolved as Schema) : undefined
}

/** Properties of an object schema, through allOf members. */
/*
 * A spec's schemas do not change once loaded, so what is worked out from one (its
 * properties through allOf, its types through compositions) is kept per schema object:
 * every form request of an operation asks the same questions. The results are shared:
 * callers read them and never change them.
 */
const propertiesMemo = new WeakMap<Schema, Record<string, JsonSchema>>()
const typesMemo = new WeakMap<Schema, ReadonlySet<string>>()
const NO_TYPES: ReadonlySet<string> = new Set()

function propertiesOf(schemas: SpecSchemas, schema: Schema, depth = 0): Record<string, JsonSchema> {
  const known = propertiesMemo.get(schema)
  if (known) return known
  const properties = { ...((schema.properties ?? {}) as Record<string, JsonSchema>) }
  if (depth < 8)
    for (const member of (schema.allOf ?? []) as JsonSchema[]) {
      const resolved = resolve(schemas, member)
      if (resolved) Object.assign(properties, propertiesOf(schemas, resolved, depth + 1))
    }
  // Only a walk from the top is whole (a deeper one may have stopped at the depth limit).
  if (depth === 0) propertiesMemo.set(schema, properties)
  return properties
}

function typesOf(schemas: SpecSchemas, schema: Schema | undefined, depth = 0): ReadonlySet<string> {
  if (!schema || depth > 8) return NO_TYPES
  const known = typesMemo.get(schema)
  if (known) return known
  const types = new Set<string>()
  if (Array.isArray(schema.type)) for (const type of schema.type) types.add(String(type))
  else if (typeof schema.type === 'string') types.add(schema.type)
  else if (schema.properties || schema.additionalProperties) types.add('object')
  else if (schema.items) types.add('array')
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const)
    for (const member of (schema[key] ?? []) as JsonSchema[])
      for (const type of typesOf(schemas, resolve(schemas, member), depth + 1)) types.add(type)
  if (depth === 0) typesMemo.set(schema, types)
  return types
}

/** The branch of a composition (or the schema itself) that describes values of `kind`. */
function branchFor(schemas: SpecSchemas, schema: Schema, kind: 'object' | 'array'): Schema {
  for (const key of ['oneOf', 'anyOf'] as const)
    for (const member of (schema[key] ?? []) as JsonSchema[]) {
      const resolved = resolve(schemas, member)
      if (resolved && typesOf(schemas, resolved).has(kind))
        return branchFor(schemas, resolved, kind)
    }
  return schema
}

function scalar(raw: string, types: ReadonlySet<string>): unknown {
  if ((types.has('integer') || types.has('number')) && raw.trim() !== '') {
    const number = Number(raw)
    if (!Number.isNaN(number) && (types.has('number') || Number.isInteger(number))) return number
  }
  if (types.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true'
  if (types.has('null') && !types.has('string') && (raw === '' || raw === 'null')) return null
  return raw
}

/** An object whose keys are all array indexes (qs leaves sparse or long ones so) as an array. */
function indexedArray(value: Record<string, unknown>): unknown[] | null {
  const keys = Object.keys(value)
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return null
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key])
}

/** Coerces decoded form values (strings, nested objects and arrays) to the schema's types. */
export function coerceToSchema(
  value: unknown,
  schema: JsonSchema | undefined,
  schemas: SpecSchemas,
  depth = 0,
): unknown {
  const resolved = resolve(schemas, schema)
  if (!resolved || depth > MAX_COERCE_DEPTH) return value
  const types = typesOf(schemas, resolved)
  if (typeof value === 'string') {
    // An empty field unsets a nullable value its string cannot be (Stripe's `return_status=`
    // for an enum without "").
    if (value === '' && types.has('null') && !emptyStringFits(resolved)) return null
    if (types.has('array') && !types.has('string') && value !== '') {
      const items = branchFor(schemas, resolved, 'array').items as JsonSchema | undefined
      return [coerceToSchema(value, items, schemas, depth + 1)]
    }
    return scalar(value, types)
  }
  if (Array.isArray(value)) {
    const arraySchema = branchFor(schemas, resolved, 'array')
    const items = arraySchema.items as JsonSchema | undefined
    if (!types.has('array') && value.length > 0 && types.size > 0)
      // One value expected, several sent: the last one counts, as servers read repeated fields.
      return coerceToSchema(value[value.length - 1], schema, schemas, depth + 1)
    return value.map((item) => coerceToSchema(item, items, schemas, depth + 1))
  }
  if (value && typeof value === 'object' && !isFile(value)) {
    const record = value as Record<string, unknown>
    if (types.has('array') && !types.has('object')) {
      const array = indexedArray(record)
      if (array) return coerceToSchema(array, schema, schemas, depth)
    }
    const objectSchema = branchFor(schemas, resolved, 'object')
    const properties = propertiesOf(schemas, objectSchema)
    const extra = objectSchema.additionalProperties
    const out: Record<string, unknown> = {}
    for (const [key, entry] of Object.entries(record)) {
      const property =
        properties[key] ?? (extra && typeof extra === 'object' ? (extra as JsonSchema) : undefined)
      out[key] = coerceToSchema(entry, property, schemas, depth + 1)
    }
    return out
  }
  return value
}

function emptyStringFits(schema: Record<string, unknown>): boolean {
  if (Array.isArray(schema.enum)) return schema.enum.includes('')
  return !(typeof schema.minLength === 'number' && schema.minLength > 0)
}

function isFile(value: unknown): value is FormFile {
  return !!value && typeof value === 'object' && (value as FormFile).kind === 'file'
}

const DELIMITER: Record<string, string> = {
  form: ',',
  spaceDelimited: ' ',
  pipeDelimited: '|',
}

/**
 * A non-exploded value (`a=1,2,3`, `a=x|y`, `a=k,v,k2,v2`) split by its style, when the
 * property is an array or an object; exploded and deepObject values are already nested.
 */
function unexplode(
  value: unknown,
  encoding: MediaEncoding | undefined,
  types: ReadonlySet<string>,
): unknown {
  if (typeof value !== 'string' || !encoding || encoding.explode !== false) return value
  const delimiter = DELIMITER[encoding.style ?? 'form']
  if (!delimiter) return value
  if (types.has('array') && !types.has('string')) return value === '' ? [] : value.split(delimiter)
  if (types.has('object') && !types.has('string')) {
    const parts = value.split(delimiter)
    const object: Record<string, string> = {}
    for (let index = 0; index + 1 < parts.length; index += 2)
      object[parts[index]!] = parts[index + 1]!
    return object
  }
  return value
}

/**
 * Pairs as a nested object: repeated names make arrays, bracketed names nest
 * (`a[b][c]`, `a[]`, `a[0]`). Prototype keys are dropped; beyond MAX_FORM_PAIRS
 * pairs, the rest is ignored.
 */
export function nestPairs(pairs: Iterable<FormPair>): Record<string, unknown> {
  const grouped: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  let count = 0
  for (const [name, raw] of pairs) {
    if (++count > MAX_FORM_PAIRS) break
    const value = isFile(raw) ? (raw.text ?? raw) : raw
    const existing = grouped[name]
    if (existing === undefined) grouped[name] = value
    else if (Array.isArray(existing)) existing.push(value)
    else grouped[name] = [existing, value]
  }
  return qs.parse(grouped as Record<string, string>, QS_OPTIONS) as Record<string, unknown>
}

/**
 * A form body (its pairs) as the JSON object its schema describes. Bracketed
 * names nest; repeated names make arrays; each property is split per its
 * encoding when not exploded; JSON parts are parsed; then values are coerced
 * to the schema's types. Problems (a JSON part that is not JSON) are returned
 * with the property they concern.
 */
export function decodeForm(
  pairs: FormPair[],
  schema: JsonSchema | undefined,
  encoding: Record<string, MediaEncoding> | undefined,
  schemas: SpecSchemas,
): { value: Record<string, unknown>; problems: { location: string; message: string }[] } {
  const problems: { location: string; message: string }[] = []
  const nested = nestPairs(pairs)
  const root = resolve(schemas, schema)
  const properties = root ? propertiesOf(schemas, root) : {}
  const value: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(nested)) {
    const property = properties[name]
    const propertySchema = resolve(schemas, property)
    const types = typesOf(schemas, propertySchema)
    const rule = encoding?.[name]
    let decoded: unknown = unexplode(raw, rule, types)
    const partType = rule?.contentType ?? ''
    if (typeof decoded === 'string' && /json/i.test(partType)) {
      try {
        decoded = JSON.parse(decoded)
      } catch (error) {
        problems.push({
          location: `body.${name}`,
          message: `is sent as ${partType} but is not valid JSON: ${(error as Error).message}`,
        })
        continue
      }
      value[name] = decoded
      continue
    }
    if (isFile(decoded)) {
      // A file stands for a binary string: its name is what validation sees.
      value[name] = decoded.filename || 'file'
      continue
    }
    value[name] = coerceToSchema(decoded, property, schemas)
  }
  return { value, problems }
}
