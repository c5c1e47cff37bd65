/**
 * The audit log: who did what to which target, from where. Use-case functions
 * write their own entry (through `auditAs`), so a write made through a page
 * and through the JSON API is recorded the same way.
 */
import { db } from '../db.server'
import { getClientIp } from '../http.server'

export type AuditEntry = {
  action: string
  actorUserId?: string | null
  organizationId?: string | null
  projectId?: string | null
  targetType?: string
  targetId?: string
  metadata?: Record<string, unknown>
  ip?: string
}

export async function audit(entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      action: entry.action,
      actorUserId: entry.actorUserId ?? null,
      organizationId: entry.organizationId ?? null,
      projectId: entry.projectId ?? null,
      targetType: entry.targetType ?? '',
      targetId: entry.targetId ?? '',
      metadata: JSON.stringify(entry.metadata ?? {}),
      ip: entry.ip ?? '',
    },
  })
}

/** Who is acting, inside which project, and through which door (a page, or the API with a token). */
export type Actor = {
  userId: string | null
  organizationId: string
  projectId: string
  ip?: string
  via: 'page' | 'api'
  tokenId?: string
}

export function auditAs(
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  metadata: Record<string, unknown> = {},
): Promise<void> {
  return audit({
    action,
    actorUserId: actor.userId,
    organizationId: actor.organizationId,
    projectId: actor.projectId,
    targetType: target.type,
    targetId: target.id,
    ip: actor.ip,
    metadata: {
      ...metadata,
      via: actor.via,
      ...(actor.tokenId ? { tokenId: actor.tokenId } : {}),
    },
  })
}

/** The actor behind a signed-in page request. */
export function pageActor(
  access: { user: { id: string }; organization: { id: string }; project: { id: string } },
  request: Request,
): Actor {
  return {
    userId: access.user.id,
    organizationId: access.organization.id,
    projectId: access.project.id,
    ip: getClientIp(request),
    via: 'page',
  }
}

/** The actor behind a JSON API request: the token's creator, and the token itself. */
export function apiActor(
  auth: {
    token: { id: string; createdById: string | null }
    project: { id: string; organizationId: string }
  },
  request: Request,
): Actor {
  return {
    userId: auth.token.createdById,
    organizationId: auth.project.organizationId,
    projectId: auth.project.id,
    ip: getClientIp(request),
    via: 'api',
    tokenId: auth.token.id,
  }
}

/** The actor behind a partner's page request (audited in the vendor's project). */
export function partnerActor(
  access: { user: { id: string }; project: { id: string; organizationId: string } },
  request: Request,
): Actor {
  return {
    userId: access.user.id,
    organizationId: access.project.organizationId,
    projectId: access.project.id,
    ip: getClientIp(request),
    via: 'page',
  }
}
