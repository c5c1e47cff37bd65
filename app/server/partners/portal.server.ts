/**
 * What the partner portal's dashboard and Tests pages show, and the runs a
 * partner starts. Scoped twice: by the vendor project and by the partner
 * project (a partner sees its own runs only, the suites and mocks shared with
 * it, and the project's Sandbox / UAT environments with its own credentials).
 */
import { PHASES } from '~/shared/plan'
import type { Category } from '~/shared/golden-templates'
import type { Actor } from '../audit/log.server'
import { db } from '../db.server'
import { partnerVariablesView } from '../environments/partner-settings.server'
import {
  describeAuth,
  EnvironmentError,
  mockEnvironment,
  partnerAuth,
} from '../environments/service.server'
import { phaseProgress } from '../plans/board.server'
import { RunError, listRuns, startRun } from '../testkit/runs.server'
import { runSummary, suiteFor } from '../testkit/views.server'
import { readAuth } from '../environments/service.server'
import { visibleMocks, visibleSuiteSpecIds } from './visibility.server'

type Scope = { projectId: string; partnerProjectId: string }

/** The dashboard: phase progress, the latest run per environment, the next open plan items. */
export async function partnerDashboard({ projectId, partnerProjectId }: Scope) {
  const progress = (await phaseProgress([partnerProjectId])).get(partnerProjectId)!
  const recent = await db.run.findMany({
    where: { projectId, partnerProjectId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 50,
    include: {
      specVersion: { select: { number: true, spec: { select: { id: true, name: true } } } },
    },
  })
  const latestPerEnvironment = new Map<string, (typeof recent)[number]>()
  for (const run of recent)
    if (!latestPerEnvironment.has(run.environmentId))
      latestPerEnvironment.set(run.environmentId, run)
  const open = await db.planItem.findMany({
    where: { partnerProjectId, status: { not: 'done' } },
    select: { id: true, phase: true, title: true, status: true, required: true, dueDate: true },
  })
  const nextSteps = open
    .sort(
      (a, b) =>
        PHASES.indexOf(a.phase as (typeof PHASES)[number]) -
          PHASES.indexOf(b.phase as (typeof PHASES)[number]) ||
        Number(b.required) - Number(a.required),
    )
    .slice(0, 5)
    .map((item) => ({ ...item, dueDate: item.dueDate?.toISOString().slice(0, 10) ?? null }))
  const [traceCount, lastTrace] = await Promise.all([
    db.trace.count({ where: { partnerProjectId } }),
    db.trace.findFirst({
      where: { partnerProjectId },
      orderBy: { receivedAt: 'desc' },
      select: { receivedAt: true },
    }),
  ])
  return {
    progress,
    latestRuns: [...latestPerEnvironment.values()].map(runSummary),
    nextSteps,
    traces: { count: traceCount, lastAt: lastTrace?.receivedAt.toISOString() ?? null },
  }
}

/** The environments a partner may run against: the project's Sandbox and UAT ones. */
function partnerTargetEnvironments(projectId: string) {
  return db.environment.findMany({
    where: { projectId, kind: { in: ['sandbox', 'uat'] } },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
  })
}

/** The partner's Tests page: suites it may run, where, with which credentials, and its runs. */
export async function partnerTestsHome(
  { projectId, partnerProjectId }: Scope,
  { before }: { before?: string | null } = {},
) {
  const suiteSpecIds = await visibleSuiteSpecIds(projectId, partnerProjectId)
  const mocks = await visibleMocks(projectId, partnerProjectId)
  const specs = await db.spec.findMany({
    where: { id: { in: suiteSpecIds } },
    orderBy: { name: 'asc' },
    include: {
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true, number: true } },
    },
  })
  const suites = await Promise.all(
    specs
      .filter((spec) => spec.versions[0])
      .map(async (spec) => {
        const version = spec.versions[0]!
        const { summary } = await suiteFor(version.id)
        return {
          id: spec.id,
          name: spec.name,
          version: version.number,
          total: summary.total,
          hasMock: mocks.some((mock) => mock.specVersion.specId === spec.id),
        }
      }),
  )
  const [environments, partner, runs] = await Promise.all([
    partnerTargetEnvironments(projectId),
    db.partnerProject.findUniqueOrThrow({
      where: { id: partnerProjectId },
      select: { testConfig: true, credentials: { select: { environmentId: true, auth: true } } },
    }),
    listRuns(projectId, { partnerProjectId, before, take: 20 }),
  ])
  return {
    suites,
    environments: environments.map((environment) => {
      const own = partner.credentials.find((entry) => entry.environmentId === environment.id)
      return {
        id: environment.id,
        name: environment.name,
        kind: environment.kind,
        baseUrl: environment.baseUrl,
        // Described, never shown: "Bearer token", "API key in header X-Key", …
        credentials: own ? describeAuth(readAuth(own.auth)) : null,
        vendorCredentials: Boolean(environment.auth),
      }
    }),
    variables: partnerVariablesView(partner.testConfig),
    runs: runs.runs.map(runSummary),
    older: runs.older,
  }
}

/** Whether the partner may set credentials for this environment (a Sandbox or UAT one of the project). */
export async function requirePartnerEnvironment(projectId: string, environmentId: string) {
  const environment = await db.environment.findFirst({
    where: { id: environmentId, projectId, kind: { in: ['sandbox', 'uat'] } },
  })
  if (!environment) throw new EnvironmentError('That environment is not available to you.', 404)
  return environment
}

/**
 * A partner starts its suite: the spec's suite must be shared with it, the
 * target is the spec's mock shared with it (`mock`) or a Sandbox / UAT
 * environment of the project; the run is the partner's own and uses its own
 * credentials and variables where it set them.
 */
export async function startPartnerRun(
  { projectId, partnerProjectId }: Scope,
  input: { specId: string; environment: string; categories?: Category[] },
  actor: Actor,
) {
  const suiteSpecIds = await visibleSuiteSpecIds(projectId, partnerProjectId)
  if (!suiteSpecIds.includes(input.specId))
    throw new RunError('That suite is not shared with you.', 404)
  let environmentId: string
  if (input.environment === 'mock') {
    const mock = (await visibleMocks(projectId, partnerProjectId)).find(
      (entry) => entry.specVersion.specId === input.specId,
    )
    if (!mock) throw new RunError('This spec has no mock shared with you.', 422)
    environmentId = (await mockEnvironment(projectId, mock.id)).id
  } else {
    let environment
    try {
      environment = await requirePartnerEnvironment(projectId, input.environment)
    } catch (error) {
      if (error instanceof EnvironmentError) throw new RunError(error.message, 404)
      throw error
    }
    // The vendor's own credentials are never used for a partner's run.
    if (environment.auth && !(await partnerAuth(environment.id, partnerProjectId)))
      throw new RunError(
        `Set your own credentials for ${environment.name} below first: the API team’s are not used for your runs.`,
        422,
      )
    environmentId = environment.id
  }
  return startRun(
    projectId,
    {
      specId: input.specId,
      environment: environmentId,
      partnerProjectId,
      categories: input.categories,
    },
    actor,
  )
}
