/**
 * The organisation security policy (settings/security) and its enforcement, in one place:
 * requireOrgAccess and requireProjectAccess call enforceSecurityPolicy for the organisation
 * being opened, once the membership is found. A session older than the organisation's
 * lifetime, or idle longer than its idle timeout, is revoked; a member without a second
 * factor where one is required is sent to enrol; where SSO is required, a session not
 * opened by that organisation's SSO is sent to it (owners keep password access as break-
 * glass). Decision 031.
 */
import { redirect } from '@remix-run/node'
import type { Organization, User } from '~/generated/prisma/client'
import type { SecurityPolicyInput } from '~/shared/security-policy'
import { audit } from '../audit/log.server'
import { db } from '../db.server'
import { ensurePrimary } from '../litefs.server'
import { getSession, lastSeenIsStale, revokeSession, touchSession } from '../session.server'
import { redirectWithToast } from '../toast.server'

export const ENROL_PATH = '/account/security?required=1'
const SSO_METHODS = new Set(['oidc', 'saml'])

export class PolicyError extends Error {}

type PolicyAccess = {
  user: Pick<User, 'id' | 'totpEnabledAt'>
  organization: Pick<
    Organization,
    'id' | 'name' | 'slug' | 'sessionTtlHours' | 'idleTimeoutMinutes' | 'require2fa' | 'requireSso'
  >
  role: string
}

function plural(value: number, unit: string) {
  return `${value} ${unit}${value === 1 ? '' : 's'}`
}

async function signOut(request: Request, message: string): Promise<never> {
  const url = new URL(request.url)
  const back = `${url.pathname}${url.search}`
  throw await redirectWithToast(
    `/login?redirectTo=${encodeURIComponent(back)}`,
    { type: 'error', message },
    { headers: { 'Set-Cookie': await revokeSession(request) } },
  )
}

/** Throws the redirect the organisation's policy asks for, or returns when the request may go on. */
export async function enforceSecurityPolicy(request: Request, access: PolicyAccess): Promise<void> {
  const session = await getSession(request)
  if (!session) return
  const { organization } = access
  const now = Date.now()
  const reads = request.method === 'GET' || request.method === 'HEAD'

  const lifetimeMs = organization.sessionTtlHours * 60 * 60 * 1000
  if (now - session.createdAt.getTime() > lifetimeMs) {
    if (reads) await ensurePrimary()
    await signOut(
      request,
      `${organization.name} signs everyone out ${plural(organization.sessionTtlHours, 'hour')} after they sign in. Sign in again to continue.`,
    )
  }
  const idleMs = organization.idleTimeoutMinutes * 60 * 1000
  if (idleMs > 0 && now - session.lastSeenAt.getTime() > idleMs) {
    if (reads) await ensurePrimary()
    await signOut(
      request,
      `You were signed out after ${plural(organization.idleTimeoutMinutes, 'minute')} without activity (${organization.name}'s policy). Sign in again to continue.`,
    )
  }
  if (lastSeenIsStale(session.lastSeenAt, now)) {
    if (reads) await ensurePrimary()
    await touchSession(session)
  }

  if (organization.require2fa && !access.user.totpEnabledAt) throw redirect(ENROL_PATH)

  if (
    organization.requireSso &&
    access.role !== 'OWNER' &&
    !(SSO_METHODS.has(session.authMethod) && session.ssoOrganizationId === organization.id) &&
    (await hasEnabledSso(organization.id))
  ) {
    throw await redirectWithToast(`/sso?org=${encodeURIComponent(organization.slug)}`, {
      type: 'info',
      message: `${organization.name} requires signing in through its single sign-on. Continue with your organisation's identity provider.`,
    })
  }
}

/** Without an enabled connection nobody could sign in through SSO: the requirement waits for one. */
async function hasEnabledSso(organizationId: string): Promise<boolean> {
  const connection = await db.ssoConnection.findUnique({
    where: { organizationId },
    select: { enabled: true },
  })
  return connection?.enabled === true
}

/** The organisations of the user that require a second factor (the enrolment page names them). */
export async function organizationsRequiring2fa(userId: string) {
  const memberships = await db.membership.findMany({
    where: { userId, organization: { require2fa: true } },
    select: { organization: { select: { id: true, name: true } } },
    orderBy: { organization: { name: 'asc' } },
  })
  return memberships.map((membership) => membership.organization)
}

const POLICY_FIELDS = [
  'sessionTtlHours',
  'idleTimeoutMinutes',
  'passwordMinLength',
  'require2fa',
] as const

/** The settings page's read model: the policy and the members it would lock out. */
export async function securityPolicyOverview(organizationId: string) {
  const organization = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: {
      sessionTtlHours: true,
      idleTimeoutMinutes: true,
      passwordMinLength: true,
      require2fa: true,
      requireSso: true,
    },
  })
  const without2fa = await db.membership.findMany({
    where: { organizationId, user: { totpEnabledAt: null } },
    select: { role: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: { user: { email: 'asc' } },
  })
  const memberCount = await db.membership.count({ where: { organizationId } })
  return { policy: organization, memberCount, without2fa }
}

/** Changes the policy (owners, `org:manage`) and audits what changed, before and after. */
export async function updateSecurityPolicy(input: {
  organizationId: string
  actor: { userId: string; has2fa: boolean; ip?: string }
  value: SecurityPolicyInput
}): Promise<{ changed: string[] }> {
  const { organizationId, actor, value } = input
  if (value.require2fa && !actor.has2fa)
    throw new PolicyError(
      'Turn on two-factor authentication for your own account first (Account → Security): requiring it now would send you to enrol before you could open this page again.',
    )
  const current = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: {
      sessionTtlHours: true,
      idleTimeoutMinutes: true,
      passwordMinLength: true,
      require2fa: true,
    },
  })
  const changed = POLICY_FIELDS.filter((field) => current[field] !== value[field])
  if (changed.length === 0) return { changed }
  const before = Object.fromEntries(changed.map((field) => [field, current[field]]))
  const after = Object.fromEntries(changed.map((field) => [field, value[field]]))
  await db.organization.update({
    where: { id: organizationId },
    data: {
      sessionTtlHours: value.sessionTtlHours,
      idleTimeoutMinutes: value.idleTimeoutMinutes,
      passwordMinLength: value.passwordMinLength,
      require2fa: value.require2fa,
    },
  })
  await audit({
    action: 'security_policy.updated',
    actorUserId: actor.userId,
    organizationId,
    targetType: 'organization',
    targetId: organizationId,
    ip: actor.ip,
    metadata: { before, after },
  })
  return { changed }
}
