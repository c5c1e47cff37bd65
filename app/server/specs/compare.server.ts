/** Diff between two stored versions of one spec. */
import { changelogMarkdown, type SpecChange } from './diff.server'
import { diffOffThread } from './pool.server'
import { findSpecVersion, listVersionNumbers } from './store.server'

export type VersionComparison = {
  specName: string
  from: { id: string; number: number }
  to: { id: string; number: number }
  changes: SpecChange[]
  summary: Record<SpecChange['severity'], number>
  changelog: string
}

/** null when either version is not a version of this spec in this project. */
export async function compareVersions(
  projectId: string,
  specId: string,
  fromRef: string,
  toRef: string,
): Promise<VersionComparison | null> {
  const [from, to] = await Promise.all([
    findSpecVersion(projectId, specId, fromRef),
    findSpecVersion(projectId, specId, toRef),
  ])
  if (!from || !to) return null
  const changes = await diffOffThread(from.normalized, to.normalized)
  const summary = { breaking: 0, 'potentially-breaking': 0, 'non-breaking': 0 }
  for (const change of changes) summary[change.severity]++
  return {
    specName: from.spec.name,
    from: { id: from.id, number: from.number },
    to: { id: to.id, number: to.number },
    changes,
    summary,
    changelog: changelogMarkdown(changes, {
      title: from.spec.name,
      fromVersion: `v${from.number}`,
      toVersion: `v${to.number}`,
    }),
  }
}

/** `?from=&to=` from the URL, defaulting to the two newest versions (or the only one, twice). */
export async function comparisonFromUrl(projectId: string, specId: string, url: URL) {
  const versions = await listVersionNumbers(projectId, specId)
  if (versions.length === 0) return null
  const from = url.searchParams.get('from') ?? String(versions[1]?.number ?? versions[0]!.number)
  const to = url.searchParams.get('to') ?? String(versions[0]!.number)
  const comparison = await compareVersions(projectId, specId, from, to)
  return comparison ? { comparison, versions } : null
}
