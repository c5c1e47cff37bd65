/**
 * Project-level roles: a member's role on one project, replacing their organisation role
 * there (lower or higher). Owners are never overridden; nobody assigns (or lifts) a role
 * carrying a permission they do not hold on this project. Each write audits { before, after }.
 */
import { auditAs, type Actor } from '../audit/log.server'
import { db } from '../db.server'
import { missingPermissions, permissionsFor, type Action } from '../access.server'
import { ACTION_TABLE, CUSTOM_ROLE, roleLabel, roleValue, type RoleChoice } from '~/shared/roles'
import { findCustomRole } from './roles.server'

/** A rule of project roles was broken; the message is meant for the user. */
export class ProjectRoleError extends Error {}

type RoleRow = {
  role: string
  customRoleId: string | null
  customRole: { name: string; permissions: string; organizationId: string } | null
}

function rolePermissions(row: RoleRow, organizationId: string) {
  const customRole = row.customRole?.organizationId === organizationId ? row.customRole : null
  return permissionsFor({ role: row.role, customRole })
}

function snapshot(row: RoleRow | null) {
  if (!row) return null
  return {
    role: row.role,
    customRoleId: row.customRoleId,
    label: roleLabel(row.role, row.customRole),
  }
}

function labels(actions: readonly Action[]) {
  return actions.map((action) => ACTION_TABLE[action].label).join(', ')
}

/** The organisation's members with their organisation role and their role on this project. */
export async function listProjectRoles(project: { id: string; organizationId: string }) {
  const memberships = await db.membership.findMany({
    where: { organizationId: project.organizationId },
    include: {
      user: { select: { id: true, name: true, email: true } },
      customRole: true,
      projectRoles: { where: { projectId: project.id }, include: { customRole: true } },
    },
    orderBy: [{ createdAt: 'asc' }],
  })
  return memberships.map((membership) => {
    const override = membership.projectRoles[0] ?? null
    return {
      membershipId: membership.id,
      user: membership.user,
      owner: membership.role === 'OWNER',
      organizationRole: roleLabel(membership.role, membership.customRole),
      projectRole: override
        ? {
            value: roleValue(override.role, override.customRoleId),
            label: roleLabel(override.role, override.customRole),
          }
        : null,
    }
  })
}

type Input = {
  actor: Actor
  /** The actor's effective permissions on this project and their own membership. */
  actorPermissions: ReadonlySet<Action>
  actorMembershipId: string
  project: { id: string; organizationId: string }
  membershipId: string
}

async function findTarget(input: Input) {
  const membership =
    typeof input.membershipId === 'string' && input.membershipId.length <= 64
      ? await db.membership.findFirst({
          where: { id: input.membershipId, organizationId: input.project.organizationId },
          include: {
            customRole: true,
            projectRoles: { where: { projectId: input.project.id }, include: { customRole: true } },
          },
        })
      : null
  if (!membership) throw new ProjectRoleError('That member is not in this organisation.')
  if (membership.role === 'OWNER')
    throw new ProjectRoleError(
      'Owners have every permission on every project: their role cannot be changed per project.',
    )
  if (membership.id === input.actorMembershipId)
    throw new ProjectRoleError(
      'You cannot change your own role on a project. Ask another owner or admin.',
    )
  const override = membership.projectRoles[0] ?? null
  const orgPermissions = rolePermissions(membership, input.project.organizationId)
  const current = override
    ? rolePermissions(override, input.project.organizationId)
    : orgPermissions
  const cannotTouch = missingPermissions(input.actorPermissions, current)
  if (cannotTouch.length > 0)
    throw new ProjectRoleError(
      `You cannot change this member’s role on this project: it has permissions you do not hold (${labels(cannotTouch)}).`,
    )
  return { membership, override, orgPermissions }
}

export async function assignProjectRole(input: Input & { choice: RoleChoice }) {
  const { membership, override } = await findTarget(input)
  const { choice } = input
  if (choice.role === 'OWNER')
    throw new ProjectRoleError('A project-level role cannot be Owner. Make them owner in Members.')
  const customRole =
    choice.role === CUSTOM_ROLE
      ? await findCustomRole(input.project.organizationId, choice.customRoleId)
      : null
  if (choice.role === CUSTOM_ROLE && !customRole)
    throw new ProjectRoleError('That role does not exist in this organisation. Reload the page.')
  const missing = missingPermissions(
    input.actorPermissions,
    permissionsFor({ role: choice.role, customRole }),
  )
  if (missing.length > 0)
    throw new ProjectRoleError(
      `You cannot assign a role with permissions you do not hold yourself: ${labels(missing)}.`,
    )
  const data = { role: choice.role, customRoleId: customRole?.id ?? null }
  const saved = await db.projectRoleAssignment.upsert({
    where: { projectId_membershipId: { projectId: input.project.id, membershipId: membership.id } },
    create: { projectId: input.project.id, membershipId: membership.id, ...data },
    update: data,
    include: { customRole: true },
  })
  const before = snapshot(override)
  const after = snapshot(saved)
  await auditAs(
    input.actor,
    'project_role.assigned',
    { type: 'membership', id: membership.id },
    { projectId: input.project.id, before, after },
  )
  return { before, after }
}

export async function removeProjectRole(input: Input) {
  const { membership, override, orgPermissions } = await findTarget(input)
  if (!override) throw new ProjectRoleError('That member has no role of their own on this project.')
  // Lifting the override gives back the organisation role here: the actor must hold it too.
  const missing = missingPermissions(input.actorPermissions, orgPermissions)
  if (missing.length > 0)
    throw new ProjectRoleError(
      `Removing this would give them permissions you do not hold yourself: ${labels(missing)}.`,
    )
  await db.projectRoleAssignment.deleteMany({
    where: { id: override.id, projectId: input.project.id, membershipId: membership.id },
  })
  const before = snapshot(override)
  await auditAs(
    input.actor,
    'project_role.removed',
    { type: 'membership', id: membership.id },
    { projectId: input.project.id, before, after: null },
  )
  return { before }
}
