/**
 * Organisation roles and the one permission table (action x built-in role, with the label
 * and one-line description every page shows). Isomorphic: the roles pages render the
 * labels; app/server/access.server.ts resolves permissions from it (permissionsFor).
 */
import { z } from 'zod'

export const ROLES = ['OWNER', 'ADMIN', 'VENDOR', 'VIEWER'] as const
export type Role = (typeof ROLES)[number]
/** What Membership.role / ProjectRoleAssignment.role hold: a built-in role, or CUSTOM with customRoleId. */
export const CUSTOM_ROLE = 'CUSTOM'
export type MembershipRole = Role | typeof CUSTOM_ROLE

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  VENDOR: 'Vendor',
  VIEWER: 'Viewer',
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  OWNER: 'Everything, including organisation-wide controls. Cannot be overridden on a project.',
  ADMIN: 'Manages projects, members, tokens and the audit trail.',
  VENDOR: 'Works on projects: specs, mocks, tests, traces, plans and partners.',
  VIEWER: 'Reads projects and members; changes nothing.',
}

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

export type ActionInfo = {
  /** The built-in roles that hold the action. */
  roles: readonly Role[]
  label: string
  description: string
  /** Actions a custom role must also carry for this one to be usable (the pages behind it). */
  requires: readonly Action[]
}

/** The permission table. */
export const ACTION_TABLE: Record<Action, ActionInfo> = {
  'project:read': {
    roles: ALL,
    label: 'Read projects',
    description: 'See projects and everything in them: specs, mocks, runs, traces, plans, reports.',
    requires: [],
  },
  'project:write': {
    roles: WRITERS,
    label: 'Work on projects',
    description: 'Import specs, control mocks, run tests, upload evidence and move plan items.',
    requires: ['project:read'],
  },
  'project:create': {
    roles: WRITERS,
    label: 'Create projects',
    description: 'Start new projects in the organisation.',
    requires: ['project:read'],
  },
  'project:manage': {
    roles: ADMINS,
    label: 'Manage projects',
    description:
      'Rename and archive projects, set connectors and project-level roles, decide access requests.',
    requires: ['project:read'],
  },
  'token:manage': {
    roles: ADMINS,
    label: 'Manage API tokens',
    description: 'Create and revoke the API tokens CI pipelines use.',
    requires: ['project:read'],
  },
  'member:read': {
    roles: ALL,
    label: 'See members',
    description: 'List the organisation’s members and their roles.',
    requires: [],
  },
  'member:manage': {
    roles: ADMINS,
    label: 'Manage members and roles',
    description: 'Invite, remove and change the role of members; define custom roles.',
    requires: ['member:read'],
  },
  'partner:manage': {
    roles: WRITERS,
    label: 'Manage partner users',
    description: 'Invite, resend, revoke and remove the users of a partner project.',
    requires: ['project:read'],
  },
  'audit:read': {
    roles: ADMINS,
    label: 'Read the audit trail',
    description: 'Read and export the audit trail in settings.',
    requires: [],
  },
  'org:manage': {
    roles: OWNERS,
    label: 'Organisation controls',
    description: 'Single sign-on, security policy and retention.',
    requires: [],
  },
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value)
}

export function actionLabel(action: Action): string {
  return ACTION_TABLE[action].label
}

/** The actions a built-in role holds, in table order. */
export function builtInActions(role: Role): Action[] {
  return ACTIONS.filter((action) => ACTION_TABLE[action].roles.includes(role))
}

/** A role's display name: the built-in label, or the custom role's name. */
export function roleLabel(role: string, customRole?: { name: string } | null): string {
  if (role === CUSTOM_ROLE) return customRole?.name ?? 'Custom role (deleted)'
  return isRole(role) ? ROLE_LABELS[role] : role
}

/**
 * A role as a form value: a built-in role by name, a custom role as `custom:<id>`.
 * Both the members page and the project access page use it.
 */
export const CUSTOM_PREFIX = 'custom:'
export function roleValue(role: string, customRoleId?: string | null): string {
  return role === CUSTOM_ROLE && customRoleId ? `${CUSTOM_PREFIX}${customRoleId}` : role
}

export type RoleChoice = { role: Role } | { role: typeof CUSTOM_ROLE; customRoleId: string }

/** Parses a form value made by roleValue; null when it is neither a built-in role nor custom:<id>. */
export function parseRoleValue(value: unknown): RoleChoice | null {
  if (typeof value !== 'string') return null
  if (isRole(value)) return { role: value }
  if (value.startsWith(CUSTOM_PREFIX)) {
    const customRoleId = value.slice(CUSTOM_PREFIX.length)
    if (/^[A-Za-z0-9_-]{1,64}$/.test(customRoleId)) return { role: CUSTOM_ROLE, customRoleId }
  }
  return null
}

export const CUSTOM_ROLE_NAME_MAX = 50
export const CUSTOM_ROLE_DESCRIPTION_MAX = 300

/** The custom role form (create and edit), client and server. */
export const CustomRoleSchema = z.object({
  name: z
    .string({ error: 'Give the role a name, e.g. “Release manager”.' })
    .trim()
    .min(1, 'Give the role a name, e.g. “Release manager”.')
    .max(CUSTOM_ROLE_NAME_MAX, `Keep the name to ${CUSTOM_ROLE_NAME_MAX} characters or fewer.`)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'Use letters, digits, spaces and punctuation only.')
    .refine(
      (name) => !ROLES.some((role) => ROLE_LABELS[role].toLowerCase() === name.toLowerCase()),
      'That is the name of a built-in role: choose another name.',
    ),
  description: z
    .string()
    .trim()
    .max(
      CUSTOM_ROLE_DESCRIPTION_MAX,
      `Keep the description to ${CUSTOM_ROLE_DESCRIPTION_MAX} characters or fewer.`,
    )
    .optional(),
  permissions: z
    .array(z.string().max(100, 'Unknown permission.'))
    .max(100, 'Too many permissions.')
    .superRefine((list, ctx) => {
      const unknown = list.filter((value) => !isAction(value))
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown permission${unknown.length > 1 ? 's' : ''}: ${unknown
            .slice(0, 3)
            .map((value) => `“${value.slice(0, 40)}”`)
            .join(', ')}. Reload the page and tick the permissions listed.`,
        })
        return
      }
      if (list.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'Tick at least one permission.' })
        return
      }
      for (const problem of missingPrerequisites(list as Action[]))
        ctx.addIssue({ code: 'custom', message: problem })
    })
    .transform((list) => ACTIONS.filter((action) => list.includes(action))),
})
export type CustomRoleInput = z.infer<typeof CustomRoleSchema>

/** What a set of actions lacks to be usable: “Work on projects” needs “Read projects”. */
export function missingPrerequisites(list: readonly Action[]): string[] {
  const problems: string[] = []
  for (const action of list) {
    const missing = ACTION_TABLE[action].requires.filter((needed) => !list.includes(needed))
    if (missing.length > 0)
      problems.push(
        `“${ACTION_TABLE[action].label}” needs ${missing
          .map((needed) => `“${ACTION_TABLE[needed].label}”`)
          .join(' and ')}: tick ${missing.length > 1 ? 'them' : 'it'} too.`,
      )
  }
  return problems
}

export const PASSWORD_MIN_LENGTH = 10
