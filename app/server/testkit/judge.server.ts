/**
 * Judgements shared by the templates: which documented response an answer
 * falls under, media-type matching (parameters, wildcards and RFC 6839
 * suffixes), schema validation of bodies and headers, and the spec pointer
 * every assertion names.
 */
import {
  documentedContent,
  documentedResponse,
  mediaTypeMatches,
  splitType,
} from '~/shared/operations'
import type {
  NormalizedOperation,
  NormalizedResponse,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import type { SpecSchemas } from '../specs/schemas.server'
import type { Assertion, Exchange } from './model.server'
import { mediaTypeOf } from './probe.server'

function escapePointer(segment: string) {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** `#/paths/~1pets~1{id}/get` (or `#/webhooks/...`), the operation's place in the spec. */
export function operationPointer(operation: NormalizedOperation): string {
  const root = operation.kind === 'webhook' ? 'webhooks' : 'paths'
  return `#/${root}/${escapePointer(operation.path)}/${operation.method.toLowerCase()}`
}

export function responsePointer(
  spec: NormalizedSpec,
  operation: NormalizedOperation,
  response: NormalizedResponse,
  mediaType?: string,
): string {
  const base = `${operationPointer(operation)}/responses/${response.status}`
  if (!mediaType) return base
  return spec.flavour === 'swagger-2.0'
    ? `${base}/schema`
    : `${base}/content/${escapePointer(mediaType)}/schema`
}

export { documentedContent, documentedResponse, mediaTypeMatches }

/** Like documentedResponse but without `default` (for "is this status documented"). */
export function explicitlyDocumented(operation: NormalizedOperation, status: number): boolean {
  const code = String(status)
  return operation.responses.some(
    (response) => response.status === code || response.status.toUpperCase() === `${code[0]}XX`,
  )
}

const JSONISH = /(^|\+|\/)json$/

/** Body validation against the documented schema, as assertions (one, listing every violation). */
export function schemaAssertions(
  spec: NormalizedSpec,
  schemas: SpecSchemas,
  operation: NormalizedOperation,
  exchange: Exchange,
  { requiredOnly = false, name }: { requiredOnly?: boolean; name: string },
): Assertion[] | null {
  const response = exchange.response
  if (!response) return null
  const documented = documentedResponse(operation, response.status)
  if (!documented) return null
  const actualType = mediaTypeOf(exchange)
  const entry = documentedContent(documented, actualType)
  if (!entry || !entry[1].schema) return null
  const [type, media] = entry
  if (!JSONISH.test(splitType(type).join('/')) && !JSONISH.test(actualType)) return null
  const pointer = responsePointer(spec, operation, documented, type)
  if (exchange.json === undefined) {
    if (requiredOnly) return null
    return [
      {
        name,
        passed: false,
        expected: `a JSON body valid against ${pointer}`,
        actual: response.body.trim() === '' ? 'an empty body' : 'a body that is not JSON',
        pointer,
      },
    ]
  }
  let violations = schemas.check(
    `${operation.id}:response:${documented.status}:${type}`,
    media.schema!,
    exchange.json,
    'response',
  )
  if (requiredOnly)
    violations = violations.filter((violation) => /^required\b/.test(violation.constraint ?? ''))
  return [
    {
      name,
      passed: violations.length === 0,
      expected: requiredOnly
        ? `every required property of ${pointer}`
        : `a body valid against ${pointer}`,
      actual:
        violations.length === 0
          ? 'valid'
          : violations
              .slice(0, 20)
              .map(
                (violation) =>
                  `${violation.location.replace(/^body/, '') || '/'} ${violation.message}`,
              )
              .join('; ') + (violations.length > 20 ? ` (+${violations.length - 20} more)` : ''),
      pointer,
    },
  ]
}

export function statusText(exchange: Exchange): string {
  if (exchange.response) return String(exchange.response.status)
  return exchange.error
    ? `no answer (${exchange.error.code}: ${exchange.error.message})`
    : 'no answer'
}

/** A single status assertion. */
export function statusAssertion(
  name: string,
  exchange: Exchange,
  expected: string,
  passes: (status: number) => boolean,
  pointer?: string,
): Assertion {
  const status = exchange.response?.status
  return {
    name,
    passed: status !== undefined && passes(status),
    expected,
    actual: statusText(exchange),
    ...(pointer ? { pointer } : {}),
  }
}

/** The status codes an operation documents, for messages. */
export function documentedStatuses(operation: NormalizedOperation): string {
  return operation.responses.map((response) => response.status).join(', ') || 'none'
}

/** A documented response's JSON content (a text/csv alternative says nothing of the body), else its first. */
export function jsonContent(response: NormalizedResponse | undefined) {
  if (!response) return undefined
  return (
    Object.entries(response.content).find(([type]) => /json/i.test(type))?.[1] ??
    Object.values(response.content)[0]
  )
}

/** The error schema documented for `status` (exact, 4XX, default), when it has one. */
export function errorSchemaFor(operation: NormalizedOperation, status: number) {
  const documented = documentedResponse(operation, status)
  if (!documented) return undefined
  const entry =
    Object.entries(documented.content).find(([type]) => /json/i.test(type)) ??
    Object.entries(documented.content)[0]
  return entry?.[1].schema ? { response: documented, type: entry[0] } : undefined
}

/**
 * A 4xx answer to an invalid request, with the documented error shape when
 * the returned status documents one: the judgement of the request-validation
 * templates.
 */
export function rejectionAssertions(
  spec: NormalizedSpec,
  schemas: SpecSchemas,
  operation: NormalizedOperation,
  exchange: Exchange,
  what: string,
): Assertion[] {
  const assertions: Assertion[] = [
    statusAssertion(
      'rejected with a 4xx',
      exchange,
      `a 4xx refusing ${what}`,
      (status) => status >= 400 && status < 500,
      operationPointer(operation),
    ),
  ]
  const status = exchange.response?.status
  if (status !== undefined && status >= 400 && status < 500 && errorSchemaFor(operation, status)) {
    const shape = schemaAssertions(spec, schemas, operation, exchange, {
      name: 'error body in the documented shape',
    })
    if (shape) assertions.push(...shape)
  }
  return assertions
}

/** Patterns of internals leaking in error answers. */
const LEAKS: [RegExp, string][] = [
  [/\bat [\w$.<>]+ \((?:\/|[A-Za-z]:\\|file:)[^)]*:\d+:\d+\)/, 'a JavaScript stack frame'],
  [/^\s*at [\w$.<>]+ \(?[^)\s]+\.(?:js|ts|mjs|cjs):\d+/m, 'a JavaScript stack frame'],
  [/Traceback \(most recent call last\)/, 'a Python traceback'],
  [/File "[^"]+\.py", line \d+/, 'a Python stack frame'],
  [/\bat [a-z][\w$]*(?:\.[\w$]+)+\([\w$]+\.(?:java|kt|scala):\d+\)/, 'a JVM stack frame'],
  [
    /\b(?:java|javax|org\.springframework|org\.hibernate)\.[\w.]+(?:Exception|Error)\b/,
    'a JVM exception name',
  ],
  [/\b(?:System|Microsoft)\.[\w.]+Exception\b/, 'a .NET exception name'],
  [/\bin \/[\w/.-]+\.php on line \d+/, 'a PHP error location'],
  [/\b(?:Fatal error|Parse error|Warning): .+ in \/[\w/.-]+/, 'a PHP error'],
  [
    /\/(?:home|usr\/src|var\/www|srv|app|opt)\/[\w.-]+\/[\w./-]+\.(?:js|ts|py|rb|php|java|go|cs)\b/,
    'an absolute source path',
  ],
  [/[A-Za-z]:\\(?:Users|inetpub|src|app)\\[\w\\.-]+/, 'a Windows source path'],
  [/\bnode_modules\/[\w@/.-]+/, 'a node_modules path'],
  [
    /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|NullPointerException|KeyError|AttributeError|NoMethodError|ActiveRecord::\w+):/,
    'an exception name',
  ],
  [
    /\bSQLSTATE\[\w+\]|\bORA-\d{5}\b|syntax error at or near "|\bSQLITE_ERROR\b|You have an error in your SQL syntax/,
    'a database error',
  ],
  [/\bgoroutine \d+ \[running\]:/, 'a Go panic'],
]

export function leakAssertion(exchange: Exchange): Assertion {
  const response = exchange.response
  const haystack = response
    ? `${Object.entries(response.headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n')}\n${response.body}`
    : ''
  const found = LEAKS.find(([pattern]) => pattern.test(haystack))
  const excerpt = found ? (found[0].exec(haystack)?.[0] ?? '').slice(0, 160) : ''
  return {
    name: 'no internals in the error answer',
    passed: !found,
    expected: 'no stack trace, source path, exception name or database error',
    actual: found ? `${found[1]}: “${excerpt}”` : 'none found',
  }
}
