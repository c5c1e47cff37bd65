/**
 * The retention purge of one organisation (the `retention.purge` job): rows
 * older than the policy's cut-offs are deleted in batches, one short
 * transaction each with a pause between them, so the web process's writes
 * interleave. A partner project on legal hold is never touched (checked
 * inside every batch's transaction, so a hold set mid-purge stops it at
 * once). Evidence (traces, partner runs, files) is never deleted silently:
 * each batch appends, in the same transaction, a "purged" entry per record
 * to the partner project's chain (the entries that chained them stay), so
 * "Verify evidence" still passes. The purge is audited as `retention.purged`
 * (no actor) when it deleted anything, and sets Organization.lastPurgeAt.
 * Running it again deletes nothing more.
 */
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RetentionKind, RetentionPolicy } from '~/shared/retention'
import { audit } from '../audit/log.server'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { type EvidenceTx, recordEvidence } from '../evidence/append.server'
import type { LinkInput } from '../evidence/chain.server'
import { tombstonesFor } from '../evidence/purged.server'
import { deleteMockLogBatch } from './mock-logs.server'
import { filesOlderThan, refusalsOlderThan, runsOlderThan, tracesOlderThan } from './plan.server'
import { cutoffsOf, hasPolicy, policyOf } from './policy.server'

/** Rows per statement. */
export const PURGE_BATCH = 500
/** Pause between two batches: the web process's writes get the lock in between. */
export const PURGE_PAUSE_MS = 25
/** Held partner projects named in the audit entry (the count is always complete). */
const MAX_HELD_LISTED = 100

export type PurgeCounts = {
  traces: number
  traceRefusals: number
  mockLogs: number
  runs: number
  runCases: number
  runEvents: number
  evidenceFiles: number
  evidenceBytes: number
  /** Files on disk no row pointed at any more (a purge stopped between its commit and the unlink). */
  orphanFiles: number
  /** "purged" entries appended to evidence chains. */
  tombstones: number
}

export type PurgeOptions = {
  now?: Date
  batchSize?: number
  pauseMs?: number
  trigger?: 'schedule' | 'manual'
  signal?: AbortSignal
}

export type PurgeResult = {
  organizationId: string
  policy: RetentionPolicy
  cutoffs: Record<RetentionKind, string | null>
  counts: PurgeCounts
  heldPartnerProjects: { id: string; name: string; projectId: string }[]
  deleted: number
}

const emptyCounts = (): PurgeCounts => ({
  traces: 0,
  traceRefusals: 0,
  mockLogs: 0,
  runs: 0,
  runCases: 0,
  runEvents: 0,
  evidenceFiles: 0,
  evidenceBytes: 0,
  orphanFiles: 0,
  tombstones: 0,
})

export class PurgeStopped extends Error {
  constructor() {
    super('The purge was stopped (its worker lost the job); the next run continues from there.')
  }
}

function evidenceRoot() {
  return path.resolve(getEnv().DATA_DIR, 'evidence')
}

/**
 * One batch in a partner project's chain: the transaction writes first (it
 * takes SQLite's write lock), then reads the hold; null when the partner
 * project is on hold (or gone), and nothing is deleted.
 */
async function partnerBatch<T extends { items: LinkInput[] }>(
  partnerProjectId: string,
  work: (tx: EvidenceTx) => Promise<T>,
): Promise<T | null> {
  const { result } = await recordEvidence(partnerProjectId, async (tx) => {
    const partner = await tx.partnerProject.findUnique({
      where: { id: partnerProjectId },
      select: { legalHold: true },
    })
    if (!partner || partner.legalHold) return { items: [], result: null }
    const done = await work(tx)
    return { items: done.items, result: done }
  })
  return result
}

export async function purgeOrganization(
  organizationId: string,
  options: PurgeOptions = {},
): Promise<PurgeResult | null> {
  const now = options.now ?? new Date()
  const batch = Math.max(1, Math.floor(options.batchSize ?? PURGE_BATCH))
  /** Runs carry their cases and events: fewer of them per transaction. */
  const runBatch = Math.max(1, Math.floor(batch / 10))
  const pauseMs = options.pauseMs ?? PURGE_PAUSE_MS
  const org = await db.organization.findUnique({ where: { id: organizationId } })
  if (!org) return null
  const policy = policyOf(org)
  if (!hasPolicy(policy)) return null
  const cutoffs = cutoffsOf(policy, now)
  const counts = emptyCounts()
  const held = new Map<string, { id: string; name: string; projectId: string }>()
  const started = Date.now()

  const between = async () => {
    if (options.signal?.aborted) throw new PurgeStopped()
    if (pauseMs > 0) await sleep(pauseMs)
  }
  /** Repeats a batch until it comes back short (or the partner project turns out held). */
  const drain = async (run: () => Promise<{ full: boolean } | null>) => {
    for (;;) {
      if (options.signal?.aborted) throw new PurgeStopped()
      const result = await run()
      if (!result || !result.full) return result !== null
      await between()
    }
  }
  const why = (what: string, days: number | null) =>
    `Purged by the retention policy (${what} kept ${days} days)`

  const partners = await db.partnerProject.findMany({
    where: { project: { organizationId } },
    select: { id: true, name: true, projectId: true, legalHold: true },
    orderBy: { createdAt: 'asc' },
  })

  try {
    for (const partner of partners) {
      if (partner.legalHold) {
        held.set(partner.id, { id: partner.id, name: partner.name, projectId: partner.projectId })
        continue
      }
      const markHeld = (open: boolean) => {
        if (!open)
          held.set(partner.id, { id: partner.id, name: partner.name, projectId: partner.projectId })
        return open
      }
      const tracesCutoff = cutoffs.traces
      if (tracesCutoff) {
        const open = await drain(async () => {
          const done = await partnerBatch(partner.id, async (tx) => {
            const rows = await tx.trace.findMany({
              where: { partnerProjectId: partner.id, ...tracesOlderThan(tracesCutoff) },
              orderBy: { receivedAt: 'asc' },
              take: batch,
              select: { id: true },
            })
            const ids = rows.map((row) => row.id)
            const items = await tombstonesFor(
              tx,
              partner.id,
              'trace',
              ids,
              why('traces', policy.traces),
            )
            const { count } = await tx.trace.deleteMany({
              where: { partnerProjectId: partner.id, id: { in: ids } },
            })
            return { items, count, full: ids.length === batch }
          })
          if (done) {
            counts.traces += done.count
            counts.tombstones += done.items.length
          }
          return done
        })
        if (!markHeld(open)) continue
        const refusalsOpen = await drain(async () => {
          const done = await partnerBatch(partner.id, async (tx) => {
            const rows = await tx.traceRefusal.findMany({
              where: { partnerProjectId: partner.id, ...refusalsOlderThan(tracesCutoff) },
              take: batch,
              select: { id: true },
            })
            const { count } = await tx.traceRefusal.deleteMany({
              where: { partnerProjectId: partner.id, id: { in: rows.map((row) => row.id) } },
            })
            return { items: [], count, full: rows.length === batch }
          })
          if (done) counts.traceRefusals += done.count
          return done
        })
        if (!markHeld(refusalsOpen)) continue
      }
      const runsCutoff = cutoffs.runArtifacts
      if (runsCutoff) {
        const open = await drain(async () => {
          const done = await partnerBatch(partner.id, async (tx) => {
            const rows = await tx.run.findMany({
              where: { partnerProjectId: partner.id, ...runsOlderThan(runsCutoff) },
              orderBy: { createdAt: 'asc' },
              take: runBatch,
              select: { id: true },
            })
            const ids = rows.map((row) => row.id)
            const items = await tombstonesFor(
              tx,
              partner.id,
              'run',
              ids,
              why('run artifacts', policy.runArtifacts),
            )
            const deleted = await deleteRuns(tx, ids)
            return { items, ...deleted, full: ids.length === runBatch }
          })
          if (done) {
            counts.runs += done.runs
            counts.runCases += done.cases
            counts.runEvents += done.events
            counts.tombstones += done.items.length
          }
          return done
        })
        if (!markHeld(open)) continue
      }
      const filesCutoff = cutoffs.evidence
      if (filesCutoff) {
        const open = await drain(async () => {
          const done = await partnerBatch(partner.id, async (tx) => {
            const rows = await tx.evidenceFile.findMany({
              where: { partnerProjectId: partner.id, ...filesOlderThan(filesCutoff) },
              orderBy: { createdAt: 'asc' },
              take: batch,
              select: { id: true, size: true },
            })
            const ids = rows.map((row) => row.id)
            const items = await tombstonesFor(
              tx,
              partner.id,
              'file',
              ids,
              why('evidence files', policy.evidence),
            )
            const { count } = await tx.evidenceFile.deleteMany({
              where: { partnerProjectId: partner.id, id: { in: ids } },
            })
            return { items, count, rows, full: ids.length === batch }
          })
          if (done) {
            // The rows are gone (committed): now their bytes.
            for (const row of done.rows) removeBytes(partner.id, row.id)
            counts.evidenceFiles += done.count
            counts.evidenceBytes += done.rows.reduce((sum, row) => sum + row.size, 0)
            counts.tombstones += done.items.length
          }
          return done
        })
        if (!markHeld(open)) continue
        counts.orphanFiles += await removeOrphans(partner.id, filesCutoff)
      }
    }

    // The vendor's own runs (no partner project: nothing can hold them, nothing chained them).
    const runsCutoff = cutoffs.runArtifacts
    if (runsCutoff) {
      const projects = await db.project.findMany({
        where: { organizationId },
        select: { id: true },
      })
      for (const project of projects)
        await drain(async () => {
          const done = await db.$transaction(async (tx) => {
            const rows = await tx.run.findMany({
              where: {
                projectId: project.id,
                partnerProjectId: null,
                ...runsOlderThan(runsCutoff),
              },
              orderBy: { createdAt: 'asc' },
              take: runBatch,
              select: { id: true },
            })
            const ids = rows.map((row) => row.id)
            return { ...(await deleteRuns(tx, ids)), full: ids.length === runBatch }
          })
          counts.runs += done.runs
          counts.runCases += done.cases
          counts.runEvents += done.events
          return done
        })
    }

    // Mock request logs, mock by mock; rows attributed to a held partner project stay.
    const logsCutoff = cutoffs.mockLogs
    if (logsCutoff) {
      const mocks = await db.mock.findMany({
        where: { project: { organizationId } },
        select: { id: true, projectId: true },
      })
      for (const mock of mocks)
        await drain(async () => {
          const count = await db.$transaction(async (tx) => {
            // A write first: the lock is taken before the holds are read.
            await tx.$executeRawUnsafe(
              `UPDATE "Mock" SET "updatedAt" = "updatedAt" WHERE "id" = ?`,
              mock.id,
            )
            return deleteMockLogBatch(tx, mock, logsCutoff, batch)
          })
          counts.mockLogs += count
          return { full: count === batch }
        })
      const heldMocks = await db.partnerProject.findMany({
        where: { legalHold: true, project: { organizationId } },
        select: { id: true, name: true, projectId: true },
      })
      for (const partner of heldMocks) held.set(partner.id, partner)
    }
  } catch (error) {
    const deleted = total(counts)
    if (deleted > 0)
      await record(
        organizationId,
        policy,
        cutoffs,
        counts,
        held,
        options,
        started,
        error instanceof Error ? error.message : String(error),
      ).catch(() => undefined)
    throw error
  }

  const deleted = total(counts)
  await db.organization.update({ where: { id: organizationId }, data: { lastPurgeAt: new Date() } })
  if (deleted > 0) await record(organizationId, policy, cutoffs, counts, held, options, started)
  return {
    organizationId,
    policy,
    cutoffs: isoCutoffs(cutoffs),
    counts,
    heldPartnerProjects: [...held.values()],
    deleted,
  }
}

function total(counts: PurgeCounts): number {
  return (
    counts.traces +
    counts.traceRefusals +
    counts.mockLogs +
    counts.runs +
    counts.evidenceFiles +
    counts.orphanFiles
  )
}

function isoCutoffs(cutoffs: Record<RetentionKind, Date | null>) {
  return Object.fromEntries(
    Object.entries(cutoffs).map(([kind, date]) => [kind, date?.toISOString() ?? null]),
  ) as Record<RetentionKind, string | null>
}

/** The audit entry: no actor (the policy did it), the counts, the cut-offs, the holds honoured. */
async function record(
  organizationId: string,
  policy: RetentionPolicy,
  cutoffs: Record<RetentionKind, Date | null>,
  counts: PurgeCounts,
  held: Map<string, { id: string; name: string; projectId: string }>,
  options: PurgeOptions,
  started: number,
  error?: string,
) {
  const heldList = [...held.values()]
  await audit({
    action: 'retention.purged',
    actorUserId: null,
    organizationId,
    targetType: 'organization',
    targetId: organizationId,
    metadata: {
      trigger: options.trigger ?? 'schedule',
      completed: error === undefined,
      ...(error === undefined ? {} : { error: error.slice(0, 500) }),
      days: policy,
      cutoffs: isoCutoffs(cutoffs),
      counts,
      heldPartnerProjects: heldList.slice(0, MAX_HELD_LISTED),
      heldCount: heldList.length,
      durationMs: Date.now() - started,
    },
  })
}

/** Deletes runs with their events and cases (explicitly, so each statement stays bounded). */
async function deleteRuns(
  tx: Pick<EvidenceTx, 'runEvent' | 'runCase' | 'run'>,
  ids: string[],
): Promise<{ runs: number; cases: number; events: number }> {
  if (ids.length === 0) return { runs: 0, cases: 0, events: 0 }
  const events = await tx.runEvent.deleteMany({ where: { runId: { in: ids } } })
  const cases = await tx.runCase.deleteMany({ where: { runId: { in: ids } } })
  const runs = await tx.run.deleteMany({ where: { id: { in: ids } } })
  return { runs: runs.count, cases: cases.count, events: events.count }
}

/** A purged file's bytes, where files.server.ts keeps them (never a path read from the row). */
function removeBytes(partnerProjectId: string, fileId: string) {
  const root = evidenceRoot()
  const target = path.resolve(root, partnerProjectId, fileId)
  if (!target.startsWith(root + path.sep)) return
  fs.rmSync(target, { force: true })
}

/**
 * Bytes under the partner project's folder that no row points at and that
 * are older than the cut-off (left by a purge stopped between its commit and
 * the unlink, or an upload that failed): removed. Recent ones are left alone
 * (an upload writes its bytes just before its row).
 */
async function removeOrphans(partnerProjectId: string, cutoff: Date): Promise<number> {
  const root = evidenceRoot()
  const dir = path.resolve(root, partnerProjectId)
  if (!dir.startsWith(root + path.sep) || !fs.existsSync(dir)) return 0
  const names = fs.readdirSync(dir)
  if (names.length === 0) return 0
  const ids = [...new Set(names.map((name) => name.replace(/\.part$/, '')))]
  const known = new Set<string>()
  for (let start = 0; start < ids.length; start += PURGE_BATCH)
    for (const row of await db.evidenceFile.findMany({
      where: { partnerProjectId, id: { in: ids.slice(start, start + PURGE_BATCH) } },
      select: { id: true },
    }))
      known.add(row.id)
  let removed = 0
  for (const name of names) {
    if (known.has(name.replace(/\.part$/, ''))) continue
    const file = path.join(dir, name)
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile() || stat.mtime >= cutoff) continue
    fs.rmSync(file, { force: true })
    removed += 1
  }
  return removed
}
