/**
 * Who may do what. One table (app/shared/roles.ts: action x built-in role), one resolver
 * (permissionsFor: a built-in or custom role -> its permissions) and the helpers every
 * loader and action goes through; queries are scoped by the organisation they resolve.
 * On a project, a member's project-level role (ProjectRoleAssignment) replaces the
 * organisation role there (never for owners).
 */
import { redirect } from '@remix-run/node'
import type { Membership, Organization, Project, User } from '~/generated/prisma/client'
import {
  ACTION_TABLE,
  ACTIONS,
  CUSTOM_ROLE,
  isAction,
  isRole,
  roleLabel,
  ROLES,
  type Action,
  type MembershipRole,
  type Role,
} from '~/shared/roles'
import { requireUser } from './auth.server'
import { db } from './db.server'
import { forbidden, notFound } from './http.server'
import { enforceSecurityPolicy } from './security/policy.server'
import { getSession } from './session.server'

export { ACTIONS, ROLES, type Action, type MembershipRole, type Role }

/** The built-in roles of each action (a view of ACTION_TABLE). */
export const PERMISSIONS: Record<Action, readonly Role[]> = Object.fromEntries(
  ACTIONS.map((action) => [action, ACTION_TABLE[action].roles]),
) as Record<Action, readonly Role[]>

const BUILT_IN = Object.fromEntries(
  ROLES.map((role) => [role, new Set(ACTIONS.filter((a) => PERMISSIONS[a].includes(role)))]),
) as unknown as Record<Role, ReadonlySet<Action>>
const NONE: ReadonlySet<Action> = new Set()

/** A custom role's stored permissions (JSON Action[]); anything not an action is dropped. */
export function parsePermissions(stored: string | readonly string[] | null | undefined): Action[] {
  let list: unknown = stored
  if (typeof stored === 'string') {
    try {
      list = JSON.parse(stored)
    } catch {
      return []
    }
  }
  if (!Array.isArray(list)) return []
  return ACTIONS.filter((action) => list.includes(action))
}

/**
 * The one resolver: what a role (built-in, or CUSTOM with its custom role) may do.
 * An unknown role, or CUSTOM without its role row, may do nothing.
 */
export function permissionsFor(subject: {
  role: string
  customRole?: { permissions: string | readonly string[] } | null
}): ReadonlySet<Action> {
  if (isRole(subject.role)) return BUILT_IN[subject.role]
  if (subject.role === CUSTOM_ROLE && subject.customRole)
    return new Set(parsePermissions(subject.customRole.permissions))
  return NONE
}

/** Whether a built-in role (by name) or a resolved access (its permissions) may do the action. */
export function can(
  subject: string | { permissions: ReadonlySet<Action> },
  action: Action,
): boolean {
  if (!isAction(action)) return false
  if (typeof subject === 'string') return isRole(subject) && PERMISSIONS[action].includes(subject)
  return subject.permissions.has(action)
}

/** The actions of `wanted` that `held` lacks (anti-escalation: nobody hands out what they lack). */
export function missingPermissions(held: ReadonlySet<Action>, wanted: Iterable<Action>): Action[] {
  return [...new Set(wanted)].filter((action) => !held.has(action))
}

type CustomRoleRow = { id: string; name: string; permissions: string; organizationId: string }

/** A custom role counts only inside its own organisation. */
function ownRole(customRole: CustomRoleRow | null | undefined, organizationId: string) {
  return customRole && customRole.organizationId === organizationId ? customRole : null
}

export type OrgAccess = {
  user: User
  organization: Organization
  membership: Membership
  /** The organisation role (OWNER, ADMIN, VENDOR, VIEWER or CUSTOM). */
  role: MembershipRole
  /** What the user may do (resolved from the role or the custom role). */
  permissions: ReadonlySet<Action>
  /** The role's display name (a custom role's name). */
  roleLabel: string
}
export type ProjectAccess = OrgAccess & {
  project: Project
  /** True when a project-level role replaces the organisation role on this project. */
  projectOverride: boolean
}

/**
 * Resolves the project through the user's memberships: another organisation's project is
 * a 404, and so is a project the user's effective role may not read; a missing permission
 * is a 403. `role`, `permissions` and `roleLabel` are the effective ones on this project.
 */
export async function requireProjectAccess(
  request: Request,
  projectId: string | undefined,
  action: Action,
): Promise<ProjectAccess> {
  const user = await requireUser(request)
  if (!projectId) throw notFound('Project not found')
  const project = await db.project.findFirst({
    where: { id: projectId, organization: { memberships: { some: { userId: user.id } } } },
    include: {
      organization: {
        include: {
          memberships: {
            where: { userId: user.id },
            include: {
              customRole: true,
              projectRoles: { where: { projectId }, include: { customRole: true } },
            },
          },
        },
      },
    },
  })
  const found = project?.organization.memberships[0]
  if (!project || !found) throw notFound('Project not found')
  const { customRole: orgCustomRole, projectRoles, ...membership } = found
  await enforceSecurityPolicy(request, {
    user,
    organization: project.organization,
    role: membership.role,
  })
  const override = membership.role === 'OWNER' ? undefined : projectRoles[0]
  const effective = override
    ? { role: override.role, customRole: ownRole(override.customRole, project.organizationId) }
    : { role: membership.role, customRole: ownRole(orgCustomRole, project.organizationId) }
  const permissions = permissionsFor(effective)
  if (!permissions.has('project:read')) throw notFound('Project not found')
  if (!permissions.has(action)) throw forbidden()
  const { organization, ...projectRow } = project
  const { memberships: _memberships, ...organizationRow } = organization
  return {
    user,
    organization: organizationRow,
    membership,
    role: effective.role as MembershipRole,
    permissions,
    roleLabel: roleLabel(effective.role, effective.customRole),
    projectOverride: Boolean(override),
    project: projectRow,
  }
}

export async function listMemberships(userId: string) {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { organization: true, customRole: true },
    orderBy: { organization: { name: 'asc' } },
  })
  return memberships.map(({ customRole, ...membership }) => {
    const own = ownRole(customRole, membership.organizationId)
    return {
      ...membership,
      customRole: own,
      roleLabel: roleLabel(membership.role, own),
    }
  })
}

/**
 * Projects of the organisation the member's project-level roles hide (a role without
 * 'project:read' there): the project list and the summaries leave them out.
 */
export async function projectsHiddenFrom(access: OrgAccess): Promise<string[]> {
  if (access.role === 'OWNER') return []
  const overrides = await db.projectRoleAssignment.findMany({
    where: { membershipId: access.membership.id },
    include: { customRole: true },
  })
  return overrides
    .filter(
      (override) =>
        !permissionsFor({
          role: override.role,
          customRole: ownRole(override.customRole, access.organization.id),
        }).has('project:read'),
    )
    .map((override) => override.projectId)
}

/**
 * The organisation the session has active, falling back to the user's first.
 * A partner-only user is sent to the partner portal; a user with no
 * organisation at all gets a 403 that says what to do.
 */
export async function requireOrgAccess(
  request: Request,
  /** The permission needed, or a list of which any one will do (a layout over several tabs). */
  action: Action | readonly Action[],
): Promise<OrgAccess> {
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
  await enforceSecurityPolicy(request, {
    user,
    organization: membership.organization,
    role: membership.role,
  })
  const permissions = permissionsFor(membership)
  const wanted: readonly Action[] = typeof action === 'string' ? [action] : action
  if (!wanted.some((entry) => permissions.has(entry))) throw forbidden()
  const { organization, customRole: _customRole, roleLabel: label, ...membershipRow } = membership
  return {
    user,
    organization,
    membership: membershipRow,
    role: membership.role as MembershipRole,
    permissions,
    roleLabel: label,
  }
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
