/**
 * Read models of the Reports tab and of the organisation's executive summary:
 * each partner project with its current phase (live, from the plan) and its
 * latest report (verdict, score, blockers, trend against the report before).
 * No-go first, then partners without a report, then go; lowest score first.
 */
import type { Phase } from '~/shared/plan'
import { db } from '../db.server'
import { phaseProgress } from '../plans/board.server'
import { projectSchedule } from './schedule.server'
import { latestReports, type LatestReport } from './snapshots.server'

export type PartnerReadiness = {
  partnerProjectId: string
  partnerName: string
  partnerSlug: string
  projectId: string
  projectName: string
  projectArchived: boolean
  currentPhase: Phase | null
  latest: LatestReport | null
}

const RANK = { 'no-go': 0, none: 1, go: 2 } as const

export function sortReadiness(rows: PartnerReadiness[]): PartnerReadiness[] {
  return [...rows].sort(
    (a, b) =>
      RANK[a.latest?.verdict ?? 'none'] - RANK[b.latest?.verdict ?? 'none'] ||
      (a.latest?.score ?? 0) - (b.latest?.score ?? 0) ||
      a.projectName.localeCompare(b.projectName, 'en-GB') ||
      a.partnerName.localeCompare(b.partnerName, 'en-GB'),
  )
}

async function readinessOf(
  partners: {
    id: string
    name: string
    slug: string
    project: { id: string; name: string; archivedAt: Date | null }
  }[],
): Promise<PartnerReadiness[]> {
  const ids = partners.map((partner) => partner.id)
  const [progress, latest] = await Promise.all([phaseProgress(ids), latestReports(ids)])
  return sortReadiness(
    partners.map((partner) => ({
      partnerProjectId: partner.id,
      partnerName: partner.name,
      partnerSlug: partner.slug,
      projectId: partner.project.id,
      projectName: partner.project.name,
      projectArchived: Boolean(partner.project.archivedAt),
      currentPhase: progress.get(partner.id)?.current ?? null,
      latest: latest.get(partner.id) ?? null,
    })),
  )
}

const PARTNER_SELECT = {
  id: true,
  name: true,
  slug: true,
  project: { select: { id: true, name: true, archivedAt: true } },
} as const

/** The executive summary: every partner project of every project of the organisation. */
export async function executiveSummary(organizationId: string, hiddenProjectIds: string[] = []) {
  // Projects the viewer's project-level role may not read are left out (access.server).
  const project = hiddenProjectIds.length > 0 ? { id: { notIn: hiddenProjectIds } } : {}
  const [projects, partners] = await Promise.all([
    db.project.count({ where: { organizationId, ...project } }),
    db.partnerProject.findMany({
      where: { project: { organizationId, ...project } },
      select: PARTNER_SELECT,
    }),
  ])
  const rows = await readinessOf(partners)
  return {
    projects,
    rows,
    totals: {
      partners: rows.length,
      go: rows.filter((row) => row.latest?.verdict === 'go').length,
      noGo: rows.filter((row) => row.latest?.verdict === 'no-go').length,
      unreported: rows.filter((row) => !row.latest).length,
    },
  }
}

/** The Reports tab: the project's partners and its schedule. */
export async function projectReports(projectId: string) {
  const [partners, schedule] = await Promise.all([
    db.partnerProject.findMany({ where: { projectId }, select: PARTNER_SELECT }),
    projectSchedule(projectId),
  ])
  return { rows: await readinessOf(partners), schedule }
}
