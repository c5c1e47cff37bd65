/**
 * Test profiles: per API group (tag) x category, Required / Optional / N/A.
 * Defaults come from what the spec engine detected, each with its reason;
 * the vendor's choices (TestProfileEntry rows) override them. N/A cases are
 * not run; Optional failures do not fail a run.
 */
import { CATEGORIES, CATEGORY_LABELS, type Category, type Level } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { API_GROUP } from './generate.server'
import type { PlannedCase, SuiteCase } from './model.server'

export type ProfileCell = { level: Level; reason: string; overridden: boolean; defaultLevel: Level }
export type Profile = { groups: string[]; cells: Record<string, Record<Category, ProfileCell>> }

function hasCapability(spec: NormalizedSpec, group: string, kind: string): boolean {
  const capabilities =
    group === API_GROUP ? spec.capabilities : (spec.groupCapabilities[group] ?? [])
  return capabilities.some((capability) => capability.kind === kind)
}

/** The default level of a category for a group, and why. */
export function defaultLevel(
  spec: NormalizedSpec,
  group: string,
  category: Category,
): { level: Level; reason: string } {
  const operations = spec.operations.filter(
    (operation) => group === API_GROUP || operation.group === group,
  )
  switch (category) {
    case 'connectivity':
      return { level: 'required', reason: 'Every environment must be reachable.' }
    case 'authentication':
      return operations.some((operation) => operation.security.length > 0)
        ? { level: 'required', reason: 'Operations here are secured.' }
        : { level: 'na', reason: 'No operation here requires authentication.' }
    case 'contract':
      return { level: 'required', reason: 'Every answer must match the spec.' }
    case 'request-validation':
      return operations.some(
        (operation) =>
          operation.requestBody || operation.parameters.some((param) => param.in === 'query'),
      )
        ? { level: 'required', reason: 'Operations here take bodies or query parameters.' }
        : { level: 'na', reason: 'No operation here takes input to validate.' }
    case 'errors':
      return { level: 'required', reason: 'Errors must be correct and leak nothing.' }
    case 'pagination':
      return hasCapability(spec, group, 'pagination')
        ? { level: 'required', reason: 'Pagination was detected here.' }
        : { level: 'na', reason: 'Nothing here paginates.' }
    case 'idempotency':
      return hasCapability(spec, group, 'idempotency')
        ? { level: 'required', reason: 'An idempotency header is documented here.' }
        : { level: 'na', reason: 'No idempotency header is documented here.' }
    case 'rate-limiting':
      return hasCapability(spec, API_GROUP, 'rate-limit')
        ? {
            level: 'optional',
            reason:
              'Rate limits are documented; bursts run only where the environment allows them.',
          }
        : { level: 'na', reason: 'No rate-limit headers or 429 are documented.' }
    case 'webhooks':
      return spec.webhooks.length > 0 ||
        spec.operations.some((operation) => operation.callbacks.length > 0)
        ? { level: 'required', reason: 'The spec documents webhooks or callbacks.' }
        : { level: 'na', reason: 'The spec documents no webhooks or callbacks.' }
    case 'resilience':
      return { level: 'optional', reason: 'Timing depends on the environment and the network.' }
    case 'workflow':
      return hasCapability(spec, group, 'crud')
        ? { level: 'required', reason: 'CRUD resources or links were found here.' }
        : spec.operations.some((operation) =>
              operation.responses.some((response) => response.links),
            )
          ? { level: 'required', reason: 'The spec documents links.' }
          : { level: 'na', reason: 'No CRUD resource or link was found here.' }
  }
}

export function specGroups(spec: NormalizedSpec): string[] {
  return [
    API_GROUP,
    ...new Set(
      spec.operations
        .filter((operation) => operation.kind === 'operation')
        .map((operation) => operation.group),
    ),
  ]
}

export async function readProfile(projectId: string, spec: NormalizedSpec): Promise<Profile> {
  const entries = await db.testProfileEntry.findMany({ where: { projectId } })
  const groups = specGroups(spec)
  const cells: Profile['cells'] = {}
  for (const group of groups) {
    cells[group] = {} as Record<Category, ProfileCell>
    for (const category of CATEGORIES) {
      const fallback = defaultLevel(spec, group, category)
      const entry = entries.find((row) => row.group === group && row.category === category)
      cells[group]![category] = entry
        ? {
            level: entry.level as Level,
            reason: `Set by the vendor (default: ${fallback.level}, ${fallback.reason})`,
            overridden: true,
            defaultLevel: fallback.level,
          }
        : { ...fallback, overridden: false, defaultLevel: fallback.level }
    }
  }
  return { groups, cells }
}

/**
 * The project's specs (by name, each with its latest version) and the one the
 * profile page shows: `specId` when it is one of them, else the first with a version.
 */
export async function profileSpecs(projectId: string, specId: string | null) {
  const specs = await db.spec.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    include: {
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true, number: true } },
    },
  })
  const chosen = specs.find((spec) => spec.id === specId) ?? specs.find((spec) => spec.versions[0])
  return { specs, chosen }
}

/** Levels only, as stored with a run. */
export function profileLevels(profile: Profile): Record<string, Record<string, Level>> {
  return Object.fromEntries(
    Object.entries(profile.cells).map(([group, categories]) => [
      group,
      Object.fromEntries(
        Object.entries(categories).map(([category, cell]) => [category, cell.level]),
      ),
    ]),
  )
}

export class ProfileError extends Error {}

/** Sets (or, back to the default, clears) one cell. */
export async function setProfileLevel(
  projectId: string,
  spec: NormalizedSpec,
  { group, category, level }: { group: string; category: Category; level: Level | 'default' },
  actor: Actor,
) {
  if (!specGroups(spec).includes(group)) throw new ProfileError(`The API has no group “${group}”.`)
  if (!CATEGORIES.includes(category)) throw new ProfileError(`Unknown category “${category}”.`)
  if (level === 'default' || level === defaultLevel(spec, group, category).level)
    await db.testProfileEntry.deleteMany({ where: { projectId, group, category } })
  else
    await db.testProfileEntry.upsert({
      where: { projectId_group_category: { projectId, group, category } },
      create: { projectId, group, category, level, updatedById: actor.userId },
      update: { level, updatedById: actor.userId },
    })
  await auditAs(
    actor,
    'profile.changed',
    { type: 'profile', id: `${group}/${category}` },
    { group, category, level, label: CATEGORY_LABELS[category] },
  )
}

/** The cases a run executes: not N/A, in the chosen categories, numbered. */
export function planCases(
  cases: SuiteCase[],
  levels: Record<string, Record<string, Level>>,
  categories: Category[] = [],
): PlannedCase[] {
  const planned: PlannedCase[] = []
  for (const entry of cases) {
    if (categories.length > 0 && !categories.includes(entry.category)) continue
    const level =
      levels[entry.group]?.[entry.category] ?? levels[API_GROUP]?.[entry.category] ?? 'required'
    if (level === 'na') continue
    planned.push({ ...entry, level, seq: planned.length + 1 })
  }
  return planned
}
