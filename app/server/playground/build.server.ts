/**
 * The request a draft makes, checked before anything is sent: parameters of
 * the operation only, path values encoded as one segment each (never `.` or
 * `..`, so a value cannot climb out of the environment's base path), header
 * names and values free of CR, LF and other control characters, no header that
 * frames the message or carries credentials (the environment's are injected
 * later, on the server), and a body that parses as JSON when its media type
 * says so; a syntax error is placed on its line.
 */
import { parse, type ParseError, printParseErrorCode } from 'jsonc-parser'
import type { NormalizedOperation, NormalizedParameter } from '~/shared/normalized-spec'
import {
  type DraftParam,
  MAX_PLAYGROUND_BODY_BYTES,
  type PlacedViolation,
} from '~/shared/playground'
import type { SpecSchemas } from '../specs/schemas.server'
import { acceptHeader, bodyMediaType, encodeBody } from '../testkit/inputs.server'
import { bodyIsJson, formParameters } from './prefill.server'

/** A request ready to send to a base URL: path (encoded, from `/`), query pairs, headers, body. */
export type BuiltRequest = {
  method: string
  /** The operation path with its parameters filled in and encoded. */
  path: string
  /** The parameter values as typed, for validation. */
  pathParams: Record<string, string>
  query: [string, string][]
  /** Lower-case names. */
  headers: [string, string][]
  body: string | null
}

/** A field of the form the request cannot be sent with, and why. */
export type Refusal = { field: string; message: string }

export type BuildResult =
  | { ok: true; request: BuiltRequest }
  | { ok: false; refusals: Refusal[] }
  /** The body is not JSON: not sent, the syntax error on its line. */
  | { ok: false; refusals: []; syntax: PlacedViolation }

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Tab, printable ASCII and Latin-1: CR, LF, NUL and the other control characters are refused. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/** Headers the client and the environment own. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'authorization',
  'proxy-authorization',
  'cookie',
])
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i

/** Why a header cannot be sent as typed, or null. */
export function headerRefusal(
  name: string,
  value: string,
  credentialNames: ReadonlySet<string>,
): string | null {
  if (!TOKEN.test(name)) return `“${name}” is not a valid header name.`
  if (!HEADER_VALUE.test(value))
    return `The value of ${name} contains a line break or another control character.`
  const lower = name.toLowerCase()
  if (RESERVED_HEADERS.has(lower) || credentialNames.has(lower))
    return lower === 'authorization' || lower === 'cookie' || credentialNames.has(lower)
      ? `${name} is set from the environment's credentials; it cannot be typed here.`
      : `${name} is set by the HTTP client; it cannot be typed here.`
  return null
}

/** `Name: value` lines (blank lines skipped). */
export function parseHeaderLines(text: string): { pairs: [string, string][]; bad: string[] } {
  const pairs: [string, string][] = []
  const bad: string[] = []
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '')
    if (trimmed.trim() === '') continue
    const colon = trimmed.indexOf(':')
    if (colon <= 0) bad.push(trimmed)
    else pairs.push([trimmed.slice(0, colon).trim(), trimmed.slice(colon + 1).trim()])
  }
  return { pairs, bad }
}

function isExplodedArray(param: NormalizedParameter, schemas: SpecSchemas): boolean {
  const schema = schemas.resolve(param.schema)
  const type = schema && typeof schema === 'object' ? schema.type : undefined
  const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'))
  return isArray && param.style === 'form' && param.explode
}

/** A line of the body (1-based) from a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1
  for (let index = 0; index < offset && index < text.length; index++)
    if (text.charCodeAt(index) === 10) line++
  return line
}

/** The first JSON syntax error of a body, on its line, or null when it parses. */
export function jsonSyntaxError(text: string): PlacedViolation | null {
  const errors: ParseError[] = []
  parse(text, errors, { disallowComments: true, allowTrailingComma: false })
  const first = errors[0]
  if (!first) return null
  const line = lineOfOffset(text, first.offset)
  return {
    side: 'request',
    location: 'body',
    message: `is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}`,
    constraint: 'syntax',
    line,
    exact: true,
    notes: [],
  }
}

export type DraftInput = {
  params: DraftParam[]
  headers: string
  mediaType: string | null
  body: string
}

/**
 * Builds the request of `draft` for `operation`, or says which fields refuse it.
 * `credentialNames`: the headers the environment's credential uses (lower case).
 */
export function buildRequest(
  operation: NormalizedOperation,
  schemas: SpecSchemas,
  draft: DraftInput,
  credentialNames: ReadonlySet<string> = new Set(),
): BuildResult {
  const refusals: Refusal[] = []
  const documented = formParameters(operation, schemas)
  const pathParams: Record<string, string> = {}
  const query: [string, string][] = []
  const headers: [string, string][] = []
  draft.params.forEach((entry, index) => {
    const field = `params[${index}].value`
    const param = documented.find(
      (candidate) =>
        candidate.in === entry.in &&
        (entry.in === 'header'
          ? candidate.name.toLowerCase() === entry.name.toLowerCase()
          : candidate.name === entry.name),
    )
    if (!param) {
      refusals.push({
        field,
        message: `${entry.in} parameter “${entry.name}” is not a parameter of this operation.`,
      })
      return
    }
    if (entry.in === 'path') {
      pathParams[param.name] = entry.value
      return
    }
    if (entry.value === '') return
    if (entry.in === 'query') {
      const values = isExplodedArray(param, schemas) ? entry.value.split(',') : [entry.value]
      for (const value of values) query.push([param.name, value])
      return
    }
    const refusal = headerRefusal(param.name, entry.value, credentialNames)
    if (refusal) refusals.push({ field, message: refusal })
    else headers.push([param.name.toLowerCase(), entry.value])
  })

  // The path: every template variable filled, each value one encoded segment.
  const path = operation.path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const index = draft.params.findIndex((entry) => entry.in === 'path' && entry.name === name)
    const field = index >= 0 ? `params[${index}].value` : 'params'
    const value = pathParams[name]
    if (value === undefined || value === '') {
      refusals.push({ field, message: `Fill in the path parameter “${name}”.` })
      return whole
    }
    const encoded = encodeURIComponent(value)
    if (DOT_SEGMENT.test(encoded)) {
      refusals.push({ field, message: `The path parameter “${name}” cannot be “.” or “..”.` })
      return whole
    }
    return encoded
  })
  if (path.split('/').some((segment) => DOT_SEGMENT.test(segment)))
    refusals.push({ field: 'params', message: 'The path would contain a “.” or “..” segment.' })

  const extra = parseHeaderLines(draft.headers)
  for (const line of extra.bad)
    refusals.push({
      field: 'headers',
      message: `“${line.slice(0, 60)}” is not a Name: value line.`,
    })
  for (const [name, value] of extra.pairs) {
    const refusal = headerRefusal(name, value, credentialNames)
    if (refusal) refusals.push({ field: 'headers', message: refusal })
    else headers.push([name.toLowerCase(), value])
  }

  let body: string | null = null
  const mediaType = operation.requestBody
    ? (draft.mediaType ?? bodyMediaType(operation)?.[0] ?? null)
    : null
  if (mediaType && !Object.hasOwn(operation.requestBody!.content, mediaType))
    refusals.push({ field: 'mediaType', message: `The operation does not accept ${mediaType}.` })
  else if (mediaType && draft.body.trim() !== '') {
    if (new TextEncoder().encode(draft.body).byteLength > MAX_PLAYGROUND_BODY_BYTES)
      refusals.push({ field: 'body', message: 'The playground sends bodies up to 1 MB.' })
    else if (bodyIsJson(mediaType)) {
      const syntax = jsonSyntaxError(draft.body)
      if (syntax && refusals.length === 0) return { ok: false, refusals: [], syntax }
      if (!syntax) {
        const isJson = /[/+]json$/i.test(mediaType.split(';')[0]!.trim())
        const encoded = isJson
          ? { contentType: mediaType, text: draft.body }
          : encodeBody(mediaType, JSON.parse(draft.body))
        body = encoded.text
        if (!headers.some(([name]) => name === 'content-type'))
          headers.push(['content-type', encoded.contentType])
      }
    } else {
      body = draft.body
      if (!headers.some(([name]) => name === 'content-type'))
        headers.push(['content-type', mediaType])
    }
  }
  if (refusals.length > 0) return { ok: false, refusals }
  const accept = acceptHeader(operation)
  if (accept && !headers.some(([name]) => name === 'accept')) headers.push(['accept', accept])
  return {
    ok: true,
    request: { method: operation.method.toUpperCase(), path, pathParams, query, headers, body },
  }
}

/**
 * The full URL of a built request on `base` (no trailing slash); null when it
 * would leave the base URL's origin or path.
 */
export function urlOn(base: string, request: Pick<BuiltRequest, 'path' | 'query'>): URL | null {
  let baseUrl: URL
  let url: URL
  try {
    baseUrl = new URL(base)
    url = new URL(`${base}${request.path}`)
  } catch {
    return null
  }
  const basePath = baseUrl.pathname.replace(/\/+$/, '')
  if (url.origin !== baseUrl.origin) return null
  if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return null
  if (url.username || url.password) return null
  for (const [name, value] of request.query) url.searchParams.append(name, value)
  return url
}
