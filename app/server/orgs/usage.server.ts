/**
 * What an organisation uses (settings/usage): per project, the things it stores and what
 * happened in the last 30 days. Counts only, from indexed columns.
 */
import { db } from '../db.server'

export const USAGE_WINDOW_DAYS = 30

export type ProjectUsage = {
  id: string
  name: string
  archived: boolean
  specs: number
  mocks: number
  partners: number
  runs: number
  traces: number
  mockRequests: number
  assistantQuestions: number
  activeTokens: number
  evidenceBytes: number
}

export async function organizationUsage(organizationId: string, now = new Date()) {
  const since = new Date(now.getTime() - USAGE_WINDOW_DAYS * 24 * 60 * 60 * 1000)
  const [members, projects] = await Promise.all([
    db.membership.count({ where: { organizationId } }),
    db.project.findMany({
      where: { organizationId },
      orderBy: { name: 'asc' },
      select: {
        id: true,
        name: true,
        archivedAt: true,
        _count: {
          select: {
            specs: true,
            mocks: true,
            partnerProjects: true,
            runs: { where: { createdAt: { gte: since } } },
            traces: { where: { receivedAt: { gte: since } } },
            apiTokens: { where: { revokedAt: null } },
          },
        },
      },
    }),
  ])
  const rows: ProjectUsage[] = await Promise.all(
    projects.map(async (project) => {
      const [mockRequests, assistantQuestions, evidence] = await Promise.all([
        db.mockRequestLog.count({ where: { mock: { projectId: project.id }, at: { gte: since } } }),
        db.assistantCall.count({ where: { projectId: project.id, createdAt: { gte: since } } }),
        db.evidenceFile.aggregate({
          where: { partnerProject: { projectId: project.id } },
          _sum: { size: true },
        }),
      ])
      return {
        id: project.id,
        name: project.name,
        archived: project.archivedAt !== null,
        specs: project._count.specs,
        mocks: project._count.mocks,
        partners: project._count.partnerProjects,
        runs: project._count.runs,
        traces: project._count.traces,
        mockRequests,
        assistantQuestions,
        activeTokens: project._count.apiTokens,
        evidenceBytes: evidence._sum.size ?? 0,
      }
    }),
  )
  const keys = [
    'specs',
    'mocks',
    'partners',
    'runs',
    'traces',
    'mockRequests',
    'assistantQuestions',
    'activeTokens',
    'evidenceBytes',
  ] as const
  const totals = Object.fromEntries(
    keys.map((key) => [key, rows.reduce((sum, row) => sum + row[key], 0)]),
  ) as Record<(typeof keys)[number], number>
  return { members, since, projects: rows, totals }
}
