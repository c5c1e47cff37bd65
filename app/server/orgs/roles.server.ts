/**
 * Custom roles: named sets of the existing permissions, defined per organisation.
 * Each write checks anti-escalation (nobody defines a role carrying a permission they do
 * not hold) and writes its own audit entry with { before, after }.
 */
import {
  ACTION_TABLE,
  builtInActions,
  CUSTOM_ROLE,
  CustomRoleSchema,
  ROLE_LABELS,
  roleValue,
  ROLES,
  type Action,
  type CustomRoleInput,
} from '~/shared/roles'
import { missingPermissions, parsePermissions } from '../access.server'
import { audit } from '../audit/log.server'
import { db } from '../db.server'

/** A rule of custom roles was broken; the message is meant for the user (and names its field). */
export class RoleError extends Error {
  constructor(
    message: string,
    readonly field: 'name' | 'permissions' | null = null,
  ) {
    super(message)
  }
}

/** Who is changing roles: their organisation, their permissions there, where from. */
export type RoleActor = {
  userId: string
  organizationId: string
  permissions: ReadonlySet<Action>
  ip?: string
}

export type CustomRoleView = {
  id: string
  name: string
  description: string
  permissions: Action[]
  memberCount: number
  projectAssignmentCount: number
  updatedAt: Date
}

export async function listCustomRoles(organizationId: string): Promise<CustomRoleView[]> {
  const roles = await db.customRole.findMany({
    where: { organizationId },
    include: { _count: { select: { memberships: true, projectRoles: true } } },
    orderBy: { name: 'asc' },
  })
  return roles.map((role) => ({
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: parsePermissions(role.permissions),
    memberCount: role._count.memberships,
    projectAssignmentCount: role._count.projectRoles,
    updatedAt: role.updatedAt,
  }))
}

/** A custom role of this organisation (another organisation's id is not found). */
export async function findCustomRole(organizationId: string, roleId: string) {
  if (typeof roleId !== 'string' || roleId.length > 64) return null
  return db.customRole.findFirst({ where: { id: roleId, organizationId } })
}

/** The labels of permissions the actor lacks, as a refusal; nothing when they hold them all. */
export function escalationRefusal(
  held: ReadonlySet<Action>,
  wanted: Iterable<Action>,
  verb: string,
): string | null {
  const missing = missingPermissions(held, wanted)
  if (missing.length === 0) return null
  return `You cannot ${verb} a role with permissions you do not hold yourself: ${missing
    .map((action) => ACTION_TABLE[action].label)
    .join(', ')}.`
}

function snapshot(role: { name: string; description: string; permissions: string }) {
  return {
    name: role.name,
    description: role.description,
    permissions: parsePermissions(role.permissions),
  }
}

/** Validated again here: a use case never trusts its caller's parsing. */
function validate(input: CustomRoleInput): CustomRoleInput {
  const parsed = CustomRoleSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = issue.path[0] === 'name' ? 'name' : 'permissions'
    throw new RoleError(issue.message, field)
  }
  return parsed.data
}

/** Names are unique per organisation whatever their case (SQLite's index only sees exact duplicates). */
async function assertNameFree(organizationId: string, name: string, exceptId?: string) {
  const roles = await db.customRole.findMany({
    where: { organizationId },
    select: { id: true, name: true },
  })
  const clash = roles.find(
    (role) => role.id !== exceptId && role.name.toLowerCase() === name.toLowerCase(),
  )
  if (clash) throw new RoleError(`A role named “${clash.name}” already exists.`, 'name')
}

function uniqueClash(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2002'
}

export async function createCustomRole(actor: RoleActor, raw: CustomRoleInput) {
  const input = validate(raw)
  const refusal = escalationRefusal(actor.permissions, input.permissions, 'create')
  if (refusal) throw new RoleError(refusal, 'permissions')
  await assertNameFree(actor.organizationId, input.name)
  let role
  try {
    role = await db.customRole.create({
      data: {
        organizationId: actor.organizationId,
        name: input.name,
        description: input.description ?? '',
        permissions: JSON.stringify(input.permissions),
      },
    })
  } catch (error) {
    if (uniqueClash(error))
      throw new RoleError(`A role named “${input.name}” already exists.`, 'name')
    throw error
  }
  await audit({
    action: 'role.created',
    actorUserId: actor.userId,
    organizationId: actor.organizationId,
    targetType: 'custom_role',
    targetId: role.id,
    ip: actor.ip,
    metadata: { before: null, after: snapshot(role) },
  })
  return role
}

/** Whether the actor's own membership carries the role, organisation-wide or on any project. */
async function holdsRole(actor: RoleActor, roleId: string): Promise<boolean> {
  const membership = await db.membership.findFirst({
    where: {
      userId: actor.userId,
      organizationId: actor.organizationId,
      OR: [{ customRoleId: roleId }, { projectRoles: { some: { customRoleId: roleId } } }],
    },
    select: { id: true },
  })
  return membership !== null
}

export async function updateCustomRole(actor: RoleActor, roleId: string, raw: CustomRoleInput) {
  const input = validate(raw)
  const existing = await findCustomRole(actor.organizationId, roleId)
  if (!existing) throw new RoleError('That role no longer exists. Reload the page.')
  const refusal =
    escalationRefusal(actor.permissions, parsePermissions(existing.permissions), 'edit') ??
    escalationRefusal(actor.permissions, input.permissions, 'edit')
  if (refusal) throw new RoleError(refusal, 'permissions')
  // Editing a role you hold would change your own permissions (on a project where it
  // restricts you, past what the organisation role allows there).
  if (await holdsRole(actor, existing.id))
    throw new RoleError(
      'You hold this role yourself (in the organisation or on a project), so you cannot edit it. Ask another administrator.',
      'permissions',
    )
  await assertNameFree(actor.organizationId, input.name, existing.id)
  let role
  try {
    const result = await db.customRole.updateMany({
      where: { id: existing.id, organizationId: actor.organizationId },
      data: {
        name: input.name,
        description: input.description ?? '',
        permissions: JSON.stringify(input.permissions),
      },
    })
    if (result.count !== 1) throw new RoleError('That role no longer exists. Reload the page.')
    role = await db.customRole.findFirstOrThrow({
      where: { id: existing.id, organizationId: actor.organizationId },
    })
  } catch (error) {
    if (uniqueClash(error))
      throw new RoleError(`A role named “${input.name}” already exists.`, 'name')
    throw error
  }
  await audit({
    action: 'role.updated',
    actorUserId: actor.userId,
    organizationId: actor.organizationId,
    targetType: 'custom_role',
    targetId: role.id,
    ip: actor.ip,
    metadata: { before: snapshot(existing), after: snapshot(role) },
  })
  return role
}

/** Who uses a role: members holding it, and project-level assignments (per project). */
export async function customRoleUsage(organizationId: string, roleId: string) {
  const [members, assignments] = await Promise.all([
    db.membership.findMany({
      where: { organizationId, customRoleId: roleId },
      select: { user: { select: { name: true, email: true } } },
      take: 50,
    }),
    db.projectRoleAssignment.findMany({
      where: { customRoleId: roleId, project: { organizationId } },
      select: { project: { select: { id: true, name: true } } },
      take: 200,
    }),
  ])
  const projects = new Map<string, { name: string; count: number }>()
  for (const { project } of assignments) {
    const entry = projects.get(project.id) ?? { name: project.name, count: 0 }
    entry.count += 1
    projects.set(project.id, entry)
  }
  return {
    members: members.map((member) => member.user.email),
    assignments: assignments.length,
    projects: [...projects.values()],
  }
}

function plural(count: number, one: string, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`
}

/** Deleting a role in use is refused, saying how many hold it and where. */
export async function deleteCustomRole(actor: RoleActor, roleId: string) {
  const existing = await findCustomRole(actor.organizationId, roleId)
  if (!existing) throw new RoleError('That role no longer exists. Reload the page.')
  const refusal = escalationRefusal(
    actor.permissions,
    parsePermissions(existing.permissions),
    'delete',
  )
  if (refusal) throw new RoleError(refusal)
  const usage = await customRoleUsage(actor.organizationId, existing.id)
  if (usage.members.length > 0 || usage.assignments > 0) {
    const where: string[] = []
    if (usage.members.length > 0) {
      const names = usage.members.slice(0, 3).join(', ')
      const more = usage.members.length > 3 ? ` and ${usage.members.length - 3} more` : ''
      where.push(`${plural(usage.members.length, 'member')} (${names}${more})`)
    }
    if (usage.assignments > 0) {
      const projects = usage.projects
        .slice(0, 3)
        .map((project) => `“${project.name}”`)
        .join(', ')
      where.push(
        `${plural(usage.assignments, 'project-level assignment')} (on ${projects}${usage.projects.length > 3 ? ' and more' : ''})`,
      )
    }
    throw new RoleError(
      `“${existing.name}” is still used by ${where.join(' and ')}. Give them another role first, then delete it.`,
    )
  }
  try {
    await db.customRole.deleteMany({
      where: { id: existing.id, organizationId: actor.organizationId },
    })
  } catch (error) {
    // Assigned between the check and the delete: the foreign keys (onDelete: Restrict) refuse.
    if ((error as { code?: string } | null)?.code === 'P2003')
      throw new RoleError(`“${existing.name}” was just assigned to someone. Reload the page.`)
    throw error
  }
  await audit({
    action: 'role.deleted',
    actorUserId: actor.userId,
    organizationId: actor.organizationId,
    targetType: 'custom_role',
    targetId: existing.id,
    ip: actor.ip,
    metadata: { before: snapshot(existing), after: null },
  })
  return existing
}

export type RoleOption = { value: string; label: string; custom: boolean }

/**
 * The roles this actor may hand out, as form options (built-in by name, custom as
 * custom:<id>): only roles whose every permission the actor holds; OWNER only by an
 * owner and only where `owner` is allowed (never on a project).
 */
export async function grantableRoleOptions(
  organizationId: string,
  actor: { role: string; permissions: ReadonlySet<Action> },
  { owner }: { owner: boolean },
): Promise<RoleOption[]> {
  const builtIn = ROLES.filter((role) => role !== 'OWNER' || (owner && actor.role === 'OWNER'))
    .filter((role) => missingPermissions(actor.permissions, builtInActions(role)).length === 0)
    .map((role) => ({ value: role, label: ROLE_LABELS[role], custom: false }))
  const custom = (await listCustomRoles(organizationId))
    .filter((role) => missingPermissions(actor.permissions, role.permissions).length === 0)
    .map((role) => ({ value: roleValue(CUSTOM_ROLE, role.id), label: role.name, custom: true }))
  return [...builtIn, ...custom]
}
