/**
 * Who may do what. One table (role x action) and the helpers every loader and
 * action goes through; queries are scoped by the organisation they resolve.
 */
import { redirect } from '@remix-run/node'
import type { Membership, Organization, Project, User } from '~/generated/prisma/client'
import { isRole, ROLES, type Role } from '~/shared/roles'
import { requireUser } from './auth.server'
import { db } from './db.server'
import { forbidden, notFound } from './http.server'
import { getSession } from './session.server'

export { ROLES, type Role }

export const ACTIONS = [
  'project:read',
  'project:write',
  'project:create',
  'project:manage',
  'token:manage',
  'member:read',
  'member:manage',
  'partner:manage',
  'audit:read',
  'org:manage',
] as const
export type Action = (typeof ACTIONS)[number]

const ALL: readonly Role[] = ROLES
const WRITERS: readonly Role[] = ['OWNER', 'ADMIN', 'VENDOR']
const ADMINS: readonly Role[] = ['OWNER', 'ADMIN']
const OWNERS: readonly Role[] = ['OWNER']

/** The permission table. */
export const PERMISSIONS: Record<Action, readonly Role[]> = {
  'project:read': ALL,
  'project:write': WRITERS,
  'project:create': WRITERS,
  'project:manage': ADMINS,
  'token:manage': ADMINS,
  'member:read': ALL,
  'member:manage': ADMINS,
  /** Invite, resend, revoke and remove partner users of a partner project. */
  'partner:manage': WRITERS,
  /** Read and export the audit trail (settings/audit). */
  'audit:read': ADMINS,
  /** Organisation-wide controls: SSO, security policy, retention and legal holds. */
  'org:manage': OWNERS,
}

export function can(role: string, action: Action): boolean {
  return isRole(role) && PERMISSIONS[action].includes(role)
}

export type OrgAccess = {
  user: User
  organization: Organization
  membership: Membership
  role: Role
}
export type ProjectAccess = OrgAccess & { project: Project }

/** Resolves the project through the user's memberships: another organisation's project is a 404. */
export async function requireProjectAccess(
  request: Request,
  projectId: string | undefined,
  action: Action,
): Promise<ProjectAccess> {
  const user = await requireUser(request)
  if (!projectId) throw notFound('Project not found')
  const project = await db.project.findFirst({
    where: { id: projectId, organization: { memberships: { some: { userId: user.id } } } },
    include: { organization: { include: { memberships: { where: { userId: user.id } } } } },
  })
  const membership = project?.organization.memberships[0]
  if (!project || !membership) throw notFound('Project not found')
  if (!can(membership.role, action)) throw forbidden()
  const { organization, ...projectRow } = project
  const { memberships: _memberships, ...organizationRow } = organization
  return {
    user,
    organization: organizationRow,
    membership,
    role: membership.role as Role,
    project: projectRow,
  }
}

export async function listMemberships(userId: string) {
  return db.membership.findMany({
    where: { userId },
    include: { organization: true },
    orderBy: { organization: { name: 'asc' } },
  })
}

/**
 * The organisation the session has active, falling back to the user's first.
 * A partner-only user is sent to the partner portal; a user with no
 * organisation at all gets a 403 that says what to do.
 */
export async function requireOrgAccess(request: Request, action: Action): Promise<OrgAccess> {
  const user = await requireUser(request)
  const session = await getSession(request)
  const memberships = await listMemberships(user.id)
  const membership =
    memberships.find((entry) => entry.organizationId === session?.activeOrganizationId) ??
    memberships[0]
  if (!membership) {
    const partnerMembership = await db.partnerMembership.findFirst({ where: { userId: user.id } })
    if (partnerMembership) throw redirect('/partner')
    throw forbidden(
      'You do not belong to any organisation yet. Ask an administrator for an invite link.',
    )
  }
  if (!can(membership.role, action)) throw forbidden()
  const { organization, ...membershipRow } = membership
  return { user, organization, membership: membershipRow, role: membership.role as Role }
}

/** What a partner user may do in its own partner project. */
export const PARTNER_ACTIONS = ['partner:read', 'partner:write'] as const
export type PartnerAction = (typeof PARTNER_ACTIONS)[number]
/** Partner roles and their actions (one role today: PARTNER reads and contributes). */
export const PARTNER_PERMISSIONS: Record<PartnerAction, readonly string[]> = {
  'partner:read': ['PARTNER'],
  'partner:write': ['PARTNER'],
}

export type PartnerAccess = {
  user: User
  partnerProject: { id: string; name: string; slug: string; projectId: string }
  project: { id: string; name: string; organizationId: string }
  role: string
}

/**
 * The twin of requireProjectAccess for the partner portal: the partner project is found
 * through the user's partner memberships, so another partner's project (or a vendor's
 * page reached by a partner) is a 404, a missing permission a 403.
 */
export async function requirePartnerAccess(
  request: Request,
  partnerProjectId: string | undefined,
  action: PartnerAction,
): Promise<PartnerAccess> {
  const user = await requireUser(request)
  if (!partnerProjectId) throw notFound('Partner project not found')
  const membership = await db.partnerMembership.findFirst({
    where: { userId: user.id, partnerProjectId },
    include: {
      partnerProject: {
        select: {
          id: true,
          name: true,
          slug: true,
          projectId: true,
          project: { select: { id: true, name: true, organizationId: true } },
        },
      },
    },
  })
  if (!membership) throw notFound('Partner project not found')
  if (!PARTNER_PERMISSIONS[action].includes(membership.role)) throw forbidden()
  const { project, ...partnerProject } = membership.partnerProject
  return { user, partnerProject, project, role: membership.role }
}
