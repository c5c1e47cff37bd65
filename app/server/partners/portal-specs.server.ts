/**
 * The partner portal's spec browser: the specs shared with a partner project,
 * read-only, one version at a time (the newest, or `?v=<number>`), with the
 * blueprint and changelog downloads. A spec that is hidden from the partner
 * project, or not in its vendor project, is a 404 like one that does not exist.
 */
import { plainText } from '~/shared/format'
import { annotationsForOperation, annotationsForSpec } from '../annotations/annotations.server'
import { db } from '../db.server'
import { notFound } from '../http.server'
import { blueprintMarkdown } from '../specs/blueprint.server'
import { compareVersions } from '../specs/compare.server'
import type { ViewBudget } from '../specs/schema-view.server'
import { getSpecVersionSummary, listVersionNumbers, versionSpec } from '../specs/store.server'
import {
  findOperation,
  groupsOf,
  neighbours,
  operationDetail,
  operationRows,
} from '../specs/view.server'
import { canSee, visibleSpecs } from './visibility.server'

export type PartnerScope = { projectId: string; partnerProjectId: string }

const HIDDEN_SPEC =
  'That spec does not exist or is not shared with your integration. Pick one from the Specs tab.'

/** The Specs tab: every spec the partner project sees, with its newest version. */
export async function partnerSpecList(scope: PartnerScope) {
  const specs = await visibleSpecs(scope.projectId, scope.partnerProjectId)
  return specs.flatMap((spec) => {
    const latest = spec.versions[0]
    if (!latest) return []
    return [
      {
        id: spec.id,
        name: spec.name,
        latest: {
          number: latest.number,
          title: latest.title,
          apiVersion: latest.apiVersion,
          operationCount: latest.operationCount,
          createdAt: latest.createdAt.toISOString(),
        },
      },
    ]
  })
}

/** `3`, `v3` -> 3; absent or empty -> null (the newest); anything else -> NaN (no such version). */
export function parseVersionNumber(value: string | null): number | null {
  if (value === null || value.trim() === '') return null
  const match = /^v?(\d{1,9})$/i.exec(value.trim())
  return match ? Number(match[1]) : Number.NaN
}

/**
 * A spec the partner project sees, its versions (newest first) and the chosen
 * one (`?v=<number>`, else the newest) with its parsed spec; a 404 otherwise.
 */
export async function requirePartnerSpecVersion(
  scope: PartnerScope,
  specId: string | undefined,
  versionParam: string | null,
) {
  if (!specId || !(await canSee(scope.projectId, scope.partnerProjectId, 'spec', specId)))
    throw notFound(HIDDEN_SPEC)
  const spec = await db.spec.findFirst({
    where: { id: specId, projectId: scope.projectId },
    select: { id: true, name: true },
  })
  const versions = await listVersionNumbers(scope.projectId, specId)
  if (!spec || versions.length === 0) throw notFound(HIDDEN_SPEC)
  const wanted = parseVersionNumber(versionParam)
  const chosen = wanted === null ? versions[0] : versions.find((entry) => entry.number === wanted)
  if (!chosen)
    throw notFound(
      `${spec.name} has no version “${versionParam?.slice(0, 20)}”: its newest is v${versions[0]!.number}.`,
    )
  const version = await getSpecVersionSummary(scope.projectId, specId, chosen.id)
  if (!version) throw notFound(HIDDEN_SPEC)
  const previous = versions.find((entry) => entry.number < chosen.number) ?? null
  return {
    spec,
    version,
    latestNumber: versions[0]!.number,
    previousNumber: previous?.number ?? null,
    versions: versions.map((entry) => ({
      number: entry.number,
      apiVersion: entry.apiVersion,
      createdAt: entry.createdAt.toISOString(),
    })),
    normalized: await versionSpec(version.id),
  }
}

/**
 * The spec page: the version's header, servers and authentication, its
 * groups, and the operations of one group only (the largest specs stay small).
 */
export async function partnerSpecBrowser(
  scope: PartnerScope,
  specId: string | undefined,
  search: URLSearchParams,
) {
  const found = await requirePartnerSpecVersion(scope, specId, search.get('v'))
  const { normalized } = found
  const groups = groupsOf(normalized)
  const requested = search.get('group')
  const group = groups.find((entry) => entry.name === requested)?.name ?? groups[0]?.name ?? null
  return {
    spec: found.spec,
    version: {
      number: found.version.number,
      isLatest: found.version.number === found.latestNumber,
      createdAt: found.version.createdAt.toISOString(),
    },
    versions: found.versions,
    previousNumber: found.previousNumber,
    info: { title: normalized.info.title, version: normalized.info.version },
    openapiVersion: normalized.openapiVersion,
    servers: normalized.servers.slice(0, 20).map((server) => ({
      url: server.url,
      description: server.description?.slice(0, 300) ?? null,
    })),
    securitySchemes: Object.values(normalized.securitySchemes).map((scheme) => ({
      name: scheme.name,
      kind: scheme.kind,
      description: scheme.description ? plainText(scheme.description).slice(0, 500) : null,
      in: scheme.in ?? null,
      parameterName: scheme.parameterName ?? null,
      flows: scheme.flows ? Object.keys(scheme.flows) : [],
    })),
    groups,
    group,
    operations: operationRows(normalized, group),
  }
}

/** One operation of the chosen version, with the vendor's notes on it. */
export async function partnerOperation(
  scope: PartnerScope,
  specId: string | undefined,
  operationId: string | undefined,
  search: URLSearchParams,
  budget: ViewBudget,
) {
  const found = await requirePartnerSpecVersion(scope, specId, search.get('v'))
  const operation = findOperation(found.normalized, operationId ?? '')
  if (!operation)
    throw notFound(
      `Version ${found.version.number} of ${found.spec.name} has no such operation: it may have been renamed. Pick one from the spec page.`,
    )
  return {
    spec: found.spec,
    version: {
      number: found.version.number,
      isLatest: found.version.number === found.latestNumber,
    },
    operation: operationDetail(found.normalized, operation, budget),
    ...neighbours(found.normalized, operation),
    annotations: await annotationsForOperation(found.spec.id, operation.id),
  }
}

const fileStem = (name: string) => name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'spec'

/** The blueprint Markdown of the chosen version with the API team's notes, and its download name. */
export async function partnerBlueprint(
  scope: PartnerScope,
  specId: string | undefined,
  search: URLSearchParams,
) {
  const found = await requirePartnerSpecVersion(scope, specId, search.get('v'))
  return {
    filename: `${fileStem(found.spec.name)}-v${found.version.number}-blueprint.md`,
    markdown: blueprintMarkdown(found.normalized, await annotationsForSpec(found.spec.id)),
  }
}

/** The Markdown changelog from the version before the chosen one to it; a 404 for a first version. */
export async function partnerChangelog(
  scope: PartnerScope,
  specId: string | undefined,
  search: URLSearchParams,
) {
  const found = await requirePartnerSpecVersion(scope, specId, search.get('v'))
  if (found.previousNumber === null)
    throw notFound(
      `v${found.version.number} is the first version of ${found.spec.name}: there is no earlier version to compare it with.`,
    )
  const comparison = await compareVersions(
    scope.projectId,
    found.spec.id,
    String(found.previousNumber),
    String(found.version.number),
  )
  if (!comparison) throw notFound(HIDDEN_SPEC)
  return {
    filename: `${fileStem(found.spec.name)}-changelog-v${comparison.from.number}-v${comparison.to.number}.md`,
    markdown: comparison.changelog,
  }
}

/** A Markdown file as a private download. */
export function markdownDownload({ filename, markdown }: { filename: string; markdown: string }) {
  return new Response(markdown, {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
