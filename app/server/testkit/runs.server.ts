/**
 * Runs of a project, as use cases and read models: start one (a durable job
 * a worker picks up), cancel, run again; read a run with its cases, a case in
 * full, the history of a suite per environment, and the difference between
 * two runs. Every query is scoped by project.
 */
import { CATEGORIES, type Category } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { EnvironmentError, resolveEnvironment } from '../environments/service.server'
import { announceJob, cancelQueuedJob, enqueueJob } from '../jobs/queue.server'
import { GENERATOR_VERSION } from './generate.server'
import { type Assertion, emptyCounts, FINISHED, RUN_STATUSES, type RunCounts } from './model.server'
import { profileLevels, readProfile } from './profiles.server'
import type { StoredExchange } from './recording.server'
import { commitRunEvents } from './live.server'
import { RUN_JOB } from './runner.server'

export class RunError extends Error {
  constructor(
    message: string,
    readonly status = 422,
  ) {
    super(message)
  }
}

export { FINISHED, RUN_STATUSES }

export type StartRunInput = {
  specId: string
  /** mock | sandbox | uat | an environment id */
  environment: string
  partnerProjectId?: string | null
  categories?: Category[]
}

export async function startRun(projectId: string, input: StartRunInput, actor: Actor) {
  const version = await db.specVersion.findFirst({
    where: { specId: input.specId, spec: { projectId } },
    orderBy: { number: 'desc' },
    select: { id: true, normalized: true, number: true, spec: { select: { name: true } } },
  })
  if (!version) throw new RunError('That spec does not exist in this project.', 404)
  let environment
  try {
    environment = await resolveEnvironment(projectId, input.specId, input.environment)
  } catch (error) {
    if (error instanceof EnvironmentError) throw new RunError(error.message, error.status)
    throw error
  }
  if (input.partnerProjectId) {
    const partner = await db.partnerProject.findFirst({
      where: { id: input.partnerProjectId, projectId },
    })
    if (!partner) throw new RunError('That partner project does not exist in this project.', 404)
  }
  const categories = (input.categories ?? []).filter((category) => CATEGORIES.includes(category))
  const spec = JSON.parse(version.normalized) as NormalizedSpec
  const profile = profileLevels(await readProfile(projectId, spec))
  const run = await db.run.create({
    data: {
      projectId,
      specVersionId: version.id,
      environmentId: environment.id,
      partnerProjectId: input.partnerProjectId ?? null,
      categories: JSON.stringify(categories),
      profile: JSON.stringify(profile),
      counts: JSON.stringify(emptyCounts()),
      generatorVersion: GENERATOR_VERSION,
      environmentLabel: `${environment.name} (${environment.kind})`,
      createdById: actor.userId,
    },
  })
  await enqueueJob(RUN_JOB, { runId: run.id })
  announceJob()
  await auditAs(
    actor,
    'run.started',
    { type: 'run', id: run.id },
    {
      spec: version.spec.name,
      version: version.number,
      environment: run.environmentLabel,
      categories,
    },
  )
  return run
}

/** A run of the project; with partnerProjectId, only one of that partner project's own runs. */
export async function getRun(projectId: string, runId: string, partnerProjectId?: string) {
  const run = await db.run.findFirst({
    where: { id: runId, projectId, ...(partnerProjectId ? { partnerProjectId } : {}) },
    include: {
      specVersion: {
        select: { id: true, number: true, specId: true, spec: { select: { name: true } } },
      },
      environment: { select: { id: true, name: true, kind: true } },
      partnerProject: { select: { id: true, name: true } },
    },
  })
  if (!run) throw new RunError('That run does not exist in this project.', 404)
  return run
}

export async function cancelRun(
  projectId: string,
  runId: string,
  actor: Actor,
  partnerProjectId?: string,
) {
  const run = await getRun(projectId, runId, partnerProjectId)
  if (FINISHED.has(run.status)) throw new RunError('The run has already finished.', 409)
  if (run.status === 'queued') {
    const job = await db.job.findFirst({
      where: { kind: RUN_JOB, payload: JSON.stringify({ runId }) },
    })
    if (job && (await cancelQueuedJob(job.id))) {
      await commitRunEvents(
        runId,
        [
          {
            type: 'status',
            data: { status: 'cancelled', counts: JSON.parse(run.counts) as unknown, error: null },
          },
        ],
        {
          statements: [
            db.run.update({
              where: { id: runId },
              data: { status: 'cancelled', finishedAt: new Date(), cancelRequestedAt: new Date() },
            }),
          ],
          last: true,
        },
      )
      await auditAs(actor, 'run.cancelled', { type: 'run', id: runId })
      return
    }
  }
  await db.run.update({ where: { id: runId }, data: { cancelRequestedAt: new Date() } })
  await auditAs(actor, 'run.cancelled', { type: 'run', id: runId })
}

export async function rerun(
  projectId: string,
  runId: string,
  actor: Actor,
  partnerProjectId?: string,
) {
  const run = await getRun(projectId, runId, partnerProjectId)
  return startRun(
    projectId,
    {
      specId: run.specVersion.specId,
      environment: run.environmentId,
      partnerProjectId: run.partnerProjectId,
      categories: JSON.parse(run.categories) as Category[],
    },
    actor,
  )
}

export function countsOf(run: { counts: string; caseTotal: number }): RunCounts {
  return {
    ...emptyCounts(run.caseTotal),
    ...(JSON.parse(run.counts || '{}') as Partial<RunCounts>),
  }
}

export type CaseFilter = { verdict?: string; category?: string }

/** A run's cases in order (summary fields only), optionally filtered. */
export function listRunCases(runId: string, filter: CaseFilter = {}) {
  return db.runCase.findMany({
    where: {
      runId,
      ...(filter.verdict ? { verdict: filter.verdict } : {}),
      ...(filter.category ? { category: filter.category } : {}),
    },
    orderBy: { seq: 'asc' },
    select: {
      id: true,
      seq: true,
      key: true,
      templateId: true,
      category: true,
      operationId: true,
      group: true,
      title: true,
      level: true,
      verdict: true,
      reason: true,
      durationMs: true,
    },
  })
}

export async function getRunCase(
  projectId: string,
  runId: string,
  seq: number,
  partnerProjectId?: string,
) {
  const row = await db.runCase.findFirst({
    where: { runId, seq, run: { projectId, ...(partnerProjectId ? { partnerProjectId } : {}) } },
  })
  if (!row) throw new RunError('That case does not exist in this run.', 404)
  return {
    ...row,
    exchanges: JSON.parse(row.exchanges) as StoredExchange[],
    assertions: JSON.parse(row.assertions) as Assertion[],
  }
}

/** Runs of a project, newest first, a page at a time (keyset on createdAt + id). */
export async function listRuns(
  projectId: string,
  {
    environmentId,
    specId,
    partnerProjectId,
    before,
    take = 20,
  }: {
    environmentId?: string
    specId?: string
    /** Only this partner project's own runs. */
    partnerProjectId?: string
    before?: string | null
    take?: number
  } = {},
) {
  const cursor = before
    ? await db.run.findFirst({
        where: { id: before, projectId, ...(partnerProjectId ? { partnerProjectId } : {}) },
        select: { createdAt: true, id: true },
      })
    : null
  const rows = await db.run.findMany({
    where: {
      projectId,
      ...(environmentId ? { environmentId } : {}),
      ...(specId ? { specVersion: { specId } } : {}),
      ...(partnerProjectId ? { partnerProjectId } : {}),
      ...(cursor
        ? {
            OR: [
              { createdAt: { lt: cursor.createdAt } },
              { createdAt: cursor.createdAt, id: { lt: cursor.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: take + 1,
    include: {
      specVersion: { select: { number: true, spec: { select: { id: true, name: true } } } },
      partnerProject: { select: { name: true } },
    },
  })
  return { runs: rows.slice(0, take), older: rows.length > take ? rows[take - 1]!.id : null }
}

export type RunDiff = {
  newlyFailing: DiffEntry[]
  fixed: DiffEntry[]
  stillFailing: DiffEntry[]
  added: DiffEntry[]
  removed: DiffEntry[]
}
type DiffEntry = {
  key: string
  title: string
  seq: number | null
  from: string | null
  to: string | null
}

const FAILING = new Set(['failed', 'errored'])

/** What changed from run `from` to run `to`, case by case (by key). */
export async function diffRuns(projectId: string, fromId: string, toId: string): Promise<RunDiff> {
  const [from, to] = await Promise.all([getRun(projectId, fromId), getRun(projectId, toId)])
  const [before, after] = await Promise.all([listRunCases(from.id), listRunCases(to.id)])
  const old = new Map(before.map((entry) => [entry.key, entry]))
  const diff: RunDiff = { newlyFailing: [], fixed: [], stillFailing: [], added: [], removed: [] }
  for (const entry of after) {
    const previous = old.get(entry.key)
    const item = {
      key: entry.key,
      title: entry.title,
      seq: entry.seq,
      from: previous?.verdict ?? null,
      to: entry.verdict,
    }
    if (!previous) diff.added.push(item)
    else if (FAILING.has(entry.verdict) && !FAILING.has(previous.verdict))
      diff.newlyFailing.push(item)
    else if (!FAILING.has(entry.verdict) && FAILING.has(previous.verdict)) diff.fixed.push(item)
    else if (FAILING.has(entry.verdict)) diff.stillFailing.push(item)
    old.delete(entry.key)
  }
  for (const entry of old.values())
    diff.removed.push({
      key: entry.key,
      title: entry.title,
      seq: null,
      from: entry.verdict,
      to: null,
    })
  return diff
}

/** A case's verdicts in earlier runs of the project (same key), newest first. */
export function caseHistory(projectId: string, key: string, take = 10, partnerProjectId?: string) {
  return db.runCase.findMany({
    where: { key, run: { projectId, ...(partnerProjectId ? { partnerProjectId } : {}) } },
    orderBy: { run: { createdAt: 'desc' } },
    take,
    select: {
      verdict: true,
      seq: true,
      run: {
        select: {
          id: true,
          createdAt: true,
          environmentLabel: true,
          specVersion: { select: { number: true } },
        },
      },
    },
  })
}

/** A run and its cases for the downloads (exchanges only where a case did not pass). */
export async function exportRun(projectId: string, runId: string) {
  const run = await getRun(projectId, runId)
  const rows = await db.runCase.findMany({ where: { runId: run.id }, orderBy: { seq: 'asc' } })
  return {
    run: {
      id: run.id,
      status: run.status,
      spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
      environment: run.environmentLabel,
      partner: run.partnerProject?.name ?? null,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      counts: countsOf(run),
      profile: JSON.parse(run.profile) as unknown,
    },
    cases: rows.map((row) => ({
      seq: row.seq,
      key: row.key,
      templateId: row.templateId,
      category: row.category,
      operationId: row.operationId,
      title: row.title,
      level: row.level,
      verdict: row.verdict,
      reason: row.reason,
      durationMs: row.durationMs,
      assertions: JSON.parse(row.assertions) as Assertion[],
      exchanges: row.verdict === 'passed' ? [] : (JSON.parse(row.exchanges) as StoredExchange[]),
    })),
  }
}
