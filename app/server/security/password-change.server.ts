/**
 * The person's own password (Account → Security): changed with the current one, or set
 * for the first time by someone who signed up through GitHub, Google or SSO (no password
 * yet). The new password meets the strictest minimum of the person's organisations and the
 * sign-up rules; a wrong current password counts in the sign-in throttle. On success every
 * other session of the person is ended and the change is audited (never the password).
 */
import type { User } from '~/generated/prisma/client'
import { auditUserEvent } from '../audit/sign-in.server'
import { db } from '../db.server'
import { getClientIp } from '../http.server'
import { loginThrottle, tooManyAttemptsMessage } from '../login-limit.server'
import { hashPassword, passwordProblem, verifyPassword } from '../passwords.server'
import { getSessionId } from '../session.server'
import { passwordMinLengthForUser } from './password-policy.server'

export type PasswordChangeField = 'currentPassword' | 'newPassword'

export class PasswordChangeError extends Error {
  constructor(
    message: string,
    /** The form field the message belongs to; null for the whole form. */
    readonly field: PasswordChangeField | null,
    readonly status = 400,
  ) {
    super(message)
  }
}

type Person = Pick<User, 'id' | 'email' | 'passwordHash' | 'passwordChangedAt'>

/** What the Password panel shows: whether a current password is asked for, and the minimum. */
export async function passwordOverview(user: Person) {
  return {
    hasPassword: user.passwordHash !== null,
    changedAt: user.passwordChangedAt?.toISOString() ?? null,
    minLength: await passwordMinLengthForUser(user.id),
  }
}

/** Checks the current password inside the sign-in throttle (keyed by the person's email and address). */
async function checkCurrentPassword(
  user: Person,
  passwordHash: string,
  given: string,
  request: Request,
) {
  const address = getClientIp(request)
  const throttle = loginThrottle()
  const verdict = throttle.check(address, user.email)
  if (!verdict.allowed)
    throw new PasswordChangeError(tooManyAttemptsMessage(verdict.retryAfterSeconds), null, 429)
  const ok = await verifyPassword(given, passwordHash)
  if (ok) {
    throttle.recordSuccess(address, user.email)
    return
  }
  throttle.recordFailure(address, user.email)
  throw new PasswordChangeError('That is not your current password.', 'currentPassword')
}

/**
 * Changes (or first sets) the password of the signed-in person and ends their other
 * sessions; the session of this request stays. Throws PasswordChangeError for anything
 * the person can correct.
 */
export async function changePassword(
  user: Person,
  input: { currentPassword?: string | null; newPassword: string },
  request: Request,
): Promise<{ otherSessionsRevoked: number }> {
  const problem = passwordProblem(input.newPassword, await passwordMinLengthForUser(user.id))
  if (problem) throw new PasswordChangeError(problem, 'newPassword')
  if (user.passwordHash !== null) {
    if (!input.currentPassword)
      throw new PasswordChangeError('Enter your current password.', 'currentPassword')
    if (input.newPassword === input.currentPassword)
      throw new PasswordChangeError(
        'The new password is your current one: choose a different one.',
        'newPassword',
      )
    await checkCurrentPassword(user, user.passwordHash, input.currentPassword, request)
  }

  const passwordHash = await hashPassword(input.newPassword)
  const currentSessionId = await getSessionId(request)
  const now = new Date()
  const revoked = await db.$transaction(async (tx) => {
    // Only if the password is still the one checked above (a concurrent change wins).
    const updated = await tx.user.updateMany({
      where: { id: user.id, passwordHash: user.passwordHash },
      data: { passwordHash, passwordChangedAt: now },
    })
    if (updated.count !== 1)
      throw new PasswordChangeError(
        'Your password was changed meanwhile. Reload the page and try again.',
        null,
        409,
      )
    return tx.session.updateMany({
      where: {
        userId: user.id,
        revokedAt: null,
        expiresAt: { gt: now },
        ...(currentSessionId ? { id: { not: currentSessionId } } : {}),
      },
      data: { revokedAt: now },
    })
  })
  await auditUserEvent({
    action: 'auth.password_changed',
    user,
    request,
    metadata: { otherSessionsRevoked: revoked.count },
  })
  return { otherSessionsRevoked: revoked.count }
}
