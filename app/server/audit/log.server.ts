/**
 * The audit log: who did what to which target, from where. Use-case functions
 * write their own entry (through `auditAs`), so a write made through a page
 * and through the JSON API is recorded the same way. Every entry is appended to
 * its organisation's hash chain in the transaction that writes it (chain.server.ts).
 */
import { db } from '../db.server'
import { getClientIp } from '../http.server'
import { linkPending, SYSTEM_CHAIN } from './chain.server'

export type AuditEntry = {
  action: string
  actorUserId?: string | null
  /** Looked up from actorUserId when not given (kept even if the user is deleted later). */
  actorEmail?: string
  organizationId?: string | null
  projectId?: string | null
  targetType?: string
  targetId?: string
  metadata?: Record<string, unknown>
  ip?: string
  userAgent?: string
}

const USER_AGENT_MAX = 300

/** The request's User-Agent, as much of it as the audit log keeps. */
export function userAgentOf(request: Request): string {
  return (request.headers.get('user-agent') ?? '').slice(0, USER_AGENT_MAX)
}

export async function audit(entry: AuditEntry): Promise<void> {
  const actorEmail =
    entry.actorEmail ??
    (entry.actorUserId
      ? (await db.user.findUnique({ where: { id: entry.actorUserId }, select: { email: true } }))
          ?.email
      : undefined) ??
    ''
  const chainKey = entry.organizationId ?? SYSTEM_CHAIN
  await db.$transaction(async (tx) => {
    // The write first: it takes SQLite's write lock, so the head linkPending reads is the real one.
    await tx.auditLog.create({
      data: {
        action: entry.action,
        actorUserId: entry.actorUserId ?? null,
        actorEmail,
        organizationId: entry.organizationId ?? null,
        projectId: entry.projectId ?? null,
        targetType: entry.targetType ?? '',
        targetId: entry.targetId ?? '',
        metadata: JSON.stringify(entry.metadata ?? {}),
        ip: entry.ip ?? '',
        userAgent: (entry.userAgent ?? '').slice(0, USER_AGENT_MAX),
        chainKey,
      },
    })
    await linkPending(tx, chainKey)
  })
}

/** Who is acting, inside which project, and through which door (a page, or the API with a token). */
export type Actor = {
  userId: string | null
  organizationId: string
  projectId: string
  ip?: string
  userAgent?: string
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
    userAgent: actor.userAgent,
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
    userAgent: userAgentOf(request),
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
    userAgent: userAgentOf(request),
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
    userAgent: userAgentOf(request),
    via: 'page',
  }
}
