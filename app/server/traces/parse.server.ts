/**
 * A trace batch's body -> exchanges: the JSON shape
 * `{"traces":[{request, response, timestamp, durationMs}]}` or a HAR 1.2
 * log. The whole body is refused only when it cannot be read at all; a trace
 * that is malformed is rejected alone, with its index and the reason.
 */
import { z } from 'zod'

export const MAX_TRACES_PER_BATCH = 1000
export const MAX_BATCH_BYTES = 10 * 1024 * 1024

export class TraceBatchError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message)
  }
}

/** One exchange as it will be judged and stored. */
export type TraceInput = {
  method: string
  url: string
  requestHeaders: Record<string, string>
  requestBody: string
  status: number
  responseHeaders: Record<string, string>
  responseBody: string
  occurredAt: Date
  durationMs: number | null
}

export type ParsedBatch = {
  format: 'json' | 'har'
  traces: { index: number; trace: TraceInput }[]
  rejected: { index: number; reason: string }[]
}

const METHOD = /^[A-Za-z]{1,16}$/
const HeaderValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])
const Headers = z.record(z.string().max(256), HeaderValue).optional()
/** A body: text as is, any other JSON value as its JSON text. */
const Body = z.unknown().optional()

const JsonTrace = z.object({
  request: z.object({
    method: z.string().regex(METHOD, 'request.method must be an HTTP method such as GET'),
    url: z.string().min(1, 'request.url is required').max(8192, 'request.url is too long'),
    headers: Headers,
    body: Body,
  }),
  response: z.object({
    status: z
      .number({ error: 'response.status must be a number' })
      .int('response.status must be a whole number')
      .min(100, 'response.status must be 100-599')
      .max(599, 'response.status must be 100-599'),
    headers: Headers,
    body: Body,
  }),
  timestamp: z.union([z.string(), z.number()]).optional(),
  durationMs: z.number().min(0).max(86_400_000).optional(),
})

const HarHeaders = z.array(z.object({ name: z.string(), value: z.string() })).optional()
const HarEntry = z.object({
  startedDateTime: z.string().optional(),
  time: z.number().optional(),
  request: z.object({
    method: z.string().regex(METHOD, 'request.method must be an HTTP method such as GET'),
    url: z.string().min(1).max(8192),
    headers: HarHeaders,
    postData: z
      .object({
        mimeType: z.string().optional(),
        text: z.string().optional(),
        params: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
      })
      .optional(),
  }),
  response: z.object({
    status: z.number().int(),
    headers: HarHeaders,
    content: z
      .object({
        mimeType: z.string().optional(),
        text: z.string().optional(),
        encoding: z.string().optional(),
      })
      .optional(),
  }),
})

function headerMap(
  headers: Record<string, unknown> | { name: string; value: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (name: string, value: string) => {
    const key = name.toLowerCase()
    // HTTP/2 pseudo-headers (:authority, :path) are not headers of the exchange.
    if (key.startsWith(':')) return
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`
  }
  if (Array.isArray(headers)) for (const { name, value } of headers) add(name, value)
  else if (headers)
    for (const [name, value] of Object.entries(headers))
      add(name, Array.isArray(value) ? value.join(', ') : String(value))
  return out
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return ''
  return typeof body === 'string' ? body : JSON.stringify(body)
}

/** A timestamp as ISO text or unix seconds/milliseconds; `fallback` when absent. */
function parseTimestamp(value: string | number | undefined, fallback: Date): Date | string {
  if (value === undefined || value === '') return fallback
  const date =
    typeof value === 'number'
      ? new Date(value < 1e12 ? value * 1000 : value)
      : /^\d+(\.\d+)?$/.test(value)
        ? new Date(Number(value) < 1e12 ? Number(value) * 1000 : Number(value))
        : new Date(value)
  if (Number.isNaN(date.getTime())) return 'timestamp must be an ISO 8601 date-time or unix seconds'
  if (date.getTime() > fallback.getTime() + 24 * 3600_000)
    return 'timestamp is more than a day in the future'
  return date
}

function checkUrl(url: string): string | null {
  if (url.startsWith('/')) return null
  try {
    const parsed = new URL(url)
    return /^https?:$/.test(parsed.protocol) ? null : 'request.url must be an http(s) URL or a path'
  } catch {
    return 'request.url must be an absolute http(s) URL or a path starting with /'
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!
  const where = issue.path.join('.')
  return issue.message.startsWith(where) || !where ? issue.message : `${where}: ${issue.message}`
}

function harBody(content: { text?: string; encoding?: string; mimeType?: string } | undefined) {
  if (!content?.text) return ''
  if (content.encoding === 'base64') {
    const bytes = Buffer.from(content.text, 'base64')
    return /json|text|xml|form/i.test(content.mimeType ?? '') ? bytes.toString('utf8') : ''
  }
  return content.text
}

function fromJsonTrace(raw: unknown, now: Date): TraceInput | string {
  const parsed = JsonTrace.safeParse(raw)
  if (!parsed.success) return firstIssue(parsed.error)
  const { request, response } = parsed.data
  const urlProblem = checkUrl(request.url)
  if (urlProblem) return urlProblem
  const occurredAt = parseTimestamp(parsed.data.timestamp, now)
  if (typeof occurredAt === 'string') return occurredAt
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    requestHeaders: headerMap(request.headers),
    requestBody: bodyText(request.body),
    status: response.status,
    responseHeaders: headerMap(response.headers),
    responseBody: bodyText(response.body),
    occurredAt,
    durationMs: parsed.data.durationMs ?? null,
  }
}

function fromHarEntry(raw: unknown, now: Date): TraceInput | string {
  const parsed = HarEntry.safeParse(raw)
  if (!parsed.success) return firstIssue(parsed.error)
  const { request, response } = parsed.data
  const urlProblem = checkUrl(request.url)
  if (urlProblem) return urlProblem
  if (response.status === 0)
    return 'the request got no response (HAR status 0: blocked, cancelled or failed)'
  if (response.status < 100 || response.status > 599) return 'response.status must be 100-599'
  const occurredAt = parseTimestamp(parsed.data.startedDateTime, now)
  if (typeof occurredAt === 'string') return occurredAt
  const requestHeaders = headerMap(request.headers)
  let requestBody = request.postData?.text ?? ''
  if (!requestBody && request.postData?.params?.length) {
    requestBody = new URLSearchParams(
      request.postData.params.map((param) => [param.name, param.value ?? '']),
    ).toString()
  }
  if (request.postData?.mimeType && !requestHeaders['content-type'])
    requestHeaders['content-type'] = request.postData.mimeType
  const responseHeaders = headerMap(response.headers)
  if (response.content?.mimeType && !responseHeaders['content-type'])
    responseHeaders['content-type'] = response.content.mimeType
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    requestHeaders,
    requestBody,
    status: response.status,
    responseHeaders,
    responseBody: harBody(response.content),
    occurredAt,
    durationMs:
      parsed.data.time !== undefined && parsed.data.time >= 0 ? Math.round(parsed.data.time) : null,
  }
}

function isHar(value: unknown): value is { log: { entries: unknown } } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'log' in value &&
    typeof (value as { log: unknown }).log === 'object' &&
    (value as { log: unknown }).log !== null
  )
}

/** Reads a batch. `contentType` picks HAR (`application/har+json`) or lets the shape decide. */
export function parseTraceBatch(text: string, contentType: string, now = new Date()): ParsedBatch {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  if (type && !/^application\/(json|har\+json|[\w.-]+\+json)$/.test(type) && type !== 'text/plain')
    throw new TraceBatchError(
      `Content-Type ${type} is not accepted: send application/json ({"traces": [...]}) or application/har+json (a HAR 1.2 file).`,
      415,
    )
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new TraceBatchError(
      `The body is not valid JSON (${(error as Error).message}). Send {"traces": [...]} or a HAR 1.2 file.`,
      400,
    )
  }
  const har = type === 'application/har+json' || isHar(value)
  const entries: unknown = har
    ? isHar(value)
      ? value.log.entries
      : undefined
    : typeof value === 'object' && value !== null
      ? (value as { traces?: unknown }).traces
      : undefined
  if (!Array.isArray(entries))
    throw new TraceBatchError(
      har
        ? 'This HAR file has no log.entries list.'
        : 'The body must be {"traces": [...]} (a list of request/response pairs) or a HAR 1.2 file.',
      400,
    )
  if (entries.length === 0)
    throw new TraceBatchError(
      har ? 'The HAR file has no entries.' : 'The traces list is empty.',
      400,
    )
  if (entries.length > MAX_TRACES_PER_BATCH)
    throw new TraceBatchError(
      `The batch has ${entries.length} traces; send at most ${MAX_TRACES_PER_BATCH.toLocaleString('en-GB')} per request.`,
      413,
    )
  const batch: ParsedBatch = { format: har ? 'har' : 'json', traces: [], rejected: [] }
  entries.forEach((entry, index) => {
    const trace = har ? fromHarEntry(entry, now) : fromJsonTrace(entry, now)
    if (typeof trace === 'string') batch.rejected.push({ index, reason: trace })
    else batch.traces.push({ index, trace })
  })
  return batch
}
