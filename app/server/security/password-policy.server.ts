/**
 * Which minimum a new password must meet where it is chosen: the default, or the inviting
 * organisation's minimum for a person signing up to accept an invitation. (Apart from
 * policy.server.ts, which access.server.ts imports: the invitation lookup would close a cycle.)
 */
import { db } from '../db.server'
import { findUsableInvite } from '../orgs/members.server'
import { DEFAULT_PASSWORD_MIN_LENGTH } from '../passwords.server'

/**
 * The minimum length a new password must have at sign-up: the default, or the inviting
 * organisation's minimum when the person signs up to accept an invitation.
 */
export async function passwordMinLengthForSignUp(redirectTo: string | null | undefined) {
  const match = /^\/invites\/([A-Za-z0-9_-]{10,200})$/.exec(redirectTo ?? '')
  if (!match) return DEFAULT_PASSWORD_MIN_LENGTH
  const found = await findUsableInvite(match[1]!)
  if ('error' in found) return DEFAULT_PASSWORD_MIN_LENGTH
  return Math.max(DEFAULT_PASSWORD_MIN_LENGTH, found.invite.organization.passwordMinLength)
}

/**
 * The minimum for a password change: the strictest of the person's organisations (a
 * member of two organisations meets both policies with one password).
 */
export async function passwordMinLengthForUser(userId: string): Promise<number> {
  const strictest = await db.organization.aggregate({
    where: { memberships: { some: { userId } } },
    _max: { passwordMinLength: true },
  })
  return Math.max(DEFAULT_PASSWORD_MIN_LENGTH, strictest._max.passwordMinLength ?? 0)
}
