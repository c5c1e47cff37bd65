/**
 * Request guards applied by server.ts before Remix sees a request: CSRF by
 * origin check, the client address (trusted proxies only), the methods the
 * app answers, and the security headers (CSP with a per-request nonce).
 */

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Methods the app's own pages and APIs answer; anything else (TRACE, CONNECT, PROPFIND …) is a 405 before Remix. */
export const APP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

export function isAppMethod(method: string): boolean {
  return (APP_METHODS as readonly string[]).includes(method.toUpperCase())
}

/**
 * The path the router will see: dot segments resolved and `//` kept, exactly
 * as the WHATWG URL parser (and so Remix) resolves it. Exemptions are tested
 * on this, never on the raw target (`/api/../projects` is not an API path).
 */
export function normalisedPath(target: string): string {
  try {
    return new URL(target, 'http://normalise.invalid').pathname
  } catch {
    return '/'
  }
}

/**
 * The SAML Assertion Consumer Service, `/sso/<slug>/acs`: the identity provider's page
 * posts the response there cross-site (HTTP-POST binding), so it never carries our Origin.
 * The post proves itself: a signed assertion whose InResponseTo names the request kept in
 * this browser's flow cookie (app/server/sso/saml.server.ts).
 */
const SAML_ACS_PATH = /^\/sso\/[a-z0-9][a-z0-9-]{0,63}\/acs$/i

/**
 * Bearer-token APIs carry no cookies, so cross-site forgery does not apply to
 * them; mocks never see app cookies; webhook receivers (`/hooks/`) take
 * signed deliveries from servers and read no session; the SAML ACS (above).
 */
function isExemptPath(pathname: string) {
  const path = normalisedPath(pathname)
  return (
    path.startsWith('/api/') ||
    path.startsWith('/mock/') ||
    path.startsWith('/hooks/') ||
    SAML_ACS_PATH.test(path)
  )
}

function originOf(value: string | undefined): string | null {
  if (!value) return null
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

/**
 * A state-changing browser request must come from our own origin: Origin (or,
 * failing that, Referer) must equal, scheme and host and port, the origin the
 * request was sent to or APP_URL's. Returns an error message, or null when the
 * request may go on.
 */
export function checkSameOrigin(input: {
  method: string
  pathname: string
  host: string | undefined
  /** The scheme the request arrived with (http unless a trusted proxy says https). */
  protocol?: 'http' | 'https'
  origin: string | undefined
  referer: string | undefined
  appUrl?: string
}): string | null {
  if (!UNSAFE_METHODS.has(input.method.toUpperCase()) || isExemptPath(input.pathname)) return null
  const source = input.origin && input.origin !== 'null' ? input.origin : input.referer
  if (!source) return 'Cross-site request refused: the request carries no Origin or Referer header.'
  const sourceOrigin = originOf(source)
  if (!sourceOrigin) return 'Cross-site request refused: malformed Origin header.'
  const allowed = new Set<string>()
  const appOrigin = originOf(input.appUrl)
  if (appOrigin) allowed.add(appOrigin)
  if (input.host) {
    const own = originOf(`${input.protocol ?? 'http'}://${input.host}`)
    if (own) allowed.add(own)
  }
  return allowed.has(sourceOrigin)
    ? null
    : `Cross-site request refused: ${sourceOrigin} may not post to this site.`
}

/**
 * Which proxy, if any, may tell us the client's address (TRUST_PROXY):
 * - `none` (default): the socket's address; forwarding headers are ignored.
 * - `fly`: Fly-Client-IP, which Fly's edge sets and overwrites.
 * - a number N: the N-th address from the right of X-Forwarded-For
 *   (N = how many proxies of yours append to it).
 */
export type TrustProxy = { kind: 'none' } | { kind: 'fly' } | { kind: 'hops'; hops: number }

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim().toLowerCase()
  if (text === 'fly') return { kind: 'fly' }
  if (/^[1-9]\d?$/.test(text)) return { kind: 'hops', hops: Number(text) }
  return { kind: 'none' }
}

function cleanAddress(value: string | undefined): string | null {
  const text = value?.trim()
  if (!text || text.length > 64 || !/^[0-9a-fA-F:.]+$/.test(text)) return null
  return text.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
}

/** The address a request came from, trusting forwarding headers only as TRUST_PROXY allows. */
export function clientAddress(input: {
  socketAddress: string | undefined
  headers: Record<string, string | string[] | undefined>
  trust: TrustProxy
}): string {
  const socket = cleanAddress(input.socketAddress) ?? 'unknown'
  const header = (name: string) => {
    const value = input.headers[name]
    return Array.isArray(value) ? value.join(',') : value
  }
  if (input.trust.kind === 'fly') return cleanAddress(header('fly-client-ip')) ?? socket
  if (input.trust.kind === 'hops') {
    const chain = (header('x-forwarded-for') ?? '').split(',').map((part) => part.trim())
    const candidate = chain.filter(Boolean)[chain.filter(Boolean).length - input.trust.hops]
    return cleanAddress(candidate) ?? socket
  }
  return socket
}

export function securityHeaders({
  nonce,
  production,
}: {
  nonce: string
  production: boolean
}): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    production ? "connect-src 'self'" : "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self' https://github.com",
  ].join('; ')
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(production ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  }
}
