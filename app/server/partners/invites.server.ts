/**
 * The people of a partner project: partner users invited by email (an Invite row with
 * partnerProjectId set and role PARTNER; only the SHA-256 of the single-use token is
 * stored), their memberships, and the vendor's resend / revoke / remove. Accepting lives
 * with the organisation invites (orgs/members.server.ts acceptInvite), which tells the two
 * apart by partnerProjectId. Every write is audited here, scoped by the partner project.
 */
import { type Actor, auditAs } from '../audit/log.server'
import { randomToken, sha256 } from '../crypto.server'
import { db } from '../db.server'
import { sendEmail } from '../email.server'
import { INVITE_TTL_MS } from '../orgs/members.server'
import { normalizeEmail } from '../passwords.server'

export const PARTNER_ROLE = 'PARTNER'

/** A rule of partner membership was broken; the message is meant for the vendor. */
export class PartnerInviteError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

/** Where an invitation leads: resolved by the caller through requireProjectAccess and the project's partner projects. */
export type PartnerScope = {
  organization: { id: string; name: string }
  project: { id: string; name: string }
  partnerProject: { id: string; name: string }
}

/** Names written by partners and vendors, on one line (an email subject). */
export function oneLine(value: string) {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
}

/** Members of a partner project, and its invitations not yet accepted nor revoked (expired ones included, to resend). */
export async function listPartnerPeople(partnerProjectId: string) {
  const [members, invites] = await Promise.all([
    db.partnerMembership.findMany({
      where: { partnerProjectId },
      include: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: 'asc' },
    }),
    db.invite.findMany({
      where: { partnerProjectId, acceptedAt: null, revokedAt: null },
      include: { invitedBy: { select: { name: true } } },
      orderBy: { createdAt: 'desc' },
      take: 100,
    }),
  ])
  const now = Date.now()
  return {
    members: members.map((member) => ({
      id: member.id,
      role: member.role,
      createdAt: member.createdAt,
      user: member.user,
    })),
    invites: invites.map((invite) => ({
      id: invite.id,
      email: invite.email,
      createdAt: invite.createdAt,
      expiresAt: invite.expiresAt,
      expired: invite.expiresAt.getTime() <= now,
      invitedBy: invite.invitedBy?.name ?? null,
    })),
  }
}

/** Members and usable pending invitations per partner project, for the list of partners. */
export async function partnerPeopleCounts(partnerProjectIds: string[]) {
  const [members, invites] = await Promise.all([
    db.partnerMembership.groupBy({
      by: ['partnerProjectId'],
      where: { partnerProjectId: { in: partnerProjectIds } },
      _count: { _all: true },
    }),
    db.invite.groupBy({
      by: ['partnerProjectId'],
      where: {
        partnerProjectId: { in: partnerProjectIds },
        acceptedAt: null,
        revokedAt: null,
        expiresAt: { gt: new Date() },
      },
      _count: { _all: true },
    }),
  ])
  const counts = new Map(partnerProjectIds.map((id) => [id, { members: 0, pendingInvites: 0 }]))
  for (const row of members) counts.get(row.partnerProjectId)!.members = row._count._all
  for (const row of invites)
    if (row.partnerProjectId) counts.get(row.partnerProjectId)!.pendingInvites = row._count._all
  return counts
}

/** Creates the invitation row and sends the email; the link (with the token) is returned once, never stored. */
async function issueInvite(scope: PartnerScope, email: string, baseUrl: string, actor: Actor) {
  const token = randomToken()
  const invite = await db.invite.create({
    data: {
      organizationId: scope.organization.id,
      partnerProjectId: scope.partnerProject.id,
      email,
      role: PARTNER_ROLE,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
      invitedById: actor.userId,
    },
  })
  const link = `${baseUrl}/invites/${token}`
  const partner = oneLine(scope.partnerProject.name)
  const project = oneLine(scope.project.name)
  const organization = oneLine(scope.organization.name)
  await sendEmail(
    {
      to: email,
      subject: `Join ${partner} on ${project} (${organization}) on Integration Copilot`,
      text: `${organization} invites you to the partner portal of ${project}, as a member of ${partner}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires in 7 days. Sign in, or create an account, with ${email}.`,
    },
    { secrets: [link] },
  )
  return { invite, link }
}

/** Invites a partner user by email; an earlier pending invitation to the same address is revoked. */
export async function invitePartnerUser(
  scope: PartnerScope,
  input: { email: string; baseUrl: string },
  actor: Actor,
) {
  const email = normalizeEmail(input.email)
  const existing = await db.partnerMembership.findFirst({
    where: { partnerProjectId: scope.partnerProject.id, user: { email } },
  })
  if (existing)
    throw new PartnerInviteError(
      `${email} is already a member of ${scope.partnerProject.name}.`,
      409,
    )
  await db.invite.updateMany({
    where: {
      partnerProjectId: scope.partnerProject.id,
      email,
      acceptedAt: null,
      revokedAt: null,
    },
    data: { revokedAt: new Date() },
  })
  const result = await issueInvite(scope, email, input.baseUrl, actor)
  await auditAs(
    actor,
    'partner_invite.sent',
    { type: 'invite', id: result.invite.id },
    { email, partnerProjectId: scope.partnerProject.id },
  )
  return result
}

async function pendingInvite(scope: PartnerScope, inviteId: string) {
  const invite = await db.invite.findFirst({
    where: {
      id: inviteId,
      partnerProjectId: scope.partnerProject.id,
      acceptedAt: null,
      revokedAt: null,
    },
  })
  if (!invite)
    throw new PartnerInviteError('That invitation is no longer pending. Reload the page.', 404)
  return invite
}

/** A new link (and email) for a pending or expired invitation; the old link stops working. */
export async function resendPartnerInvite(
  scope: PartnerScope,
  input: { inviteId: string; baseUrl: string },
  actor: Actor,
) {
  const old = await pendingInvite(scope, input.inviteId)
  const revoked = await db.invite.updateMany({
    where: { id: old.id, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  })
  if (revoked.count !== 1)
    throw new PartnerInviteError('That invitation is no longer pending. Reload the page.', 409)
  const result = await issueInvite(scope, old.email, input.baseUrl, actor)
  await auditAs(
    actor,
    'partner_invite.resent',
    { type: 'invite', id: result.invite.id },
    { email: old.email, partnerProjectId: scope.partnerProject.id, replaces: old.id },
  )
  return result
}

export async function revokePartnerInvite(scope: PartnerScope, inviteId: string, actor: Actor) {
  const invite = await pendingInvite(scope, inviteId)
  const revoked = await db.invite.updateMany({
    where: { id: invite.id, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  })
  if (revoked.count !== 1)
    throw new PartnerInviteError('That invitation is no longer pending. Reload the page.', 409)
  await auditAs(
    actor,
    'partner_invite.revoked',
    { type: 'invite', id: invite.id },
    { email: invite.email, partnerProjectId: scope.partnerProject.id },
  )
  return invite
}

/** Removes a partner user from this partner project (their account and other memberships stay). */
export async function removePartnerMember(scope: PartnerScope, membershipId: string, actor: Actor) {
  const membership = await db.partnerMembership.findFirst({
    where: { id: membershipId, partnerProjectId: scope.partnerProject.id },
    include: { user: { select: { email: true } } },
  })
  if (!membership)
    throw new PartnerInviteError(
      `That person is not a member of ${scope.partnerProject.name}.`,
      404,
    )
  await db.partnerMembership.delete({ where: { id: membership.id } })
  await auditAs(
    actor,
    'partner_member.removed',
    { type: 'partner_membership', id: membership.id },
    { email: membership.user.email, partnerProjectId: scope.partnerProject.id },
  )
  return membership
}
