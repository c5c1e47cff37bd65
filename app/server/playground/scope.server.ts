/**
 * What the person at the playground may reach: the project's specs (latest
 * version each) and environments, narrowed for a partner to the specs and mocks
 * shared with its partner project plus the project's Sandbox and UAT.
 */
import type { EnvironmentChoice } from '~/shared/playground'
import { db } from '../db.server'
import { notFound } from '../http.server'
import { visibleMocks, visibleSpecs } from '../partners/visibility.server'

/** Whose playground: a vendor member (partnerProjectId null) or a partner user in one partner project. */
export type PlaygroundScope = { projectId: string; partnerProjectId: string | null; userId: string }

export type ScopedSpec = {
  specId: string
  specName: string
  versionId: string
  versionNumber: number
}

const latestVersion = {
  versions: { orderBy: { number: 'desc' as const }, take: 1, select: { id: true, number: true } },
}

/** The specs the scope sees, by name, each with its latest version (specs without one are left out). */
export async function scopeSpecs(scope: PlaygroundScope): Promise<ScopedSpec[]> {
  const rows = scope.partnerProjectId
    ? await visibleSpecs(scope.projectId, scope.partnerProjectId)
    : await db.spec.findMany({
        where: { projectId: scope.projectId },
        orderBy: { name: 'asc' },
        include: latestVersion,
      })
  return rows.flatMap((row) => {
    const version = row.versions[0]
    return version
      ? [
          {
            specId: row.id,
            specName: row.name,
            versionId: version.id,
            versionNumber: version.number,
          },
        ]
      : []
  })
}

/** One spec of the scope; a 404 for a spec of another project or one not shared with the partner. */
export async function requireScopedSpec(
  scope: PlaygroundScope,
  specId: string,
): Promise<ScopedSpec> {
  const spec = (await scopeSpecs(scope)).find((entry) => entry.specId === specId)
  if (!spec) throw notFound('That operation does not exist here.')
  return spec
}

const KIND_LABELS = { sandbox: 'Sandbox', uat: 'UAT' } as const

/**
 * The environments the scope may send to: the mocks it sees (an environment id
 * once the mock has been used as one, else `mock:<mockId>`), then Sandbox and UAT.
 */
export async function scopeEnvironments(scope: PlaygroundScope): Promise<EnvironmentChoice[]> {
  const [mocks, environments] = await Promise.all([
    scope.partnerProjectId
      ? visibleMocks(scope.projectId, scope.partnerProjectId)
      : db.mock.findMany({
          where: { projectId: scope.projectId },
          orderBy: { createdAt: 'asc' },
          include: {
            specVersion: { select: { id: true, number: true, title: true, specId: true } },
          },
        }),
    db.environment.findMany({
      where: { projectId: scope.projectId },
      orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
      select: { id: true, kind: true, name: true, mockId: true },
    }),
  ])
  const choices: EnvironmentChoice[] = mocks.map((mock) => ({
    value:
      environments.find((row) => row.kind === 'mock' && row.mockId === mock.id)?.id ??
      `mock:${mock.id}`,
    label: `Mock: ${mock.specVersion.title} v${mock.specVersion.number}${mock.status === 'up' ? '' : ` (${mock.status})`}`,
    kind: 'mock',
    specId: mock.specVersion.specId,
    running: mock.status === 'up',
  }))
  for (const row of environments)
    if (row.kind === 'sandbox' || row.kind === 'uat')
      choices.push({
        value: row.id,
        label: `${KIND_LABELS[row.kind]}: ${row.name}`,
        kind: row.kind,
        specId: null,
        running: true,
      })
  return choices
}

/** The environment a request may go to; a 404 for one outside the scope. */
export async function requireEnvironmentChoice(
  scope: PlaygroundScope,
  value: string,
): Promise<EnvironmentChoice> {
  const choice = (await scopeEnvironments(scope)).find((entry) => entry.value === value)
  if (!choice) throw notFound('That environment is not available here.')
  return choice
}

/** The environment to preselect: the one asked for, else the operation's running mock, else the first. */
export function defaultEnvironment(
  choices: EnvironmentChoice[],
  asked: string | null,
  specId: string | null,
): string {
  if (asked && choices.some((choice) => choice.value === asked)) return asked
  return (
    choices.find((choice) => choice.kind === 'mock' && choice.specId === specId && choice.running)
      ?.value ??
    choices.find((choice) => choice.kind === 'mock' && choice.specId === specId)?.value ??
    choices[0]?.value ??
    ''
  )
}
