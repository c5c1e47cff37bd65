/**
 * The sign-in use cases behind /sso/<slug>/start, /callback and /acs: find the
 * organisation's enabled connection, run the protocol step, provision the user, and open
 * the session through completeSignIn (the one way a session is opened). A refusal is
 * audited (auditSignIn, outcome failure, with the reason) and returned for the page to say
 * what to do.
 */
import { redirect } from '@remix-run/node'
import { audit, userAgentOf } from '../audit/log.server'
import { auditSignIn } from '../audit/sign-in.server'
import { decryptSecret } from '../crypto.server'
import { appOrigin, getClientIp, safeRedirectPath } from '../http.server'
import { completeSignIn } from '../security/sign-in.server'
import { findEnabledConnection, readCertificates } from './connections.server'
import { SsoError, type SsoFailureReason } from './errors.server'
import {
  clearOidcFlow,
  clearSamlFlow,
  readOidcFlow,
  readSamlFlow,
  writeOidcFlow,
  writeSamlFlow,
} from './flow-cookies.server'
import { beginOidc, finishOidc, oidcClient, type VerifiedIdentity } from './oidc.server'
import { provisionSsoUser } from './provision.server'
import { beginSaml, finishSaml } from './saml.server'
import { serviceProviderUrls } from './urls.server'

export type SsoFailure = {
  reason: SsoFailureReason
  status: number
  message: string
  hint: string
  organizationName: string | null
}

type Found = NonNullable<Awaited<ReturnType<typeof findEnabledConnection>>>

function notConfigured(): SsoError {
  return new SsoError(
    'not_configured',
    'This organisation does not offer single sign-on (or it is turned off).',
    {
      status: 404,
      hint: 'Check the organisation with your administrator, or sign in with your password.',
    },
  )
}

async function connectionFor(slug: string, protocol: 'oidc' | 'saml'): Promise<Found> {
  const found = await findEnabledConnection(slug)
  if (!found || found.connection.protocol !== protocol) throw notConfigured()
  return found
}

function incomplete(): SsoError {
  return new SsoError('not_configured', 'This organisation’s single sign-on is not fully set up.', {
    status: 503,
    hint: 'An owner should complete the connection in Settings → Single sign-on.',
  })
}

function oidcSettings(found: Found) {
  if (!found.connection.discoveryUrl || !found.connection.clientId) throw incomplete()
  let clientSecret = ''
  try {
    clientSecret = found.connection.clientSecret ? decryptSecret(found.connection.clientSecret) : ''
  } catch {
    throw new SsoError('not_configured', 'The connection’s client secret cannot be read.', {
      status: 500,
      hint: 'An owner should enter the client secret again in Settings → Single sign-on.',
    })
  }
  return {
    discoveryUrl: found.connection.discoveryUrl,
    clientId: found.connection.clientId,
    clientSecret,
  }
}

function samlSettings(found: Found) {
  const certificates = readCertificates(found.connection.samlCerts)
  if (!found.connection.samlEntityId || !found.connection.samlSsoUrl || certificates.length === 0)
    throw incomplete()
  return {
    samlEntityId: found.connection.samlEntityId,
    samlSsoUrl: found.connection.samlSsoUrl,
    certificates,
  }
}

function failureOf(error: SsoError, organizationName: string | null): SsoFailure {
  return {
    reason: error.reason,
    status: error.status,
    message: error.message,
    hint: error.hint,
    organizationName,
  }
}

/** GET /sso/<slug>/start: a redirect to the identity provider with the flow cookie set. */
export async function startSsoSignIn(
  slug: string,
  request: Request,
): Promise<Response | SsoFailure> {
  const origin = appOrigin(request)
  const redirectTo = safeRedirectPath(
    new URL(request.url).searchParams.get('redirectTo'),
    '/projects',
    origin,
  )
  let found: Found | null = null
  try {
    found = await findEnabledConnection(slug)
    if (!found) throw notConfigured()
    const urls = serviceProviderUrls(origin, found.organization.slug)
    if (found.connection.protocol === 'oidc') {
      const config = await oidcClient(oidcSettings(found))
      const started = await beginOidc(config, urls.redirectUri)
      const cookie = await writeOidcFlow({
        connectionId: found.connection.id,
        state: started.state,
        nonce: started.nonce,
        codeVerifier: started.codeVerifier,
        redirectTo,
        startedAt: Date.now(),
      })
      return redirect(started.url, {
        headers: { 'Set-Cookie': cookie, 'Cache-Control': 'no-store' },
      })
    }
    const started = await beginSaml(samlSettings(found), urls, redirectTo)
    const cookie = await writeSamlFlow({
      connectionId: found.connection.id,
      requestId: started.requestId,
      redirectTo,
      startedAt: Date.now(),
    })
    return redirect(started.url, { headers: { 'Set-Cookie': cookie, 'Cache-Control': 'no-store' } })
  } catch (error) {
    if (!(error instanceof SsoError)) throw error
    return failureOf(error, found?.organization.name ?? null)
  }
}

/** Audits a refused sign-in: the user's trail (auditSignIn) and the organisation's. */
async function recordFailure(
  error: SsoError,
  method: 'oidc' | 'saml',
  request: Request,
  found: Found | null,
) {
  await auditSignIn({
    user: null,
    email: error.email,
    method,
    outcome: 'failure',
    reason: error.reason,
    request,
  })
  if (found)
    await audit({
      action: 'sso.sign_in_refused',
      organizationId: found.organization.id,
      targetType: 'sso_connection',
      targetId: found.connection.id,
      ip: getClientIp(request),
      userAgent: userAgentOf(request),
      metadata: { method, reason: error.reason, email: error.email, message: error.message },
    })
}

async function finish(
  found: Found,
  method: 'oidc' | 'saml',
  identity: VerifiedIdentity,
  redirectTo: string,
  request: Request,
): Promise<Response> {
  const { user } = await provisionSsoUser({
    organization: found.organization,
    connection: found.connection,
    protocol: method,
    identity,
    ip: getClientIp(request),
  })
  return completeSignIn(user, request, {
    method,
    redirectTo,
    ssoOrganizationId: found.organization.id,
  })
}

/** The flow cookie missing, expired, or made for another connection. */
function flowMissing(): SsoError {
  return new SsoError(
    'flow_missing',
    'This sign-in was not started in this browser, or it took longer than 10 minutes.',
    { status: 400, hint: 'Start again from the single sign-on page.' },
  )
}

/** GET /sso/<slug>/callback (OIDC). The flow cookie is cleared whatever happens. */
export async function finishOidcSignIn(
  slug: string,
  request: Request,
): Promise<{ response: Response } | { failure: SsoFailure; clearCookie: string }> {
  const clearCookie = await clearOidcFlow()
  let found: Found | null = null
  try {
    found = await connectionFor(slug, 'oidc')
    const flow = await readOidcFlow(request)
    if (!flow || flow.connectionId !== found.connection.id) throw flowMissing()
    const config = await oidcClient(oidcSettings(found))
    const url = new URL(request.url)
    const currentUrl = new URL(`${url.pathname}${url.search}`, appOrigin(request))
    const identity = await finishOidc(config, currentUrl, flow)
    const response = await finish(found, 'oidc', identity, flow.redirectTo, request)
    response.headers.append('Set-Cookie', clearCookie)
    return { response }
  } catch (error) {
    if (!(error instanceof SsoError)) throw error
    await recordFailure(error, 'oidc', request, found)
    return { failure: failureOf(error, found?.organization.name ?? null), clearCookie }
  }
}

/** POST /sso/<slug>/acs (SAML). RelayState is followed only as a same-origin path. */
export async function finishSamlSignIn(
  slug: string,
  request: Request,
  form: { samlResponse: string; relayState: string },
): Promise<{ response: Response } | { failure: SsoFailure; clearCookie: string }> {
  const clearCookie = await clearSamlFlow()
  let found: Found | null = null
  try {
    found = await connectionFor(slug, 'saml')
    const flow = await readSamlFlow(request)
    if (!flow || flow.connectionId !== found.connection.id)
      throw new SsoError(
        'flow_mismatch',
        'This SAML response does not answer a sign-in started in this browser in the last 10 minutes.',
        {
          status: 400,
          hint: 'Start the sign-in from this app (not from the identity provider’s dashboard) and finish it within 10 minutes.',
        },
      )
    const origin = appOrigin(request)
    const identity = await finishSaml(
      samlSettings(found),
      serviceProviderUrls(origin, found.organization.slug),
      flow,
      form.samlResponse,
    )
    const redirectTo = safeRedirectPath(form.relayState, flow.redirectTo, origin)
    const response = await finish(found, 'saml', identity, redirectTo, request)
    response.headers.append('Set-Cookie', clearCookie)
    return { response }
  } catch (error) {
    if (!(error instanceof SsoError)) throw error
    await recordFailure(error, 'saml', request, found)
    return { failure: failureOf(error, found?.organization.name ?? null), clearCookie }
  }
}
