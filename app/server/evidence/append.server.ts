/**
 * Appending to a partner project's evidence chain. The records and their
 * links are written in one transaction that writes before it reads: the first
 * write takes SQLite's write lock, so the head read after it is the real
 * head, and no other writer (the web process, a job worker) can slip a link
 * in between.
 */
import type { PrismaClient } from '~/generated/prisma/client'
import { db, sqliteDate } from '../db.server'
import { type ChainHead, type ChainLink, type LinkInput, nextLinks } from './chain.server'

type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>

export async function chainHead(
  client: Pick<Tx, '$queryRawUnsafe'>,
  partnerProjectId: string,
): Promise<ChainHead | null> {
  const rows = await client.$queryRawUnsafe<{ seq: number | bigint; hash: string }[]>(
    `SELECT "seq", "hash" FROM "EvidenceEntry" WHERE "partnerProjectId" = ? ORDER BY "seq" DESC LIMIT 1`,
    partnerProjectId,
  )
  const row = rows[0]
  return row ? { seq: Number(row.seq), hash: row.hash } : null
}

/** Appends links for `items` inside a transaction that has already written its records. */
export async function appendLinks(
  tx: Tx,
  partnerProjectId: string,
  items: LinkInput[],
  now = new Date(),
): Promise<ChainLink[]> {
  if (items.length === 0) return []
  const links = nextLinks(await chainHead(tx, partnerProjectId), items)
  const createdAt = sqliteDate(now)
  // One entry per (partner project, seq): its id says so, no random bytes per entry.
  const rows = links.map((link) => [
    `${partnerProjectId}:${link.seq}`,
    link.seq,
    link.kind,
    link.refId,
    link.label,
    link.contentHash,
    link.prevHash,
    link.hash,
  ])
  await tx.$executeRawUnsafe(
    `INSERT INTO "EvidenceEntry" ("id", "seq", "kind", "refId", "label", "contentHash", "prevHash", "hash", "createdAt", "partnerProjectId")
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, ?, ? FROM json_each(?)`,
    createdAt,
    partnerProjectId,
    JSON.stringify(rows),
  )
  return links
}

/**
 * Writes records and chains them in one transaction: `write` stores the
 * records and returns what each link records; the links follow.
 */
export async function recordEvidence<T>(
  partnerProjectId: string,
  write: (tx: Tx) => Promise<{ items: LinkInput[]; result: T }>,
): Promise<{ links: ChainLink[]; result: T }> {
  return db.$transaction(async (tx) => {
    // A write first, whatever `write` does: it takes SQLite's write lock before the head is read.
    await tx.$executeRawUnsafe(
      `UPDATE "PartnerProject" SET "updatedAt" = "updatedAt" WHERE "id" = ?`,
      partnerProjectId,
    )
    const { items, result } = await write(tx)
    const links = await appendLinks(tx, partnerProjectId, items)
    return { links, result }
  })
}

export type { Tx as EvidenceTx }
