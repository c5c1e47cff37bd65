/**
 * Request guards applied by server.ts before Remix sees a request: CSRF by
 * origin check, and the security headers (CSP with a per-request nonce).
 */

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Bearer-token APIs carry no cookies, so cross-site forgery does not apply to them. */
function isExemptPath(pathname: string) {
  return pathname.startsWith('/api/') || pathname.startsWith('/mock/')
}

/**
 * A state-changing browser request must come from our own origin: Origin (or,
 * failing that, Referer) must match the host the request was sent to.
 * Returns an error message, or null when the request may go on.
 */
export function checkSameOrigin(input: {
  method: string
  pathname: string
  host: string | undefined
  origin: string | undefined
  referer: string | undefined
  appUrl?: string
}): string | null {
  if (!UNSAFE_METHODS.has(input.method.toUpperCase()) || isExemptPath(input.pathname)) return null
  const source = input.origin && input.origin !== 'null' ? input.origin : input.referer
  if (!source) return 'Cross-site request refused: the request carries no Origin or Referer header.'
  let sourceHost: string
  try {
    sourceHost = new URL(source).host
  } catch {
    return 'Cross-site request refused: malformed Origin header.'
  }
  const allowed = new Set(
    [input.host, input.appUrl ? new URL(input.appUrl).host : undefined].filter(Boolean),
  )
  return allowed.has(sourceHost)
    ? null
    : `Cross-site request refused: ${sourceHost} may not post to this site.`
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
