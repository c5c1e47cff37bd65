/**
 * Parses and validates an incoming request against its operation: path,
 * query, header and cookie parameters (OpenAPI style/explode), then the body
 * per media type.
 */
import type { JsonSchema, NormalizedOperation, NormalizedParameter } from '~/shared/normalized-spec'
import { type SpecSchemas, toViolations, type Violation } from './schemas.server'

export type MockRequest = {
  method: string
  pathname: string
  query: URLSearchParams
  headers: Record<string, string | undefined>
  body: Buffer
}

export type ParsedRequest = {
  params: Record<string, Record<string, unknown>>
  body: unknown
  mediaType: string | null
  violations: Violation[]
  /** 415 when the body's media type is not one the operation accepts. */
  unsupportedMediaType: boolean
}

function schemaType(schemas: SpecSchemas, schema: JsonSchema): string | undefined {
  const resolved = schemas.resolve(schema)
  if (!resolved || typeof resolved !== 'object') return undefined
  const type = resolved.type
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') as string | undefined
  if (typeof type === 'string') return type
  if (resolved.properties) return 'object'
  if (resolved.items) return 'array'
  return undefined
}

/** Turns a raw string into the schema's scalar type when it reads as one; otherwise leaves it for ajv to reject. */
function coerceScalar(raw: string, type: string | undefined): unknown {
  if (type === 'integer' || type === 'number')
    return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw
  if (type === 'null') return raw === '' || raw === 'null' ? null : raw
  return raw
}

function itemType(schemas: SpecSchemas, schema: JsonSchema) {
  const resolved = schemas.resolve(schema)
  const items =
    resolved && typeof resolved === 'object'
      ? (resolved.items as JsonSchema | undefined)
      : undefined
  return items ? schemaType(schemas, items) : undefined
}

const DELIMITERS: Record<string, string> = {
  form: ',',
  simple: ',',
  spaceDelimited: ' ',
  pipeDelimited: '|',
}

function queryValue(
  param: NormalizedParameter,
  query: URLSearchParams,
  schemas: SpecSchemas,
): unknown {
  const type = schemaType(schemas, param.schema)
  if (type === 'object' && param.style === 'deepObject') {
    const object: Record<string, unknown> = {}
    const resolved = schemas.resolve(param.schema) as
      { properties?: Record<string, JsonSchema> } | undefined
    for (const [key, value] of query) {
      const inner = new RegExp(
        `^${param.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[([^\\]]+)\\]$`,
      ).exec(key)?.[1]
      if (inner)
        object[inner] = coerceScalar(
          value,
          resolved?.properties?.[inner]
            ? schemaType(schemas, resolved.properties[inner]!)
            : undefined,
        )
    }
    return Object.keys(object).length ? object : undefined
  }
  const values = query.getAll(param.name)
  if (values.length === 0) return undefined
  if (type === 'array') {
    const parts =
      param.explode && param.style === 'form'
        ? values
        : values.flatMap((value) => value.split(DELIMITERS[param.style] ?? ','))
    return parts.map((part) => coerceScalar(part, itemType(schemas, param.schema)))
  }
  return coerceScalar(values[values.length - 1]!, type)
}

function simpleValue(
  param: NormalizedParameter,
  raw: string | undefined,
  schemas: SpecSchemas,
): unknown {
  if (raw === undefined) return undefined
  const type = schemaType(schemas, param.schema)
  if (type === 'array')
    return raw.split(',').map((part) => coerceScalar(part.trim(), itemType(schemas, param.schema)))
  return coerceScalar(raw, type)
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index > 0)
      cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim())
  }
  return cookies
}

function parameterValue(
  param: NormalizedParameter,
  request: MockRequest,
  pathParams: Record<string, string>,
  cookies: Record<string, string>,
  schemas: SpecSchemas,
) {
  switch (param.in) {
    case 'path':
      return simpleValue(param, pathParams[param.name], schemas)
    case 'query':
      return queryValue(param, request.query, schemas)
    case 'header':
      return simpleValue(param, request.headers[param.name.toLowerCase()], schemas)
    case 'cookie':
      return simpleValue(param, cookies[param.name], schemas)
  }
}

function mediaTypeOf(contentType: string | undefined): string | null {
  return contentType ? contentType.split(';')[0]!.trim().toLowerCase() : null
}

/** The operation's declared media type that matches the request's Content-Type (with wildcards). */
export function matchMediaType(declared: string[], actual: string | null): string | null {
  if (!actual) return null
  return (
    declared.find((type) => type.toLowerCase() === actual) ??
    declared.find((type) => type.endsWith('/*') && actual.startsWith(type.slice(0, -1))) ??
    declared.find((type) => type === '*/*') ??
    (actual.endsWith('+json') || actual === 'application/json'
      ? (declared.find((type) => /[/+]json$/i.test(type)) ?? null)
      : null)
  )
}

function parseBody(mediaType: string, body: Buffer): { value: unknown; error?: string } {
  const text = body.toString('utf8')
  if (/[/+]json$/.test(mediaType)) {
    try {
      return { value: JSON.parse(text) }
    } catch (error) {
      return { value: undefined, error: `is not valid JSON: ${(error as Error).message}` }
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    const object: Record<string, string | string[]> = {}
    for (const [key, value] of new URLSearchParams(text)) {
      const existing = object[key]
      object[key] =
        existing === undefined
          ? value
          : Array.isArray(existing)
            ? [...existing, value]
            : [existing, value]
    }
    return { value: object }
  }
  if (mediaType.startsWith('text/')) return { value: text }
  return { value: body }
}

/** Form fields arrive as strings: coerce them by the body schema's property types before validating. */
function coerceFormObject(
  value: Record<string, unknown>,
  schema: JsonSchema | undefined,
  schemas: SpecSchemas,
) {
  const resolved = schemas.resolve(schema) as
    { properties?: Record<string, JsonSchema> } | undefined
  const out: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(value)) {
    const property = resolved?.properties?.[key]
    const type = property ? schemaType(schemas, property) : undefined
    if (type === 'array')
      out[key] = (Array.isArray(raw) ? raw : [raw]).map((entry) =>
        coerceScalar(String(entry), itemType(schemas, property!)),
      )
    else out[key] = typeof raw === 'string' ? coerceScalar(raw, type) : raw
  }
  return out
}

export function parseAndValidate(
  operation: NormalizedOperation,
  request: MockRequest,
  pathParams: Record<string, string>,
  schemas: SpecSchemas,
): ParsedRequest {
  const violations: Violation[] = []
  const params: ParsedRequest['params'] = { path: {}, query: {}, header: {}, cookie: {} }
  const cookies = parseCookies(request.headers.cookie)
  for (const param of operation.parameters) {
    const value = parameterValue(param, request, pathParams, cookies, schemas)
    const location = `${param.in}.${param.name}`
    if (value === undefined) {
      if (param.required)
        violations.push({ location, message: 'is required', constraint: 'required' })
      continue
    }
    params[param.in]![param.name] = value
    const validate = schemas.validator(`${operation.id}:${location}`, param.schema)
    if (!validate(value)) violations.push(...toViolations(location, validate.errors))
  }

  let body: unknown
  let mediaType: string | null = null
  let unsupportedMediaType = false
  const requestBody = operation.requestBody
  if (requestBody) {
    const hasBody = request.body.length > 0
    if (!hasBody) {
      if (requestBody.required)
        violations.push({ location: 'body', message: 'is required', constraint: 'required' })
    } else {
      const declared = Object.keys(requestBody.content)
      mediaType = matchMediaType(declared, mediaTypeOf(request.headers['content-type']))
      if (!mediaType && declared.length > 0) {
        unsupportedMediaType = true
      } else if (mediaType) {
        const parsed = parseBody(mediaType, request.body)
        const content = requestBody.content[mediaType]!
        if (parsed.error)
          violations.push({ location: 'body', message: parsed.error, constraint: 'syntax' })
        else {
          body =
            mediaType === 'application/x-www-form-urlencoded'
              ? coerceFormObject(parsed.value as Record<string, unknown>, content.schema, schemas)
              : parsed.value
          if (content.schema !== undefined && !Buffer.isBuffer(body)) {
            const validate = schemas.validator(`${operation.id}:body:${mediaType}`, content.schema)
            if (!validate(body)) violations.push(...toViolations('body', validate.errors))
          }
        }
      }
    }
  }
  return { params, body, mediaType, violations, unsupportedMediaType }
}
