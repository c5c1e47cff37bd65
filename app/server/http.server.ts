/** Small helpers for reading requests and answering with JSON errors. */
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { getEnv } from './env.server'

/**
 * The client address that server.ts worked out from the socket, trusting
 * forwarding headers only as TRUST_PROXY allows (web-security.server.ts). It
 * sits in an internal header that server.ts overwrites on every request, so a
 * client cannot set it; X-Forwarded-For and Fly-Client-IP are never read here.
 */
export const CLIENT_ADDRESS_HEADER = 'x-copilot-client-address'

export function getClientIp(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown'
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

const REDIRECT_BASE = 'http://redirect.invalid'
/** Control characters, spaces and invisible separators: never part of a redirect target. */
const CONTROL_OR_SPACE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/

/** The app's public origin: APP_URL when set (behind a proxy), else the request's own. */
export function appOrigin(request: Request): string {
  return getEnv().APP_URL ? new URL(getEnv().APP_URL!).origin : new URL(request.url).origin
}

/**
 * The one redirect-target check: `target` resolved with `new URL(target, origin)`
 * must stay on that origin, and nothing with control characters or whitespace
 * (a tab or newline the browser would drop, a header injection) is followed.
 * Returns the same-origin path to redirect to, or `fallback`.
 */
export function safeRedirectPath(
  to: FormDataEntryValue | string | null | undefined,
  fallback = '/projects',
  origin = REDIRECT_BASE,
): string {
  if (typeof to !== 'string' || to === '' || to.length > 2000) return fallback
  if (CONTROL_OR_SPACE.test(to)) return fallback
  if (!to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  let url: URL
  let base: URL
  try {
    base = new URL(origin)
    url = new URL(to, base)
  } catch {
    return fallback
  }
  if (url.origin !== base.origin) return fallback
  const path = `${url.pathname}${url.search}${url.hash}`
  // `/.//evil.example` resolves to the path `//evil.example`: a protocol-relative URL in Location.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return fallback
  }
  if (decoded.startsWith('//') || decoded.startsWith('/\\') || CONTROL_OR_SPACE.test(decoded))
    return fallback
  return path
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

/**
 * A multipart form (a file upload) read with each part capped at `maxPartBytes`:
 * the FormData, or a message and status (413 for a part too large, 400 for a body
 * that is not the multipart form it claims to be) for the page to show.
 */
export async function readUploadForm(
  request: Request,
  maxPartBytes: number,
): Promise<{ formData: FormData } | { error: string; status: 400 | 413 }> {
  try {
    return {
      formData: await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: maxPartBytes }),
      ),
    }
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError)
      return {
        error: `The file is larger than ${Math.round(maxPartBytes / 1024 / 1024)} MB.`,
        status: 413,
      }
    return {
      error: 'The upload could not be read (a malformed multipart body). Submit the form again.',
      status: 400,
    }
  }
}

/** A form that may carry a file: multipart bodies through readUploadForm, others as usual. */
export async function readFormMaybeUpload(
  request: Request,
  maxPartBytes: number,
): Promise<{ formData: FormData } | { error: string; status: 400 | 413 }> {
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data'))
    return readUploadForm(request, maxPartBytes)
  return { formData: await request.formData() }
}
