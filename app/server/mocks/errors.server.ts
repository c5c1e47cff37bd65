/**
 * Errors in the spec's own shape. When an operation documents an error
 * response (the exact status, `4XX`/`5XX`, or `default`) with a JSON schema,
 * the mock's errors (invalid requests, 401, 404, 409, 415, 429, 5xx) are
 * rendered in that schema: a value generated from it, with the error's text in
 * its message-like fields (`message`, `detail`, `title`…), the parameter in
 * its param-like fields (`param`, `field`, `pointer`…), a fitting `type`/`code`
 * (from the schema's enum when it has one: `invalid_request_error` for a 400,
 * `idempotency_error` for a 409), the status in status-like integers, and one
 * entry per violation in error lists. The result must validate against the
 * schema; otherwise a plainer variant that does is used. An operation that
 * documents no error of its own answers in the API's house error shape, when
 * the spec has one (houseErrorContent). Where the spec documents nothing, the
 * answer is `application/problem+json` (RFC 9457).
 */
import type {
  JsonSchema,
  NormalizedOperation,
  NormalizedResponse,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { documentedResponse } from '~/shared/operations'
import { generateFromSchema } from '../specs/generate.server'
import type { SpecSchemas, Violation } from '../specs/schemas.server'

export const PROBLEM = 'application/problem+json'

export type MockError = {
  status: number
  title: string
  detail: string
  violations?: Violation[]
  headers?: Record<string, string>
}

export type RenderedError = {
  status: number
  headers: Record<string, string>
  body: string
  violations: Violation[]
}

type Schema = Record<string, unknown>

const MESSAGE =
  /^(message|detail|details|description|error_?description|error_?message|msg|reason|text)$/i
const TITLE = /^(title|summary)$/i
const PARAM =
  /^(param|parameter|field|field_?name|pointer|path|location|source|attribute|property)$/i
const KIND = /^(error|type|code|error_?code|error_?type|kind|category)$/i
const STATUS = /^(status|status_?code|http_?status|http_?code|code)$/i
/** Objects that wrap the error itself. */
const ENVELOPE = /^(error|errors?_?(info|detail|body)?|problem|fault)$/i
const LIST = /^(errors|violations|details|problems|invalid_?params|issues|field_?errors)$/i

/** Words that pick an enum value for a status: a 400 is an "invalid request", a 409 an "idempotency"… */
const KIND_WORDS: [RegExp, RegExp][] = [
  [/^401$/, /auth|unauthori[sz]ed|credential|token/i],
  [/^403$/, /forbidden|permission|access/i],
  [/^404$/, /not_?found|missing|resource/i],
  [/^405$/, /method/i],
  [/^409$/, /idempoten|conflict/i],
  [/^415$/, /media|content/i],
  [/^429$/, /rate|limit|too_?many|throttl/i],
  [/^5\d\d$/, /api_?error|server|internal|unavailable/i],
  [/^4\d\d$/, /invalid|request|validation|bad|client/i],
]

const REASONS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
}

export function problemError(error: MockError): RenderedError {
  const { status, title, detail, violations = [], headers = {} } = error
  return {
    status,
    headers: { 'content-type': PROBLEM, ...headers },
    body: JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail,
      ...(violations.length > 0 ? { violations } : {}),
    }),
    violations,
  }
}

type ErrorContent = { type: string; schema: JsonSchema }

function jsonContent(response: NormalizedResponse | undefined): ErrorContent | undefined {
  if (!response) return undefined
  const entry = Object.entries(response.content).find(
    ([type, media]) => /[/+]json$/i.test(type.split(';')[0]!.trim()) && media.schema !== undefined,
  )
  return entry ? { type: entry[0], schema: entry[1].schema! } : undefined
}

/**
 * The API's house error shape: the JSON schema (one `$ref`) that the most operations document
 * for their errors (4XX, 5XX or `default`), when at least two do. OpenAI's spec documents its
 * `ErrorResponse` on a few operations only, and its SDK reads `error.message` from every
 * error: answering the others in problem+json made it report "400 status code (no body)".
 */
export function houseErrorContent(spec: NormalizedSpec): ErrorContent | undefined {
  const uses = new Map<string, { content: ErrorContent; operations: Set<string> }>()
  for (const operation of spec.operations)
    for (const response of operation.responses) {
      if (!/^[45]/.test(response.status) && response.status !== 'default') continue
      const content = jsonContent(response)
      const ref = (content?.schema as { $ref?: unknown } | undefined)?.$ref
      if (!content || typeof ref !== 'string') continue
      const entry = uses.get(ref) ?? { content, operations: new Set<string>() }
      entry.operations.add(operation.id)
      uses.set(ref, entry)
    }
  let best: { content: ErrorContent; operations: Set<string> } | undefined
  for (const entry of uses.values())
    if (entry.operations.size >= 2 && entry.operations.size > (best?.operations.size ?? 0))
      best = entry
  return best?.content
}

/** `body/metadata/order` -> `metadata[order]`; `query.limit` -> `limit`. */
export function parameterName(location: string): string {
  const bare = location.replace(/^(body|query|path|header|cookie)[./]?/, '')
  const [first = '', ...rest] = bare.split('/').filter(Boolean)
  return first + rest.map((part) => `[${part}]`).join('')
}

function resolved(schemas: SpecSchemas, schema: unknown): Schema | undefined {
  const value = schemas.resolve(schema as JsonSchema)
  return value && typeof value === 'object' ? (value as Schema) : undefined
}

/** Properties through allOf, and the first object branch of oneOf/anyOf. */
function properties(schemas: SpecSchemas, schema: Schema, depth = 0): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  if (depth > 6) return out
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Schema)) {
    const value = resolved(schemas, property)
    if (value) out[name] = value
  }
  for (const member of (schema.allOf ?? []) as unknown[]) {
    const value = resolved(schemas, member)
    if (value) Object.assign(out, properties(schemas, value, depth + 1))
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const first = ((schema[key] ?? []) as unknown[])
      .map((member) => resolved(schemas, member))
      .find((member) => member && (member.properties || member.allOf))
    if (first) Object.assign(out, properties(schemas, first, depth + 1))
  }
  return out
}

/** The JSON types a schema allows; a union's are its members' (`anyOf: [string, null]`). */
function types(schema: Schema, schemas: SpecSchemas): string[] {
  for (const key of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(schema[key]) && !schema.type)
      return [
        ...new Set(
          (schema[key] as unknown[]).flatMap((member) => {
            const value = resolved(schemas, member)
            return value && !value.anyOf && !value.oneOf ? types(value, schemas) : []
          }),
        ),
      ]
  if (Array.isArray(schema.type)) return schema.type as string[]
  if (typeof schema.type === 'string') return [schema.type]
  if (schema.properties) return ['object']
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((value) => typeof value))]
  return []
}

function kindValue(schema: Schema, status: number): string | undefined {
  const code = String(status)
  if (Array.isArray(schema.enum)) {
    const options = schema.enum.filter((value): value is string => typeof value === 'string')
    for (const [statuses, words] of KIND_WORDS)
      if (statuses.test(code)) {
        const found = options.find((option) => words.test(option))
        if (found) return found
      }
    return undefined // keep the generated (valid) enum value
  }
  return REASONS[status] ?? (status >= 500 ? 'server_error' : 'client_error')
}

type Fill = { error: MockError; schemas: SpecSchemas; withParam: boolean; withList: boolean }

/** Writes the error into a generated value, in place, following the schema. */
function fill(value: unknown, schema: Schema | undefined, context: Fill, depth: number): unknown {
  if (!schema || depth > 4 || !value || typeof value !== 'object' || Array.isArray(value))
    return value
  const record = value as Record<string, unknown>
  const { error } = context
  const firstViolation = error.violations?.[0]
  for (const [name, property] of Object.entries(properties(context.schemas, schema))) {
    const kinds = types(property, context.schemas)
    const isString = kinds.includes('string')
    if (isString && MESSAGE.test(name)) record[name] = error.detail
    else if (isString && TITLE.test(name)) record[name] = error.title
    else if (isString && PARAM.test(name) && context.withParam && firstViolation)
      record[name] = parameterName(firstViolation.location)
    else if ((kinds.includes('integer') || kinds.includes('number')) && STATUS.test(name))
      record[name] = error.status
    else if (isString && KIND.test(name)) {
      const kind = kindValue(property, error.status)
      if (kind !== undefined) record[name] = kind
    } else if (kinds.includes('array') && LIST.test(name) && context.withList) {
      const items = resolved(context.schemas, property.items)
      const violations = (error.violations ?? []).slice(0, 20)
      if (items && violations.length > 0) {
        const template = record[name]
        const sample = Array.isArray(template) ? template[0] : undefined
        record[name] = violations.map((violation) => {
          if (types(items, context.schemas).includes('string'))
            return `${violation.location}: ${violation.message}`
          const entry = structuredClone(sample ?? {})
          return fill(
            entry,
            items,
            {
              ...context,
              error: {
                ...error,
                detail: `${parameterName(violation.location) || 'request'} ${violation.message}`,
                violations: [violation],
              },
            },
            depth + 1,
          )
        })
      }
    } else if (
      ENVELOPE.test(name) &&
      (kinds.includes('object') || property.properties || property.allOf)
    ) {
      // Nested envelopes: Stripe's `{error: {type, message, param}}`, `{error: {code, message}}`;
      // an optional one is added when it has a place for the message. Other objects (a
      // payment intent attached to a card error) are left as generated.
      if (
        record[name] === undefined &&
        Object.keys(properties(context.schemas, property)).some((key) => MESSAGE.test(key))
      )
        record[name] = {}
      fill(record[name], property, context, depth + 1)
    }
  }
  return record
}

/**
 * Renders an error for an operation: in its documented error schema when it
 * has one, else in the API's house error shape (`house`, houseErrorContent),
 * when the result validates; else as problem+json.
 */
export function renderError(
  operation: NormalizedOperation | undefined,
  error: MockError,
  schemas: SpecSchemas,
  cache?: Map<string, unknown>,
  house?: ErrorContent,
): RenderedError {
  const documented = operation
    ? (jsonContent(documentedResponse(operation, error.status)) ?? house)
    : undefined
  if (!operation || !documented) return problemError(error)
  const schema = resolved(schemas, documented.schema)
  const validate = schemas.validator(`error:${operation.id}:${error.status}`, documented.schema)
  // Only what the schema requires is generated: an error carries its message, not a made-up
  // payment intent. Cached per operation and status.
  const key = `${operation.id}|${error.status}`
  let base = cache?.get(key)
  if (base === undefined) {
    base = generateFromSchema(documented.schema, schemas, `error|${key}`, 'response', {
      maxOptional: 0,
    })
    cache?.set(key, base)
  }
  // The fullest rendering that validates: with the parameter and the list, without, as generated.
  for (const [withParam, withList] of [
    [true, true],
    [true, false],
    [false, false],
  ] as const) {
    const value = fill(structuredClone(base), schema, { error, schemas, withParam, withList }, 0)
    if (validate(value)) return rendered(error, documented.type, value)
  }
  return validate(base) ? rendered(error, documented.type, base) : problemError(error)
}

function rendered(error: MockError, type: string, value: unknown): RenderedError {
  return {
    status: error.status,
    headers: {
      'content-type': /json/i.test(type) ? `${type}; charset=utf-8` : type,
      ...(error.headers ?? {}),
    },
    body: JSON.stringify(value),
    violations: error.violations ?? [],
  }
}
