/**
 * What a partner project's evidence says, gathered once for the plan's rules
 * and the readiness report: the latest finished run per environment with its
 * Required results by category, the Required operations of the project's
 * specs and which of them have verified, valid traffic, the credentials and
 * secret the vendor issued. Every query is scoped by the partner project.
 */
import { CATEGORIES, type Category } from '~/shared/golden-templates'
import { db } from '../db.server'
import { versionSpec } from '../specs/store.server'
import { readProfile } from '../testkit/profiles.server'
import { API_GROUP } from '../testkit/generate.server'

export const ENVIRONMENT_KINDS = ['mock', 'sandbox', 'uat'] as const
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number]
export const ENVIRONMENT_LABELS: Record<EnvironmentKind, string> = {
  mock: 'Mock',
  sandbox: 'Sandbox',
  uat: 'UAT',
}

/** Runs that say something about the API: those that reached a verdict. */
const JUDGED = ['passed', 'failed', 'incomplete']

export type CategoryTally = {
  requiredTotal: number
  requiredPassed: number
  requiredFailed: number
  total: number
  passed: number
  failed: number
}

export type CaseFailure = {
  seq: number
  key: string
  templateId: string
  operationId: string
  category: string
  title: string
  verdict: string
  reason: string | null
}

export type RunFact = {
  runId: string
  environmentKind: EnvironmentKind
  environmentName: string
  status: string
  finishedAt: string | null
  spec: string
  byCategory: Partial<Record<Category, CategoryTally>>
  requiredTotal: number
  requiredPassed: number
  requiredFailed: number
  /** Required cases that did not pass nor fail (needs configuration, errored, skipped). */
  requiredUnsettled: number
  /** Required cases that failed or errored (the first 50). */
  failures: CaseFailure[]
}

export type OperationRef = {
  id: string
  method: string
  path: string
  summary: string | null
  specName: string
}

export type TraceFacts = {
  total: number
  verifiedValid: number
  /** Operation id -> counts of this partner's traces. */
  byOperation: Map<string, { total: number; verifiedValid: number; lastAt: string | null }>
  unmatched: number
  requiredOperations: OperationRef[]
  /** Required operations without a verified, valid trace. */
  missing: OperationRef[]
}

export type EvidenceFacts = {
  runs: Partial<Record<EnvironmentKind, RunFact>>
  traces: TraceFacts
  credentials: Set<EnvironmentKind>
  traceSecret: boolean
}

function emptyTally(): CategoryTally {
  return { requiredTotal: 0, requiredPassed: 0, requiredFailed: 0, total: 0, passed: 0, failed: 0 }
}

/** The latest judged run of the partner project against each kind of environment. */
export async function latestRuns(
  partnerProjectId: string,
): Promise<Partial<Record<EnvironmentKind, RunFact>>> {
  const out: Partial<Record<EnvironmentKind, RunFact>> = {}
  for (const kind of ENVIRONMENT_KINDS) {
    const run = await db.run.findFirst({
      where: { partnerProjectId, status: { in: JUDGED }, environment: { kind } },
      orderBy: [{ finishedAt: 'desc' }, { createdAt: 'desc' }],
      include: {
        environment: { select: { name: true } },
        specVersion: { select: { number: true, spec: { select: { name: true } } } },
      },
    })
    if (!run) continue
    const groups = await db.runCase.groupBy({
      by: ['category', 'level', 'verdict'],
      where: { runId: run.id },
      _count: { _all: true },
    })
    const fact: RunFact = {
      runId: run.id,
      environmentKind: kind,
      environmentName: run.environment.name,
      status: run.status,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
      byCategory: {},
      requiredTotal: 0,
      requiredPassed: 0,
      requiredFailed: 0,
      requiredUnsettled: 0,
      failures: [],
    }
    for (const group of groups) {
      const category = group.category as Category
      if (!CATEGORIES.includes(category)) continue
      const tally = (fact.byCategory[category] ??= emptyTally())
      const count = group._count._all
      const failed = group.verdict === 'failed' || group.verdict === 'errored'
      tally.total += count
      if (group.verdict === 'passed') tally.passed += count
      if (failed) tally.failed += count
      if (group.level !== 'required') continue
      tally.requiredTotal += count
      fact.requiredTotal += count
      if (group.verdict === 'passed') {
        tally.requiredPassed += count
        fact.requiredPassed += count
      } else if (failed) {
        tally.requiredFailed += count
        fact.requiredFailed += count
      } else fact.requiredUnsettled += count
    }
    if (fact.requiredFailed > 0)
      fact.failures = await db.runCase.findMany({
        where: { runId: run.id, level: 'required', verdict: { in: ['failed', 'errored'] } },
        orderBy: { seq: 'asc' },
        take: 50,
        select: {
          seq: true,
          key: true,
          templateId: true,
          operationId: true,
          category: true,
          title: true,
          verdict: true,
          reason: true,
        },
      })
    out[kind] = fact
  }
  return out
}

/**
 * The operations a partner must show traffic for: those of the latest version
 * of each spec whose group's Contract level is Required in the project's test
 * profile (the vendor sets a group to Optional or N/A there to leave it out).
 */
export async function requiredOperations(projectId: string): Promise<OperationRef[]> {
  const specs = await db.spec.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: {
      name: true,
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true } },
    },
  })
  const operations: OperationRef[] = []
  for (const spec of specs) {
    const version = spec.versions[0]
    if (!version) continue
    const normalized = await versionSpec(version.id)
    const profile = await readProfile(projectId, normalized)
    for (const operation of normalized.operations) {
      if (operation.kind !== 'operation' || operation.deprecated) continue
      const level =
        profile.cells[operation.group]?.contract.level ?? profile.cells[API_GROUP]?.contract.level
      if (level !== 'required') continue
      operations.push({
        id: operation.id,
        method: operation.method,
        path: operation.path,
        summary: operation.summary ?? null,
        specName: spec.name,
      })
    }
  }
  return operations
}

export async function traceFacts(projectId: string, partnerProjectId: string): Promise<TraceFacts> {
  const rows = await db.$queryRawUnsafe<
    {
      operationKey: string
      total: number | bigint
      verifiedValid: number | bigint
      lastAt: string | null
    }[]
  >(
    `SELECT "operationKey", COUNT(*) AS total, SUM(CASE WHEN "verified" = 1 AND "valid" = 1 THEN 1 ELSE 0 END) AS verifiedValid, MAX("receivedAt") AS lastAt
     FROM "Trace" WHERE "projectId" = ? AND "partnerProjectId" = ? GROUP BY "operationKey"`,
    projectId,
    partnerProjectId,
  )
  const byOperation: TraceFacts['byOperation'] = new Map()
  let total = 0
  let verifiedValid = 0
  let unmatched = 0
  for (const row of rows) {
    const counts = {
      total: Number(row.total),
      verifiedValid: Number(row.verifiedValid ?? 0),
      lastAt: row.lastAt ? new Date(row.lastAt).toISOString() : null,
    }
    total += counts.total
    verifiedValid += counts.verifiedValid
    if (row.operationKey === '') unmatched += counts.total
    else byOperation.set(row.operationKey, counts)
  }
  const required = await requiredOperations(projectId)
  return {
    total,
    verifiedValid,
    byOperation,
    unmatched,
    requiredOperations: required,
    missing: required.filter((operation) => !(byOperation.get(operation.id)?.verifiedValid ?? 0)),
  }
}

export async function evidenceFacts(partnerProjectId: string): Promise<EvidenceFacts> {
  const partner = await db.partnerProject.findUniqueOrThrow({
    where: { id: partnerProjectId },
    select: { projectId: true, traceSecret: true },
  })
  const [runs, traces, credentials] = await Promise.all([
    latestRuns(partnerProjectId),
    traceFacts(partner.projectId, partnerProjectId),
    db.partnerCredential.findMany({
      where: { partnerProjectId },
      select: { environment: { select: { kind: true } } },
    }),
  ])
  return {
    runs,
    traces,
    credentials: new Set(credentials.map((entry) => entry.environment.kind as EnvironmentKind)),
    traceSecret: Boolean(partner.traceSecret),
  }
}
