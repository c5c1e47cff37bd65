/**
 * Records removed on purpose (the retention purge, issue #14) stay accounted
 * for in the chain: the entries that chained them are never deleted, and a
 * "purged" entry appended after them names each one (`<kind>:<id>`) with the
 * content hash it was chained with. Verification reads a missing record with
 * such a tombstone as purged, not as tampering; a record deleted any other
 * way still breaks the record.
 */
import type { LinkInput } from './chain.server'
import type { EvidenceTx } from './append.server'
import type { EvidenceKind } from './records.server'

/** The kind of a tombstone entry. */
export const PURGED_KIND = 'purged'

/** A tombstone's refId: the kind and id of the record it names. */
export function purgedRef(kind: EvidenceKind, refId: string): string {
  return `${kind}:${refId}`
}

type Client = Pick<EvidenceTx, '$queryRawUnsafe'>

/**
 * The tombstones to append for records of one kind that are being deleted in
 * the same transaction: one per record that has an entry (a record never
 * chained needs none). `why` says in words why they went.
 */
export async function tombstonesFor(
  tx: Client,
  partnerProjectId: string,
  kind: EvidenceKind,
  refIds: string[],
  why: string,
): Promise<LinkInput[]> {
  if (refIds.length === 0) return []
  const entries = await tx.$queryRawUnsafe<{ refId: string; label: string; contentHash: string }[]>(
    `SELECT "refId", "label", "contentHash" FROM "EvidenceEntry"
     WHERE "partnerProjectId" = ? AND "kind" = ? AND "refId" IN (SELECT value FROM json_each(?))
     ORDER BY "seq" ASC`,
    partnerProjectId,
    kind,
    JSON.stringify(refIds),
  )
  const seen = new Set<string>()
  const items: LinkInput[] = []
  for (const entry of entries) {
    if (seen.has(entry.refId)) continue
    seen.add(entry.refId)
    items.push({
      kind: PURGED_KIND,
      refId: purgedRef(kind, entry.refId),
      label: `${why}: ${entry.label}`.slice(0, 500),
      contentHash: entry.contentHash,
    })
  }
  return items
}

/**
 * Of the given records (all missing from their tables), those a tombstone
 * names with the content hash they were chained with: key `<kind>:<id>`.
 */
export async function purgedAmong(
  client: Client,
  partnerProjectId: string,
  missing: { kind: string; refId: string; contentHash: string }[],
): Promise<Set<string>> {
  const found = new Set<string>()
  if (missing.length === 0) return found
  const rows = await client.$queryRawUnsafe<{ refId: string; contentHash: string }[]>(
    `SELECT "refId", "contentHash" FROM "EvidenceEntry"
     WHERE "partnerProjectId" = ? AND "kind" = ? AND "refId" IN (SELECT value FROM json_each(?))`,
    partnerProjectId,
    PURGED_KIND,
    JSON.stringify(missing.map((entry) => `${entry.kind}:${entry.refId}`)),
  )
  const hashes = new Map<string, Set<string>>()
  for (const row of rows)
    hashes.set(row.refId, (hashes.get(row.refId) ?? new Set()).add(row.contentHash))
  for (const entry of missing) {
    const key = `${entry.kind}:${entry.refId}`
    if (hashes.get(key)?.has(entry.contentHash)) found.add(key)
  }
  return found
}
