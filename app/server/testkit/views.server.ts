/**
 * What the Tests pages show: each spec's suite (generated once per version
 * and kept in a small cache), the run form's choices, runs and their cases.
 * Read-only.
 */
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { VERDICT_FILTERS } from '~/shared/run-filters'
import { db } from '../db.server'
import { listEnvironments } from '../environments/service.server'
import { readNormalized } from '../specs/store.server'
import { generateSuite, type SuiteSummary, summarise } from './generate.server'
import type { SuiteCase } from './model.server'
import { CATEGORIES, goldenTemplate } from '~/shared/golden-templates'
import { annotationsForOperation } from '../annotations/annotations.server'
import { curlCommand } from './exports.server'
import {
  caseHistory,
  countsOf,
  FINISHED,
  getRun,
  getRunCase,
  listRunCases,
  listRuns,
  RunError,
} from './runs.server'

type CachedSuite = { spec: NormalizedSpec; cases: SuiteCase[]; summary: SuiteSummary }
const suites = new Map<string, CachedSuite>()
const SUITE_CACHE_SIZE = 6

/** The suite of a spec version (generation is deterministic: cached by version id). */
export async function suiteFor(versionId: string): Promise<CachedSuite> {
  const cached = suites.get(versionId)
  if (cached) {
    suites.delete(versionId)
    suites.set(versionId, cached)
    return cached
  }
  const version = await db.specVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { normalized: true },
  })
  const spec = readNormalized(version)
  const cases = generateSuite(spec)
  const entry = { spec, cases, summary: summarise(cases) }
  suites.set(versionId, entry)
  if (suites.size > SUITE_CACHE_SIZE) suites.delete(suites.keys().next().value!)
  return entry
}

export function runSummary(run: {
  id: string
  status: string
  counts: string
  caseTotal: number
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
  environmentLabel: string
  error: string | null
  specVersion: { number: number; spec: { id?: string; name: string } }
  partnerProject?: { name: string } | null
}) {
  return {
    id: run.id,
    status: run.status,
    counts: countsOf(run),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    environment: run.environmentLabel,
    spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
    partner: run.partnerProject?.name ?? null,
    error: run.error,
  }
}

/** The Tests tab: suites of the latest spec versions, where they can run, and recent runs. */
export async function testsHome(projectId: string, { before }: { before?: string | null } = {}) {
  const specs = await db.spec.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    include: {
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true, number: true } },
    },
  })
  const suitesOfSpecs = await Promise.all(
    specs
      .filter((spec) => spec.versions[0])
      .map(async (spec) => {
        const version = spec.versions[0]!
        const suite = await suiteFor(version.id)
        const mock = await db.mock.findFirst({
          where: { projectId, specVersion: { specId: spec.id } },
          orderBy: { createdAt: 'asc' },
          select: { id: true, status: true },
        })
        return {
          id: spec.id,
          name: spec.name,
          version: version.number,
          versionId: version.id,
          summary: suite.summary,
          mock,
        }
      }),
  )
  const [environments, partners, runs] = await Promise.all([
    listEnvironments(projectId),
    db.partnerProject.findMany({
      where: { projectId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
    listRuns(projectId, { before, take: 20 }),
  ])
  return {
    specs: suitesOfSpecs,
    environments: environments
      .filter((environment) => environment.kind !== 'mock')
      .map((environment) => ({
        id: environment.id,
        name: environment.name,
        kind: environment.kind,
      })),
    partners,
    runs: runs.runs.map(runSummary),
    older: runs.older,
    paged: Boolean(before),
  }
}

/** The latest event id of a run: where a live page's stream starts. */
export async function lastEventIdOf(runId: string): Promise<number> {
  const last = await db.runEvent.findFirst({
    where: { runId },
    orderBy: { id: 'desc' },
    select: { id: true },
  })
  return last?.id ?? 0
}

/** The run before this one on the same environment and spec, for "compare with previous". */
export async function previousRun(
  projectId: string,
  run: { id: string; createdAt: Date; environmentId: string; specVersion: { specId: string } },
) {
  return db.run.findFirst({
    where: {
      projectId,
      environmentId: run.environmentId,
      specVersion: { specId: run.specVersion.specId },
      createdAt: { lt: run.createdAt },
      status: { notIn: ['queued', 'running'] },
    },
    orderBy: { createdAt: 'desc' },
    select: { id: true, createdAt: true, status: true },
  })
}

const EXCERPT_CHARS = 12_000

/** The part of the spec a case was judged against: the operation, and the component schemas it names. */
export async function operationExcerpt(
  versionId: string,
  operationId: string,
): Promise<string | null> {
  if (!operationId) return null
  const { spec } = await suiteFor(versionId)
  const operation = spec.operations.find((entry) => entry.id === operationId)
  if (!operation) return null
  const excerpt = {
    operation: `${operation.method} ${operation.path}`,
    ...(operation.summary ? { summary: operation.summary } : {}),
    security: operation.security,
    parameters: operation.parameters.map((param) => ({
      name: param.name,
      in: param.in,
      required: param.required,
      schema: param.schema,
    })),
    ...(operation.requestBody
      ? {
          requestBody: Object.fromEntries(
            Object.entries(operation.requestBody.content).map(([type, media]) => [
              type,
              media.schema ?? {},
            ]),
          ),
        }
      : {}),
    responses: Object.fromEntries(
      operation.responses.map((response) => [
        response.status,
        {
          description: response.description,
          ...(Object.keys(response.headers).length ? { headers: response.headers } : {}),
          content: Object.fromEntries(
            Object.entries(response.content).map(([type, media]) => [type, media.schema ?? {}]),
          ),
        },
      ]),
    ),
  }
  const text = JSON.stringify(excerpt, null, 2)
  const named = [
    ...new Set([...text.matchAll(/#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!)),
  ].slice(0, 6)
  const schemas = named
    .map(
      (name) =>
        `\n\n// #/components/schemas/${name}\n${JSON.stringify(spec.schemas[name] ?? {}, null, 2)}`,
    )
    .join('')
  const full = `${text}${schemas}`
  return full.length > EXCERPT_CHARS
    ? `${full.slice(0, EXCERPT_CHARS)}\n… (cut at ${EXCERPT_CHARS.toLocaleString('en-GB')} characters)`
    : full
}

const RUN_PAGE = 100

/**
 * What a run page shows (vendor's and partner's alike): the run, a page of its
 * cases filtered by verdict and category, where live progress resumes from,
 * and the previous comparable run. With partnerProjectId, only that partner
 * project's own run is found (anything else is RunError 404).
 */
export async function runPage(
  projectId: string,
  runId: string,
  search: URLSearchParams,
  partnerProjectId?: string,
) {
  const run = await getRun(projectId, runId, partnerProjectId)
  const verdict = VERDICT_FILTERS.find((entry) => entry === search.get('verdict'))
  const category = CATEGORIES.find((entry) => entry === search.get('category'))
  const from = Math.max(1, Number(search.get('from')) || 1)
  const all = await listRunCases(run.id, { verdict, category })
  const page = all.filter((entry) => entry.seq >= from).slice(0, RUN_PAGE)
  const next = all.find(
    (entry) => entry.seq > (page[page.length - 1]?.seq ?? Number.MAX_SAFE_INTEGER),
  )
  const previous =
    FINISHED.has(run.status) && !partnerProjectId ? await previousRun(projectId, run) : null
  return {
    run: {
      id: run.id,
      status: run.status,
      counts: countsOf(run),
      spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
      environment: run.environmentLabel,
      partner: run.partnerProject?.name ?? null,
      categories: JSON.parse(run.categories) as string[],
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      error: run.error,
      finished: FINISHED.has(run.status),
    },
    filter: { verdict: verdict ?? null, category: category ?? null, from },
    cases: page,
    matching: all.length,
    nextFrom: next?.seq ?? null,
    lastEventId: await lastEventIdOf(run.id),
    previousRunId: previous?.id ?? null,
  }
}

export type RunPageData = Awaited<ReturnType<typeof runPage>>

/**
 * What a case page shows (vendor's and partner's alike): the case with its
 * assertions and exchanges (a curl to reproduce each), the template's
 * explanation, the spec excerpt, its history (the partner's own runs only
 * with partnerProjectId) and, when it failed, the vendor's notes on the operation.
 */
export async function casePage(
  projectId: string,
  runId: string,
  seqParam: string | undefined,
  partnerProjectId?: string,
) {
  const run = await getRun(projectId, runId, partnerProjectId)
  const seq = Number(seqParam)
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RunError('No such case.', 404)
  const entry = await getRunCase(projectId, run.id, seq, partnerProjectId)
  const failing = entry.verdict === 'failed' || entry.verdict === 'errored'
  const [excerpt, history, notes] = await Promise.all([
    operationExcerpt(run.specVersionId, entry.operationId),
    caseHistory(projectId, entry.key, 10, partnerProjectId),
    failing && entry.operationId
      ? annotationsForOperation(run.specVersion.specId, entry.operationId)
      : Promise.resolve([]),
  ])
  return {
    runRow: run,
    run: {
      id: run.id,
      spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
      environment: run.environmentLabel,
    },
    entry: {
      seq: entry.seq,
      key: entry.key,
      title: entry.title,
      templateId: entry.templateId,
      category: entry.category,
      level: entry.level,
      verdict: entry.verdict,
      reason: entry.reason,
      durationMs: entry.durationMs,
      assertions: entry.assertions,
      exchanges: entry.exchanges.map((exchange) => ({ ...exchange, curl: curlCommand(exchange) })),
    },
    template: goldenTemplate(entry.templateId) ?? null,
    excerpt,
    notes: notes.map(({ id, type, fieldPath, html, orphaned, orphanedVersion }) => ({
      id,
      type,
      fieldPath,
      html,
      orphaned,
      orphanedVersion,
    })),
    history: history.map((row) => ({
      runId: row.run.id,
      seq: row.seq,
      verdict: row.verdict,
      at: row.run.createdAt.toISOString(),
      environment: row.run.environmentLabel,
      version: row.run.specVersion.number,
    })),
  }
}

export type CasePageData = Omit<Awaited<ReturnType<typeof casePage>>, 'runRow'>
