/**
 * What the next purge would delete, per kind: how many rows, the oldest, and
 * the cut-off date. Also the one definition of which rows each kind's policy
 * reaches, shared with the purge itself. A partner project on legal hold is
 * left out of every kind.
 */
import type { Prisma } from '~/generated/prisma/client'
import { RETENTION_KINDS, type RetentionKind, type RetentionPolicy } from '~/shared/retention'
import { db } from '../db.server'
import { countPurgeableMockLogs } from './mock-logs.server'
import { cutoffsOf } from './policy.server'

/** A run is an artifact to purge once it ended, whatever the verdict (queued and running runs never are). */
export const FINISHED_RUN_STATUSES = [
  'passed',
  'failed',
  'incomplete',
  'errored',
  'cancelled',
  'interrupted',
]

/** Traces by the time the platform received them (the partner-reported time could be anything). */
export const tracesOlderThan = (cutoff: Date) =>
  ({ receivedAt: { lt: cutoff } }) satisfies Prisma.TraceWhereInput

export const refusalsOlderThan = (cutoff: Date) =>
  ({ at: { lt: cutoff } }) satisfies Prisma.TraceRefusalWhereInput

/** Finished runs by the time they finished (a run cancelled before it started: when it was made). */
export const runsOlderThan = (cutoff: Date) =>
  ({
    status: { in: FINISHED_RUN_STATUSES },
    OR: [{ finishedAt: { lt: cutoff } }, { finishedAt: null, createdAt: { lt: cutoff } }],
  }) satisfies Prisma.RunWhereInput

/** Evidence files by the time they were uploaded. */
export const filesOlderThan = (cutoff: Date) =>
  ({ createdAt: { lt: cutoff } }) satisfies Prisma.EvidenceFileWhereInput

export type KindPreview = {
  days: number | null
  cutoff: string | null
  count: number
  oldest: string | null
  /** What else goes with the rows (refused trace batches; run cases; bytes of files). */
  extra: number
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null

export async function purgePreview(
  organizationId: string,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<Record<RetentionKind, KindPreview>> {
  const cutoffs = cutoffsOf(policy, now)
  const notHeld = { legalHold: false, project: { organizationId } }
  const none = (kind: RetentionKind): KindPreview => ({
    days: policy[kind],
    cutoff: null,
    count: 0,
    oldest: null,
    extra: 0,
  })
  const traces = async (cutoff: Date | null): Promise<KindPreview> => {
    if (!cutoff) return none('traces')
    const [found, refusals] = await Promise.all([
      db.trace.aggregate({
        where: { ...tracesOlderThan(cutoff), partnerProject: notHeld },
        _count: { _all: true },
        _min: { receivedAt: true },
      }),
      db.traceRefusal.count({ where: { ...refusalsOlderThan(cutoff), partnerProject: notHeld } }),
    ])
    return {
      days: policy.traces,
      cutoff: iso(cutoff),
      count: found._count._all,
      oldest: iso(found._min.receivedAt),
      extra: refusals,
    }
  }
  const mockLogs = async (cutoff: Date | null): Promise<KindPreview> => {
    if (!cutoff) return none('mockLogs')
    const projects = await db.project.findMany({ where: { organizationId }, select: { id: true } })
    const found = await countPurgeableMockLogs(
      db,
      organizationId,
      projects.map((project) => project.id),
      cutoff,
    )
    return {
      days: policy.mockLogs,
      cutoff: iso(cutoff),
      count: found.count,
      oldest: iso(found.oldest),
      extra: 0,
    }
  }
  const runs = async (cutoff: Date | null): Promise<KindPreview> => {
    if (!cutoff) return none('runArtifacts')
    const where = {
      AND: [
        runsOlderThan(cutoff),
        { project: { organizationId } },
        { OR: [{ partnerProjectId: null }, { partnerProject: { legalHold: false } }] },
      ],
    } satisfies Prisma.RunWhereInput
    const [found, cases] = await Promise.all([
      db.run.aggregate({
        where,
        _count: { _all: true },
        _min: { finishedAt: true, createdAt: true },
      }),
      db.runCase.count({ where: { run: where } }),
    ])
    const oldest = found._min.finishedAt ?? found._min.createdAt
    return {
      days: policy.runArtifacts,
      cutoff: iso(cutoff),
      count: found._count._all,
      oldest: iso(oldest),
      extra: cases,
    }
  }
  const files = async (cutoff: Date | null): Promise<KindPreview> => {
    if (!cutoff) return none('evidence')
    const found = await db.evidenceFile.aggregate({
      where: { ...filesOlderThan(cutoff), partnerProject: notHeld },
      _count: { _all: true },
      _min: { createdAt: true },
      _sum: { size: true },
    })
    return {
      days: policy.evidence,
      cutoff: iso(cutoff),
      count: found._count._all,
      oldest: iso(found._min.createdAt),
      extra: found._sum.size ?? 0,
    }
  }
  const [t, m, r, f] = await Promise.all([
    traces(cutoffs.traces),
    mockLogs(cutoffs.mockLogs),
    runs(cutoffs.runArtifacts),
    files(cutoffs.evidence),
  ])
  const result = { traces: t, mockLogs: m, runArtifacts: r, evidence: f }
  // Keep the declared order of kinds.
  return Object.fromEntries(RETENTION_KINDS.map((kind) => [kind.key, result[kind.key]])) as Record<
    RetentionKind,
    KindPreview
  >
}
