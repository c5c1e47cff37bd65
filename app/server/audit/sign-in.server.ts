/**
 * Sign-in events in the audit trail: a successful or refused sign-in (and a sign-out) is
 * recorded in the chain of every organisation the user belongs to (each organisation's
 * trail is complete for its own members), or in the system chain for an address nobody owns.
 */
import { db } from '../db.server'
import { getClientIp } from '../http.server'
import { getSession } from '../session.server'
import { audit, userAgentOf } from './log.server'

export type SignInOutcome = 'success' | 'failure'

/** An event about a person's account: one entry per organisation of theirs (the system chain when none). */
export async function auditUserEvent(input: {
  action: string
  user: { id: string; email: string } | null
  request: Request
  metadata: Record<string, unknown>
}): Promise<void> {
  const memberships = input.user
    ? await db.membership.findMany({
        where: { userId: input.user.id },
        select: { organizationId: true },
      })
    : []
  const organizations = memberships.length ? memberships.map((row) => row.organizationId) : [null]
  for (const organizationId of organizations)
    await audit({
      action: input.action,
      actorUserId: input.user?.id ?? null,
      actorEmail: input.user?.email ?? '',
      organizationId,
      targetType: 'user',
      targetId: input.user?.id ?? '',
      ip: getClientIp(input.request),
      userAgent: userAgentOf(input.request),
      metadata: input.metadata,
    })
}

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
  await auditUserEvent({
    action: input.outcome === 'success' ? 'auth.signed_in' : 'auth.sign_in_failed',
    user,
    request: input.request,
    metadata: {
      email: input.email.slice(0, 254),
      method: input.method,
      ...(input.reason ? { reason: input.reason } : {}),
    },
  })
}

/** Records a sign-out; call it before the session is revoked (nothing when there is none). */
export async function auditSignOut(request: Request): Promise<void> {
  const session = await getSession(request)
  if (!session) return
  await auditUserEvent({
    action: 'auth.signed_out',
    user: { id: session.user.id, email: session.user.email },
    request,
    metadata: { method: session.authMethod },
  })
}
