/**
 * The audit log's hash chain, one per organisation (`chainKey`: the organisation id, or
 * 'system' for entries that belong to none), built on the one hash-chain helper
 * (`evidence/chain.server.ts`, decision 028). An entry's link records its content hash:
 * SHA-256 of the canonical JSON of every stored field, so editing any field is detected.
 */
import type { PrismaClient } from '~/generated/prisma/client'
import {
  ChainWalker,
  contentHash,
  nextLinks,
  type ChainHead,
  type ChainLink,
  type LinkBreak,
  type LinkInput,
} from '../evidence/chain.server'

export const SYSTEM_CHAIN = 'system'
/** The `kind` of every audit link (the link's refId is the entry's id, its label the action). */
export const AUDIT_LINK_KIND = 'audit'

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>

/** The stored fields an entry's content hash covers. */
export type AuditContentRow = {
  id: string
  action: string
  actorUserId: string | null
  actorEmail: string
  chainKey: string
  organizationId: string | null
  projectId: string | null
  targetType: string
  targetId: string
  /** The stored JSON text, exactly as stored. */
  metadata: string
  ip: string
  userAgent: string
  createdAt: Date | string
}

export type LinkedAuditRow = AuditContentRow & {
  seq: number
  contentHash: string
  prevHash: string
  hash: string
}

/** The content an entry's hash covers: every stored field but its id (in the link) and its links. */
export function auditContent(row: AuditContentRow) {
  return {
    action: row.action,
    actorUserId: row.actorUserId,
    actorEmail: row.actorEmail,
    chainKey: row.chainKey,
    organizationId: row.organizationId,
    projectId: row.projectId,
    targetType: row.targetType,
    targetId: row.targetId,
    metadata: row.metadata,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: new Date(row.createdAt).toISOString(),
  }
}

export function auditContentHash(row: AuditContentRow): string {
  return contentHash(auditContent(row))
}

function linkInput(row: AuditContentRow, hash: string): LinkInput {
  return { kind: AUDIT_LINK_KIND, refId: row.id, label: row.action, contentHash: hash }
}

/** Columns read to hash or verify an entry. */
export const AUDIT_ROW_SELECT = {
  id: true,
  action: true,
  actorUserId: true,
  actorEmail: true,
  chainKey: true,
  organizationId: true,
  projectId: true,
  targetType: true,
  targetId: true,
  metadata: true,
  ip: true,
  userAgent: true,
  createdAt: true,
  seq: true,
  contentHash: true,
  prevHash: true,
  hash: true,
} as const

/**
 * Links every unlinked entry of the chain, oldest first, after its head. Called inside the
 * transaction that has just written an entry: that write holds SQLite's write lock, so the
 * head read here is the real head. The append-only trigger lets a row be updated only while
 * its hash is null: exactly these rows.
 */
export async function linkPending(tx: Tx, chainKey: string): Promise<ChainLink[]> {
  const [head, pending] = await Promise.all([
    tx.auditLog.findFirst({
      where: { chainKey, seq: { not: null } },
      orderBy: { seq: 'desc' },
      select: { seq: true, hash: true },
    }),
    tx.auditLog.findMany({
      where: { chainKey, hash: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: AUDIT_ROW_SELECT,
    }),
  ])
  if (pending.length === 0) return []
  const links = nextLinks(
    head?.seq != null && head.hash ? { seq: head.seq, hash: head.hash } : null,
    pending.map((row) => linkInput(row, auditContentHash(row))),
  )
  await tx.$executeRawUnsafe(
    `UPDATE "AuditLog" SET "seq" = j.value ->> 1, "contentHash" = j.value ->> 2, "prevHash" = j.value ->> 3, "hash" = j.value ->> 4
     FROM json_each(?) AS j WHERE "AuditLog"."id" = j.value ->> 0 AND "AuditLog"."hash" IS NULL`,
    JSON.stringify(
      links.map((link) => [link.refId, link.seq, link.contentHash, link.prevHash, link.hash]),
    ),
  )
  return links
}

/**
 * Checks stored (or exported) entries in chain order: ChainWalker finds removed, inserted
 * and relinked entries; the content hash recomputed from the fields finds an edited field.
 */
export class AuditChainChecker {
  private walker = new ChainWalker()
  private broken: LinkBreak | null = null

  get count(): number {
    return this.walker.count
  }

  get head(): ChainHead | null {
    return this.walker.head
  }

  get firstBreak(): LinkBreak | null {
    return this.broken
  }

  push(row: LinkedAuditRow): LinkBreak | null {
    const link: ChainLink = {
      ...linkInput(row, row.contentHash),
      seq: row.seq,
      prevHash: row.prevHash,
      hash: row.hash,
    }
    const found =
      this.walker.push(link) ??
      (auditContentHash(row) !== row.contentHash
        ? {
            seq: row.seq,
            problem: 'edited' as const,
            message: `Entry #${row.seq} was edited: its fields no longer match its hash.`,
          }
        : null)
    if (found && !this.broken) this.broken = found
    return found
  }
}
