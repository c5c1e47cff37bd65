/**
 * "Verify chain": walks an organisation's audit chain from its stored rows, a page at a
 * time, recomputing each entry's content hash, and names the first entry that was edited,
 * inserted or removed. `verifyAuditExport` does the same over a JSON export (offline).
 */
import type { Prisma } from '~/generated/prisma/client'
import { db } from '../db.server'
import type { ChainHead, LinkBreak } from '../evidence/chain.server'
import { AUDIT_ROW_SELECT, AuditChainChecker, type LinkedAuditRow } from './chain.server'
import { audit } from './log.server'

const PAGE = 1000

export type AuditChainVerification = {
  count: number
  head: ChainHead | null
  firstBreak: LinkBreak | null
}

type StoredRow = Prisma.AuditLogGetPayload<{ select: typeof AUDIT_ROW_SELECT }>

function linked(row: StoredRow): LinkedAuditRow {
  return {
    ...row,
    seq: row.seq ?? 0,
    contentHash: row.contentHash ?? '',
    prevHash: row.prevHash ?? '',
    hash: row.hash ?? '',
  }
}

export async function verifyAuditChain(chainKey: string): Promise<AuditChainVerification> {
  const checker = new AuditChainChecker()
  let after: { seq: number; id: string } | null = null
  for (;;) {
    const page: StoredRow[] = await db.auditLog.findMany({
      where: {
        chainKey,
        seq: { not: null },
        ...(after
          ? { OR: [{ seq: { gt: after.seq } }, { seq: after.seq, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ seq: 'asc' }, { id: 'asc' }],
      take: PAGE,
      select: AUDIT_ROW_SELECT,
    })
    for (const row of page) checker.push(linked(row))
    const last = page.at(-1)
    if (!last || page.length < PAGE) break
    after = { seq: last.seq ?? 0, id: last.id }
  }
  return { count: checker.count, head: checker.head, firstBreak: checker.firstBreak }
}

/** An entry of the JSON export (`/settings/audit?format=json`), as an auditor holds it. */
export type ExportedAuditEntry = LinkedAuditRow & { createdAt: string }

/**
 * Re-verifies a whole, unfiltered JSON export without the database: sorted by seq, each
 * entry's content hash recomputed from its fields and its link checked against the one
 * before. (A filtered export leaves gaps, which read as removed entries.)
 */
export function verifyAuditExport(entries: readonly ExportedAuditEntry[]): AuditChainVerification {
  const checker = new AuditChainChecker()
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) checker.push(entry)
  return { count: checker.count, head: checker.head, firstBreak: checker.firstBreak }
}

/** The chain's last link (cheap: the unique index on chainKey, seq), or null when empty. */
export async function auditChainHead(chainKey: string): Promise<ChainHead | null> {
  const head = await db.auditLog.findFirst({
    where: { chainKey, seq: { not: null } },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  })
  return head?.seq != null && head.hash ? { seq: head.seq, hash: head.hash } : null
}

/** Verifies the organisation's chain and records that it was verified, and the outcome. */
export async function verifyAndRecord(input: {
  organizationId: string
  actor: { userId: string; ip: string; userAgent: string }
}): Promise<AuditChainVerification & { ok: boolean }> {
  const result = await verifyAuditChain(input.organizationId)
  await audit({
    action: 'audit.verified',
    actorUserId: input.actor.userId,
    organizationId: input.organizationId,
    targetType: 'audit_log',
    targetId: input.organizationId,
    ip: input.actor.ip,
    userAgent: input.actor.userAgent,
    metadata: {
      intact: !result.firstBreak,
      count: result.count,
      head: result.head,
      ...(result.firstBreak ? { firstBreak: result.firstBreak } : {}),
    },
  })
  return { ...result, ok: !result.firstBreak }
}
