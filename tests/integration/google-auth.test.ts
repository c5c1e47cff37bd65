/** "Sign in with Google": the real OAuth2 strategy, with msw answering Google's fixed endpoints. */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { action as googleAction } from '~/routes/auth.google'
import { loader as googleCallback } from '~/routes/auth.google.callback'
import { loader as loginLoader } from '~/routes/login'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { getSession } from '~/server/session.server'
import { googleHandlers, MOCK_GOOGLE_USER } from '../mocks/google'
import { createOrg, createUser, formRequest, getRequest, routeArgs, settle } from '../helpers'

const server = setupServer(...googleHandlers)

beforeAll(() => {
  process.env.GOOGLE_CLIENT_ID = 'google-client'
  process.env.GOOGLE_CLIENT_SECRET = 'google-secret'
  resetEnvCache()
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => server.resetHandlers())
afterAll(() => {
  server.close()
  delete process.env.GOOGLE_CLIENT_ID
  delete process.env.GOOGLE_CLIENT_SECRET
  resetEnvCache()
})

/** Starts the flow; returns the state Google would send back and the state cookie. */
async function start() {
  const result = await settle(() => googleAction(routeArgs(formRequest('/auth/google', {}))))
  expect(result.status).toBe(302)
  const authorize = new URL(result.response!.headers.get('Location')!)
  return {
    authorize,
    state: authorize.searchParams.get('state')!,
    cookie: result.response!.headers.get('Set-Cookie')!.split(';')[0]!,
  }
}

const callback = (query: string, cookie: string) =>
  settle(() => googleCallback(routeArgs(getRequest(`/auth/google/callback?${query}`, cookie))))

describe('Google sign-in', () => {
  it('shows the button only when configured', async () => {
    const page = await settle(() => loginLoader(routeArgs(getRequest('/login'))))
    expect(page.data).toMatchObject({ googleEnabled: true })
  })

  it('redirects to Google with PKCE and the OpenID scopes, then signs the user in', async () => {
    const { authorize, state, cookie } = await start()
    expect(authorize.origin + authorize.pathname).toBe(
      'https://accounts.google.com/o/oauth2/v2/auth',
    )
    expect(authorize.searchParams.get('scope')).toBe('openid email profile')
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      'http://localhost:3000/auth/google/callback',
    )
    const done = await callback(`code=abc&state=${state}`, cookie)
    expect(done.status).toBe(302)
    expect(done.response!.headers.get('Location')).toBe('/projects')
    const user = await db.user.findUniqueOrThrow({ where: { email: MOCK_GOOGLE_USER.email } })
    expect(user.googleId).toBe(MOCK_GOOGLE_USER.sub)
    const sessionCookie = done.response!.headers.get('Set-Cookie')!.split(';')[0]!
    expect(await getSession(getRequest('/', sessionCookie))).toMatchObject({
      userId: user.id,
      authMethod: 'google',
    })
    expect(
      await db.auditLog.count({ where: { action: 'auth.signed_in', actorUserId: user.id } }),
    ).toBeGreaterThan(0)
  })

  it('links Google to an existing account with the same verified email', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GOOGLE_USER.email } })
    const existing = await createUser({ email: MOCK_GOOGLE_USER.email })
    await createOrg()
    const { state, cookie } = await start()
    await callback(`code=abc&state=${state}`, cookie)
    expect((await db.user.findUniqueOrThrow({ where: { id: existing.id } })).googleId).toBe(
      MOCK_GOOGLE_USER.sub,
    )
  })

  it('does not link to an account with a password (someone may have registered the address first)', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GOOGLE_USER.email } })
    const squatter = await createUser({ email: MOCK_GOOGLE_USER.email, passwordHash: 'hash' })
    const { state, cookie } = await start()
    const done = await callback(`code=abc&state=${state}`, cookie)
    expect(done.response!.headers.get('Location')).toBe('/login')
    expect((await db.user.findUniqueOrThrow({ where: { id: squatter.id } })).googleId).toBeNull()
    expect(await db.session.count({ where: { userId: squatter.id } })).toBe(0)
  })

  it('refuses an unverified Google email and creates nobody', async () => {
    await db.user.deleteMany({ where: { email: MOCK_GOOGLE_USER.email } })
    server.use(
      http.get('https://openidconnect.googleapis.com/v1/userinfo', () =>
        HttpResponse.json({ ...MOCK_GOOGLE_USER, email_verified: false }),
      ),
    )
    const { state, cookie } = await start()
    const done = await callback(`code=abc&state=${state}`, cookie)
    expect(done.status).toBe(302)
    expect(done.response!.headers.get('Location')).toBe('/login')
    expect(await db.user.findUnique({ where: { email: MOCK_GOOGLE_USER.email } })).toBeNull()
    expect(await db.auditLog.count({ where: { action: 'auth.sign_in_failed' } })).toBeGreaterThan(0)
  })

  it('refuses a callback whose state does not match, and hostile profiles', async () => {
    const forged = await callback('code=abc&state=forged', 'google-oauth=state%3Dother')
    expect(forged.status).toBe(302)
    expect(forged.response!.headers.get('Location')).toBe('/login')
    for (const profile of [{}, { sub: '', email: 'x@y.test', email_verified: true }, 'not json']) {
      server.use(
        http.get('https://openidconnect.googleapis.com/v1/userinfo', () =>
          typeof profile === 'string' ? new HttpResponse(profile) : HttpResponse.json(profile),
        ),
      )
      const { state, cookie } = await start()
      const done = await callback(`code=abc&state=${state}`, cookie)
      expect(done.response!.headers.get('Location')).toBe('/login')
    }
  })

  it('is a 404 when Google is not configured', async () => {
    delete process.env.GOOGLE_CLIENT_ID
    resetEnvCache()
    try {
      const result = await settle(() => googleAction(routeArgs(formRequest('/auth/google', {}))))
      expect(result.status).toBe(404)
    } finally {
      process.env.GOOGLE_CLIENT_ID = 'google-client'
      resetEnvCache()
    }
  })
})
