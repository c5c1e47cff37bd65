/**
 * Parses and validates an incoming request against its operation: path,
 * query, header and cookie parameters (OpenAPI style/explode), then the body
 * per media type.
 */
import type {
  JsonSchema,
  MediaTypeContent,
  NormalizedOperation,
  NormalizedParameter,
} from '~/shared/normalized-spec'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { type SpecSchemas, toViolations, type Violation } from './schemas.server'
import {
  coerceToSchema,
  decodeForm,
  type FormPair,
  multipartPairs,
  nestPairs,
  urlencodedPairs,
} from './decode.server'

export type IncomingRequest = {
  method: string
  pathname: string
  query: URLSearchParams
  headers: Record<string, string | undefined>
  body: Buffer
  /** A multipart body's parts, decoded before the engine runs (see `prepareRequest`). */
  form?: FormPair[] | { error: string }
}

/**
 * Decodes what needs the platform's asynchronous parser (multipart bodies)
 * before the synchronous engine sees the request; other requests pass as they
 * are, synchronously (no promise on the hot path).
 */
export function prepareRequest(
  request: IncomingRequest,
): IncomingRequest | Promise<IncomingRequest> {
  const contentType = request.headers['content-type']
  if (request.body.length === 0 || mediaTypeOf(contentType) !== 'multipart/form-data')
    return request
  return multipartPairs(request.body, contentType!).then((form) => ({ ...request, form }))
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
  /** deepObject query parameters: read from the bracket-nested query (`name[a][b]=`, `name[]=`). */
  deepObject?: boolean
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
  if (param.in === 'query' && param.style === 'deepObject') plan.deepObject = true
  return plan
}

/** Whether the path parameter values are valid for the operation (routing between look-alike templates). */
export function pathParamsFit(plan: RequestPlan, pathParams: Record<string, string>): boolean {
  for (const parameter of plan.parameters) {
    if (parameter.param.in !== 'path') continue
    const value = simpleValue(parameter, pathParams[parameter.param.name])
    if (value !== undefined && !parameter.validate()(value)) return false
  }
  return true
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

function queryValue(
  plan: ParameterPlan,
  query: URLSearchParams,
  nested: () => Record<string, unknown>,
  schemas: SpecSchemas,
): unknown {
  const { param, type } = plan
  if (plan.deepObject) {
    const value = nested()[param.name]
    return value === undefined ? undefined : coerceToSchema(value, param.schema, schemas)
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
  request: IncomingRequest,
  pathParams: Record<string, string>,
  cookies: Record<string, string>,
  nestedQuery: () => Record<string, unknown>,
  schemas: SpecSchemas,
) {
  const { param } = plan
  switch (param.in) {
    case 'path':
      return simpleValue(plan, pathParams[param.name])
    case 'query':
      return queryValue(plan, request.query, nestedQuery, schemas)
    case 'header':
      return simpleValue(plan, request.headers[param.name.toLowerCase()])
    case 'cookie':
      return simpleValue(plan, cookies[param.name])
  }
}

/** The last Content-Type seen and its media type: clients send the same one over and over. */
let lastContentType = ''
let lastMediaType: string | null = null

function mediaTypeOf(contentType: string | undefined): string | null {
  if (!contentType) return null
  if (contentType !== lastContentType) {
    const semicolon = contentType.indexOf(';')
    lastMediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon))
      .trim()
      .toLowerCase()
    lastContentType = contentType
  }
  return lastMediaType
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

type DecodedBody = { value: unknown; problems: Violation[] }

/** A body per its media type: JSON parsed, forms decoded per their encoding, text as text, the rest as bytes. */
function parseBody(
  mediaType: string,
  request: IncomingRequest,
  content: MediaTypeContent,
  schemas: SpecSchemas,
): DecodedBody {
  const { body } = request
  if (/[/+]json$/.test(mediaType)) {
    try {
      return { value: JSON.parse(body.toString('utf8')), problems: [] }
    } catch (error) {
      return {
        value: undefined,
        problems: [
          {
            location: 'body',
            message: `is not valid JSON: ${(error as Error).message}`,
            constraint: 'syntax',
          },
        ],
      }
    }
  }
  const form =
    mediaType === 'application/x-www-form-urlencoded'
      ? urlencodedPairs(body.toString('utf8'))
      : mediaType === 'multipart/form-data'
        ? (request.form ?? { error: 'could not be decoded as multipart/form-data' })
        : null
  if (form) {
    if ('error' in form)
      return {
        value: undefined,
        problems: [{ location: 'body', message: form.error, constraint: 'syntax' }],
      }
    const decoded = decodeForm(form, content.schema, content.encoding, schemas)
    return {
      value: decoded.value,
      problems: decoded.problems.map((problem) => ({ ...problem, constraint: 'encoding' })),
    }
  }
  if (mediaType.startsWith('text/')) return { value: body.toString('utf8'), problems: [] }
  return { value: body, problems: [] }
}

/**
 * Names under which specs written from documentation list the credential a second time, as a
 * parameter, beside the security scheme that already describes it (Slack's spec requires a
 * `token` header, query or form field on every method; its SDK sends `Authorization: Bearer`).
 */
const CREDENTIAL_NAME = /^(token|access_?token|auth_?token|api_?key|apikey)$/i

/**
 * A required credential parameter is not missing when the operation is secured and the
 * request carries credentials in an Authorization header, as the security scheme says.
 */
function credentialCovered(
  violation: Violation,
  operation: NormalizedOperation,
  request: IncomingRequest,
): boolean {
  if (!request.headers.authorization || operation.security.length === 0) return false
  if (!violation.constraint?.startsWith('required')) return false
  const name = /^(?:query\.|header\.|cookie\.|body\/)([^/.]+)$/.exec(violation.location)?.[1]
  return name !== undefined && CREDENTIAL_NAME.test(name)
}

export function parseAndValidate(
  operation: NormalizedOperation,
  plan: RequestPlan,
  request: IncomingRequest,
  pathParams: Record<string, string>,
  schemas: SpecSchemas,
): ParsedRequest {
  const violations: Violation[] = []
  const params: ParsedRequest['params'] = { path: {}, query: {}, header: {}, cookie: {} }
  const cookies = plan.readsCookies ? parseCookies(request.headers.cookie) : {}
  let nested: Record<string, unknown> | undefined
  const nestedQuery = () => (nested ??= nestPairs(request.query))
  for (const parameter of plan.parameters) {
    const value = parameterValue(parameter, request, pathParams, cookies, nestedQuery, schemas)
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
        const content = requestBody.content[mediaType]!
        const parsed = parseBody(mediaType, request, content, schemas)
        if (parsed.problems.length > 0) violations.push(...parsed.problems)
        else {
          body = parsed.value
          if (content.schema !== undefined && !Buffer.isBuffer(body)) {
            const validate = bodyValidator(plan, operation, mediaType, content.schema, schemas)
            if (!validate(body)) violations.push(...toViolations('body', validate.errors))
          }
        }
      }
    }
  }
  const kept =
    violations.length > 0 && request.headers.authorization
      ? violations.filter((violation) => !credentialCovered(violation, operation, request))
      : violations
  return { params, body, mediaType, violations: kept, unsupportedMediaType }
}
