/**
 * Partner projects (one partner company inside one vendor project): listed
 * and found within a project, created by the vendor with their default plan.
 * Every query is scoped by the project.
 */
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { notFound } from '../http.server'
import { ensurePlan } from '../plans/evaluate.server'

export class PartnerProjectError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

export function listPartnerProjects(projectId: string) {
  return db.partnerProject.findMany({
    where: { projectId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, slug: true, createdAt: true },
  })
}

/** A partner project of this project by id or slug; 404 otherwise. */
export async function requirePartnerProject(projectId: string, ref: string | undefined) {
  if (!ref) throw new PartnerProjectError('Partner not found.', 404)
  const row = await db.partnerProject.findFirst({
    where: { projectId, OR: [{ id: ref }, { slug: ref.toLowerCase() }] },
  })
  if (!row) throw new PartnerProjectError('Partner not found.', 404)
  return row
}

/** For pages: the partner project, or a 404 response (the error boundary shows it). */
export async function partnerProjectOr404(projectId: string, ref: string | undefined) {
  try {
    return await requirePartnerProject(projectId, ref)
  } catch (error) {
    if (error instanceof PartnerProjectError) throw notFound(error.message)
    throw error
  }
}

/** `Globex Corp.` -> `globex-corp` */
export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'partner'
  )
}

export async function createPartnerProject(
  projectId: string,
  input: { name: string; slug?: string },
  actor: Actor,
) {
  const name = input.name.trim()
  const slug = input.slug?.trim() ? slugify(input.slug) : slugify(name)
  const taken = await db.partnerProject.findFirst({ where: { projectId, slug } })
  if (taken)
    throw new PartnerProjectError(
      `A partner called “${taken.name}” already uses the short name “${slug}”. Choose another.`,
      409,
    )
  const row = await db.partnerProject.create({ data: { projectId, name, slug } })
  await ensurePlan(row.id)
  await auditAs(actor, 'partner_project.created', { type: 'partner_project', id: row.id }, { slug })
  return row
}

/** The partner projects a partner user belongs to, with their vendor project's name. */
export async function listPartnerMemberships(userId: string) {
  const memberships = await db.partnerMembership.findMany({
    where: { userId },
    include: { partnerProject: { include: { project: { select: { name: true } } } } },
    orderBy: { createdAt: 'asc' },
  })
  return memberships.map(({ partnerProject }) => ({
    id: partnerProject.id,
    name: partnerProject.name,
    projectName: partnerProject.project.name,
  }))
}

/** Whether the user belongs to any partner project (the header then links the partner portal). */
export async function hasPartnerMembership(userId: string): Promise<boolean> {
  return (await db.partnerMembership.count({ where: { userId }, take: 1 })) > 0
}
