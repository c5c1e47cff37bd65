import { redirect } from '@remix-run/node'
import { Authenticator } from 'remix-auth'
import { FormStrategy } from 'remix-auth-form'
import { GitHubStrategy } from 'remix-auth-github'
import { OAuth2Strategy } from 'remix-auth-oauth2'
import { GITHUB_OAUTH_COOKIE, GOOGLE_OAUTH_COOKIE } from './app-cookies.server'
import { db } from './db.server'
import { hasPendingInvite, registerUser } from './orgs/organizations.server'
import { DUMMY_HASH, normalizeEmail, verifyPassword } from './passwords.server'
import { getEnv, isGitHubEnabled, isGoogleEnabled } from './env.server'
import { getSession } from './session.server'
import type { User } from '~/generated/prisma/client'

export class AuthError extends Error {}

export async function verifyLogin(email: string, password: string): Promise<User> {
  const user = await db.user.findUnique({ where: { email: normalizeEmail(email) } })
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH)
  if (!user || !user.passwordHash || !ok) throw new AuthError('Email or password is incorrect.')
  return user
}

type GitHubProfile = { id: number; login: string; name: string | null; email: string | null }
type GitHubEmail = { email: string; primary: boolean; verified: boolean }

async function githubGet<T>(path: string, accessToken: string): Promise<T> {
  // A fixed, trusted third-party endpoint (never a tenant-supplied URL, so no SSRF guard is
  // needed); global fetch so msw's GitHub handlers answer it under MOCKS=true and in tests.
  const response = await fetch(`https://api.github.com${path}`, {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      Accept: 'application/vnd.github+json',
      'User-Agent': 'integration-copilot',
    },
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new AuthError(`GitHub answered ${response.status} for ${path}.`)
  return (await response.json()) as T
}

/**
 * Finds the user by GitHub id, else links by verified email, else creates one:
 * with a personal organisation, unless an invitation waits for that address
 * (a partner signing in with GitHub to accept one joins only its partner project).
 */
export async function upsertGitHubUser(accessToken: string): Promise<User> {
  const profile = await githubGet<GitHubProfile>('/user', accessToken)
  const emails = await githubGet<GitHubEmail[]>('/user/emails', accessToken)
  const primary =
    emails.find((entry) => entry.primary && entry.verified) ??
    emails.find((entry) => entry.verified)
  if (!primary) throw new AuthError('Your GitHub account has no verified email address.')
  const githubId = String(profile.id)
  const byGitHub = await db.user.findUnique({ where: { githubId } })
  if (byGitHub) return byGitHub
  const email = normalizeEmail(primary.email)
  const byEmail = await db.user.findUnique({ where: { email } })
  if (byEmail) {
    // Sign-up does not verify addresses: an account with a password may have been registered
    // by someone else before the address's owner came with GitHub. Its owner signs in with the
    // password instead; accounts without one (invited, SSO) are linked.
    if (byEmail.passwordHash)
      throw new AuthError(
        `An account with ${email} already exists. Sign in with its password; GitHub sign-in is not linked to it automatically.`,
      )
    return db.user.update({ where: { id: byEmail.id }, data: { githubId } })
  }
  return registerUser(
    { email, name: profile.name ?? profile.login, githubId },
    { acceptingInvite: await hasPendingInvite(email) },
  )
}

type GoogleProfile = {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  hd?: string
}

/** Google's fixed OAuth 2.0 / OpenID Connect endpoints (msw answers them under MOCKS=true and in tests). */
export const GOOGLE_ENDPOINTS = {
  authorization: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
  userinfo: 'https://openidconnect.googleapis.com/v1/userinfo',
} as const

/**
 * Finds the user by Google subject, else links by verified email, else creates one (with a
 * personal organisation unless an invitation waits for that address), as GitHub does.
 */
export async function upsertGoogleUser(accessToken: string): Promise<User> {
  // A fixed, trusted third-party endpoint, never a tenant-supplied URL.
  const response = await fetch(GOOGLE_ENDPOINTS.userinfo, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok)
    throw new AuthError(`Google answered ${response.status} for the user's profile.`)
  const profile = (await response.json()) as GoogleProfile
  if (typeof profile.sub !== 'string' || !profile.sub)
    throw new AuthError('Google sent a profile without an account id.')
  if (!profile.email || profile.email_verified !== true)
    throw new AuthError('Your Google account has no verified email address.')
  const googleId = profile.sub
  const byGoogle = await db.user.findUnique({ where: { googleId } })
  if (byGoogle) return byGoogle
  const email = normalizeEmail(profile.email)
  const byEmail = await db.user.findUnique({ where: { email } })
  if (byEmail) {
    // Sign-up does not verify addresses: an account with a password may have been registered
    // by someone else before the address's owner came with Google. Its owner signs in with the
    // password instead; accounts without one (invited, SSO) are linked.
    if (byEmail.passwordHash)
      throw new AuthError(
        `An account with ${email} already exists. Sign in with its password; Google sign-in is not linked to it automatically.`,
      )
    return db.user.update({ where: { id: byEmail.id }, data: { googleId } })
  }
  return registerUser(
    { email, name: profile.name?.trim() || email.split('@')[0]!, googleId },
    { acceptingInvite: await hasPendingInvite(email) },
  )
}

/** Built per request: the GitHub callback URL depends on the origin when APP_URL is unset. */
export function getAuthenticator(origin: string): Authenticator<User> {
  const authenticator = new Authenticator<User>()
  authenticator.use(
    new FormStrategy(async ({ form }) => {
      const email = form.get('email')
      const password = form.get('password')
      if (typeof email !== 'string' || typeof password !== 'string')
        throw new AuthError('Email and password are required.')
      return verifyLogin(email, password)
    }),
    'form',
  )
  const env = getEnv()
  if (isGitHubEnabled(env)) {
    authenticator.use(
      new GitHubStrategy(
        {
          clientId: env.GITHUB_CLIENT_ID!,
          clientSecret: env.GITHUB_CLIENT_SECRET!,
          redirectURI: `${env.APP_URL ?? origin}/auth/github/callback`,
          scopes: ['read:user', 'user:email'],
          cookie: {
            name: GITHUB_OAUTH_COOKIE,
            ...(env.NODE_ENV === 'production' && !env.INSECURE_COOKIES
              ? { secure: true as const }
              : {}),
          },
        },
        async ({ tokens }) => upsertGitHubUser(tokens.accessToken()),
      ),
      'github',
    )
  }
  if (isGoogleEnabled(env)) {
    authenticator.use(
      new OAuth2Strategy(
        {
          clientId: env.GOOGLE_CLIENT_ID!,
          clientSecret: env.GOOGLE_CLIENT_SECRET!,
          authorizationEndpoint: GOOGLE_ENDPOINTS.authorization,
          tokenEndpoint: GOOGLE_ENDPOINTS.token,
          redirectURI: `${env.APP_URL ?? origin}/auth/google/callback`,
          scopes: ['openid', 'email', 'profile'],
          cookie: {
            name: GOOGLE_OAUTH_COOKIE,
            ...(env.NODE_ENV === 'production' && !env.INSECURE_COOKIES
              ? { secure: true as const }
              : {}),
          },
        },
        async ({ tokens }) => upsertGoogleUser(tokens.accessToken()),
      ),
      'google',
    )
  }
  return authenticator
}

export async function getOptionalUser(request: Request) {
  const session = await getSession(request)
  return session?.user ?? null
}

export async function requireUser(request: Request): Promise<User> {
  const session = await getSession(request)
  if (session) return session.user
  const url = new URL(request.url)
  const redirectTo = `${url.pathname}${url.search}`
  throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`)
}

export async function requireAnonymous(request: Request) {
  if (await getSession(request)) throw redirect('/projects')
}
