/**
 * Self-registration: on the public page /join/<projectId> (when the vendor enables it) a
 * company asks to become a partner; the project's owners and admins are told by email and
 * approve (the partner project is created and the requester invited) or deny (the requester
 * is told). Every query is scoped by the project; every decision is audited.
 */
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { sendEmail } from '../email.server'
import { normalizeEmail } from '../passwords.server'
import { RateLimiter } from '../rate-limit.server'
import { invitePartnerUser, oneLine } from './invites.server'
import { createPartnerProject, PartnerProjectError, slugify } from './partners.server'

export class AccessRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

/** Requests from one client address: 5 an hour, whatever the project (in memory, per instance). */
export const JOIN_RATE_LIMIT = 5
const JOIN_WINDOW_MS = 60 * 60 * 1000
let limiter = new RateLimiter(JOIN_RATE_LIMIT, JOIN_WINDOW_MS)

/** Counts one submission from `ip`; refused once the address has used its allowance. */
export function hitJoinLimit(ip: string) {
  return limiter.hit(ip)
}

/** For tests. */
export function resetJoinLimit() {
  limiter = new RateLimiter(JOIN_RATE_LIMIT, JOIN_WINDOW_MS)
}

/** The project behind a public join page: only when it exists, is not archived and takes requests. */
export async function findJoinableProject(projectId: string | undefined) {
  if (!projectId || projectId.length > 100) return null
  return db.project.findFirst({
    where: { id: projectId, archivedAt: null, selfRegistration: true },
    select: { id: true, name: true, organization: { select: { id: true, name: true } } },
  })
}
export type JoinableProject = NonNullable<Awaited<ReturnType<typeof findJoinableProject>>>

export type AccessRequestInput = {
  companyName: string
  contactName: string
  email: string
  message?: string
}

/**
 * Records a request and tells the project's owners and admins. A second request from the
 * same address while one is pending records nothing: `duplicate` says so.
 */
export async function submitAccessRequest(
  project: JoinableProject,
  input: AccessRequestInput,
  meta: { ip: string; baseUrl: string },
) {
  const email = normalizeEmail(input.email)
  const pending = await db.accessRequest.findFirst({
    where: { projectId: project.id, email, status: 'pending' },
  })
  if (pending) return { request: pending, duplicate: true as const }
  const request = await db.accessRequest.create({
    data: {
      projectId: project.id,
      companyName: input.companyName.trim(),
      contactName: input.contactName.trim(),
      email,
      message: input.message?.trim() ?? '',
      ip: meta.ip,
    },
  })
  await auditAs(
    {
      userId: null,
      organizationId: project.organization.id,
      projectId: project.id,
      ip: meta.ip,
      via: 'page',
    },
    'access_request.submitted',
    { type: 'access_request', id: request.id },
    { email, companyName: request.companyName },
  )
  const admins = await db.membership.findMany({
    where: { organizationId: project.organization.id, role: { in: ['OWNER', 'ADMIN'] } },
    select: { user: { select: { email: true } } },
  })
  const link = `${meta.baseUrl}/projects/${project.id}/partners`
  for (const admin of admins) {
    await sendEmail({
      to: admin.user.email,
      subject: `${oneLine(request.companyName)} asks to join ${oneLine(project.name)} as a partner`,
      text: [
        `A company asked to join ${project.name} (${project.organization.name}) as a partner.`,
        '',
        `Company: ${request.companyName}`,
        `Contact: ${request.contactName} <${email}>`,
        request.message ? `Message:\n${request.message}` : 'No message.',
        '',
        `Approve or deny it on the Partners tab: ${link}`,
      ].join('\n'),
    })
  }
  return { request, duplicate: false as const }
}

export const PENDING_SHOWN = 50
export const DECIDED_SHOWN = 20

/** The queue (oldest first) and the latest decisions, each capped, with their totals. */
export async function listAccessRequests(projectId: string) {
  const [pending, pendingTotal, decided, decidedTotal] = await Promise.all([
    db.accessRequest.findMany({
      where: { projectId, status: 'pending' },
      orderBy: { createdAt: 'asc' },
      take: PENDING_SHOWN,
    }),
    db.accessRequest.count({ where: { projectId, status: 'pending' } }),
    db.accessRequest.findMany({
      where: { projectId, status: { not: 'pending' } },
      orderBy: { decidedAt: 'desc' },
      take: DECIDED_SHOWN,
    }),
    db.accessRequest.count({ where: { projectId, status: { not: 'pending' } } }),
  ])
  const deciderIds = [...new Set(decided.map((row) => row.decidedById).filter(Boolean))]
  const deciders = await db.user.findMany({
    where: { id: { in: deciderIds as string[] } },
    select: { id: true, name: true },
  })
  const names = new Map(deciders.map((user) => [user.id, user.name]))
  return {
    pending,
    pendingTotal,
    decided: decided.map((row) => ({
      ...row,
      decidedBy: row.decidedById ? (names.get(row.decidedById) ?? null) : null,
    })),
    decidedTotal,
  }
}

export async function setSelfRegistration(projectId: string, enabled: boolean, actor: Actor) {
  await db.project.update({ where: { id: projectId }, data: { selfRegistration: enabled } })
  await auditAs(
    actor,
    enabled ? 'project.self_registration_enabled' : 'project.self_registration_disabled',
    { type: 'project', id: projectId },
  )
}

/** Marks a pending request decided, atomically: a second decision finds nothing to change. */
async function claim(
  projectId: string,
  requestId: string,
  status: 'approved' | 'denied',
  actor: Actor,
) {
  const request = await db.accessRequest.findFirst({ where: { id: requestId, projectId } })
  if (!request) throw new AccessRequestError('That access request does not exist.', 404)
  const claimed = await db.accessRequest.updateMany({
    where: { id: request.id, status: 'pending' },
    data: { status, decidedAt: new Date(), decidedById: actor.userId },
  })
  if (claimed.count !== 1) {
    const current = await db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })
    throw new AccessRequestError(
      `The request from ${current.companyName} was already ${current.status}${
        current.decidedAt ? ` on ${current.decidedAt.toISOString().slice(0, 10)}` : ''
      }.`,
      409,
    )
  }
  return request
}

/** Creates the partner project under the company's short name, or the first free `-2`, `-3` … */
async function createWithFreeSlug(projectId: string, name: string, actor: Actor) {
  const base = slugify(name)
  for (let attempt = 1; attempt <= 50; attempt++) {
    const suffix = attempt === 1 ? '' : `-${attempt}`
    const slug = `${base.slice(0, 40 - suffix.length).replace(/-+$/, '')}${suffix}`
    if (await db.partnerProject.findFirst({ where: { projectId, slug }, select: { id: true } }))
      continue
    try {
      return await createPartnerProject(projectId, { name, slug }, actor)
    } catch (error) {
      // Taken meanwhile by another request: try the next one.
      if (error instanceof PartnerProjectError && error.status === 409) continue
      throw error
    }
  }
  throw new AccessRequestError(
    `Too many partners already use short names like “${base}”. Add this partner by hand.`,
    409,
  )
}

/**
 * Approval: the partner project (named after the company), an invitation to the requester's
 * address, and the request marked approved with the partner project it created.
 */
export async function approveAccessRequest(
  scope: {
    organization: { id: string; name: string }
    project: { id: string; name: string }
  },
  requestId: string,
  meta: { baseUrl: string },
  actor: Actor,
) {
  const request = await claim(scope.project.id, requestId, 'approved', actor)
  let partnerProject
  try {
    partnerProject = await createWithFreeSlug(scope.project.id, request.companyName, actor)
  } catch (error) {
    // Nothing was created: the request goes back to the queue.
    await db.accessRequest.update({
      where: { id: request.id },
      data: { status: 'pending', decidedAt: null, decidedById: null },
    })
    throw error
  }
  await db.accessRequest.update({
    where: { id: request.id },
    data: { partnerProjectId: partnerProject.id },
  })
  const { invite, link } = await invitePartnerUser(
    { ...scope, partnerProject },
    { email: request.email, baseUrl: meta.baseUrl },
    actor,
  )
  await auditAs(
    actor,
    'access_request.approved',
    { type: 'access_request', id: request.id },
    { email: request.email, partnerProjectId: partnerProject.id, inviteId: invite.id },
  )
  return { request, partnerProject, link }
}

/** Denial: the request is marked denied and the requester gets a short note. */
export async function denyAccessRequest(
  scope: { organization: { id: string; name: string }; project: { id: string; name: string } },
  requestId: string,
  actor: Actor,
) {
  const request = await claim(scope.project.id, requestId, 'denied', actor)
  await sendEmail({
    to: request.email,
    subject: `Your request to join ${oneLine(scope.project.name)} as a partner`,
    text: `Hello ${request.contactName},\n\n${scope.organization.name} has not approved the request of ${request.companyName} to join ${scope.project.name} as a partner. If you think this is a mistake, contact ${scope.organization.name} directly.`,
  })
  await auditAs(
    actor,
    'access_request.denied',
    { type: 'access_request', id: request.id },
    { email: request.email },
  )
  return request
}
