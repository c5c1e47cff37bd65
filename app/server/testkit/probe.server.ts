/**
 * Sends one probe to an environment and records the exchange: variables
 * substituted (a missing one stops the case as "needs configuration"), the
 * credential placed for the probe's mode, the request paced per environment,
 * 429 answers to ordinary requests waited out and retried (bounded) so only
 * the rate-limit templates judge rate limiting, timeouts recorded as such.
 * Everything recorded is redacted: credential names and the credential
 * values themselves.
 */
import { VARIABLE_PATTERN } from '~/shared/environment-schemas'
import type { NormalizedSecurityScheme } from '~/shared/normalized-spec'
import { credentialFor, type ResolvedCredentials } from '../environments/credentials.server'
import { fetchGuarded, OutboundError } from '../outbound.server'
import { REDACTED, redactBody, redactHeaders, redactUrl } from '../redact.server'
import { type Exchange, NeedsConfiguration, type Probe } from './model.server'

/** Bodies kept for judging; recordings keep less (results.server). */
const JUDGED_BODY_BYTES = 512 * 1024
const MAX_429_RETRIES = 2
const MAX_RETRY_WAIT_MS = 30_000

/** Paces requests to one environment: at most `perSecond` starts per second (0 = no pacing). */
export class Pacer {
  private next = 0
  constructor(private readonly perSecond: number) {}
  async take(signal?: AbortSignal): Promise<void> {
    if (this.perSecond <= 0) return
    const interval = 1000 / this.perSecond
    const now = Date.now()
    const at = Math.max(now, this.next)
    this.next = at + interval
    if (at > now) await sleep(at - now, signal)
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

export type Target = {
  /** Base URL with the API's base path, without a trailing slash. */
  baseUrl: string
  allowPrivate: boolean
  timeoutMs: number
  credentials: ResolvedCredentials | null
  variables: Record<string, string>
  pacer: Pacer
  signal: AbortSignal
  /** Names whose values are redacted wherever they appear (apiKey names of the spec, secret variables). */
  secretNames: string[]
  /** Values redacted wherever they appear (credentials, secret variables). */
  secretValues: string[]
  /** Headers sent with every request (a partner's run on a mock: X-Copilot-Partner attributes it). */
  extraHeaders?: Record<string, string>
  /** The scheme of an operation, for placing wrong and forbidden credentials. */
  schemeOf: (operationId: string | undefined) => NormalizedSecurityScheme | undefined
}

/** `{{ name }}` -> its value; a missing variable stops the case. */
export function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(VARIABLE_PATTERN, (_, name: string) => {
    const value = variables[name]
    if (value === undefined) throw new NeedsConfiguration(name)
    return value
  })
}

function pathWith(
  template: string,
  params: Record<string, string>,
  variables: Record<string, string>,
) {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const raw = params[name]
    if (raw === undefined) throw new NeedsConfiguration(name)
    const value = substitute(raw, variables)
    // Label and matrix values carry their own punctuation; everything else is one path segment.
    return /^[.;]/.test(value) ? value : encodeURIComponent(value)
  })
}

/** The URL a probe goes to (variables substituted, credentials not yet placed). */
export function probeUrl(target: Pick<Target, 'baseUrl' | 'variables'>, probe: Probe): URL {
  const url = new URL(
    `${target.baseUrl}${pathWith(probe.path, probe.pathParams, target.variables)}`,
  )
  for (const [name, value] of probe.query)
    url.searchParams.append(name, substitute(value, target.variables))
  return url
}

function retryAfterMs(header: string | undefined): number {
  if (!header) return 1000
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000
}

function scrub(text: string, values: string[]): string {
  let out = text
  for (const value of values) if (value.length >= 4) out = out.split(value).join(REDACTED)
  return out
}

function parseJson(text: string, contentType: string): unknown {
  const looksJson = /json/i.test(contentType) || /^\s*[[{]/.test(text)
  if (!looksJson || text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Sends `probe` and records the exchange. Throws NeedsConfiguration for a missing variable. */
export async function send(target: Target, probe: Probe): Promise<Exchange> {
  const url = probeUrl(target, probe)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(probe.headers))
    headers[name.toLowerCase()] = substitute(value, target.variables)
  for (const [name, value] of Object.entries(target.extraHeaders ?? {}))
    headers[name.toLowerCase()] ??= value
  let body: string | undefined
  if (probe.body) {
    body = substitute(probe.body.text, target.variables)
    headers['content-type'] = probe.body.contentType
  }
  const forbidden = probe.auth === 'forbidden' ? target.variables.forbidden_credential : undefined
  if (probe.auth === 'forbidden' && !forbidden) throw new NeedsConfiguration('forbidden_credential')
  const credential = credentialFor(
    probe.auth,
    target.credentials,
    target.schemeOf(probe.operationId),
    forbidden,
  )
  const credentialNames: string[] = []
  if (credential?.kind === 'header') {
    headers[credential.name] =
      credential.name === 'cookie' && headers.cookie
        ? `${headers.cookie}; ${credential.value}`
        : credential.value
    credentialNames.push(credential.name)
  } else if (credential?.kind === 'query') {
    url.searchParams.set(credential.name, credential.value)
    credentialNames.push(credential.name)
  }
  const secretValues = [
    ...target.secretValues,
    ...(forbidden ? [forbidden] : []),
    ...(credential ? [credential.value] : []),
  ]
  const secretNames = [...target.secretNames, ...credentialNames]
  const recordedRequest = {
    method: probe.method,
    url: scrub(redactUrl(url.href, secretNames), secretValues),
    headers: Object.fromEntries(
      Object.entries(redactHeaders(headers, secretNames)).map(([name, value]) => [
        name,
        scrub(value, secretValues),
      ]),
    ),
    body:
      body === undefined
        ? null
        : scrub(redactBody(body, headers['content-type'] ?? ''), secretValues),
  }

  let retries = 0
  for (;;) {
    if (!probe.unpaced) await target.pacer.take(target.signal)
    const started = performance.now()
    try {
      const response = await fetchGuarded(url.href, {
        method: probe.method,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: target.timeoutMs,
        truncateAt: JUDGED_BODY_BYTES,
        followRedirects: false,
        allowPrivate: target.allowPrivate,
        signal: target.signal,
      })
      const text = Buffer.from(response.body).toString('utf8')
      if (response.status === 429 && !probe.noRetry && retries < MAX_429_RETRIES) {
        const wait = retryAfterMs(response.headers['retry-after'])
        if (wait <= MAX_RETRY_WAIT_MS) {
          retries++
          await sleep(wait, target.signal)
          continue
        }
      }
      const contentType = response.headers['content-type'] ?? ''
      return {
        auth: probe.auth,
        request: recordedRequest,
        response: {
          status: response.status,
          headers: Object.fromEntries(
            Object.entries(redactHeaders(response.headers)).map(([name, value]) => [
              name,
              scrub(value, secretValues),
            ]),
          ),
          body: scrub(redactBody(text, contentType), secretValues),
          truncated: response.truncated,
        },
        json: parseJson(text, contentType),
        durationMs: Math.round(response.timing.totalMs),
        retries,
      }
    } catch (error) {
      const outbound = error instanceof OutboundError ? error : null
      return {
        auth: probe.auth,
        request: recordedRequest,
        response: null,
        durationMs: Math.round(performance.now() - started),
        error: {
          code: outbound?.code ?? 'failed',
          message: scrub(outbound?.message ?? (error as Error).message, secretValues),
        },
        retries,
      }
    }
  }
}

/** The response's media type without parameters, lower-cased ('' when absent). */
export function mediaTypeOf(exchange: Exchange): string {
  return (exchange.response?.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}
