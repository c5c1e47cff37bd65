/**
 * Where domain events come from: one function per occurrence, each called in
 * one line where it happens (a run finishing, a plan re-judged, a trace
 * refused) or by the periodic sweep (overdue items, idle partners).
 */
import { DEFAULT_IDLE_DAYS, subscribes } from '~/shared/connector-events'
import { PHASE_LABELS, isPhase } from '~/shared/plan'
import { db } from '../db.server'
import { EVENTS_SWEEP_JOB } from '../jobs/kinds'
import { enqueueUniqueJob } from '../jobs/queue.server'
import { parseEvents, recordEvent } from './record.server'

/** The most case.newly_failing events one run records (a first run against a broken sandbox). */
export const MAX_NEWLY_FAILING = 25
const FAILING = ['failed', 'errored']
const JUDGED_RUN = ['passed', 'failed', 'incomplete']

function counts(text: string): Record<string, number> {
  try {
    return JSON.parse(text) as Record<string, number>
  } catch {
    return {}
  }
}

/**
 * A finished run: run.failed (failed, errored, interrupted) or run.finished
 * (passed, incomplete), and case.newly_failing for each Required case that
 * fails now and passed, or did not exist, in the previous judged run of the
 * same spec, environment and partner.
 */
export async function emitRunFinished(runId: string): Promise<void> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      status: true,
      counts: true,
      projectId: true,
      environmentId: true,
      environmentLabel: true,
      partnerProjectId: true,
      createdAt: true,
      partnerProject: { select: { name: true } },
      specVersion: { select: { specId: true, title: true, number: true } },
    },
  })
  if (!run || run.status === 'cancelled') return
  const failed = ['failed', 'errored', 'interrupted'].includes(run.status)
  const tally = counts(run.counts)
  const path = `/projects/${run.projectId}/tests/runs/${run.id}`
  const who = run.partnerProject ? ` for ${run.partnerProject.name}` : ''
  const common = {
    runId: run.id,
    status: run.status,
    spec: `${run.specVersion.title} v${run.specVersion.number}`,
    environment: run.environmentLabel,
    partner: run.partnerProject?.name ?? null,
    counts: {
      passed: tally.passed ?? 0,
      failed: tally.failed ?? 0,
      requiredFailed: tally.requiredFailed ?? 0,
    },
    path,
  }
  const options = { partnerProjectId: run.partnerProjectId }
  await recordEvent(
    run.projectId,
    failed ? 'run.failed' : 'run.finished',
    {
      ...common,
      title: `Run ${run.status}${who}: ${common.spec} on ${run.environmentLabel || 'an environment'}`,
      summary: `${common.counts.passed} passed, ${common.counts.failed} failed (${common.counts.requiredFailed} required).`,
    },
    { ...options, dedupeKey: `run:${run.id}` },
  )
  if (!JUDGED_RUN.includes(run.status)) return
  const failing = await db.runCase.findMany({
    where: { runId, level: 'required', verdict: { in: FAILING } },
    select: {
      id: true,
      seq: true,
      key: true,
      title: true,
      reason: true,
      templateId: true,
      operationId: true,
    },
    orderBy: { seq: 'asc' },
  })
  if (failing.length === 0) return
  const previous = await db.run.findFirst({
    where: {
      id: { not: run.id },
      projectId: run.projectId,
      environmentId: run.environmentId,
      partnerProjectId: run.partnerProjectId,
      specVersion: { specId: run.specVersion.specId },
      status: { in: JUDGED_RUN },
      createdAt: { lte: run.createdAt },
    },
    orderBy: { createdAt: 'desc' },
    select: { id: true },
  })
  const stillFailing = new Set(
    previous
      ? (
          await db.runCase.findMany({
            where: {
              runId: previous.id,
              key: { in: failing.map((entry) => entry.key) },
              verdict: { notIn: ['passed'] },
            },
            select: { key: true },
          })
        ).map((entry) => entry.key)
      : [],
  )
  for (const entry of failing
    .filter((item) => !stillFailing.has(item.key))
    .slice(0, MAX_NEWLY_FAILING))
    await recordEvent(
      run.projectId,
      'case.newly_failing',
      {
        ...common,
        title: `Newly failing${who}: ${entry.title}`,
        summary: entry.reason ?? 'The case failed.',
        runCaseId: entry.id,
        seq: entry.seq,
        caseKey: entry.key,
        templateId: entry.templateId,
        operationId: entry.operationId,
        path: `${path}/cases/${entry.seq}`,
      },
      { ...options, dedupeKey: `case.newly_failing:${run.id}:${entry.key}` },
    )
}

/** After a plan was re-judged: phase.completed for each phase of `phases` whose required items are all done. */
export async function emitPhasesCompleted(
  partnerProjectId: string,
  phases: string[],
): Promise<void> {
  if (phases.length === 0) return
  const partner = await db.partnerProject.findUnique({
    where: { id: partnerProjectId },
    select: { id: true, name: true, projectId: true },
  })
  if (!partner) return
  for (const phase of new Set(phases)) {
    if (!isPhase(phase)) continue
    const items = await db.planItem.findMany({
      where: { partnerProjectId, phase, required: true },
      select: { status: true },
    })
    if (items.length === 0 || items.some((item) => item.status !== 'done')) continue
    await recordEvent(
      partner.projectId,
      'phase.completed',
      {
        title: `${partner.name} completed the ${PHASE_LABELS[phase]} phase`,
        summary: `All ${items.length} required items of ${PHASE_LABELS[phase]} are done.`,
        phase,
        partner: partner.name,
        path: `/projects/${partner.projectId}/plan/${partner.id}`,
      },
      { partnerProjectId, dedupeKey: `phase.completed:${partnerProjectId}:${phase}` },
    )
  }
}

/** A refused trace submission (at most one event per partner and hour: refusals come in floods). */
export async function emitTraceRejected(
  partner: { id: string; name?: string; projectId: string },
  reason: string,
  now = new Date(),
): Promise<void> {
  await recordEvent(
    partner.projectId,
    'trace.rejected',
    {
      title: `Traces refused${partner.name ? ` from ${partner.name}` : ''}`,
      summary: reason.slice(0, 300),
      partner: partner.name ?? null,
      path: `/projects/${partner.projectId}/traces`,
    },
    {
      partnerProjectId: partner.id,
      dedupeKey: `trace.rejected:${partner.id}:${now.toISOString().slice(0, 13)}`,
    },
  )
}

const SWEEP_EVERY_MS = 60 * 60 * 1000

/** Called by the job pool's timer: queues the sweep at most once an hour. */
export async function enqueueDueSweep(now = new Date()): Promise<boolean> {
  const recent = await db.job.findFirst({
    where: { kind: EVENTS_SWEEP_JOB, createdAt: { gt: new Date(now.getTime() - SWEEP_EVERY_MS) } },
    select: { id: true },
  })
  if (recent) return false
  return Boolean(await enqueueUniqueJob(EVENTS_SWEEP_JOB, {}))
}

function idleDaysOf(configured: number[]): number {
  const valid = configured.filter((days) => Number.isInteger(days) && days >= 1 && days <= 365)
  return valid.length > 0 ? Math.min(...valid) : DEFAULT_IDLE_DAYS
}

/**
 * plan_item.overdue (once per item and due date) and partner.idle (once per
 * idle stretch: no trace or run for N days; N the smallest `idleDays` of the
 * project's connectors, else 7) for every project with an enabled connector.
 */
export async function sweepEvents(
  now = new Date(),
  idleDaysFor: (connectorId: string) => number | undefined = () => undefined,
): Promise<number> {
  const connectors = await db.connector.findMany({
    where: { enabled: true, project: { archivedAt: null } },
    select: { id: true, projectId: true, kind: true, events: true },
  })
  const byProject = new Map<string, typeof connectors>()
  for (const connector of connectors)
    byProject.set(connector.projectId, [...(byProject.get(connector.projectId) ?? []), connector])
  let recorded = 0
  for (const [projectId, list] of byProject) {
    const wants = (type: string) =>
      list.some((entry) => subscribes(parseEvents(entry.events), type))
    if (wants('plan_item.overdue')) {
      const overdue = await db.planItem.findMany({
        where: { partnerProject: { projectId }, dueDate: { lt: now }, status: { not: 'done' } },
        select: {
          id: true,
          title: true,
          phase: true,
          dueDate: true,
          partnerProject: { select: { id: true, name: true } },
        },
        take: 200,
      })
      for (const item of overdue) {
        const result = await recordEvent(
          projectId,
          'plan_item.overdue',
          {
            title: `Overdue for ${item.partnerProject.name}: ${item.title}`,
            summary: `Due ${item.dueDate!.toISOString().slice(0, 10)}.`,
            partner: item.partnerProject.name,
            phase: item.phase,
            path: `/projects/${projectId}/plan/${item.partnerProject.id}`,
          },
          {
            partnerProjectId: item.partnerProject.id,
            dedupeKey: `plan_item.overdue:${item.id}:${item.dueDate!.toISOString()}`,
          },
        )
        if (result) recorded++
      }
    }
    if (wants('partner.idle')) {
      const days = idleDaysOf(list.map((entry) => idleDaysFor(entry.id) ?? NaN))
      const partners = await db.partnerProject.findMany({
        where: { projectId },
        select: {
          id: true,
          name: true,
          createdAt: true,
          traces: { select: { receivedAt: true }, orderBy: { receivedAt: 'desc' }, take: 1 },
          runs: { select: { createdAt: true }, orderBy: { createdAt: 'desc' }, take: 1 },
        },
      })
      for (const partner of partners) {
        const last = new Date(
          Math.max(
            partner.createdAt.getTime(),
            partner.traces[0]?.receivedAt.getTime() ?? 0,
            partner.runs[0]?.createdAt.getTime() ?? 0,
          ),
        )
        if (now.getTime() - last.getTime() < days * 86_400_000) continue
        const result = await recordEvent(
          projectId,
          'partner.idle',
          {
            title: `${partner.name} has been idle for ${Math.floor((now.getTime() - last.getTime()) / 86_400_000)} days`,
            summary: `No traces or runs since ${last.toISOString().slice(0, 10)}.`,
            partner: partner.name,
            path: `/projects/${projectId}/partners/${partner.id}`,
          },
          {
            partnerProjectId: partner.id,
            dedupeKey: `partner.idle:${partner.id}:${last.toISOString()}`,
          },
        )
        if (result) recorded++
      }
    }
  }
  return recorded
}
