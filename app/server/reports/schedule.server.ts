/**
 * Scheduled readiness reports per project: off, daily (06:00 UTC) or weekly
 * (Mondays, 06:00 UTC). The job pool's timer calls `enqueueDueReports`: each
 * due project's `reportNextAt` is moved on with a compare-and-set in the same
 * transaction that queues its REPORT_SCHEDULE_JOB, so two ticks (or two
 * processes) never queue the same generation twice. The job makes a snapshot
 * (trigger "schedule") of every partner project of the project.
 */
import { audit, type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { REPORT_SCHEDULE_JOB } from '../jobs/kinds'
import { announceJob } from '../jobs/queue.server'
import { generateSnapshot } from './snapshots.server'

export const REPORT_SCHEDULES = ['off', 'daily', 'weekly'] as const
export type ReportSchedule = (typeof REPORT_SCHEDULES)[number]

/** The hour (UTC) scheduled reports are made at. */
export const SCHEDULE_HOUR_UTC = 6

export function isReportSchedule(value: unknown): value is ReportSchedule {
  return typeof value === 'string' && (REPORT_SCHEDULES as readonly string[]).includes(value)
}

/** When the next scheduled report is due, strictly after `now`; null when off. */
export function nextReportAt(schedule: ReportSchedule, now: Date): Date | null {
  if (schedule === 'off') return null
  const next = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), SCHEDULE_HOUR_UTC),
  )
  if (schedule === 'daily') {
    if (next <= now) next.setUTCDate(next.getUTCDate() + 1)
    return next
  }
  // Weekly: the next Monday at the hour (getUTCDay: Sunday 0, Monday 1).
  next.setUTCDate(next.getUTCDate() + ((8 - next.getUTCDay()) % 7))
  if (next <= now) next.setUTCDate(next.getUTCDate() + 7)
  return next
}

export async function projectSchedule(projectId: string) {
  const project = await db.project.findUniqueOrThrow({
    where: { id: projectId },
    select: { reportSchedule: true, reportNextAt: true },
  })
  return {
    schedule: isReportSchedule(project.reportSchedule) ? project.reportSchedule : 'off',
    nextAt: project.reportNextAt?.toISOString() ?? null,
  }
}

export async function setReportSchedule(
  projectId: string,
  schedule: ReportSchedule,
  actor: Actor,
  now = new Date(),
) {
  const before = await projectSchedule(projectId)
  const nextAt = nextReportAt(schedule, now)
  await db.project.updateMany({
    where: { id: projectId, organizationId: actor.organizationId },
    data: { reportSchedule: schedule, reportNextAt: nextAt },
  })
  if (before.schedule !== schedule)
    await auditAs(
      actor,
      'report.schedule_changed',
      { type: 'project', id: projectId },
      { from: before.schedule, to: schedule },
    )
  return nextAt
}

/**
 * Queues the generation of every project whose schedule is due at `now`, and
 * moves its next date on. Returns the projects queued.
 */
export async function enqueueDueReports(now = new Date()): Promise<string[]> {
  const due = await db.project.findMany({
    where: {
      reportSchedule: { in: ['daily', 'weekly'] },
      archivedAt: null,
      OR: [{ reportNextAt: null }, { reportNextAt: { lte: now } }],
    },
    select: { id: true, reportSchedule: true, reportNextAt: true },
  })
  const queued: string[] = []
  for (const project of due) {
    if (!isReportSchedule(project.reportSchedule)) continue
    const next = nextReportAt(project.reportSchedule, now)
    const claimed = await db.$transaction(async (tx) => {
      const moved = await tx.project.updateMany({
        where: {
          id: project.id,
          reportSchedule: project.reportSchedule,
          reportNextAt: project.reportNextAt,
        },
        data: { reportNextAt: next },
      })
      if (moved.count !== 1) return false
      await tx.job.create({
        data: {
          kind: REPORT_SCHEDULE_JOB,
          payload: JSON.stringify({ projectId: project.id }),
          runAt: now,
        },
      })
      return true
    })
    if (claimed) queued.push(project.id)
  }
  if (queued.length > 0) announceJob()
  return queued
}

/** The scheduled job: a snapshot of every partner project of the project. */
export async function runScheduledReports(projectId: string) {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: { id: true, organizationId: true, partnerProjects: { select: { id: true } } },
  })
  if (!project) return { generated: 0, failed: 0 }
  const failures: string[] = []
  let generated = 0
  for (const partner of project.partnerProjects) {
    try {
      await generateSnapshot(partner.id, {
        trigger: 'schedule',
        organizationId: project.organizationId,
        projectId: project.id,
      })
      generated += 1
    } catch (error) {
      failures.push(`${partner.id}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (failures.length > 0) {
    await audit({
      action: 'report.schedule_failed',
      organizationId: project.organizationId,
      projectId: project.id,
      targetType: 'project',
      targetId: project.id,
      metadata: { failures: failures.slice(0, 20), via: 'schedule' },
    })
    throw new Error(
      `${failures.length} of ${project.partnerProjects.length} scheduled reports failed: ${failures.join('; ').slice(0, 1500)}`,
    )
  }
  return { generated, failed: 0 }
}
