/**
 * Mock request logs and legal holds. A mock log row carries no partner
 * column: it belongs to a partner project when the request named it in
 * `X-Copilot-Partner` (its id or slug, the partner portal's attribution rule,
 * portal-mocks.server.ts). For a hold the rule is read generously: the value
 * is compared without case or spaces, a comma-separated or repeated header
 * counts if any of its values names a held partner, and both the id and the
 * slug of a held partner project hold. Rows that name no held partner project
 * (the vendor's own requests, unknown or absent headers) follow the policy.
 */
import { sqliteDate } from '../db.server'
import type { EvidenceTx } from '../evidence/append.server'
import { PARTNER_HEADER } from '../traces/signature.server'

type Client = Pick<EvidenceTx, '$queryRawUnsafe' | '$executeRawUnsafe' | 'partnerProject'>

/** [projectId, value] pairs naming the held partner projects of these projects (lower case). */
export async function heldValues(
  client: Client,
  projectIds: string[],
): Promise<[string, string][]> {
  if (projectIds.length === 0) return []
  const held = await client.partnerProject.findMany({
    where: { legalHold: true, projectId: { in: projectIds } },
    select: { id: true, slug: true, projectId: true },
  })
  return held.flatMap((row) => {
    const values = [row.id.toLowerCase(), row.slug.trim().toLowerCase()].filter(Boolean)
    return [...new Set(values)].map((value): [string, string] => [row.projectId, value])
  })
}

/**
 * The condition "row `l` of mock `m` names no held partner project", bound to
 * one JSON parameter (heldValues' pairs). The header value is lower-cased and
 * stripped of spaces, quotes and brackets (an array), then matched as an
 * element of a comma-separated list.
 */
export const NOT_HELD_SQL = `NOT EXISTS (
  SELECT 1
  FROM json_each(CASE WHEN json_valid(l."request") THEN l."request" ELSE '{}' END, '$.headers') h,
       json_each(?) hv
  WHERE lower(h."key") = '${PARTNER_HEADER}'
    AND (hv.value ->> 0) = m."projectId"
    AND (',' || replace(replace(replace(replace(lower(CAST(h."value" AS TEXT)), ' ', ''), '"', ''), '[', ''), ']', '') || ',')
        LIKE ('%,' || (hv.value ->> 1) || ',%')
)`

/** Deletes up to `limit` of one mock's rows older than `cutoff` that no hold covers; returns how many. */
export async function deleteMockLogBatch(
  tx: Client,
  mock: { id: string; projectId: string },
  cutoff: Date,
  limit: number,
): Promise<number> {
  const held = await heldValues(tx, [mock.projectId])
  return tx.$executeRawUnsafe(
    `DELETE FROM "MockRequestLog" WHERE "id" IN (
       SELECT l."id" FROM "MockRequestLog" l JOIN "Mock" m ON m."id" = l."mockId"
       WHERE l."mockId" = ? AND l."at" < ?
         ${held.length > 0 ? `AND ${NOT_HELD_SQL}` : ''}
       ORDER BY l."at" ASC
       LIMIT ?
     )`,
    ...[mock.id, sqliteDate(cutoff), ...(held.length > 0 ? [JSON.stringify(held)] : []), limit],
  )
}

/** How many of the organisation's mock log rows older than `cutoff` the next purge deletes, and the oldest. */
export async function countPurgeableMockLogs(
  client: Client,
  organizationId: string,
  projectIds: string[],
  cutoff: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const held = await heldValues(client, projectIds)
  const rows = await client.$queryRawUnsafe<{ count: number | bigint; oldest: string | null }[]>(
    `SELECT COUNT(*) AS "count", MIN(l."at") AS "oldest"
     FROM "Mock" m JOIN "MockRequestLog" l ON l."mockId" = m."id"
     WHERE m."projectId" IN (SELECT "id" FROM "Project" WHERE "organizationId" = ?)
       AND l."at" < ?
       ${held.length > 0 ? `AND ${NOT_HELD_SQL}` : ''}`,
    ...[organizationId, sqliteDate(cutoff), ...(held.length > 0 ? [JSON.stringify(held)] : [])],
  )
  const row = rows[0]
  return {
    count: Number(row?.count ?? 0),
    oldest: row?.oldest ? new Date(row.oldest) : null,
  }
}
