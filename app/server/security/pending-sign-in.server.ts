/**
 * A sign-in that proved the first factor and waits for the second: a signed, HttpOnly
 * cookie for 5 minutes with who signed in, how, through which organisation's SSO and where
 * to go next. The cookie alone cannot be replayed to get more guesses: its id is kept in
 * memory with the wrong codes counted against it (5 drop it), and a finished or dropped
 * id is refused. Sign-in posts all reach the LiteFS primary, so one process's memory is
 * the whole truth; a restart drops pending sign-ins (the person signs in again).
 */
import crypto from 'node:crypto'
import { createCookie } from '@remix-run/node'
import { z } from 'zod'
import { PENDING_SIGN_IN_COOKIE } from '../app-cookies.server'
import { getEnv } from '../env.server'

export const PENDING_SIGN_IN_TTL_MS = 5 * 60 * 1000
export const MAX_SECOND_FACTOR_FAILURES = 5

const PendingSchema = z.object({
  id: z.string().min(16).max(64),
  userId: z.string().min(1).max(64),
  method: z.enum(['password', 'github', 'google', 'oidc', 'saml']),
  ssoOrganizationId: z.string().max(64).nullable(),
  redirectTo: z.string().max(2000),
  expiresAt: z.number(),
})
export type PendingSignIn = z.infer<typeof PendingSchema>

type Attempts = { failures: number; closed: boolean; expiresAt: number }
const attempts = new Map<string, Attempts>()

let cookie: ReturnType<typeof createCookie> | undefined

function pendingCookie() {
  const env = getEnv()
  cookie ??= createCookie(PENDING_SIGN_IN_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production' && !env.INSECURE_COOKIES,
    path: '/',
    secrets: [env.SESSION_SECRET],
    maxAge: PENDING_SIGN_IN_TTL_MS / 1000,
  })
  return cookie
}

function sweep(now: number) {
  for (const [id, entry] of attempts) if (entry.expiresAt < now) attempts.delete(id)
}

/** Starts a pending sign-in; returns the Set-Cookie header that carries it. */
export async function beginPendingSignIn(
  input: Omit<PendingSignIn, 'id' | 'expiresAt'>,
): Promise<string> {
  const now = Date.now()
  sweep(now)
  const pending: PendingSignIn = {
    ...input,
    id: crypto.randomBytes(18).toString('base64url'),
    expiresAt: now + PENDING_SIGN_IN_TTL_MS,
  }
  attempts.set(pending.id, { failures: 0, closed: false, expiresAt: pending.expiresAt })
  return pendingCookie().serialize(pending)
}

/**
 * The pending sign-in the request carries, when its signature holds, it has not expired,
 * and (for `usable`) this process still has it open.
 */
export async function readPendingSignIn(
  request: Request,
  { usable = true }: { usable?: boolean } = {},
): Promise<PendingSignIn | null> {
  const value: unknown = await pendingCookie().parse(request.headers.get('cookie'))
  const parsed = PendingSchema.safeParse(value)
  if (!parsed.success || parsed.data.expiresAt <= Date.now()) return null
  if (usable) {
    const entry = attempts.get(parsed.data.id)
    if (!entry || entry.closed) return null
  }
  return parsed.data
}

/** Counts a wrong code; returns how many tries are left (0: the pending sign-in is dropped). */
export function recordSecondFactorFailure(pending: PendingSignIn): number {
  const entry = attempts.get(pending.id)
  if (!entry || entry.closed) return 0
  entry.failures += 1
  if (entry.failures >= MAX_SECOND_FACTOR_FAILURES) entry.closed = true
  return Math.max(0, MAX_SECOND_FACTOR_FAILURES - entry.failures)
}

/**
 * Ends a pending sign-in (it succeeded or was abandoned): its cookie no longer works.
 * Returns false when it was already closed, so two right answers at once open one session.
 */
export function closePendingSignIn(pending: PendingSignIn): boolean {
  const entry = attempts.get(pending.id)
  if (!entry || entry.closed) return false
  entry.closed = true
  return true
}

export function clearPendingSignInCookie(): Promise<string> {
  return pendingCookie().serialize('', { maxAge: 0 })
}
