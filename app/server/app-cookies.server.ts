/**
 * The names of every cookie the app sets. The mock proxy strips them from
 * requests it forwards, so no tenant's mock ever sees a visitor's session.
 * A new cookie is named here, or the proxy would leak it.
 */
export const SESSION_COOKIE = '__session'
export const TOAST_COOKIE = 'toast'
export const GITHUB_OAUTH_COOKIE = 'github-oauth'
/** Why the assistant refused the last plain form post, shown once in the panel it came from. */
export const ASSISTANT_FLASH_COOKIE = 'assistant-flash'

export const APP_COOKIE_NAMES: readonly string[] = [
  SESSION_COOKIE,
  TOAST_COOKIE,
  GITHUB_OAUTH_COOKIE,
  ASSISTANT_FLASH_COOKIE,
]
