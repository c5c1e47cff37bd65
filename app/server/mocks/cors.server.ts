/**
 * CORS for mocks: a browser app on another origin can call a mock, as it would the
 * vendor's API. Preflights are answered before routing (they carry no credentials), and
 * every answer says which origin may read it:
 *
 * - no origins configured: the request's `Origin` is echoed (any site may read; no
 *   cookies or HTTP auth are invited), `*` when there is no `Origin`;
 * - origins listed in the mock's settings: only those are echoed, with
 *   `Access-Control-Allow-Credentials: true`; other origins get no grant.
 */
import type { IncomingRequest } from '../specs/request.server'

/** Browsers cap the preflight cache anyway (Chromium at 2 h). */
export const PREFLIGHT_MAX_AGE_S = 7200

/** Response headers a script may read without being named (the CORS-safelisted ones). */
const SAFELISTED = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
])

/** The grant for this request's origin: the headers to add (empty when it gets none). */
function grant(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (allowed.length === 0)
    return origin
      ? { 'access-control-allow-origin': origin, vary: 'Origin' }
      : { 'access-control-allow-origin': '*' }
  if (origin && allowed.includes(origin))
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    }
  return { vary: 'Origin' }
}

/**
 * The headers of a 204 answering a CORS preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`); null when the request is not one.
 */
export function preflightHeaders(
  request: IncomingRequest,
  allowed: readonly string[],
): Record<string, string> | null {
  const method = request.headers['access-control-request-method']
  const origin = request.headers.origin
  if (request.method !== 'OPTIONS' || !method || !origin) return null
  const headers = grant(origin, allowed)
  if (headers['access-control-allow-origin']) {
    headers['access-control-allow-methods'] = method.trim().toUpperCase()
    const requested = request.headers['access-control-request-headers']
    if (requested) headers['access-control-allow-headers'] = requested
    headers['access-control-max-age'] = String(PREFLIGHT_MAX_AGE_S)
  }
  headers.vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'
  return headers
}

/** An answer's headers with the grant added, its own headers (Location, RateLimit-*, Link…) exposed to scripts. */
export function withCorsHeaders(
  request: IncomingRequest,
  headers: Record<string, string>,
  allowed: readonly string[],
): Record<string, string> {
  const added = grant(request.headers.origin, allowed)
  const out: Record<string, string> = {}
  // One pass on the hot path: copy, and list what a script could not read otherwise.
  let exposed = ''
  for (const name in headers) {
    out[name] = headers[name]!
    if (!SAFELISTED.has(name) && !name.startsWith('access-control-'))
      exposed = exposed ? `${exposed}, ${name}` : name
  }
  for (const name in added) out[name] = added[name]!
  if (exposed && added['access-control-allow-origin'])
    out['access-control-expose-headers'] = exposed
  return out
}
