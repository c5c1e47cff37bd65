/**
 * OpenID Connect with openid-client v6: discovery, the authorization request (code + PKCE
 * S256 + state + nonce) and the callback (code exchange, ID token checks: issuer, audience,
 * signature, nonce, expiry). Every request to the provider goes through the guarded
 * outbound client (customFetch): a discovery URL on a private address is refused unless
 * OUTBOUND_ALLOW_PRIVATE is set, and only then may the provider speak plain http.
 */
import * as client from 'openid-client'
import { getEnv } from '../env.server'
import { fetchGuarded, OutboundError } from '../outbound.server'
import { SsoError, SsoSettingsError } from './errors.server'
import type { OidcFlow } from './flow-cookies.server'

const MAX_RESPONSE_BYTES = 1024 * 1024
const TIMEOUT_SECONDS = 10
export const OIDC_SCOPE = 'openid email profile'

/**
 * The settings form's check of a discovery URL: https (http only under
 * OUTBOUND_ALLOW_PRIVATE), no credentials, query or fragment. Returns it normalised.
 */
export function checkDiscoveryUrl(raw: string): string {
  const text = raw.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new SsoSettingsError(
      'discoveryUrl',
      'Enter the discovery URL, e.g. https://login.example.com/.well-known/openid-configuration.',
    )
  }
  if (text.length > 2000)
    throw new SsoSettingsError('discoveryUrl', 'The discovery URL is longer than 2,000 characters.')
  if (url.protocol === 'http:' && !getEnv().OUTBOUND_ALLOW_PRIVATE)
    throw new SsoSettingsError('discoveryUrl', 'The discovery URL must use https.')
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SsoSettingsError('discoveryUrl', 'The discovery URL must use https.')
  if (url.username || url.password)
    throw new SsoSettingsError('discoveryUrl', 'Remove the user name and password from the URL.')
  if (url.search || url.hash)
    throw new SsoSettingsError(
      'discoveryUrl',
      'Remove the query string and fragment: give the issuer URL or its /.well-known/openid-configuration.',
    )
  return url.href
}

/**
 * The issuer identifier a discovery URL stands for: `…/.well-known/openid-configuration`
 * and trailing slashes removed. Discovery then fetches the well-known document under it
 * and checks that its `issuer` is exactly this (a document naming another issuer is refused).
 */
export function issuerOf(discoveryUrl: string): URL {
  const url = new URL(discoveryUrl)
  url.hash = ''
  url.search = ''
  url.pathname =
    url.pathname.replace(/\/\.well-known\/openid-configuration\/?$/, '').replace(/\/+$/, '') || '/'
  return url
}

/** openid-client's fetch, answered by fetchGuarded (SSRF guard, timeout, size cap, no redirects). */
export const guardedFetch: client.CustomFetch = async (url, options) => {
  const raw: unknown = options.body
  let body: string | Uint8Array | undefined
  if (raw === undefined || raw === null) body = undefined
  else if (typeof raw === 'string') body = raw
  else if (raw instanceof URLSearchParams) body = raw.toString()
  else if (raw instanceof Uint8Array) body = raw
  else if (raw instanceof ArrayBuffer) body = new Uint8Array(raw)
  else throw new TypeError('Unsupported request body for the identity provider.')
  const response = await fetchGuarded(url, {
    method: options.method,
    headers: options.headers,
    body,
    followRedirects: false,
    maxBytes: MAX_RESPONSE_BYTES,
    timeoutMs: TIMEOUT_SECONDS * 1000,
    signal: options.signal,
  })
  const status = response.status >= 200 && response.status <= 599 ? response.status : 502
  const nullBody = [204, 205, 304].includes(status)
  return new Response(nullBody ? null : (response.body as BodyInit), {
    status,
    headers: response.headers,
  })
}

/** openid-client's message, with the more precise one of the error it wraps. */
function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error)
  const cause = (error as { cause?: unknown })?.cause
  return cause instanceof Error && cause.message && cause.message !== message
    ? `${message}: ${cause.message}`
    : message
}

function outboundCause(error: unknown): OutboundError | null {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    if (current instanceof OutboundError) return current
    current = (current as { cause?: unknown }).cause
  }
  return null
}

/** A discovery failure in words an owner can act on. */
function discoveryFailure(error: unknown, issuer: URL): SsoError {
  const outbound = outboundCause(error)
  if (outbound)
    return new SsoError(
      'idp_unreachable',
      outbound.code === 'blocked'
        ? `The discovery URL is refused: ${outbound.message}`
        : `Could not reach the identity provider at ${issuer.host}: ${outbound.message}`,
      {
        status: 502,
        hint: 'Check the discovery URL in Settings → Single sign-on, or ask an owner to.',
        cause: error,
      },
    )
  const message = describe(error)
  const status = ((error as { cause?: unknown }).cause as Response | undefined)?.status
  const detail =
    /unexpected HTTP (response )?status code/i.test(message) && status
      ? `the discovery URL answered HTTP ${status}`
      : /issuer/i.test(message)
        ? `the document's issuer is not ${issuer.href.replace(/\/$/, '')}`
        : message
  return new SsoError(
    'idp_unreachable',
    `The identity provider's discovery document could not be used: ${detail}.`,
    {
      status: 502,
      hint: 'Check the discovery URL (the issuer, or its /.well-known/openid-configuration).',
      cause: error,
    },
  )
}

async function discover(discoveryUrl: string): Promise<client.Configuration> {
  const issuer = issuerOf(discoveryUrl)
  const insecure = issuer.protocol === 'http:'
  if (insecure && !getEnv().OUTBOUND_ALLOW_PRIVATE)
    throw new SsoError('idp_unreachable', 'The discovery URL must use https.', { status: 502 })
  try {
    return await client.discovery(issuer, 'discovery', undefined, client.None(), {
      [client.customFetch]: guardedFetch,
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: TIMEOUT_SECONDS,
    })
  } catch (error) {
    throw discoveryFailure(error, issuer)
  }
}

export type DiscoverySummary = {
  issuer: string
  authorizationEndpoint: string
  tokenEndpoint: string
  jwksUri: string
  userinfoEndpoint: string
}

/** "Test connection": the discovery document, fetched and checked as sign-in would. */
export async function testDiscovery(discoveryUrl: string): Promise<DiscoverySummary> {
  const metadata = (await discover(discoveryUrl)).serverMetadata()
  return {
    issuer: metadata.issuer,
    authorizationEndpoint: metadata.authorization_endpoint ?? '',
    tokenEndpoint: metadata.token_endpoint ?? '',
    jwksUri: metadata.jwks_uri ?? '',
    userinfoEndpoint: metadata.userinfo_endpoint ?? '',
  }
}

/** A client configuration for one connection: discovered endpoints, the client's credentials. */
export async function oidcClient(settings: {
  discoveryUrl: string
  clientId: string
  clientSecret: string
}): Promise<client.Configuration> {
  const metadata = { ...(await discover(settings.discoveryUrl)).serverMetadata() }
  if (!metadata.authorization_endpoint || !metadata.token_endpoint || !metadata.jwks_uri)
    throw new SsoError(
      'idp_unreachable',
      'The discovery document lacks an authorization, token or JWKS endpoint.',
      { status: 502 },
    )
  const methods = metadata.token_endpoint_auth_methods_supported
  const authentication =
    !methods || methods.includes('client_secret_basic')
      ? client.ClientSecretBasic(settings.clientSecret)
      : methods.includes('client_secret_post')
        ? client.ClientSecretPost(settings.clientSecret)
        : null
  if (!authentication)
    throw new SsoError(
      'idp_unreachable',
      'The identity provider accepts neither client_secret_basic nor client_secret_post at its token endpoint.',
      { status: 502 },
    )
  const config = new client.Configuration(
    metadata,
    settings.clientId,
    settings.clientSecret,
    authentication,
  )
  config[client.customFetch] = guardedFetch
  config.timeout = TIMEOUT_SECONDS
  if (new URL(metadata.issuer).protocol === 'http:') client.allowInsecureRequests(config)
  return config
}

/** The authorization request, and the secrets the callback will need (kept in the flow cookie). */
export async function beginOidc(
  config: client.Configuration,
  redirectUri: string,
): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
  const codeVerifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: OIDC_SCOPE,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  return { url: url.href, state, nonce, codeVerifier }
}

export type VerifiedIdentity = {
  subject: string
  email: string
  /** true, false, or null when the provider does not say. */
  emailVerified: boolean | null
  name: string
}

function verifiedFlag(value: unknown): boolean | null {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  return null
}

/** Why the callback was refused, from openid-client's errors. */
function callbackFailure(error: unknown): SsoError {
  if (error instanceof SsoError) return error
  if (error instanceof client.AuthorizationResponseError)
    return new SsoError(
      'idp_refused',
      `Your identity provider did not sign you in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}).`,
      {
        status: 403,
        hint: 'Try again; if it keeps failing, ask your administrator whether this app is assigned to you.',
        cause: error,
      },
    )
  if (error instanceof client.ResponseBodyError)
    return new SsoError(
      'idp_refused',
      `The identity provider refused to exchange the code (${error.error}${error.error_description ? `: ${error.error_description}` : ''}).`,
      {
        status: 502,
        hint: 'Start again. If it keeps failing, an owner should check the client id and secret in Settings → Single sign-on.',
        cause: error,
      },
    )
  const outbound = outboundCause(error)
  if (outbound)
    return new SsoError(
      'idp_unreachable',
      `Could not reach the identity provider: ${outbound.message}`,
      { status: 502, hint: 'Try again in a moment.', cause: error },
    )
  const message = describe(error)
  return new SsoError(
    'invalid_response',
    `The identity provider's answer did not check out (${message.slice(0, 240)}).`,
    {
      status: 400,
      hint: 'Start again from the single sign-on page; do not reuse an old sign-in link.',
      cause: error,
    },
  )
}

/**
 * The callback: code exchange with the PKCE verifier, state and nonce checks, the ID token
 * validated. The email comes from the ID token or, when it has none, from UserInfo.
 */
export async function finishOidc(
  config: client.Configuration,
  currentUrl: URL,
  flow: Pick<OidcFlow, 'state' | 'nonce' | 'codeVerifier'>,
): Promise<VerifiedIdentity> {
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    })
    const claims = tokens.claims()
    if (!claims?.sub) throw new Error('the ID token has no subject')
    let email = typeof claims.email === 'string' ? claims.email : ''
    let emailVerified = verifiedFlag(claims.email_verified)
    let name = typeof claims.name === 'string' ? claims.name : ''
    if (!email) {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      email = typeof info.email === 'string' ? info.email : ''
      emailVerified = verifiedFlag(info.email_verified)
      name ||= typeof info.name === 'string' ? info.name : ''
    }
    return { subject: claims.sub, email, emailVerified, name }
  } catch (error) {
    throw callbackFailure(error)
  }
}
