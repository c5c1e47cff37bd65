/**
 * Report snapshots: every generation (by hand, through the API, on schedule)
 * stores the report as canonical JSON with its SHA-256 (the evidence chain's
 * one hashing helper), its verdict and score, and the chain head it saw; it
 * is audited and its PDF is queued. A snapshot's views are rendered from
 * what was stored, never recomputed. Every query is scoped by the partner
 * project, which the caller found within its project.
 */
import { type Actor, audit, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { canonicalJson, sha256Hex } from '../evidence/chain.server'
import { queuePdf } from './pdf.server'
import { buildReadiness, type ReadinessReport } from './readiness.server'
import { readReport, ReportError, snapshotMeta, type SnapshotRow } from './stored.server'

export { ReportError }

export type SnapshotTrigger = 'manual' | 'schedule' | 'api'

/** Who asked: a person or a token (audited as them), or the project's schedule. */
export type SnapshotOrigin =
  | { trigger: 'manual' | 'api'; actor: Actor }
  | { trigger: 'schedule'; organizationId: string; projectId: string }

export async function generateSnapshot(partnerProjectId: string, origin: SnapshotOrigin) {
  const report = await buildReadiness(partnerProjectId, { refreshPlan: true })
  const content = canonicalJson(report)
  const snapshot = await db.reportSnapshot.create({
    data: {
      partnerProjectId,
      trigger: origin.trigger,
      verdict: report.verdict,
      score: report.score,
      content,
      contentHash: sha256Hex(content),
      chainSeq: report.evidence.head?.seq ?? 0,
      chainHash: report.evidence.head?.hash ?? '',
      pdfStatus: 'queued',
      createdById: origin.trigger === 'schedule' ? null : origin.actor.userId,
    },
  })
  await queuePdf(snapshot.id)
  const target = { type: 'report_snapshot', id: snapshot.id }
  const metadata = {
    partnerProjectId,
    trigger: origin.trigger,
    verdict: report.verdict,
    score: report.score,
    contentHash: snapshot.contentHash,
  }
  if (origin.trigger === 'schedule')
    await audit({
      action: 'report.generated',
      organizationId: origin.organizationId,
      projectId: origin.projectId,
      targetType: target.type,
      targetId: target.id,
      metadata: { ...metadata, via: 'schedule' },
    })
  else await auditAs(origin.actor, 'report.generated', target, metadata)
  return { snapshot, report }
}

async function authorNames(ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))]
  if (wanted.length === 0) return new Map<string, string>()
  const users = await db.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, name: true },
  })
  return new Map(users.map((user) => [user.id, user.name]))
}

/** One snapshot of the partner project, with its report and what a page shows about it. */
export async function requireSnapshot(partnerProjectId: string, snapshotId: string | undefined) {
  const row = snapshotId
    ? await db.reportSnapshot.findFirst({ where: { id: snapshotId, partnerProjectId } })
    : null
  if (!row) throw new ReportError('Report not found.', 404)
  const names = await authorNames([row.createdById])
  return {
    row,
    report: readReport(row.content),
    meta: snapshotMeta(row),
    view: snapshotListEntry(row, names),
  }
}

function snapshotListEntry(
  row: Pick<
    SnapshotRow,
    | 'id'
    | 'createdAt'
    | 'trigger'
    | 'verdict'
    | 'score'
    | 'contentHash'
    | 'pdfStatus'
    | 'pdfError'
    | 'createdById'
  >,
  names: Map<string, string>,
) {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    trigger: row.trigger as SnapshotTrigger,
    verdict: row.verdict as ReadinessReport['verdict'],
    score: row.score,
    contentHash: row.contentHash,
    pdfStatus: row.pdfStatus,
    pdfError: row.pdfError,
    createdBy: row.createdById ? (names.get(row.createdById) ?? 'A former member') : null,
  }
}

export type SnapshotListEntry = ReturnType<typeof snapshotListEntry>

/** The partner project's snapshots, newest first. */
export async function listSnapshots(partnerProjectId: string, { take = 100 } = {}) {
  const rows = await db.reportSnapshot.findMany({
    where: { partnerProjectId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: {
      id: true,
      createdAt: true,
      trigger: true,
      verdict: true,
      score: true,
      contentHash: true,
      pdfStatus: true,
      pdfError: true,
      createdById: true,
    },
  })
  const names = await authorNames(rows.map((row) => row.createdById))
  return rows.map((row) => snapshotListEntry(row, names))
}

export type Trend = 'up' | 'down' | 'same' | 'first'

export type LatestReport = {
  id: string
  createdAt: string
  verdict: ReadinessReport['verdict']
  score: number
  blockerCount: number
  previousScore: number | null
  trend: Trend
}

/**
 * The latest snapshot of each partner project with its blocker count, and the
 * trend of its score against the snapshot before it. Two queries in all.
 */
export async function latestReports(
  partnerProjectIds: string[],
): Promise<Map<string, LatestReport>> {
  const out = new Map<string, LatestReport>()
  if (partnerProjectIds.length === 0) return out
  const placeholders = partnerProjectIds.map(() => '?').join(', ')
  const rows = await db.$queryRawUnsafe<
    {
      id: string
      partnerProjectId: string
      rank: number | bigint
      score: number | bigint
    }[]
  >(
    `SELECT "id", "partnerProjectId", "rank", "score" FROM (
       SELECT "id", "partnerProjectId", "score",
         ROW_NUMBER() OVER (PARTITION BY "partnerProjectId" ORDER BY "createdAt" DESC, "id" DESC) AS "rank"
       FROM "ReportSnapshot" WHERE "partnerProjectId" IN (${placeholders})
     ) WHERE "rank" <= 2`,
    ...partnerProjectIds,
  )
  const latestIds = rows.filter((row) => Number(row.rank) === 1).map((row) => row.id)
  const previous = new Map(
    rows
      .filter((row) => Number(row.rank) === 2)
      .map((row) => [row.partnerProjectId, Number(row.score)]),
  )
  const latest = await db.reportSnapshot.findMany({
    where: { id: { in: latestIds }, partnerProjectId: { in: partnerProjectIds } },
    select: { id: true, partnerProjectId: true, createdAt: true, verdict: true, score: true },
  })
  const counts = await db.$queryRawUnsafe<{ id: string; blockerCount: number | bigint | null }[]>(
    `SELECT "id", json_extract("content", '$.blockerCount') AS "blockerCount" FROM "ReportSnapshot" WHERE "id" IN (${latestIds.map(() => '?').join(', ') || "''"})`,
    ...latestIds,
  )
  const countOf = new Map(counts.map((row) => [row.id, Number(row.blockerCount ?? 0)]))
  for (const row of latest) {
    const before = previous.get(row.partnerProjectId) ?? null
    out.set(row.partnerProjectId, {
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      verdict: row.verdict as ReadinessReport['verdict'],
      score: row.score,
      blockerCount: countOf.get(row.id) ?? 0,
      previousScore: before,
      trend:
        before === null
          ? 'first'
          : row.score > before
            ? 'up'
            : row.score < before
              ? 'down'
              : 'same',
    })
  }
  return out
}
