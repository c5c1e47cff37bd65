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

export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing (without buffering it all) anything over `maxBytes`. */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes)
    throw new BodyTooLargeError(`The body is ${declared} bytes; the limit is ${maxBytes}.`)
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw new BodyTooLargeError(`The body is larger than the limit of ${maxBytes} bytes.`)
    }
    chunks.push(value)
  }
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/** A small JSON request body (API commands): the parsed value, or the error response to send (413 or 400). */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  expected: string,
): Promise<{ value: unknown } | { error: Response }> {
  let raw: Uint8Array
  try {
    raw = await readBodyLimited(request, maxBytes)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { error: jsonError(413, `${error.message} Send ${expected}.`) }
    throw error
  }
  try {
    return { value: JSON.parse(new TextDecoder().decode(raw)) as unknown }
  } catch {
    return { error: jsonError(400, `Send a JSON body: ${expected}.`) }
  }
}
