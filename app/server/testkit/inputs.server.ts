/**
 * Builds requests from the spec: valid inputs for an operation (documented
 * examples first, then data generated from the schemas, every value checked
 * with ajv before it is used), serialised per OpenAPI style/explode; and
 * mutations of a valid body that are invalid in exactly one way.
 */
import type {
  JsonSchema,
  MediaTypeContent,
  MediaEncoding,
  NormalizedOperation,
  NormalizedParameter,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { generateFromSchema } from '../specs/generate.server'
import type { SpecSchemas } from '../specs/schemas.server'
import { type AuthMode, NotApplicable, type Probe } from './model.server'

type Schema = Record<string, unknown>

export type Inputs = {
  /** Values, or `{{variable}}` placeholders substituted at run time. */
  pathParams: Record<string, string>
  query: [string, string][]
  headers: Record<string, string>
  cookies: [string, string][]
  body?: {
    mediaType: string
    value: unknown
    schema?: JsonSchema
    /** The media type's encoding object (form and multipart bodies). */
    encoding?: Record<string, MediaEncoding>
  }
}

const JSON_TYPE = /^application\/(.+\+)?json$/i
const FORM_TYPE = /^application\/x-www-form-urlencoded$/i
const MULTIPART_TYPE = /^multipart\/form-data$/i

function resolved(schemas: SpecSchemas, schema: JsonSchema | undefined): Schema | undefined {
  const value = schemas.resolve(schema)
  return value && typeof value === 'object' ? (value as Schema) : undefined
}

/** Path parameters naming a resource (ids, names, slugs) come from data, not from the schema. */
export function isIdentifierParam(schemas: SpecSchemas, param: NormalizedParameter): boolean {
  if (param.in !== 'path') return false
  const schema = resolved(schemas, param.schema)
  if (!schema) return true
  if (Array.isArray(schema.enum) || schema.const !== undefined) return false
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  if (type === 'boolean') return false
  if (typeof schema.format === 'string' && /^(date|date-time|time)$/.test(schema.format))
    return false
  return true
}

/** The variable a path parameter reads when no fixture provides it: its own name. */
export function variableFor(param: NormalizedParameter): string {
  return param.name.replace(/[^A-Za-z0-9_.-]/g, '_')
}

/** The request body media type the suite sends: JSON first, then forms, then the first documented. */
export function bodyMediaType(operation: NormalizedOperation): [string, MediaTypeContent] | null {
  const entries = Object.entries(operation.requestBody?.content ?? {})
  return (
    entries.find(([type]) => JSON_TYPE.test(type.split(';')[0]!.trim())) ??
    entries.find(([type]) => FORM_TYPE.test(type)) ??
    entries.find(([type]) => MULTIPART_TYPE.test(type)) ??
    entries[0] ??
    null
  )
}

function validOrUndefined(
  schemas: SpecSchemas,
  key: string,
  schema: JsonSchema,
  value: unknown,
): unknown {
  if (value === undefined) return undefined
  return schemas.check(key, schema, value, 'request').length === 0 ? value : undefined
}

/** A valid value for a parameter: its example, else generated; undefined when neither validates. */
export function parameterValue(
  operation: NormalizedOperation,
  param: NormalizedParameter,
  schemas: SpecSchemas,
  seed: string,
): unknown {
  const key = `${operation.id}:param:${param.in}.${param.name}`
  for (const example of param.examples) {
    const value = validOrUndefined(schemas, key, param.schema, example.value)
    if (value !== undefined) return value
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const value = validOrUndefined(
      schemas,
      key,
      param.schema,
      generateFromSchema(param.schema, schemas, `${seed}|${param.name}|${attempt}`, 'request'),
    )
    if (value !== undefined) return value
  }
  return undefined
}

/** A valid body value: the first documented example that validates, else generated data. */
export function bodyValue(
  operation: NormalizedOperation,
  mediaType: string,
  media: MediaTypeContent,
  schemas: SpecSchemas,
  seed: string,
  { examples = true }: { examples?: boolean } = {},
): unknown {
  const schema = media.schema ?? {}
  const key = `${operation.id}:request:${mediaType}`
  for (const example of examples ? media.examples : []) {
    const value = validOrUndefined(schemas, key, schema, example.value)
    if (value !== undefined) return value
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const value = validOrUndefined(
      schemas,
      key,
      schema,
      generateFromSchema(schema, schemas, `${seed}|body|${attempt}`, 'request'),
    )
    if (value !== undefined) return value
  }
  return undefined
}

export function isAuthParameter(spec: NormalizedSpec, param: NormalizedParameter) {
  if (
    param.in === 'header' &&
    /^(authorization|content-type|accept|content-length)$/i.test(param.name)
  )
    return true
  return Object.values(spec.securitySchemes).some(
    (scheme) =>
      scheme.kind === 'apiKey' &&
      scheme.in === param.in &&
      scheme.parameterName?.toLowerCase() === param.name.toLowerCase(),
  )
}

/**
 * Valid inputs for an operation: required parameters (and the path's
 * identifiers from `pathValues` or as `{{variables}}`), and a body when the
 * operation has one. Throws NotApplicable when no valid value can be made.
 */
export function validInputs(
  operation: NormalizedOperation,
  spec: NormalizedSpec,
  schemas: SpecSchemas,
  {
    seed = operation.id,
    pathValues = {},
    examples = true,
  }: { seed?: string; pathValues?: Record<string, string>; examples?: boolean } = {},
): Inputs {
  const inputs: Inputs = { pathParams: {}, query: [], headers: {}, cookies: [] }
  for (const param of operation.parameters) {
    if (param.in !== 'path' && !param.required) continue
    if (isAuthParameter(spec, param)) continue
    if (param.in === 'path') {
      if (pathValues[param.name] !== undefined) {
        inputs.pathParams[param.name] = pathValues[param.name]!
        continue
      }
      if (isIdentifierParam(schemas, param)) {
        inputs.pathParams[param.name] = `{{${variableFor(param)}}}`
        continue
      }
    }
    const value = parameterValue(operation, param, schemas, seed)
    if (value === undefined)
      throw new NotApplicable(
        `No valid value could be built for ${param.in} parameter “${param.name}”.`,
      )
    const serialised = serialiseParameter(param, value)
    if (param.in === 'path') inputs.pathParams[param.name] = serialised[0]?.[1] ?? ''
    else if (param.in === 'query') inputs.query.push(...serialised)
    else if (param.in === 'header') inputs.headers[param.name] = serialised[0]?.[1] ?? ''
    else inputs.cookies.push(...serialised)
  }
  const chosen = bodyMediaType(operation)
  if (
    chosen &&
    (operation.requestBody?.required || ['POST', 'PUT', 'PATCH'].includes(operation.method))
  ) {
    const [mediaType, media] = chosen
    const value = bodyValue(operation, mediaType, media, schemas, seed, { examples })
    if (value === undefined)
      throw new NotApplicable(`No valid ${mediaType} body could be built from the schema.`)
    inputs.body = {
      mediaType,
      value,
      schema: media.schema,
      ...(media.encoding ? { encoding: media.encoding } : {}),
    }
  }
  return inputs
}

// ---- serialisation ------------------------------------------------------------

function scalar(value: unknown): string {
  if (value === null) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A parameter value as name/value pairs per its style and explode (RFC 6570 as OpenAPI uses it). */
export function serialiseParameter(param: NormalizedParameter, value: unknown): [string, string][] {
  const name = param.name
  if (param.in === 'query' || param.in === 'cookie') {
    if (Array.isArray(value)) {
      if (param.style === 'form' && param.explode) return value.map((item) => [name, scalar(item)])
      const delimiter =
        param.style === 'spaceDelimited' ? ' ' : param.style === 'pipeDelimited' ? '|' : ','
      return [[name, value.map(scalar).join(delimiter)]]
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
      if (param.style === 'deepObject')
        return entries.map(([key, item]) => [`${name}[${key}]`, scalar(item)])
      if (param.explode) return entries.map(([key, item]) => [key, scalar(item)])
      return [[name, entries.flatMap(([key, item]) => [key, scalar(item)]).join(',')]]
    }
    return [[name, scalar(value)]]
  }
  // path and header: simple (label and matrix for path)
  let text: string
  if (Array.isArray(value)) text = value.map(scalar).join(',')
  else if (value && typeof value === 'object')
    text = Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => (param.explode ? `${key}=${scalar(item)}` : `${key},${scalar(item)}`))
      .join(',')
  else text = scalar(value)
  if (param.in === 'path' && param.style === 'label') text = `.${text}`
  if (param.in === 'path' && param.style === 'matrix') text = `;${name}=${text}`
  return [[name, text]]
}

/** Form bodies the way Stripe, Rails and PHP clients send them: `a[b]=c`, `list[0]=x`. */
/** `a[b][0]=…` pairs of a value under `prefix`, as Stripe, Rails and PHP read them (deepObject). */
function bracketPairs(prefix: string, item: unknown, pairs: [string, string][]) {
  if (Array.isArray(item))
    item.forEach((entry, index) => bracketPairs(`${prefix}[${index}]`, entry, pairs))
  else if (item && typeof item === 'object')
    for (const [key, entry] of Object.entries(item as Record<string, unknown>))
      bracketPairs(prefix ? `${prefix}[${key}]` : key, entry, pairs)
  else if (item !== undefined) pairs.push([prefix, item === null ? '' : String(item)])
}

const DELIMITERS: Record<string, string> = { spaceDelimited: ' ', pipeDelimited: '|' }

/**
 * The name/value pairs of a form or multipart body, each property per its encoding object:
 * `deepObject` brackets (`metadata[k]=v`, `expand[0]=x`); arrays in style `form` repeat the
 * name when exploded (OpenAPI's default, as Twilio reads `Capabilities=a&Capabilities=b`) or
 * join with commas; space/pipe-delimited join. An object with no encoding is bracketed, as
 * form-reading servers expect.
 */
function formPairs(
  value: unknown,
  encoding: Record<string, MediaEncoding> = {},
): [string, string | { json: unknown }][] {
  const pairs: [string, string | { json: unknown }][] = []
  const fields =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value }
  for (const [name, item] of Object.entries(fields)) {
    if (item === undefined) continue
    const rule = encoding[name]
    const style = rule?.style ?? 'form'
    const explode = rule?.explode ?? style === 'form'
    if (
      Array.isArray(item) &&
      style !== 'deepObject' &&
      item.every((entry) => typeof entry !== 'object' || entry === null)
    ) {
      const texts = item.map((entry) => (entry === null ? '' : String(entry)))
      if (style === 'form' && explode) for (const text of texts) pairs.push([name, text])
      else pairs.push([name, texts.join(DELIMITERS[style] ?? ',')])
    } else if (item !== null && typeof item === 'object') {
      if (rule?.contentType && /json/i.test(rule.contentType)) pairs.push([name, { json: item }])
      else {
        const nested: [string, string][] = []
        bracketPairs(name, item, nested)
        pairs.push(...nested)
      }
    } else pairs.push([name, item === null ? '' : String(item)])
  }
  return pairs
}

export function formEncode(value: unknown, encoding?: Record<string, MediaEncoding>): string {
  return new URLSearchParams(
    formPairs(value, encoding).map(([name, text]) => [
      name,
      typeof text === 'string' ? text : JSON.stringify(text.json),
    ]),
  ).toString()
}

const BOUNDARY = '----IntegrationCopilotBoundary7MA4YWxkTrZu0gW'

/**
 * Multipart parts: a property with an encoding style is split as a form would be (Stripe's
 * `file_link_data[create]`); another object is one JSON part, OpenAPI's default.
 */
function multipartEncode(value: unknown, encoding: Record<string, MediaEncoding> = {}): string {
  const parts: string[] = []
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? value : { value }
  const part = (name: string, text: string, type?: string) =>
    parts.push(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '')}"\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n${text}\r\n`,
    )
  for (const [name, item] of Object.entries(fields as Record<string, unknown>)) {
    if (item === undefined) continue
    if (item !== null && typeof item === 'object' && encoding[name]?.style)
      for (const [key, text] of formPairs({ [name]: item }, encoding))
        part(key, typeof text === 'string' ? text : JSON.stringify(text.json))
    else if (item !== null && typeof item === 'object')
      part(name, JSON.stringify(item), 'application/json')
    else part(name, String(item))
  }
  return `${parts.join('')}--${BOUNDARY}--\r\n`
}

/** The body as sent: text and the Content-Type header. */
export function encodeBody(
  mediaType: string,
  value: unknown,
  encoding?: Record<string, MediaEncoding>,
): { contentType: string; text: string } {
  const type = mediaType.split(';')[0]!.trim()
  if (JSON_TYPE.test(type)) return { contentType: mediaType, text: JSON.stringify(value) }
  if (FORM_TYPE.test(type)) return { contentType: mediaType, text: formEncode(value, encoding) }
  if (MULTIPART_TYPE.test(type))
    return {
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
      text: multipartEncode(value, encoding),
    }
  return {
    contentType: /\*/.test(type) ? 'application/octet-stream' : mediaType,
    text: typeof value === 'string' ? value : JSON.stringify(value),
  }
}

/** The media types a 2xx of the operation documents, as an Accept header (or undefined). */
export function acceptHeader(operation: NormalizedOperation): string | undefined {
  const types = new Set(
    operation.responses
      .filter((response) => /^2/.test(response.status))
      .flatMap((response) => Object.keys(response.content)),
  )
  return types.size ? [...types].join(', ') : undefined
}

/** A probe from inputs: the operation's method and path, the encoded body, how to authenticate. */
export function toProbe(
  operation: NormalizedOperation,
  inputs: Inputs,
  auth: AuthMode,
  overrides: Partial<Probe> = {},
): Probe {
  const headers: Record<string, string> = { ...inputs.headers }
  const accept = acceptHeader(operation)
  if (accept) headers.accept = accept
  if (inputs.cookies.length)
    headers.cookie = inputs.cookies.map(([name, value]) => `${name}=${value}`).join('; ')
  return {
    method: operation.method,
    path: operation.path,
    pathParams: inputs.pathParams,
    query: inputs.query,
    headers,
    ...(inputs.body
      ? { body: encodeBody(inputs.body.mediaType, inputs.body.value, inputs.body.encoding) }
      : {}),
    auth,
    operationId: operation.id,
    ...overrides,
  }
}

// ---- mutations: invalid in exactly one way ---------------------------------------

export type Mutation = { value: unknown; description: string; property: string }

/** The object schema behind `schema` (refs followed, allOf merged), or undefined when it has no properties. */
export function objectSchema(
  schemas: SpecSchemas,
  schema: JsonSchema | undefined,
): Schema | undefined {
  let current = resolved(schemas, schema)
  if (!current) return undefined
  if (Array.isArray(current.allOf)) {
    const properties: Record<string, JsonSchema> = { ...((current.properties as object) ?? {}) }
    const required = new Set<string>((current.required as string[]) ?? [])
    for (const member of current.allOf as JsonSchema[]) {
      const part = objectSchema(schemas, member)
      Object.assign(properties, part?.properties ?? {})
      for (const name of (part?.required as string[]) ?? []) required.add(name)
    }
    current = { ...current, properties, required: [...required] }
  }
  return current.properties ? current : undefined
}

/** Checks a mutated body: invalid, and only at `property` (so it is invalid in exactly one way). */
function invalidOnlyAt(
  schemas: SpecSchemas,
  key: string,
  schema: JsonSchema,
  value: unknown,
  property: string,
): boolean {
  const violations = schemas.check(key, schema, value, 'request')
  if (violations.length === 0) return false
  return violations.every(
    (violation) =>
      violation.location === `body/${property}` ||
      violation.location.startsWith(`body/${property}/`) ||
      // oneOf/anyOf wrappers report at the root alongside the real cause
      violation.location === 'body',
  )
}

type MutationKind = 'missing-required' | 'wrong-type' | 'enum' | 'constraint'

function wrongTypeValue(schema: Schema): unknown {
  const type = Array.isArray(schema.type)
    ? schema.type.find((entry) => entry !== 'null')
    : schema.type
  switch (type) {
    case 'string':
      return 12345
    case 'integer':
    case 'number':
      return 'not-a-number'
    case 'boolean':
      return 'not-a-boolean'
    case 'array':
      return 'not-an-array'
    case 'object':
      return 'not-an-object'
    default:
      return undefined
  }
}

function constraintValue(
  schema: Schema,
  current: unknown,
): { value: unknown; what: string } | undefined {
  if (typeof schema.maxLength === 'number')
    return {
      value: 'x'.repeat(schema.maxLength + 1),
      what: `longer than maxLength ${schema.maxLength}`,
    }
  if (typeof schema.maximum === 'number')
    return { value: schema.maximum + 1, what: `above maximum ${schema.maximum}` }
  if (typeof schema.exclusiveMaximum === 'number')
    return {
      value: schema.exclusiveMaximum,
      what: `not below exclusiveMaximum ${schema.exclusiveMaximum}`,
    }
  if (typeof schema.minimum === 'number')
    return { value: schema.minimum - 1, what: `below minimum ${schema.minimum}` }
  if (typeof schema.maxItems === 'number' && Array.isArray(current) && current.length > 0)
    return {
      value: Array.from({ length: schema.maxItems + 1 }, () => current[0]),
      what: `more than maxItems ${schema.maxItems}`,
    }
  if (typeof schema.pattern === 'string')
    return { value: '!!not matching!!', what: `not matching pattern ${schema.pattern}` }
  if (
    typeof schema.format === 'string' &&
    /^(email|uuid|date|date-time|uri|ipv4)$/.test(schema.format)
  )
    return { value: `not-a-${schema.format}`, what: `not a valid ${schema.format}` }
  return undefined
}

/**
 * A body derived from `valid` that breaks one rule of its schema, checked with
 * ajv to be invalid at that one property, or null when the schema offers none.
 */
export function mutateBody(
  operation: NormalizedOperation,
  mediaType: string,
  schema: JsonSchema | undefined,
  valid: unknown,
  schemas: SpecSchemas,
  kind: MutationKind,
): Mutation | null {
  const object = objectSchema(schemas, schema)
  if (!object || !valid || typeof valid !== 'object' || Array.isArray(valid)) return null
  const properties = object.properties as Record<string, JsonSchema>
  const required = new Set((object.required as string[]) ?? [])
  const key = `${operation.id}:request:${mediaType}`
  const base = valid as Record<string, unknown>
  for (const [name, propertySchema] of Object.entries(properties)) {
    const property = resolved(schemas, propertySchema)
    if (!property || property.readOnly === true) continue
    let candidate: Record<string, unknown> | undefined
    let description = ''
    if (kind === 'missing-required') {
      if (!required.has(name) || !(name in base)) continue
      const { [name]: _removed, ...rest } = base
      candidate = rest
      description = `required property “${name}” removed`
    } else if (kind === 'wrong-type') {
      const wrong = wrongTypeValue(property)
      if (wrong === undefined || !(name in base)) continue
      candidate = { ...base, [name]: wrong }
      description = `“${name}” sent as ${JSON.stringify(wrong)} (a ${typeof wrong}, not ${String(property.type)})`
    } else if (kind === 'enum') {
      if (!Array.isArray(property.enum)) continue
      candidate = { ...base, [name]: 'not-a-documented-value' }
      description = `“${name}” set to a value outside its enum ${JSON.stringify(property.enum).slice(0, 120)}`
    } else {
      const broken = constraintValue(property, base[name])
      if (!broken) continue
      candidate = { ...base, [name]: broken.value }
      description = `“${name}” ${broken.what}`
    }
    if (candidate && invalidOnlyAt(schemas, key, schema ?? {}, candidate, name))
      return { value: candidate, description, property: name }
  }
  return null
}

/** A query parameter with an enum, set outside it: for APIs whose enums live in the query. */
export function enumQueryMutation(
  operation: NormalizedOperation,
  schemas: SpecSchemas,
): { param: NormalizedParameter; value: string } | null {
  for (const param of operation.parameters) {
    if (param.in !== 'query') continue
    const schema = resolved(schemas, param.schema)
    if (schema && Array.isArray(schema.enum)) return { param, value: 'not-a-documented-value' }
  }
  return null
}

const CREATE_WORDS = /(^|[^a-z])(create|add|new|insert)/i
const NOT_CREATE_WORDS = /delete|remove|cancel|archive|void/i

/**
 * The operation that creates in a collection: its POST, or its PUT where the API creates with
 * PUT (Xero's `PUT /Contacts`); an operation named as a creation wins, one named as a
 * deletion never counts (Xero's `deleteBatchPayment` is a POST on /BatchPayments).
 */
export function collectionCreate(
  operations: readonly NormalizedOperation[],
  collection: string,
): NormalizedOperation | undefined {
  const candidates = operations.filter(
    (operation) =>
      (operation.method === 'POST' || operation.method === 'PUT') &&
      operation.path === collection &&
      !NOT_CREATE_WORDS.test(`${operation.operationId ?? ''} ${operation.summary ?? ''}`),
  )
  const named = (operation: NormalizedOperation) =>
    CREATE_WORDS.test(operation.operationId ?? '') || /^create\b/i.test(operation.summary ?? '')
  return (
    candidates.find(named) ??
    candidates.find((operation) => operation.method === 'POST') ??
    candidates[0]
  )
}

/** `BrandVettingSid`, `brand_vetting_sid` and `brand-vetting-sid` are one name. */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}
