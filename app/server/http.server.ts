/** Small helpers for reading requests and answering with JSON errors. */

/** The client IP: Fly sets Fly-Client-IP; behind other proxies the first X-Forwarded-For hop. */
export function getClientIp(request: Request): string {
  const flyIp = request.headers.get('fly-client-ip')
  if (flyIp) return flyIp
  const forwarded = request.headers.get('x-forwarded-for')
  if (forwarded) return forwarded.split(',')[0]!.trim()
  return request.headers.get('x-remote-address') ?? 'unknown'
}

export function jsonError(
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
): Response {
  return new Response(JSON.stringify({ error, ...extra }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}

/** Only same-site relative paths are followed after sign-in. */
export function safeRedirectPath(
  to: FormDataEntryValue | string | null | undefined,
  fallback = '/projects',
): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\'))
    return fallback
  return to
}

export function notFound(message = 'Not found'): Response {
  return new Response(message, { status: 404, statusText: 'Not Found' })
}

export function forbidden(message = 'You do not have permission to do that.'): Response {
  return new Response(message, { status: 403, statusText: 'Forbidden' })
}
