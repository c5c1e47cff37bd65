/**
 * Sends a built request through the guarded client: to the target's base URL
 * only (no redirect followed), the credential placed on the server, a timeout
 * and a response size cap. What comes back for the page is redacted: the
 * credential's name and value wherever they appear, and secret-looking fields.
 */
import type { Placement } from '../environments/credentials.server'
import { fetchGuarded, OutboundError } from '../outbound.server'
import { REDACTED, redactBody, redactHeaders, redactUrl } from '../redact.server'
import type { BuiltRequest } from './build.server'

/** Responses are kept up to this size; beyond it the body is cut and not judged. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

export type SentExchange = {
  /** The URL as sent, credentials redacted. */
  url: string
  /** What the page may say of the credential: `authorization: Bearer [redacted]`. */
  credential: string | null
  /** The raw answer, for judging only (never shown). */
  raw: { status: number; headers: Record<string, string>; body: string; truncated: boolean } | null
  /** The answer as shown: redacted. */
  shown: { headers: [string, string][]; body: string } | null
  timing: { headersMs: number; totalMs: number }
  error: string | null
}

/** Replaces each secret value (4 characters or more) wherever it appears. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED)
  return out
}

export async function sendBuilt(
  url: URL,
  request: BuiltRequest,
  {
    placement,
    secretValues,
    allowPrivate,
    timeoutMs,
    extraHeaders = {},
  }: {
    placement: Placement | null
    secretValues: readonly string[]
    allowPrivate: boolean
    timeoutMs: number
    /** Added unless the request sets them (a partner's send to a mock: X-Copilot-Partner). */
    extraHeaders?: Record<string, string>
  },
): Promise<SentExchange> {
  const target = new URL(url)
  const headers: Record<string, string> = Object.fromEntries(request.headers)
  for (const [name, value] of Object.entries(extraHeaders)) headers[name.toLowerCase()] ??= value
  const secretNames: string[] = []
  if (placement?.kind === 'header') headers[placement.name.toLowerCase()] = placement.value
  if (placement?.kind === 'query') target.searchParams.set(placement.name, placement.value)
  if (placement) secretNames.push(placement.name)
  const secrets = [...secretValues, ...(placement ? [placement.value] : [])]
  const shownUrl = scrub(redactUrl(target.href, secretNames), secrets)
  const credential =
    placement?.kind === 'header'
      ? `${placement.name}: ${scrub(redactHeaders({ [placement.name]: placement.value }, secretNames)[placement.name]!, secrets)}`
      : placement
        ? `query ${placement.name}=${REDACTED}`
        : null
  const started = performance.now()
  try {
    const response = await fetchGuarded(target.href, {
      method: request.method,
      headers,
      ...(request.body === null ? {} : { body: request.body }),
      timeoutMs,
      truncateAt: MAX_RESPONSE_BYTES,
      followRedirects: false,
      allowPrivate,
    })
    const body = Buffer.from(response.body).toString('utf8')
    const contentType = response.headers['content-type'] ?? ''
    return {
      url: shownUrl,
      credential,
      raw: {
        status: response.status,
        headers: response.headers,
        body,
        truncated: response.truncated,
      },
      shown: {
        headers: Object.entries(redactHeaders(response.headers, secretNames))
          .map(([name, value]): [string, string] => [name, scrub(value, secrets)])
          .sort(([a], [b]) => a.localeCompare(b)),
        body: scrub(redactBody(body, contentType), secrets),
      },
      timing: response.timing,
      error: null,
    }
  } catch (error) {
    const message = error instanceof OutboundError ? error.message : (error as Error).message
    const elapsed = performance.now() - started
    return {
      url: shownUrl,
      credential,
      raw: null,
      shown: null,
      timing: { headersMs: elapsed, totalMs: elapsed },
      error: scrub(message, secrets),
    }
  }
}
