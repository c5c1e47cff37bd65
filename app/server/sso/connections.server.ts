/**
 * The organisation's one SSO connection (Settings → Single sign-on): read model for the
 * page, the use cases that change it (each audited with before/after, never the secret),
 * "Require SSO for members", and the look-ups sign-in starts from.
 */
import type { Organization, SsoConnection } from '~/generated/prisma/client'
import { isRole } from '~/shared/roles'
import { audit } from '../audit/log.server'
import { decryptSecret, encryptSecret, maskSecret } from '../crypto.server'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { RateLimiter } from '../rate-limit.server'
import { parseDomainList, readDomains, emailDomain } from './domains.server'
import { SsoSettingsError } from './errors.server'
import { describeCertificates, parseIdpMetadata } from './metadata.server'
import { checkDiscoveryUrl } from './oidc.server'

export type SsoProtocol = 'oidc' | 'saml'

/** What the settings form submits (already shaped by the route's zod schema). */
export type SsoSettingsInput = {
  protocol: SsoProtocol
  enabled: boolean
  discoveryUrl?: string
  clientId?: string
  /** Blank keeps the stored secret. */
  clientSecret?: string
  /** Blank keeps the stored metadata. */
  samlMetadata?: string
  allowedDomains?: string
  defaultRole: string
}

export type SsoActor = { userId: string; ip: string; userAgent: string }

export function readCertificates(stored: string): string[] {
  try {
    const value: unknown = JSON.parse(stored)
    return Array.isArray(value) ? value.filter((entry) => typeof entry === 'string') : []
  } catch {
    return []
  }
}

export function getConnection(organizationId: string) {
  return db.ssoConnection.findUnique({ where: { organizationId } })
}

/** The settings page's view: the secret only masked, certificates only summarised. */
export function connectionView(connection: SsoConnection | null) {
  if (!connection) return null
  let secretMask = ''
  if (connection.clientSecret) {
    try {
      secretMask = maskSecret(decryptSecret(connection.clientSecret))
    } catch {
      secretMask = '(unreadable: enter it again)'
    }
  }
  return {
    id: connection.id,
    protocol: connection.protocol as SsoProtocol,
    enabled: connection.enabled,
    discoveryUrl: connection.discoveryUrl,
    clientId: connection.clientId,
    clientSecretMask: secretMask,
    samlEntityId: connection.samlEntityId,
    samlSsoUrl: connection.samlSsoUrl,
    hasSamlMetadata: connection.samlMetadata !== '',
    certificates: describeCertificates(readCertificates(connection.samlCerts)),
    allowedDomains: readDomains(connection.allowedDomains),
    defaultRole: connection.defaultRole,
    updatedAt: connection.updatedAt.toISOString(),
  }
}

/** What the audit trail records of a connection: everything an owner changes, never the secret. */
function auditView(connection: SsoConnection | null) {
  if (!connection) return null
  return {
    protocol: connection.protocol,
    enabled: connection.enabled,
    discoveryUrl: connection.discoveryUrl,
    clientId: connection.clientId,
    clientSecretSet: connection.clientSecret !== '',
    samlEntityId: connection.samlEntityId,
    samlSsoUrl: connection.samlSsoUrl,
    samlCertificates: describeCertificates(readCertificates(connection.samlCerts)).map(
      (cert) => cert.fingerprint,
    ),
    allowedDomains: readDomains(connection.allowedDomains),
    defaultRole: connection.defaultRole,
  }
}

function entry(actor: SsoActor, organizationId: string, targetId: string) {
  return {
    actorUserId: actor.userId,
    organizationId,
    targetType: 'sso_connection',
    targetId,
    ip: actor.ip,
    userAgent: actor.userAgent,
  }
}

/** Creates or updates the connection. Throws SsoSettingsError naming the field to fix. */
export async function saveConnection(input: {
  organization: Pick<Organization, 'id' | 'requireSso'>
  actor: SsoActor
  settings: SsoSettingsInput
}): Promise<{ created: boolean; connection: SsoConnection }> {
  const { organization, actor, settings } = input
  const existing = await getConnection(organization.id)
  const allowedDomains = parseDomainList(settings.allowedDomains ?? '')
  if (!isRole(settings.defaultRole) || settings.defaultRole === 'OWNER')
    throw new SsoSettingsError('defaultRole', 'Choose Admin, Vendor or Viewer.')
  if (!settings.enabled && organization.requireSso)
    throw new SsoSettingsError(
      'enabled',
      'Single sign-on is required for members: turn off "Require SSO for members" before disabling the connection.',
    )
  const data: Partial<SsoConnection> = {
    protocol: settings.protocol,
    enabled: settings.enabled,
    allowedDomains: JSON.stringify(allowedDomains),
    defaultRole: settings.defaultRole,
  }
  if (settings.protocol === 'oidc') {
    data.discoveryUrl = checkDiscoveryUrl(settings.discoveryUrl ?? '')
    const clientId = (settings.clientId ?? '').trim()
    if (!clientId)
      throw new SsoSettingsError('clientId', 'Enter the client id your provider issued.')
    if (clientId.length > 500)
      throw new SsoSettingsError('clientId', 'The client id is longer than 500 characters.')
    data.clientId = clientId
    const secret = (settings.clientSecret ?? '').trim()
    if (secret.length > 2000)
      throw new SsoSettingsError(
        'clientSecret',
        'The client secret is longer than 2,000 characters.',
      )
    // The kept secret goes only to the provider it was entered for: pointing the connection
    // at another issuer or client would otherwise send it wherever the new URL says.
    const sameProvider =
      existing?.discoveryUrl === data.discoveryUrl && existing?.clientId === data.clientId
    if (secret) data.clientSecret = encryptSecret(secret)
    else if (!existing?.clientSecret)
      throw new SsoSettingsError('clientSecret', 'Enter the client secret your provider issued.')
    else if (!sameProvider)
      throw new SsoSettingsError(
        'clientSecret',
        'The discovery URL or client id changed: enter the client secret again (the saved one is kept only for the provider it was entered for).',
      )
  } else {
    const xml = settings.samlMetadata ?? ''
    if (xml.trim()) {
      const metadata = parseIdpMetadata(xml, { allowHttp: getEnv().OUTBOUND_ALLOW_PRIVATE })
      data.samlMetadata = xml.trim()
      data.samlEntityId = metadata.entityId
      data.samlSsoUrl = metadata.ssoUrl
      data.samlCerts = JSON.stringify(metadata.certificates)
    } else if (!existing?.samlMetadata)
      throw new SsoSettingsError(
        'samlMetadata',
        "Paste your identity provider's SAML metadata XML.",
      )
  }
  const connection = existing
    ? await db.ssoConnection.update({ where: { id: existing.id }, data })
    : await db.ssoConnection.create({
        data: { ...(data as SsoConnection), organizationId: organization.id },
      })
  const after = auditView(connection)
  await audit({
    ...entry(actor, organization.id, connection.id),
    action: existing ? 'sso.updated' : 'sso.configured',
    metadata: {
      before: auditView(existing),
      after: { ...after, clientSecretChanged: Boolean(data.clientSecret) },
    },
  })
  return { created: !existing, connection }
}

/** Removes the connection and the identities it linked. Refused while SSO is required. */
export async function removeConnection(input: {
  organization: Pick<Organization, 'id' | 'requireSso'>
  actor: SsoActor
}): Promise<boolean> {
  const existing = await getConnection(input.organization.id)
  if (!existing) return false
  if (input.organization.requireSso)
    throw new SsoSettingsError(
      'form',
      'Single sign-on is required for members: turn off "Require SSO for members" before removing the connection.',
    )
  await db.$transaction([
    db.userIdentity.deleteMany({ where: { provider: `sso:${existing.id}` } }),
    db.ssoConnection.delete({ where: { id: existing.id } }),
  ])
  await audit({
    ...entry(input.actor, input.organization.id, existing.id),
    action: 'sso.removed',
    metadata: { before: auditView(existing), after: null },
  })
  return true
}

/**
 * Organization.requireSso. Turning it on needs an enabled connection. It is enforced at
 * request time by the security policy (owners keep password sign-in as break-glass).
 */
export async function setRequireSso(input: {
  organization: Pick<Organization, 'id' | 'requireSso'>
  actor: SsoActor
  required: boolean
}): Promise<void> {
  const { organization, actor, required } = input
  if (required) {
    const connection = await getConnection(organization.id)
    if (!connection?.enabled)
      throw new SsoSettingsError(
        'requireSso',
        'Set up and enable a single sign-on connection first: members would have no way to sign in.',
      )
  }
  if (organization.requireSso === required) return
  await db.organization.update({ where: { id: organization.id }, data: { requireSso: required } })
  await audit({
    ...entry(actor, organization.id, organization.id),
    targetType: 'organization',
    action: 'sso.required_changed',
    metadata: { before: { requireSso: organization.requireSso }, after: { requireSso: required } },
  })
}

/** The organisation behind /sso/<slug>/metadata.xml (any organisation: its owner needs our metadata before pasting the IdP's). */
export async function findOrganizationBySlug(slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(slug)) return null
  return db.organization.findUnique({ where: { slug }, select: { id: true, slug: true } })
}

/** The enabled connection behind /sso/<slug>/…, with its organisation; null when there is none. */
export async function findEnabledConnection(slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(slug)) return null
  const organization = await db.organization.findUnique({
    where: { slug },
    include: { sso: true },
  })
  if (!organization?.sso?.enabled) return null
  const { sso: connection, ...org } = organization
  return { organization: org, connection }
}

export type SignInTarget =
  { ok: true; slug: string; name: string } | { ok: false; message: string; status?: number }

/** Look-ups per client address and minute: enough for people, not for listing who uses which domain. */
export const SIGN_IN_LOOKUPS_PER_MINUTE = 20
const lookups = new RateLimiter(SIGN_IN_LOOKUPS_PER_MINUTE, 60_000)

/**
 * The /sso form: a work email (its domain must be allowed by exactly one enabled
 * connection) or an organisation slug.
 */
export async function findSignInTarget(
  identifier: string,
  clientAddress: string,
): Promise<SignInTarget> {
  const verdict = lookups.hit(clientAddress)
  if (!verdict.allowed)
    return {
      ok: false,
      status: 429,
      message: `Too many look-ups from your address. Try again in ${verdict.retryAfterSeconds} s.`,
    }
  const text = identifier.trim().toLowerCase()
  if (text.includes('@')) {
    const domain = emailDomain(text)
    if (!domain || !/^[a-z0-9.-]+\.[a-z0-9-]+$/.test(domain))
      return { ok: false, message: 'Enter your work email address or your organisation’s slug.' }
    const candidates = await db.ssoConnection.findMany({
      where: { enabled: true, allowedDomains: { contains: JSON.stringify(domain) } },
      select: { allowedDomains: true, organization: { select: { slug: true, name: true } } },
      take: 10,
    })
    const matches = candidates.filter((row) => readDomains(row.allowedDomains).includes(domain))
    if (matches.length === 1)
      return { ok: true, slug: matches[0]!.organization.slug, name: matches[0]!.organization.name }
    if (matches.length > 1)
      return {
        ok: false,
        message: `Several organisations sign in with ${domain}. Enter your organisation’s slug instead.`,
      }
    return {
      ok: false,
      message: `No organisation signs in with single sign-on for ${domain}. Enter your organisation’s slug, or sign in with your password.`,
    }
  }
  const found = await findEnabledConnection(text)
  if (found) return { ok: true, slug: found.organization.slug, name: found.organization.name }
  return {
    ok: false,
    message: `No organisation with single sign-on has the slug “${text.slice(0, 64)}”. Check it with your administrator, or enter your work email.`,
  }
}
