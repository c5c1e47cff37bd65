/**
 * The names of every cookie the app sets. The mock proxy strips them from
 * requests it forwards, so no tenant's mock ever sees a visitor's session.
 * A new cookie is named here, or the proxy would leak it.
 */
export const SESSION_COOKIE = '__session'
export const TOAST_COOKIE = 'toast'
export const GITHUB_OAUTH_COOKIE = 'github-oauth'
export const GOOGLE_OAUTH_COOKIE = 'google-oauth'
/** Why the assistant refused the last plain form post, shown once in the panel it came from. */
export const ASSISTANT_FLASH_COOKIE = 'assistant-flash'
/** A sign-in waiting for its second factor (5 minutes, signed): who, how, and where to go. */
export const PENDING_SIGN_IN_COOKIE = 'pending-sign-in'
/** Single sign-on attempts in flight (app/server/sso/flow-cookies.server.ts; path /sso/, 10 minutes). */
export const SSO_OIDC_COOKIE = 'sso-oidc'
export const SSO_SAML_COOKIE = 'sso-saml'

export const APP_COOKIE_NAMES: readonly string[] = [
  SESSION_COOKIE,
  TOAST_COOKIE,
  GITHUB_OAUTH_COOKIE,
  GOOGLE_OAUTH_COOKIE,
  ASSISTANT_FLASH_COOKIE,
  PENDING_SIGN_IN_COOKIE,
  SSO_OIDC_COOKIE,
  SSO_SAML_COOKIE,
]
