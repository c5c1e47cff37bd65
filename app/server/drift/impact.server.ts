/**
 * Drift mapped to partners (decision 026): a new version is diffed against the
 * previous one with the existing rules; each breaking or potentially breaking
 * change is mapped to the partner projects whose traces or runs of the last
 * 30 days exercised what it changes, with the evidence in words. Stored once
 * per version (VersionImpact); affected partners get a notice and an email,
 * and the project one `spec.breaking_change` event. Runs as a job.
 */
import { db } from '../db.server'
import { sendEmail } from '../email.server'
import { canSee } from '../partners/visibility.server'
import { type ChangeSeverity, diffSpecs, type SpecChange } from '../specs/diff.server'
import { readNormalized } from '../specs/store.server'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { recordDriftEvent } from './events.server'
import {
  type Observation,
  runObservations,
  traceObservations,
  WINDOW_DAYS,
  windowStart,
} from './observations.server'
import { type ChangeTarget, mustNowSend, parseTarget, touches } from './targets.server'

export type ImpactPartner = {
  partnerProjectId: string
  name: string
  evidence: string
  traces: number
  runs: number
}
export type ImpactChange = {
  ruleId: string
  severity: ChangeSeverity
  location: string
  message: string
  partners: ImpactPartner[]
}

/** The vendor's impact page of a version. */
export function impactPath(projectId: string, specId: string, versionId: string) {
  return `/projects/${projectId}/specs/${specId}/v/${versionId}/impact`
}

/** `METHOD /path` -> the operation ids (trace operationKey, run case operationId) of both versions. */
function operationIndex(...specs: NormalizedSpec[]) {
  const index = new Map<string, Set<string>>()
  for (const spec of specs)
    for (const operation of spec.operations) {
      const label = `${operation.method} ${operation.path}`
      const ids = index.get(label) ?? new Set<string>()
      ids.add(operation.id)
      index.set(label, ids)
    }
  return index
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

function describe(
  target: ChangeTarget,
  change: SpecChange,
  label: string,
  types: Set<string>,
): string {
  const lacking = mustNowSend(change)
  const typeText =
    types.size > 0 ? ` as ${[...types].map((t) => ARTICLE[t] ?? t).join(' or ')}` : ''
  if (target.parameter) {
    const what = `parameter \`${target.parameter.name}\``
    return lacking ? `called ${label} without ${what}` : `sent ${what} to ${label}`
  }
  if (target.header) return `received header \`${target.header}\` from ${label}`
  if (target.field) {
    const what = `\`${target.field.join('.')}\``
    if (lacking) return `called ${label} without ${what}`
    return target.side === 'response'
      ? `received ${what}${typeText} from ${label}`
      : `sent ${what}${typeText} to ${label}`
  }
  if (target.side === 'response' && target.status && target.status !== 'default')
    return `received ${target.status} from ${label}`
  if (lacking) return `called ${label} without a request body`
  return `called ${label}`
}

type Tally = { traces: number; runs: Set<string>; types: Set<string> }

/**
 * The partners a change affects, each with its evidence. `observations` are
 * the exchanges on the change's operation (or on the whole spec for a
 * spec-wide change).
 */
export function mapChange(
  change: SpecChange,
  observations: Observation[],
  partners: Map<string, string>,
  versionNumber: number,
): ImpactPartner[] {
  const target = parseTarget(change.location)
  const tallies = new Map<string, Tally>()
  for (const observation of observations) {
    if (!observation.partnerProjectId || !partners.has(observation.partnerProjectId)) continue
    const touch = touches(target, change, observation)
    if (!touch.touched) continue
    const tally = tallies.get(observation.partnerProjectId) ?? {
      traces: 0,
      runs: new Set<string>(),
      types: new Set<string>(),
    }
    if (observation.kind === 'trace') tally.traces++
    else if (observation.runId) tally.runs.add(observation.runId)
    for (const type of touch.types ?? []) tally.types.add(type)
    tallies.set(observation.partnerProjectId, tally)
  }
  const label = target.label ?? 'this API'
  return [...tallies.entries()]
    .map(([partnerProjectId, tally]) => {
      const name = partners.get(partnerProjectId)!
      const counts = [
        tally.traces ? plural(tally.traces, 'trace') : null,
        tally.runs.size ? plural(tally.runs.size, 'run') : null,
      ].filter(Boolean)
      const evidence = `${name} ${describe(target, change, label, tally.types)} in ${counts.join(' and ')} in the last ${WINDOW_DAYS} days; v${versionNumber}: ${change.message}`
      return { partnerProjectId, name, evidence, traces: tally.traces, runs: tally.runs.size }
    })
    .sort((a, b) => b.traces + b.runs - (a.traces + a.runs) || a.name.localeCompare(b.name))
}

/** Diffs a version against its predecessor and maps every (potentially) breaking change. */
export async function computeImpact(specVersionId: string, now = new Date()) {
  const version = await db.specVersion.findUnique({
    where: { id: specVersionId },
    select: {
      id: true,
      number: true,
      normalized: true,
      specId: true,
      spec: { select: { id: true, name: true, projectId: true } },
    },
  })
  if (!version) return null
  const previous = await db.specVersion.findFirst({
    where: { specId: version.specId, number: { lt: version.number } },
    orderBy: { number: 'desc' },
    select: { normalized: true },
  })
  const projectId = version.spec.projectId
  if (!previous) return { version, projectId, changes: [] as ImpactChange[] }
  const from = readNormalized(previous)
  const to = readNormalized(version)
  const changes = diffSpecs(from, to).filter((change) => change.severity !== 'non-breaking')
  const index = operationIndex(from, to)
  const specVersionIds = (
    await db.specVersion.findMany({ where: { specId: version.specId }, select: { id: true } })
  ).map((row) => row.id)
  const partners = new Map(
    (
      await db.partnerProject.findMany({ where: { projectId }, select: { id: true, name: true } })
    ).map((partner) => [partner.id, partner.name]),
  )
  const since = windowStart(now)
  // One read per operation, shared by every change on it.
  const cache = new Map<string, Promise<Observation[]>>()
  const observe = (operationKeys: string[] | null) => {
    const key = operationKeys ? operationKeys.sort().join('\n') : '*'
    let pending = cache.get(key)
    if (!pending) {
      pending = Promise.all([
        traceObservations({ projectId, specVersionIds, operationKeys, since }),
        runObservations({
          projectId,
          specId: version.specId,
          operationKeys,
          since,
          partnersOnly: true,
        }),
      ]).then(([traces, runs]) => [...traces, ...runs])
      cache.set(key, pending)
    }
    return pending
  }
  const mapped: ImpactChange[] = []
  for (const change of changes) {
    const target = parseTarget(change.location)
    let partnersHit: ImpactPartner[] = []
    if (target.label === null) {
      // Spec-wide (servers, security schemes): every partner calling the API.
      if (!change.location.startsWith('webhook '))
        partnersHit = mapChange(change, await observe(null), partners, version.number)
    } else {
      const ids = [...(index.get(target.label) ?? [])]
      if (ids.length > 0)
        partnersHit = mapChange(change, await observe(ids), partners, version.number)
    }
    mapped.push({
      ruleId: change.ruleId,
      severity: change.severity,
      location: change.location,
      message: change.message,
      partners: partnersHit,
    })
  }
  return { version, projectId, changes: mapped }
}

/**
 * The impact job: computes and stores a version's impact once, then tells the
 * affected partners (a notice, an email to each member) and records the event.
 * A second run for the same version does nothing.
 */
export async function computeAndStoreImpact(specVersionId: string, now = new Date()) {
  if (await db.versionImpact.findUnique({ where: { specVersionId }, select: { id: true } }))
    return null
  const result = await computeImpact(specVersionId, now)
  if (!result) return null
  const { version, projectId, changes } = result
  try {
    await db.versionImpact.create({
      data: { specVersionId, projectId, changes: JSON.stringify(changes), computedAt: now },
    })
  } catch (error) {
    // Stored meanwhile by another worker: it told the partners.
    if ((error as { code?: string }).code === 'P2002') return null
    throw error
  }
  const breaking = changes.filter((change) => change.severity === 'breaking')
  const affected = [
    ...new Set(breaking.flatMap((change) => change.partners.map((p) => p.partnerProjectId))),
  ]
  if (breaking.length > 0)
    await recordDriftEvent(
      projectId,
      'spec.breaking_change',
      {
        title: `${version.spec.name} v${version.number}: ${plural(breaking.length, 'breaking change')}`,
        summary: `${plural(affected.length, 'partner')} affected, per their traces and runs of the last ${WINDOW_DAYS} days.`,
        path: impactPath(projectId, version.spec.id, version.id),
        specId: version.spec.id,
        specName: version.spec.name,
        versionId: version.id,
        version: version.number,
        breaking: breaking.length,
        changes: breaking.slice(0, 20).map(({ ruleId, location }) => ({ ruleId, location })),
        affectedPartners: affected,
      },
      { dedupeKey: `spec.breaking_change:${version.id}` },
    )
  await notifyPartners(projectId, version, changes)
  return changes
}

/** Changes affecting each partner, for its notice. */
function byPartner(changes: ImpactChange[]) {
  const out = new Map<
    string,
    { name: string; items: { change: ImpactChange; evidence: string }[] }
  >()
  for (const change of changes)
    for (const partner of change.partners) {
      const entry = out.get(partner.partnerProjectId) ?? { name: partner.name, items: [] }
      entry.items.push({ change, evidence: partner.evidence })
      out.set(partner.partnerProjectId, entry)
    }
  return out
}

const NOTICE_ITEMS = 10

async function notifyPartners(
  projectId: string,
  version: { id: string; number: number; spec: { id: string; name: string } },
  changes: ImpactChange[],
) {
  for (const [partnerProjectId, { items }] of byPartner(changes)) {
    // A partner the spec is not shared with hears nothing of it.
    if (!(await canSee(projectId, partnerProjectId, 'spec', version.spec.id))) continue
    const breaking = items.filter((item) => item.change.severity === 'breaking').length
    const title = `${version.spec.name} v${version.number}: ${plural(items.length, 'change')} that affect${items.length === 1 ? 's' : ''} your integration${breaking ? ` (${breaking} breaking)` : ''}`
    const lines = items
      .slice(0, NOTICE_ITEMS)
      .map((item) => `- ${item.change.location} (${item.change.severity}): ${item.evidence}`)
    if (items.length > NOTICE_ITEMS) lines.push(`- and ${items.length - NOTICE_ITEMS} more`)
    const body = lines.join('\n')
    const link = `/partner/${partnerProjectId}/specs/${version.spec.id}/changelog?v=${version.number}`
    await db.partnerNotice.create({
      data: { partnerProjectId, kind: 'breaking_change', title, body, link },
    })
    const members = await db.partnerMembership.findMany({
      where: { partnerProjectId },
      select: { user: { select: { email: true } } },
    })
    for (const member of members)
      await sendEmail({
        to: member.user.email,
        subject: title,
        text: `${title}.\n\n${body}\n\nThe changelog: ${link} (in your partner portal).\n`,
      })
  }
}

export type ImpactState =
  | { status: 'first' }
  | { status: 'computing' }
  | { status: 'failed'; error: string | null }
  | { status: 'missing' }
  | { status: 'ready'; computedAt: Date; changes: ImpactChange[] }

/** A version's impact as pages and the API read it. */
export async function impactState(
  version: { id: string; number: number },
  jobKind: string,
): Promise<ImpactState> {
  if (version.number === 1) return { status: 'first' }
  const stored = await db.versionImpact.findUnique({ where: { specVersionId: version.id } })
  if (stored)
    return {
      status: 'ready',
      computedAt: stored.computedAt,
      changes: JSON.parse(stored.changes) as ImpactChange[],
    }
  const job = await db.job.findFirst({
    where: { kind: jobKind, payload: JSON.stringify({ specVersionId: version.id }) },
    orderBy: { createdAt: 'desc' },
    select: { status: true, lastError: true },
  })
  if (!job) return { status: 'missing' }
  if (job.status === 'failed' || job.status === 'cancelled')
    return { status: 'failed', error: job.lastError }
  return { status: 'computing' }
}
