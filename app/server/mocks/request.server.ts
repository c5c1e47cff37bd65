/**
 * Parses and validates an incoming request against its operation: path,
 * query, header and cookie parameters (OpenAPI style/explode), then the body
 * per media type.
 */
import type { JsonSchema, NormalizedOperation, NormalizedParameter } from '~/shared/normalized-spec'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { type SpecSchemas, toViolations, type Violation } from '../specs/schemas.server'

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

/** What a parameter needs at request time, worked out once per operation. */
type ParameterPlan = {
  param: NormalizedParameter
  location: string
  type: string | undefined
  itemType: string | undefined
  /** Compiled on first use: a parameter never sent never costs a compile. */
  validate: () => ValidateFunction
  /** deepObject query parameters: `name[key]` -> key, with each key's type. */
  deepObject?: { key: RegExp; propertyTypes: Record<string, string | undefined> }
}

export type RequestPlan = {
  parameters: ParameterPlan[]
  readsCookies: boolean
  bodyMediaTypes: string[]
  bodyValidators: Map<string, ValidateFunction>
}

function planParameter(
  operation: NormalizedOperation,
  param: NormalizedParameter,
  schemas: SpecSchemas,
): ParameterPlan {
  const location = `${param.in}.${param.name}`
  const type = schemaType(schemas, param.schema)
  const plan: ParameterPlan = {
    param,
    location,
    type,
    itemType: type === 'array' ? itemType(schemas, param.schema) : undefined,
    validate: () => {
      const compiled = schemas.validator(`${operation.id}:${location}`, param.schema)
      plan.validate = () => compiled
      return compiled
    },
  }
  if (param.in === 'query' && type === 'object' && param.style === 'deepObject') {
    const resolved = schemas.resolve(param.schema) as
      { properties?: Record<string, JsonSchema> } | undefined
    const propertyTypes: Record<string, string | undefined> = {}
    for (const [key, schema] of Object.entries(resolved?.properties ?? {}))
      propertyTypes[key] = schemaType(schemas, schema)
    plan.deepObject = {
      key: new RegExp(`^${param.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[([^\\]]+)\\]$`),
      propertyTypes,
    }
  }
  return plan
}

/** Built once per operation (the engine keeps it): types, validators and locations of its inputs. */
export function planRequest(operation: NormalizedOperation, schemas: SpecSchemas): RequestPlan {
  return {
    parameters: operation.parameters.map((param) => planParameter(operation, param, schemas)),
    readsCookies: operation.parameters.some((param) => param.in === 'cookie'),
    bodyMediaTypes: Object.keys(operation.requestBody?.content ?? {}),
    bodyValidators: new Map(),
  }
}

function bodyValidator(
  plan: RequestPlan,
  operation: NormalizedOperation,
  mediaType: string,
  schema: JsonSchema,
  schemas: SpecSchemas,
): ValidateFunction {
  let validate = plan.bodyValidators.get(mediaType)
  if (!validate) {
    validate = schemas.validator(`${operation.id}:body:${mediaType}`, schema)
    plan.bodyValidators.set(mediaType, validate)
  }
  return validate
}

function queryValue(plan: ParameterPlan, query: URLSearchParams): unknown {
  const { param, type } = plan
  if (plan.deepObject) {
    const object: Record<string, unknown> = {}
    for (const [key, value] of query) {
      const inner = plan.deepObject.key.exec(key)?.[1]
      if (inner) object[inner] = coerceScalar(value, plan.deepObject.propertyTypes[inner])
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
    return parts.map((part) => coerceScalar(part, plan.itemType))
  }
  return coerceScalar(values[values.length - 1]!, type)
}

function simpleValue(plan: ParameterPlan, raw: string | undefined): unknown {
  if (raw === undefined) return undefined
  if (plan.type === 'array')
    return raw.split(',').map((part) => coerceScalar(part.trim(), plan.itemType))
  return coerceScalar(raw, plan.type)
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
  plan: ParameterPlan,
  request: MockRequest,
  pathParams: Record<string, string>,
  cookies: Record<string, string>,
) {
  const { param } = plan
  switch (param.in) {
    case 'path':
      return simpleValue(plan, pathParams[param.name])
    case 'query':
      return queryValue(plan, request.query)
    case 'header':
      return simpleValue(plan, request.headers[param.name.toLowerCase()])
    case 'cookie':
      return simpleValue(plan, cookies[param.name])
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
  plan: RequestPlan,
  request: MockRequest,
  pathParams: Record<string, string>,
  schemas: SpecSchemas,
): ParsedRequest {
  const violations: Violation[] = []
  const params: ParsedRequest['params'] = { path: {}, query: {}, header: {}, cookie: {} }
  const cookies = plan.readsCookies ? parseCookies(request.headers.cookie) : {}
  for (const parameter of plan.parameters) {
    const value = parameterValue(parameter, request, pathParams, cookies)
    const { param, location } = parameter
    if (value === undefined) {
      if (param.required)
        violations.push({ location, message: 'is required', constraint: 'required' })
      continue
    }
    params[param.in]![param.name] = value
    const validate = parameter.validate()
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
      const declared = plan.bodyMediaTypes
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
            const validate = bodyValidator(plan, operation, mediaType, content.schema, schemas)
            if (!validate(body)) violations.push(...toViolations('body', validate.errors))
          }
        }
      }
    }
  }
  return { params, body, mediaType, violations, unsupportedMediaType }
}
