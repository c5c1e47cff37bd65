/**
 * Security events about a person's own account (second factor enrolled, disabled, a
 * recovery code used, a wrong code at sign-in): recorded in the trail of every organisation
 * the person belongs to, as sign-ins are, or in the system trail when there is none.
 */
import { audit } from '../audit/log.server'
import { db } from '../db.server'
import { getClientIp } from '../http.server'

export async function auditUserEvent(
  userId: string,
  action: string,
  request: Request,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  const memberships = await db.membership.findMany({
    where: { userId },
    select: { organizationId: true },
  })
  const organizations = memberships.length ? memberships.map((row) => row.organizationId) : [null]
  const ip = getClientIp(request)
  for (const organizationId of organizations)
    await audit({
      action,
      actorUserId: userId,
      organizationId,
      targetType: 'user',
      targetId: userId,
      ip,
      metadata,
    })
}
