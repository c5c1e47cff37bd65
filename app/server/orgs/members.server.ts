import { db } from '../db.server'
import { randomToken, sha256 } from '../crypto.server'
import { sendEmail } from '../email.server'
import { normalizeEmail } from '../passwords.server'
import {
  missingPermissions,
  permissionsFor,
  type Action,
  type MembershipRole,
  type Role,
} from '../access.server'
import { ACTION_TABLE, CUSTOM_ROLE, roleLabel } from '~/shared/roles'
import { findCustomRole } from './roles.server'

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** A rule of membership was broken; the message is meant for the user. */
export class MembershipError extends Error {}

export function listMembers(organizationId: string) {
  return db.membership.findMany({
    where: { organizationId },
    include: {
      user: { select: { id: true, email: true, name: true } },
      customRole: { select: { id: true, name: true, permissions: true, organizationId: true } },
    },
    orderBy: [{ createdAt: 'asc' }],
  })
}

export function listPendingInvites(organizationId: string) {
  return db.invite.findMany({
    where: {
      organizationId,
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { gt: new Date() },
      partnerProjectId: null,
    },
    orderBy: { createdAt: 'desc' },
  })
}

export async function inviteMember(input: {
  organizationId: string
  organizationName: string
  email: string
  role: Role
  invitedById: string
  /** The inviter's role: only an OWNER grants OWNER. */
  actorRole: MembershipRole
  /** The inviter's permissions (a custom role's); by default those of actorRole. */
  actorPermissions?: ReadonlySet<Action>
  baseUrl: string
}) {
  assertMayGrant(
    { role: input.actorRole, permissions: input.actorPermissions },
    { role: input.role, permissions: permissionsFor({ role: input.role }) },
  )
  const email = normalizeEmail(input.email)
  const existing = await db.membership.findFirst({
    where: { organizationId: input.organizationId, user: { email } },
  })
  if (existing)
    throw new MembershipError(`${email} is already a member of ${input.organizationName}.`)
  await db.invite.updateMany({
    where: {
      organizationId: input.organizationId,
      email,
      acceptedAt: null,
      revokedAt: null,
      partnerProjectId: null,
    },
    data: { revokedAt: new Date() },
  })
  const token = randomToken()
  const invite = await db.invite.create({
    data: {
      organizationId: input.organizationId,
      email,
      role: input.role,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      invitedById: input.invitedById,
    },
  })
  const link = `${input.baseUrl}/invites/${token}`
  await sendEmail(
    {
      to: email,
      subject: `You are invited to ${input.organizationName} on Integration Copilot`,
      text: `You have been invited to join ${input.organizationName} as ${input.role.toLowerCase()}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires in 7 days.`,
    },
    { secrets: [link] },
  )
  return { invite, link }
}

type Grantor = { role: string | null; permissions?: ReadonlySet<Action> }

function grantorPermissions(actor: Grantor): ReadonlySet<Action> {
  return actor.permissions ?? permissionsFor({ role: actor.role ?? '' })
}

/**
 * Only members who manage members grant roles; only an owner grants the owner role; and
 * nobody grants a role carrying a permission they do not hold (anti-escalation).
 */
function assertMayGrant(
  actor: Grantor,
  target: { role: string; permissions: ReadonlySet<Action> },
) {
  const held = grantorPermissions(actor)
  if (!held.has('member:manage'))
    throw new MembershipError('Only owners and admins can invite members.')
  if (target.role === 'OWNER' && actor.role !== 'OWNER')
    throw new MembershipError('Only an owner can grant the owner role.')
  const missing = missingPermissions(held, target.permissions)
  if (missing.length > 0)
    throw new MembershipError(
      `You cannot grant a role with permissions you do not hold yourself: ${missing
        .map((action) => ACTION_TABLE[action].label)
        .join(', ')}.`,
    )
}

/** Nobody changes the role of someone holding a permission they do not hold themselves. */
function assertMayChange(actor: Grantor, current: ReadonlySet<Action>) {
  const missing = missingPermissions(grantorPermissions(actor), current)
  if (missing.length > 0)
    throw new MembershipError(
      `You cannot change this member: their role has permissions you do not hold (${missing
        .map((action) => ACTION_TABLE[action].label)
        .join(', ')}).`,
    )
}

/** A membership's role as an audit snapshot: { role, customRoleId, label }. */
export function roleSnapshot(row: {
  role: string
  customRoleId?: string | null
  customRole?: { name: string } | null
}) {
  return {
    role: row.role,
    customRoleId: row.customRoleId ?? null,
    label: roleLabel(row.role, row.customRole),
  }
}

/** Whether a sign-in/sign-up redirect goes to a usable invitation (`/invites/<token>`). */
export async function invitationInPath(path: string | null | undefined): Promise<boolean> {
  const match = /^\/invites\/([A-Za-z0-9_-]{10,200})$/.exec(path ?? '')
  return match ? !('error' in (await findUsableInvite(match[1]!))) : false
}

/** The invite behind a token, or a reason it cannot be used. */
export async function findUsableInvite(token: string) {
  const invite = await db.invite.findUnique({
    where: { tokenHash: sha256(token) },
    include: {
      organization: true,
      partnerProject: {
        select: { id: true, name: true, project: { select: { id: true, name: true } } },
      },
    },
  })
  if (!invite || invite.revokedAt)
    return { error: 'This invitation link is not valid. Ask for a new one.' } as const
  if (invite.acceptedAt) return { error: 'This invitation has already been used.' } as const
  if (invite.expiresAt < new Date())
    return { error: 'This invitation has expired. Ask for a new one.' } as const
  return { invite } as const
}

/** The inviter's membership in the invite's organisation now (null when gone or unknown). */
async function inviterMembership(invite: { invitedById: string | null; organizationId: string }) {
  if (!invite.invitedById) return null
  return db.membership.findUnique({
    where: {
      userId_organizationId: { userId: invite.invitedById, organizationId: invite.organizationId },
    },
    include: { customRole: true },
  })
}

/** Whether the invitation's sender may still grant its role (checked when it is used). */
export async function inviterMayGrant(
  invite: Parameters<typeof inviterMembership>[0] & { role: string },
): Promise<boolean> {
  const inviter = await inviterMembership(invite)
  try {
    assertMayGrant(
      {
        role: inviter?.role ?? null,
        permissions: inviter ? memberPermissions(inviter) : new Set(),
      },
      { role: invite.role, permissions: permissionsFor({ role: invite.role }) },
    )
    return true
  } catch {
    return false
  }
}

export async function acceptInvite(token: string, user: { id: string; email: string }) {
  const found = await findUsableInvite(token)
  if ('error' in found) throw new MembershipError(found.error)
  const { invite } = found
  if (normalizeEmail(user.email) !== invite.email) {
    throw new MembershipError(
      `This invitation is for ${invite.email}. Sign in with that address to accept it.`,
    )
  }
  // Checked again now: the inviter may have lost the right to grant this role since.
  if (invite.partnerProjectId) return acceptPartnerInvite(invite, user)
  if (!(await inviterMayGrant(invite))) {
    throw new MembershipError(
      'The person who sent this invitation can no longer grant this role. Ask an owner for a new invitation.',
    )
  }
  return db.$transaction(async (tx) => {
    const claimed = await tx.invite.updateMany({
      where: { id: invite.id, acceptedAt: null },
      data: { acceptedAt: new Date() },
    })
    if (claimed.count !== 1) throw new MembershipError('This invitation has already been used.')
    await tx.membership.upsert({
      where: { userId_organizationId: { userId: user.id, organizationId: invite.organizationId } },
      create: { userId: user.id, organizationId: invite.organizationId, role: invite.role },
      update: {},
    })
    return invite
  })
}

/**
 * A partner invitation makes a PartnerMembership (never an organisation membership), and
 * only while the inviter may still invite partners (a member with partner:manage).
 */
async function acceptPartnerInvite<
  T extends {
    id: string
    organizationId: string
    partnerProjectId: string | null
    invitedById: string | null
  },
>(invite: T, user: { id: string }): Promise<T> {
  const partnerProjectId = invite.partnerProjectId!
  const inviter = await inviterMembership(invite)
  if (!inviter || !memberPermissions(inviter).has('partner:manage'))
    throw new MembershipError(
      'The person who sent this invitation can no longer invite partners. Ask the vendor for a new invitation.',
    )
  await db.$transaction(async (tx) => {
    const claimed = await tx.invite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null },
      data: { acceptedAt: new Date() },
    })
    if (claimed.count !== 1) throw new MembershipError('This invitation has already been used.')
    await tx.partnerMembership.upsert({
      where: { userId_partnerProjectId: { userId: user.id, partnerProjectId } },
      create: { userId: user.id, partnerProjectId, role: 'PARTNER' },
      update: {},
    })
  })
  return invite
}

async function ownerCount(organizationId: string) {
  return db.membership.count({ where: { organizationId, role: 'OWNER' } })
}

/** A membership's permissions in its own organisation (a custom role of another counts for nothing). */
export function memberPermissions(membership: {
  role: string
  organizationId: string
  customRole?: { permissions: string; organizationId: string } | null
}): ReadonlySet<Action> {
  const customRole =
    membership.customRole?.organizationId === membership.organizationId
      ? membership.customRole
      : null
  return permissionsFor({ role: membership.role, customRole })
}

async function findMember(organizationId: string, membershipId: string) {
  const membership =
    typeof membershipId === 'string' && membershipId.length <= 64
      ? await db.membership.findFirst({
          where: { id: membershipId, organizationId },
          include: { customRole: true },
        })
      : null
  if (!membership) throw new MembershipError('That member is not in this organisation.')
  return membership
}

export async function changeMemberRole(input: {
  organizationId: string
  membershipId: string
  /** A built-in role, or CUSTOM with customRoleId (a custom role of this organisation). */
  role: MembershipRole
  customRoleId?: string | null
  actorRole: MembershipRole
  /** The actor's permissions (a custom role's); by default those of actorRole. */
  actorPermissions?: ReadonlySet<Action>
}) {
  const membership = await findMember(input.organizationId, input.membershipId)
  const actor = { role: input.actorRole, permissions: input.actorPermissions }
  if (input.actorRole !== 'OWNER' && (membership.role === 'OWNER' || input.role === 'OWNER')) {
    throw new MembershipError('Only an owner can grant or change the owner role.')
  }
  const customRole =
    input.role === CUSTOM_ROLE
      ? await findCustomRole(input.organizationId, input.customRoleId ?? '')
      : null
  if (input.role === CUSTOM_ROLE && !customRole)
    throw new MembershipError('That role does not exist in this organisation. Reload the page.')
  assertMayGrant(actor, {
    role: input.role,
    permissions: permissionsFor({ role: input.role, customRole }),
  })
  assertMayChange(actor, memberPermissions(membership))
  if (
    membership.role === 'OWNER' &&
    input.role !== 'OWNER' &&
    (await ownerCount(input.organizationId)) <= 1
  ) {
    throw new MembershipError('The last owner cannot be demoted. Make another member owner first.')
  }
  const updated = await db.membership.update({
    where: { id: membership.id },
    data: { role: input.role, customRoleId: customRole?.id ?? null },
  })
  return {
    ...updated,
    before: roleSnapshot(membership),
    after: roleSnapshot({ ...updated, customRole }),
  }
}

export async function removeMember(input: {
  organizationId: string
  membershipId: string
  actorRole: MembershipRole
  actorPermissions?: ReadonlySet<Action>
}) {
  const membership = await findMember(input.organizationId, input.membershipId)
  if (membership.role === 'OWNER' && input.actorRole !== 'OWNER') {
    throw new MembershipError('Only an owner can remove an owner.')
  }
  assertMayChange(
    { role: input.actorRole, permissions: input.actorPermissions },
    memberPermissions(membership),
  )
  if (membership.role === 'OWNER' && (await ownerCount(input.organizationId)) <= 1) {
    throw new MembershipError('The last owner cannot be removed. Make another member owner first.')
  }
  await db.membership.delete({ where: { id: membership.id } })
  return membership
}

export async function revokeInvite(organizationId: string, inviteId: string) {
  const result = await db.invite.updateMany({
    where: { id: inviteId, organizationId, acceptedAt: null },
    data: { revokedAt: new Date() },
  })
  if (result.count === 0) throw new MembershipError('That invitation is no longer pending.')
}
