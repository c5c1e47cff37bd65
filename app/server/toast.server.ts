/** One-shot messages carried across a redirect in a short-lived signed cookie. */
import { createCookie, redirect } from '@remix-run/node'
import { TOAST_COOKIE } from './app-cookies.server'
import { getEnv } from './env.server'

export type Toast = { type: 'success' | 'error' | 'info'; message: string }

let cookie: ReturnType<typeof createCookie> | undefined

function toastCookie() {
  cookie ??= createCookie(TOAST_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secrets: [getEnv().SESSION_SECRET],
    maxAge: 60,
  })
  return cookie
}

export async function redirectWithToast(to: string, toast: Toast, init: ResponseInit = {}) {
  const headers = new Headers(init.headers)
  headers.append('Set-Cookie', await toastCookie().serialize(toast))
  return redirect(to, { ...init, headers })
}

/** Reads the toast, if any, and the header that clears it. */
export async function readToast(
  request: Request,
): Promise<{ toast: Toast | null; clearHeader: string | null }> {
  const value: unknown = await toastCookie().parse(request.headers.get('cookie'))
  if (!value || typeof value !== 'object' || !('message' in value))
    return { toast: null, clearHeader: null }
  return { toast: value as Toast, clearHeader: await toastCookie().serialize('', { maxAge: 0 }) }
}
