import { db } from './db.server'

export const PROJECTS_PAGE_SIZE = 20

export async function listProjects(
  organizationId: string,
  {
    archived = false,
    page = 1,
    hiddenIds = [],
  }: {
    archived?: boolean
    page?: number
    /** Projects the viewer's project-level role may not read (access.server projectsHiddenFrom). */
    hiddenIds?: string[]
  } = {},
) {
  const where = {
    organizationId,
    archivedAt: archived ? { not: null } : null,
    ...(hiddenIds.length > 0 ? { id: { notIn: hiddenIds } } : {}),
  }
  const [projects, total] = await Promise.all([
    db.project.findMany({
      where,
      orderBy: { updatedAt: 'desc' },
      skip: (page - 1) * PROJECTS_PAGE_SIZE,
      take: PROJECTS_PAGE_SIZE,
    }),
    db.project.count({ where }),
  ])
  return { projects, total, page, pageCount: Math.max(1, Math.ceil(total / PROJECTS_PAGE_SIZE)) }
}

export function createProject(
  organizationId: string,
  input: { name: string; description?: string },
) {
  return db.project.create({
    data: { organizationId, name: input.name.trim(), description: input.description?.trim() ?? '' },
  })
}

/** All writes take the organisation id too: no update by bare id. */
export async function updateProject(
  organizationId: string,
  projectId: string,
  data: { name?: string; description?: string; archivedAt?: Date | null },
) {
  await db.project.updateMany({ where: { id: projectId, organizationId }, data })
  return db.project.findFirstOrThrow({ where: { id: projectId, organizationId } })
}

/** The counts on a project's overview page, every one scoped by the project. */
export async function projectOverviewCounts(projectId: string) {
  const [partnerCount, tokenCount, specCount, mockCount, mocksUp] = await Promise.all([
    db.partnerProject.count({ where: { projectId } }),
    db.apiToken.count({ where: { projectId, revokedAt: null } }),
    db.spec.count({ where: { projectId } }),
    db.mock.count({ where: { projectId } }),
    db.mock.count({ where: { projectId, status: 'up' } }),
  ])
  return { partnerCount, tokenCount, specCount, mockCount, mocksUp }
}
