/**
 * Sessions live in the Session table; the cookie carries only the signed id,
 * so signing out (or an admin) revokes a session for good.
 */
import { createCookie, redirect } from '@remix-run/node'
import { db } from './db.server'
import { SESSION_COOKIE } from './app-cookies.server'
import { getEnv } from './env.server'

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

let cookie: ReturnType<typeof createCookie> | undefined

export function sessionCookie() {
  const env = getEnv()
  cookie ??= createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production' && !env.INSECURE_COOKIES,
    path: '/',
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_TTL_MS / 1000,
  })
  return cookie
}

export type SessionOptions = {
  /** password | github | google | oidc | saml */
  authMethod?: string
  /** The organisation whose SSO connection signed the user in. */
  ssoOrganizationId?: string | null
  ttlMs?: number
}

export async function createSession(
  userId: string,
  request: Request,
  options: SessionOptions = {},
) {
  const session = await db.session.create({
    data: {
      userId,
      expiresAt: new Date(Date.now() + (options.ttlMs ?? SESSION_TTL_MS)),
      userAgent: (request.headers.get('user-agent') ?? '').slice(0, 300),
      authMethod: options.authMethod ?? 'password',
      ssoOrganizationId: options.ssoOrganizationId ?? null,
      ...(options.ssoOrganizationId ? { activeOrganizationId: options.ssoOrganizationId } : {}),
    },
  })
  return { session, setCookie: await sessionCookie().serialize(session.id) }
}

export async function getSessionId(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get('cookie'))
  return typeof value === 'string' ? value : null
}

/** The live session with its user, or null when absent, expired or revoked. */
export async function getSession(request: Request) {
  const sessionId = await getSessionId(request)
  if (!sessionId) return null
  const session = await db.session.findUnique({ where: { id: sessionId }, include: { user: true } })
  if (!session || session.revokedAt || session.expiresAt < new Date()) return null
  return session
}

export async function revokeSession(request: Request): Promise<string> {
  const sessionId = await getSessionId(request)
  if (sessionId) {
    await db.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date() },
    })
  }
  return sessionCookie().serialize('', { maxAge: 0 })
}

export async function redirectWithSession(
  userId: string,
  request: Request,
  to: string,
  options: SessionOptions = {},
) {
  const { setCookie } = await createSession(userId, request, options)
  return redirect(to, { headers: { 'Set-Cookie': setCookie } })
}

/** Ends one session for good (the security policy revokes sessions it no longer accepts). */
export async function revokeSessionById(sessionId: string): Promise<void> {
  await db.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date() },
  })
}

/** Session.lastSeenAt is written at most once a minute per session (the idle timeout reads it). */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000

export function lastSeenIsStale(lastSeenAt: Date, now = Date.now()): boolean {
  return now - lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS
}

/** Records activity; the condition on the old value makes concurrent requests write once. */
export async function touchSession(session: { id: string; lastSeenAt: Date }): Promise<void> {
  await db.session.updateMany({
    where: { id: session.id, lastSeenAt: session.lastSeenAt },
    data: { lastSeenAt: new Date() },
  })
}
