/**
 * Credentials of an environment as a request carries them: resolved once per
 * run (an OAuth2 client-credentials token fetched through the guarded client
 * and cached until it expires), then placed on each request as it should be,
 * or deliberately wrong, missing or forbidden for the authentication
 * templates. Credential values never leave the server except to the
 * environment itself; recordings redact them (`secretValues`).
 */
import type {
  NormalizedOperation,
  NormalizedSecurityScheme,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import type { EnvironmentAuth } from '~/shared/environment-schemas'
import { fetchGuarded, OutboundError } from '../outbound.server'

/** How a credential travels, once any token has been fetched. */
export type Placement =
  { kind: 'header'; name: string; value: string } | { kind: 'query'; name: string; value: string }

export type ResolvedCredentials = {
  placement: Placement
  /** Raw secret values, for redaction of everything recorded. */
  secretValues: string[]
}

export class CredentialError extends Error {}

type CachedToken = { token: string; expiresAt: number }
const tokenCache = new Map<string, CachedToken>()

/** OAuth2 client credentials (RFC 6749 §4.4): client authenticates with HTTP Basic, token cached until 30 s before expiry. */
async function clientCredentialsToken(
  auth: Extract<EnvironmentAuth, { type: 'oauth2' }>,
  allowPrivate: boolean,
  now = Date.now(),
): Promise<string> {
  const cacheKey = `${auth.tokenUrl}|${auth.clientId}|${auth.scopes ?? ''}`
  const cached = tokenCache.get(cacheKey)
  if (cached && cached.expiresAt > now) return cached.token
  const form = new URLSearchParams({ grant_type: 'client_credentials' })
  if (auth.scopes?.trim()) form.set('scope', auth.scopes.trim())
  const basic = Buffer.from(
    `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`,
  ).toString('base64')
  let response
  try {
    response = await fetchGuarded(auth.tokenUrl, {
      method: 'POST',
      body: form.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
      },
      timeoutMs: 15_000,
      maxBytes: 256 * 1024,
      allowPrivate,
      followRedirects: false,
    })
  } catch (error) {
    const message = error instanceof OutboundError ? error.message : (error as Error).message
    throw new CredentialError(`The OAuth2 token request failed: ${message}`)
  }
  let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {}
  try {
    body = JSON.parse(Buffer.from(response.body).toString('utf8')) as typeof body
  } catch {
    // reported below
  }
  if (response.status !== 200 || typeof body.access_token !== 'string')
    throw new CredentialError(
      `The OAuth2 token endpoint answered ${response.status}${typeof body.error === 'string' ? ` (${body.error})` : ''}: check the token URL, client id and secret.`,
    )
  const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600
  tokenCache.set(cacheKey, {
    token: body.access_token,
    expiresAt: now + Math.max(0, lifetime - 30) * 1000,
  })
  return body.access_token
}

export function forgetCachedTokens() {
  tokenCache.clear()
}

/** Turns the configured auth into what a request carries (fetching an OAuth2 token when needed). */
export async function resolveCredentials(
  auth: EnvironmentAuth | null,
  allowPrivate: boolean,
): Promise<ResolvedCredentials | null> {
  if (!auth) return null
  switch (auth.type) {
    case 'bearer':
      return {
        placement: { kind: 'header', name: 'authorization', value: `Bearer ${auth.token}` },
        secretValues: [auth.token],
      }
    case 'apiKey':
      return {
        placement:
          auth.in === 'query'
            ? { kind: 'query', name: auth.name, value: auth.value }
            : { kind: 'header', name: auth.name.toLowerCase(), value: auth.value },
        secretValues: [auth.value],
      }
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
      return {
        placement: { kind: 'header', name: 'authorization', value: `Basic ${encoded}` },
        secretValues: [encoded, auth.password],
      }
    }
    case 'oauth2': {
      const token = await clientCredentialsToken(auth, allowPrivate)
      return {
        placement: { kind: 'header', name: 'authorization', value: `Bearer ${token}` },
        secretValues: [token, auth.clientSecret],
      }
    }
  }
}

/** The scheme an operation asks for first (for placing a wrong or forbidden credential). */
export function firstScheme(
  spec: NormalizedSpec,
  operation: NormalizedOperation | undefined,
): NormalizedSecurityScheme | undefined {
  const name = operation?.security[0]?.[0]?.scheme
  return name ? spec.securitySchemes[name] : undefined
}

/** Where a credential of `scheme` goes, carrying `value` (already prefixed where the scheme wants it). */
function placementFor(scheme: NormalizedSecurityScheme | undefined, raw: string): Placement {
  if (scheme?.kind === 'apiKey' && scheme.parameterName) {
    if (scheme.in === 'query') return { kind: 'query', name: scheme.parameterName, value: raw }
    if (scheme.in === 'cookie')
      return { kind: 'header', name: 'cookie', value: `${scheme.parameterName}=${raw}` }
    return { kind: 'header', name: scheme.parameterName.toLowerCase(), value: raw }
  }
  if (scheme?.kind === 'http-basic')
    return {
      kind: 'header',
      name: 'authorization',
      value: `Basic ${Buffer.from(`copilot-wrong-user:${raw}`).toString('base64')}`,
    }
  return { kind: 'header', name: 'authorization', value: `Bearer ${raw}` }
}

const WRONG_VALUE = 'copilot-invalid-credential-0000000000000000'

/**
 * The credential a request carries for `mode`: the configured one (valid), a
 * wrong value in the same place (wrong), the `forbidden_credential` variable
 * in its place (forbidden), or nothing (none).
 */
export function credentialFor(
  mode: 'valid' | 'none' | 'wrong' | 'forbidden',
  credentials: ResolvedCredentials | null,
  scheme: NormalizedSecurityScheme | undefined,
  forbidden?: string,
): Placement | null {
  if (mode === 'none') return null
  if (mode === 'valid') return credentials?.placement ?? null
  const configured = credentials?.placement
  const value = mode === 'wrong' ? WRONG_VALUE : (forbidden ?? '')
  if (configured) {
    // Same place and prefix as the real credential.
    const prefix = /^(Bearer|Basic|Token)\s+/i.exec(configured.value)?.[0]
    if (prefix && /^basic/i.test(prefix) && mode === 'wrong')
      return {
        ...configured,
        value: `Basic ${Buffer.from(`copilot-wrong-user:${WRONG_VALUE}`).toString('base64')}`,
      }
    if (prefix && mode === 'forbidden' && /^(Bearer|Basic|Token)\s+/i.test(value))
      return { ...configured, value }
    return { ...configured, value: prefix ? `${prefix}${value}` : value }
  }
  return placementFor(scheme, value)
}
