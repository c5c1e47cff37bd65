import { db } from '../db.server'
import { hashPassword, normalizeEmail } from '../passwords.server'

export function slugify(value: string): string {
  return (
    value
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'org'
  )
}

async function uniqueOrgSlug(name: string): Promise<string> {
  const base = slugify(name)
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${attempt + 1}`
    if (!(await db.organization.findUnique({ where: { slug } }))) return slug
  }
}

export async function createOrganization(name: string, ownerUserId: string) {
  return db.organization.create({
    data: {
      name,
      slug: await uniqueOrgSlug(name),
      memberships: { create: { userId: ownerUserId, role: 'OWNER' } },
    },
  })
}

export type NewUser = {
  email: string
  name: string
  password?: string
  githubId?: string
  googleId?: string
  organizationName?: string
}

/** A new account with an organisation of its own, where it is OWNER. */
export async function createUserWithOrganization(input: NewUser) {
  const user = await createAccount(input)
  await createOrganization(input.organizationName?.trim() || `${user.name}'s organisation`, user.id)
  return user
}

async function createAccount(input: NewUser) {
  return db.user.create({
    data: {
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      passwordHash: input.password ? await hashPassword(input.password) : null,
      githubId: input.githubId ?? null,
      googleId: input.googleId ?? null,
    },
  })
}

/** Whether an account already uses the address (normalised as sign-in does). */
export async function emailTaken(email: string): Promise<boolean> {
  return (await db.user.findUnique({ where: { email: normalizeEmail(email) } })) !== null
}

/** Whether the address has an invitation waiting (not used, revoked or expired). */
export async function hasPendingInvite(email: string): Promise<boolean> {
  const invite = await db.invite.findFirst({
    where: {
      email: normalizeEmail(email),
      acceptedAt: null,
      revokedAt: null,
      expiresAt: { gt: new Date() },
    },
    select: { id: true },
  })
  return invite !== null
}

/**
 * Sign-up. A person who signs up to accept an invitation (a partner joining
 * its partner project, a colleague joining an organisation) gets what the
 * invitation grants and no organisation of its own, unless it names one; anyone
 * else gets an organisation of its own.
 */
export async function registerUser(
  input: NewUser,
  { acceptingInvite }: { acceptingInvite: boolean },
) {
  if (acceptingInvite && !input.organizationName?.trim()) return createAccount(input)
  return createUserWithOrganization(input)
}

export async function setActiveOrganization(
  sessionId: string,
  userId: string,
  organizationId: string,
) {
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
  })
  if (!membership) return false
  await db.session.update({
    where: { id: sessionId },
    data: { activeOrganizationId: organizationId },
  })
  return true
}
