import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action as githubAction } from '~/routes/auth.github'
import { loader as githubCallback } from '~/routes/auth.github.callback'
import { action as loginAction } from '~/routes/login'
import { action as logoutAction } from '~/routes/logout'
import { action as signupAction } from '~/routes/signup'
import { hashPassword } from '~/server/passwords.server'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { getSession } from '~/server/session.server'
import { githubHandlers, MOCK_GITHUB_USER } from '../mocks/github'
import { createOrg, createUser, formRequest, getRequest, settle, uniqueEmail } from '../helpers'

const run = (
  fn: (args: {
    request: Request
    params: Record<string, string>
    context: Record<string, unknown>
  }) => Promise<unknown>,
  request: Request,
) => settle(() => fn({ request, params: {}, context: {} }))

function sessionCookieFrom(response?: Response) {
  return response?.headers.get('Set-Cookie')?.split(';')[0] ?? ''
}

describe('sign up', () => {
  it('creates the user, an organisation they own, and a session', async () => {
    const email = uniqueEmail('new')
    const result = await run(
      signupAction,
      formRequest('/signup', {
        name: 'Nia New',
        email,
        password: 'long-enough-pw',
        organizationName: 'Nia Co',
      }),
    )
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe('/projects')
    const user = await db.user.findUniqueOrThrow({
      where: { email },
      include: { memberships: { include: { organization: true } } },
    })
    expect(user.passwordHash).not.toContain('long-enough-pw')
    expect(user.memberships[0]).toMatchObject({ role: 'OWNER', organization: { name: 'Nia Co' } })
    const session = await getSession(getRequest('/', sessionCookieFrom(result.response)))
    expect(session?.userId).toBe(user.id)
  })

  it('refuses short passwords, bad emails and taken emails with field errors', async () => {
    const taken = (await createUser()).email
    const result = await run(
      signupAction,
      formRequest('/signup', { name: '', email: 'not-an-email', password: 'short' }),
    )
    expect(result.status).toBe(400)
    const errors = (result.data as { error: Record<string, string[]> }).error
    expect(errors.name?.[0]).toMatch(/name/i)
    expect(errors.email?.[0]).toMatch(/valid email/i)
    expect(errors.password?.[0]).toMatch(/at least 10/)
    const dup = await run(
      signupAction,
      formRequest('/signup', {
        name: 'Dup',
        email: taken.toUpperCase(),
        password: 'long-enough-pw',
      }),
    )
    expect((dup.data as { error: Record<string, string[]> }).error.email?.[0]).toMatch(
      /already exists/,
    )
  })

  it('refuses bots that fill the honeypot and oversized input', async () => {
    const bot = await run(
      signupAction,
      formRequest('/signup', {
        name: 'Bot',
        email: uniqueEmail(),
        password: 'long-enough-pw',
        website: 'http://spam',
      }),
    )
    expect(bot.status).toBe(400)
    const huge = await run(
      signupAction,
      formRequest('/signup', {
        name: 'x'.repeat(5000),
        email: uniqueEmail(),
        password: 'y'.repeat(5000),
      }),
    )
    expect(huge.status).toBe(400)
  })
})

describe('sign in', () => {
  let email: string
  beforeAll(async () => {
    email = (await createUser({ passwordHash: await hashPassword('correct-horse-battery') })).email
  })

  it('signs in with the right password and follows only local redirects', async () => {
    const ok = await run(
      loginAction,
      formRequest('/login', { email, password: 'correct-horse-battery', redirectTo: '/members' }),
    )
    expect(ok.status).toBe(302)
    expect(ok.response!.headers.get('Location')).toBe('/members')
    expect(ok.response!.headers.get('Set-Cookie')).toMatch(/__session=.*HttpOnly.*SameSite=Lax/i)
    const offsite = await run(
      loginAction,
      formRequest('/login', {
        email,
        password: 'correct-horse-battery',
        redirectTo: '//evil.test/x',
      }),
    )
    expect(offsite.response!.headers.get('Location')).toBe('/projects')
  })

  it('says the same thing for a wrong password and an unknown account', async () => {
    const wrong = await run(
      loginAction,
      formRequest('/login', { email, password: 'wrong-password' }),
    )
    const unknown = await run(
      loginAction,
      formRequest('/login', { email: uniqueEmail(), password: 'wrong-password' }),
    )
    expect(wrong.status).toBe(400)
    expect(wrong.data).toMatchObject({ error: { '': ['Email or password is incorrect.'] } })
    expect(unknown.data).toMatchObject({ error: { '': ['Email or password is incorrect.'] } })
  })

  it('rate-limits repeated attempts with a clear message', async () => {
    const target = uniqueEmail('victim')
    const statuses: number[] = []
    let last: Awaited<ReturnType<typeof run>> | undefined
    for (let attempt = 0; attempt < 12; attempt++) {
      last = await run(
        loginAction,
        formRequest('/login', { email: target, password: 'guess-' + attempt }),
      )
      statuses.push(last.status)
    }
    expect(statuses.slice(0, 10).every((status) => status === 400)).toBe(true)
    expect(last!.status).toBe(429)
    expect(JSON.stringify(last!.data)).toMatch(
      /Too many failed sign-in attempts\. Wait \d+ (minutes?|seconds?)/,
    )
  })

  it('signs out by revoking the session row', async () => {
    const ok = await run(
      loginAction,
      formRequest('/login', { email, password: 'correct-horse-battery' }),
    )
    const cookie = sessionCookieFrom(ok.response)
    expect(await getSession(getRequest('/', cookie))).not.toBeNull()
    const out = await run(logoutAction, formRequest('/logout', {}, cookie))
    expect(out.response!.headers.get('Location')).toBe('/login')
    expect(await getSession(getRequest('/', cookie))).toBeNull()
  })
})

describe('GitHub OAuth (msw answers github.com and api.github.com)', () => {
  const server = setupServer(...githubHandlers)
  beforeAll(() => {
    process.env.GITHUB_CLIENT_ID = 'test-client'
    process.env.GITHUB_CLIENT_SECRET = 'test-secret'
    resetEnvCache()
    server.listen({ onUnhandledRequest: 'error' })
  })
  afterAll(() => {
    server.close()
    delete process.env.GITHUB_CLIENT_ID
    delete process.env.GITHUB_CLIENT_SECRET
    resetEnvCache()
  })

  it('redirects to GitHub, then creates the user and a session on callback', async () => {
    const start = await run(githubAction, formRequest('/auth/github', {}))
    expect(start.status).toBe(302)
    const authorize = new URL(start.response!.headers.get('Location')!)
    expect(authorize.origin + authorize.pathname).toBe('https://github.com/login/oauth/authorize')
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      'http://localhost:3000/auth/github/callback',
    )
    const state = authorize.searchParams.get('state')!
    const stateCookie = start.response!.headers.get('Set-Cookie')!.split(';')[0]!

    const callback = await run(
      githubCallback,
      getRequest(`/auth/github/callback?code=abc&state=${state}`, stateCookie),
    )
    expect(callback.status).toBe(302)
    expect(callback.response!.headers.get('Location')).toBe('/projects')
    const user = await db.user.findUniqueOrThrow({ where: { email: MOCK_GITHUB_USER.email } })
    expect(user.githubId).toBe(String(MOCK_GITHUB_USER.id))
    expect(await getSession(getRequest('/', sessionCookieFrom(callback.response)))).toMatchObject({
      userId: user.id,
    })
  })

  it('refuses a callback whose state does not match the cookie', async () => {
    const callback = await run(
      githubCallback,
      getRequest('/auth/github/callback?code=abc&state=forged', 'github-oauth=state%3Dother'),
    )
    expect(callback.status).toBe(302)
    expect(callback.response!.headers.get('Location')).toBe('/login')
  })

  it('links GitHub to an existing account with the same verified email', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GITHUB_USER.email } })
    const existing = await createUser({ email: MOCK_GITHUB_USER.email })
    await createOrg()
    const start = await run(githubAction, formRequest('/auth/github', {}))
    const state = new URL(start.response!.headers.get('Location')!).searchParams.get('state')!
    const stateCookie = start.response!.headers.get('Set-Cookie')!.split(';')[0]!
    await run(
      githubCallback,
      getRequest(`/auth/github/callback?code=abc&state=${state}`, stateCookie),
    )
    expect((await db.user.findUniqueOrThrow({ where: { id: existing.id } })).githubId).toBe(
      String(MOCK_GITHUB_USER.id),
    )
  })

  it('does not link GitHub to an account with a password', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GITHUB_USER.email } })
    const squatter = await createUser({ email: MOCK_GITHUB_USER.email, passwordHash: 'hash' })
    const start = await run(githubAction, formRequest('/auth/github', {}))
    const state = new URL(start.response!.headers.get('Location')!).searchParams.get('state')!
    const stateCookie = start.response!.headers.get('Set-Cookie')!.split(';')[0]!
    const callback = await run(
      githubCallback,
      getRequest(`/auth/github/callback?code=abc&state=${state}`, stateCookie),
    )
    expect(callback.response!.headers.get('Location')).toBe('/login')
    expect((await db.user.findUniqueOrThrow({ where: { id: squatter.id } })).githubId).toBeNull()
  })

  it('gives a new GitHub user invited as a partner no organisation of its own', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GITHUB_USER.email } })
    const org = await createOrg()
    const project = await db.project.create({ data: { organizationId: org.id, name: 'API' } })
    const partner = await db.partnerProject.create({
      data: { projectId: project.id, name: 'Globex', slug: 'globex' },
    })
    await db.invite.create({
      data: {
        email: MOCK_GITHUB_USER.email,
        role: 'PARTNER',
        tokenHash: 'github-partner-invite-hash',
        expiresAt: new Date(Date.now() + 60_000),
        organizationId: org.id,
        partnerProjectId: partner.id,
      },
    })
    const start = await run(githubAction, formRequest('/auth/github', {}))
    const state = new URL(start.response!.headers.get('Location')!).searchParams.get('state')!
    const stateCookie = start.response!.headers.get('Set-Cookie')!.split(';')[0]!
    await run(
      githubCallback,
      getRequest(`/auth/github/callback?code=abc&state=${state}`, stateCookie),
    )
    const user = await db.user.findUniqueOrThrow({ where: { email: MOCK_GITHUB_USER.email } })
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0)
  })

  it('with MOCKS=true skips the consent page and lands on the callback', async () => {
    process.env.MOCKS = 'true'
    resetEnvCache()
    try {
      const start = await run(githubAction, formRequest('/auth/github', {}))
      const location = new URL(start.response!.headers.get('Location')!)
      expect(location.pathname).toBe('/auth/github/callback')
      expect(location.searchParams.get('state')).toBeTruthy()
    } finally {
      delete process.env.MOCKS
      resetEnvCache()
    }
  })
})
