/**
 * SAML 2.0 with @node-saml/node-saml: SP-initiated AuthnRequest over HTTP-Redirect, and
 * the ACS check of the IdP's POSTed response: the assertion signed by a certificate from the
 * pasted metadata, issued by the metadata's entity, for our audience (the SP entity id),
 * inside NotBefore/NotOnOrAfter (60 s of skew) and InResponseTo = the request id kept in
 * this browser's flow cookie. Unsolicited (IdP-initiated) responses are refused.
 */
import {
  SAML,
  SamlStatusError,
  ValidateInResponseTo,
  type CacheProvider,
  type Profile,
} from '@node-saml/node-saml'
import { SsoError } from './errors.server'
import { FLOW_TTL_SECONDS, type SamlFlow } from './flow-cookies.server'
import { hasDoctypeOrEntity } from './metadata.server'
import type { VerifiedIdentity } from './oidc.server'
import type { ServiceProviderUrls } from './urls.server'

export const CLOCK_SKEW_MS = 60_000
/** The largest SAMLResponse (base64) the ACS reads. */
export const SAML_RESPONSE_MAX_BYTES = 512 * 1024

export type SamlSettings = { samlEntityId: string; samlSsoUrl: string; certificates: string[] }

const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient'
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'Email',
  'EmailAddress',
  'emailAddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'urn:oid:0.9.2342.19200300.100.1.3',
]
const NAME_ATTRIBUTES = [
  'name',
  'displayName',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'urn:oid:2.16.840.1.113730.3.1.241',
]

/** node-saml keeps request ids in a cache; ours holds the one id this browser's cookie names. */
function cookieCache(flow: Pick<SamlFlow, 'requestId' | 'startedAt'> | null): CacheProvider & {
  saved: string | null
} {
  return {
    saved: null,
    async saveAsync(key, value) {
      this.saved = key
      return { value, createdAt: Date.now() }
    },
    async getAsync(key) {
      return flow && key === flow.requestId ? new Date(flow.startedAt).toISOString() : null
    },
    async removeAsync() {
      return null
    },
  }
}

function samlFor(settings: SamlSettings, urls: ServiceProviderUrls, cache: CacheProvider): SAML {
  return new SAML({
    entryPoint: settings.samlSsoUrl,
    issuer: urls.entityId,
    audience: urls.entityId,
    callbackUrl: urls.acsUrl,
    idpCert: settings.certificates,
    idpIssuer: settings.samlEntityId,
    identifierFormat: null,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: FLOW_TTL_SECONDS * 1000,
    cacheProvider: cache,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
  })
}

/** The IdP URL carrying a deflated AuthnRequest, and its id (kept in the flow cookie). */
export async function beginSaml(
  settings: SamlSettings,
  urls: ServiceProviderUrls,
  relayState: string,
): Promise<{ url: string; requestId: string }> {
  const cache = cookieCache(null)
  const url = await samlFor(settings, urls, cache).getAuthorizeUrlAsync(relayState, undefined, {})
  if (!cache.saved) throw new Error('node-saml did not record the AuthnRequest id')
  return { url, requestId: cache.saved }
}

function firstString(value: unknown): string {
  if (typeof value === 'string') return value.trim()
  if (Array.isArray(value)) return firstString(value[0])
  return ''
}

function attribute(profile: Profile, names: readonly string[]): string {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>
  for (const name of names) {
    const value = firstString(attributes[name] ?? profile[name])
    if (value) return value
  }
  return ''
}

/** Why node-saml refused, in words a member can act on. */
function responseFailure(error: unknown): SsoError {
  if (error instanceof SsoError) return error
  if (error instanceof SamlStatusError)
    return new SsoError(
      'idp_refused',
      `Your identity provider did not sign you in (${error.message}).`,
      {
        status: 403,
        hint: 'Try again; if it keeps failing, ask your administrator whether this app is assigned to you.',
        cause: error,
      },
    )
  const message = (error as Error)?.message ?? String(error)
  if (/InResponseTo/i.test(message))
    return new SsoError(
      'flow_mismatch',
      'This SAML response does not answer a sign-in started in this browser (or it was already used).',
      {
        status: 400,
        hint: 'Start the sign-in from this app, not from the identity provider’s dashboard, and within 10 minutes.',
        cause: error,
      },
    )
  if (/signature/i.test(message))
    return new SsoError(
      'invalid_response',
      'The SAML assertion is not signed by the identity provider’s certificate.',
      {
        status: 400,
        hint: 'If your identity provider rotated its certificate, an owner should paste its new metadata in Settings → Single sign-on.',
        cause: error,
      },
    )
  if (/audience|AudienceRestriction/i.test(message))
    return new SsoError(
      'invalid_response',
      'The SAML assertion is meant for another service provider (wrong audience).',
      {
        status: 400,
        hint: 'An owner should check that the identity provider uses the SP entity id shown in Settings → Single sign-on.',
        cause: error,
      },
    )
  if (/expired|not yet valid|too old|No valid subject confirmation/i.test(message))
    return new SsoError(
      'invalid_response',
      'The SAML assertion is outside its validity period (expired, or from the future).',
      {
        status: 400,
        hint: 'Start again. If it keeps failing, the identity provider’s clock may be wrong.',
        cause: error,
      },
    )
  return new SsoError(
    'invalid_response',
    `The SAML response could not be accepted (${message.slice(0, 200)}).`,
    { status: 400, cause: error },
  )
}

/**
 * Request ids whose response was already accepted (until the flow could have expired): a
 * response is good once, even for someone holding both it and the browser's flow cookie.
 * In memory: ACS posts are handled by the one primary process.
 */
const consumed = new Map<string, number>()

function consumeOnce(requestId: string, now = Date.now()) {
  for (const [id, until] of consumed) if (until <= now) consumed.delete(id)
  if (consumed.has(requestId))
    throw new SsoError('invalid_response', 'This SAML response was already used to sign in.', {
      status: 400,
      hint: 'Start the sign-in again from the sign-in page.',
    })
  consumed.set(requestId, now + FLOW_TTL_SECONDS * 1000)
}

/** The ACS: a verified identity from the POSTed SAMLResponse, or an SsoError. */
export async function finishSaml(
  settings: SamlSettings,
  urls: ServiceProviderUrls,
  flow: Pick<SamlFlow, 'requestId' | 'startedAt'>,
  samlResponse: string,
): Promise<VerifiedIdentity> {
  const compact = samlResponse.replace(/\s+/g, '')
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    throw new SsoError('invalid_response', 'The SAML response is not base64.', { status: 400 })
  const xml = Buffer.from(compact, 'base64').toString('utf8')
  if (hasDoctypeOrEntity(xml))
    throw new SsoError('invalid_response', 'SAML responses with a DOCTYPE are refused.', {
      status: 400,
    })
  let profile: Profile | null
  try {
    ;({ profile } = await samlFor(settings, urls, cookieCache(flow)).validatePostResponseAsync({
      SAMLResponse: compact,
    }))
  } catch (error) {
    throw responseFailure(error)
  }
  if (!profile) throw new SsoError('invalid_response', 'The SAML response holds no assertion.')
  consumeOnce(flow.requestId)
  if (profile.issuer !== settings.samlEntityId)
    throw new SsoError(
      'invalid_response',
      'The SAML assertion was issued by another identity provider than the one configured.',
      {
        status: 400,
        hint: 'An owner should paste the right IdP metadata in Settings → Single sign-on.',
      },
    )
  if (!profile.nameID)
    throw new SsoError('invalid_response', 'The SAML assertion has no NameID.', { status: 400 })
  if (profile.nameIDFormat === TRANSIENT)
    throw new SsoError(
      'unsupported_name_id',
      'Your identity provider sends a transient NameID, which changes at every sign-in.',
      {
        status: 400,
        hint: 'An owner should configure the NameID as persistent, or as the email address, at the identity provider.',
      },
    )
  const email =
    attribute(profile, EMAIL_ATTRIBUTES) ||
    (profile.nameIDFormat === EMAIL_FORMAT || /^[^\s@]+@[^\s@]+$/.test(profile.nameID)
      ? profile.nameID
      : '')
  return {
    subject: profile.nameID,
    email,
    emailVerified: null,
    name: attribute(profile, NAME_ATTRIBUTES),
  }
}
