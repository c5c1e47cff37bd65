import { db } from '../db.server'

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
