/**
 * The short-lived signed cookies that carry a sign-in attempt from /sso/<slug>/start to the
 * identity provider's answer (10 minutes, httpOnly, path /sso/).
 *
 * OIDC: the answer is a top-level GET redirect back to us, which carries SameSite=Lax
 * cookies, so Lax it is.
 *
 * SAML: the answer is a cross-site form POST from the IdP's page to /sso/<slug>/acs.
 * Browsers send no Lax cookie on a cross-site POST, so in production the SAML cookie is
 * SameSite=None; Secure (the InResponseTo check needs it). It carries nothing that opens a
 * session on its own: the request id only proves the response answers a request this
 * browser made. Without Secure (development over http, INSECURE_COOKIES) browsers refuse
 * SameSite=None, so it falls back to Lax: an IdP on localhost (another port) is same-site
 * and still works; a remote IdP needs https (decision 030).
 */
import { createCookie } from '@remix-run/node'
import { SSO_OIDC_COOKIE, SSO_SAML_COOKIE } from '../app-cookies.server'
import { getEnv } from '../env.server'

export const FLOW_TTL_SECONDS = 10 * 60

export type OidcFlow = {
  connectionId: string
  state: string
  nonce: string
  codeVerifier: string
  redirectTo: string
  startedAt: number
}

export type SamlFlow = {
  connectionId: string
  requestId: string
  redirectTo: string
  startedAt: number
}

function secureCookies() {
  const env = getEnv()
  return env.NODE_ENV === 'production' && !env.INSECURE_COOKIES
}

function oidcCookie() {
  return createCookie(SSO_OIDC_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(),
    path: '/sso/',
    maxAge: FLOW_TTL_SECONDS,
    secrets: [getEnv().SESSION_SECRET],
  })
}

function samlCookie() {
  const secure = secureCookies()
  return createCookie(SSO_SAML_COOKIE, {
    httpOnly: true,
    sameSite: secure ? 'none' : 'lax',
    secure,
    path: '/sso/',
    maxAge: FLOW_TTL_SECONDS,
    secrets: [getEnv().SESSION_SECRET],
  })
}

function fresh(startedAt: unknown): boolean {
  return (
    typeof startedAt === 'number' &&
    Date.now() - startedAt < FLOW_TTL_SECONDS * 1000 &&
    startedAt <= Date.now() + 60_000
  )
}

export function writeOidcFlow(flow: OidcFlow): Promise<string> {
  return oidcCookie().serialize(flow)
}

export async function readOidcFlow(request: Request): Promise<OidcFlow | null> {
  const value = (await oidcCookie().parse(
    request.headers.get('cookie'),
  )) as Partial<OidcFlow> | null
  if (
    !value ||
    typeof value !== 'object' ||
    typeof value.connectionId !== 'string' ||
    typeof value.state !== 'string' ||
    typeof value.nonce !== 'string' ||
    typeof value.codeVerifier !== 'string' ||
    typeof value.redirectTo !== 'string' ||
    !fresh(value.startedAt)
  )
    return null
  return value as OidcFlow
}

export function clearOidcFlow(): Promise<string> {
  return oidcCookie().serialize('', { maxAge: 0 })
}

export function writeSamlFlow(flow: SamlFlow): Promise<string> {
  return samlCookie().serialize(flow)
}

export async function readSamlFlow(request: Request): Promise<SamlFlow | null> {
  const value = (await samlCookie().parse(
    request.headers.get('cookie'),
  )) as Partial<SamlFlow> | null
  if (
    !value ||
    typeof value !== 'object' ||
    typeof value.connectionId !== 'string' ||
    typeof value.requestId !== 'string' ||
    typeof value.redirectTo !== 'string' ||
    !fresh(value.startedAt)
  )
    return null
  return value as SamlFlow
}

export function clearSamlFlow(): Promise<string> {
  return samlCookie().serialize('', { maxAge: 0 })
}
