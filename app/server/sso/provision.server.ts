/**
 * Who a verified SSO identity is in this app: the linked identity (provider
 * `sso:<connectionId>`, subject), else an existing account with that email (linked only when
 * the domain is allowed, the address is verified for OIDC, and the account already belongs
 * to the organisation or has its invitation), else a new account (no password, no
 * organisation of its own). Then a just-in-time membership with the connection's role.
 */
import type { Organization, SsoConnection, User } from '~/generated/prisma/client'
import { isRole } from '~/shared/roles'
import { audit } from '../audit/log.server'
import { db } from '../db.server'
import { normalizeEmail } from '../passwords.server'
import { inviterMayGrant } from '../orgs/members.server'
import { domainAllowed, readDomains } from './domains.server'
import { SsoError } from './errors.server'
import type { VerifiedIdentity } from './oidc.server'

export function identityProvider(connectionId: string): string {
  return `sso:${connectionId}`
}

function displayName(identity: VerifiedIdentity, email: string): string {
  const name = identity.name.replace(/\s+/g, ' ').trim().slice(0, 100)
  return name || email.split('@')[0]!.slice(0, 100)
}

async function pendingInvite(organizationId: string, email: string) {
  return db.invite.findFirst({
    where: {
      organizationId,
      partnerProjectId: null,
      email,
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { gt: new Date() },
    },
    orderBy: { createdAt: 'desc' },
  })
}

export async function provisionSsoUser(input: {
  organization: Pick<Organization, 'id' | 'name'>
  connection: Pick<SsoConnection, 'id' | 'allowedDomains' | 'defaultRole'>
  protocol: 'oidc' | 'saml'
  identity: VerifiedIdentity
  ip: string
}): Promise<{ user: User; userCreated: boolean; membershipCreated: boolean }> {
  const { organization, connection, protocol, identity } = input
  const email = normalizeEmail(identity.email)
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
    throw new SsoError('email_missing', 'Your identity provider did not send an email address.', {
      status: 403,
      hint: 'An owner should make the identity provider send the email claim (OIDC scope "email") or an email attribute (SAML).',
    })
  const domains = readDomains(connection.allowedDomains)
  if (!domainAllowed(domains, email))
    throw new SsoError(
      'domain_not_allowed',
      `${email} is not an address ${organization.name} lets sign in with single sign-on (allowed: ${domains.join(', ')}).`,
      {
        status: 403,
        email,
        hint: 'Sign in with your work account at the identity provider, or ask an owner to add your domain.',
      },
    )
  const provider = identityProvider(connection.id)
  const subject = identity.subject.slice(0, 500)
  const known = await db.userIdentity.findUnique({
    where: { provider_subject: { provider, subject } },
    include: { user: true },
  })
  let user: User
  let userCreated = false
  if (known) {
    user = known.user
    await db.userIdentity.update({
      where: { id: known.id },
      data: { lastUsedAt: new Date(), email },
    })
  } else {
    const existing = await db.user.findUnique({ where: { email } })
    if (existing) {
      if (protocol === 'oidc' && identity.emailVerified !== true)
        throw new SsoError(
          'email_unverified',
          `Your identity provider does not say that ${email} is verified, so it cannot be linked to the existing account with that address.`,
          {
            status: 403,
            email,
            hint: 'Sign in with your password, or ask your administrator to mark the address verified at the identity provider.',
          },
        )
      const member = await db.membership.findUnique({
        where: { userId_organizationId: { userId: existing.id, organizationId: organization.id } },
        select: { id: true },
      })
      // Only an existing member is linked: an invitation proves nothing about who controls the
      // account (anyone may invite any address, then assert it from an identity provider they run).
      if (!member)
        throw new SsoError(
          'account_exists',
          `An account with ${email} already exists and does not belong to ${organization.name}, so single sign-on cannot take it over.`,
          {
            status: 403,
            email,
            hint: `Sign in with your usual method and accept ${organization.name}'s invitation; single sign-on works once you are a member.`,
          },
        )
      await db.userIdentity.create({ data: { provider, subject, email, userId: existing.id } })
      user = existing
    } else {
      if (protocol === 'oidc' && identity.emailVerified === false)
        throw new SsoError(
          'email_unverified',
          `Your identity provider says ${email} is not verified.`,
          {
            status: 403,
            email,
            hint: 'Verify the address at your identity provider, then try again.',
          },
        )
      user = await db.user.create({
        data: {
          email,
          name: displayName(identity, email),
          passwordHash: null,
          identities: { create: { provider, subject, email } },
        },
      })
      userCreated = true
    }
  }

  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId: user.id, organizationId: organization.id } },
    select: { id: true },
  })
  let membershipCreated = false
  if (!membership) {
    const pending = await pendingInvite(organization.id, email)
    // An invitation decides the role only while its sender may still grant it.
    const invite = pending && (await inviterMayGrant(pending)) ? pending : null
    const role = invite
      ? invite.role
      : isRole(connection.defaultRole) && connection.defaultRole !== 'OWNER'
        ? connection.defaultRole
        : 'VIEWER'
    const created = await db.membership.create({
      data: { userId: user.id, organizationId: organization.id, role },
    })
    if (invite)
      await db.invite.update({ where: { id: invite.id }, data: { acceptedAt: new Date() } })
    membershipCreated = true
    await audit({
      action: 'sso.member_provisioned',
      actorUserId: user.id,
      organizationId: organization.id,
      targetType: 'membership',
      targetId: created.id,
      ip: input.ip,
      metadata: {
        email,
        role,
        protocol,
        userCreated,
        ...(invite ? { inviteId: invite.id } : {}),
      },
    })
  }
  return { user, userCreated, membershipCreated }
}
