/**
 * Sign-in events in the audit trail: a successful or refused sign-in is recorded in the
 * chain of every organisation the user belongs to (each organisation's trail is complete
 * for its own members), or in the system chain for an address nobody owns.
 */
import { db } from '../db.server'
import { getClientIp } from '../http.server'
import { audit } from './log.server'

export type SignInOutcome = 'success' | 'failure'

export async function auditSignIn(input: {
  user: { id: string; email: string } | null
  email: string
  method: string
  outcome: SignInOutcome
  reason?: string
  request: Request
}): Promise<void> {
  // A refused password for a known address is recorded for that user's organisations.
  const user =
    input.user ??
    (await db.user.findUnique({
      where: { email: input.email.trim().toLowerCase() },
      select: { id: true, email: true },
    }))
  const memberships = user
    ? await db.membership.findMany({
        where: { userId: user.id },
        select: { organizationId: true },
      })
    : []
  const organizations = memberships.length ? memberships.map((row) => row.organizationId) : [null]
  const action = input.outcome === 'success' ? 'auth.signed_in' : 'auth.sign_in_failed'
  for (const organizationId of organizations)
    await audit({
      action,
      actorUserId: user?.id ?? null,
      organizationId,
      targetType: 'user',
      targetId: user?.id ?? '',
      ip: getClientIp(input.request),
      metadata: {
        email: input.email,
        method: input.method,
        ...(input.reason ? { reason: input.reason } : {}),
      },
    })
}
