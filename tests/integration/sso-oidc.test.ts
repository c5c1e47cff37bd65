/**
 * Single sign-on with OpenID Connect (issue 14, point 1): a real oidc-provider on
 * 127.0.0.1 signs members in through /sso/<slug>/start -> provider -> /callback; a small
 * hand-written provider on 127.0.0.1 answers with ID tokens from another issuer or for
 * another client. Real SQLite, the real routes.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loader as callbackLoader } from '~/routes/sso.$orgSlug.callback'
import { loader as startLoader } from '~/routes/sso.$orgSlug.start'
import { action as lookupAction, loader as lookupLoader } from '~/routes/sso._index'
import { action as settingsAction, loader as settingsLoader } from '~/routes/settings.sso'
import { decryptSecret, encryptSecret } from '~/server/crypto.server'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import {
  cookieFor,
  createMember,
  createUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { signInAtProvider, startOidcProvider, type RunningProvider } from '../support/oidc-provider'

const SLUG = 'acme-sso'
const CLIENT = { clientId: 'copilot-test', clientSecret: 'test-client-secret-1234' }
const CALLBACK = `http://localhost:3000/sso/${SLUG}/callback`

let provider: RunningProvider
let orgId: string
let ownerCookie: string

const allowPrivate = (allowed: boolean) => {
  process.env.OUTBOUND_ALLOW_PRIVATE = allowed ? 'true' : 'false'
  resetEnvCache()
}

beforeAll(async () => {
  allowPrivate(true)
  provider = await startOidcProvider({
    clients: [{ ...CLIENT, redirectUris: [CALLBACK] }],
    accounts: [
      { email: 'member@sso.test', name: 'Member Example' },
      { email: 'second@sso.test', name: 'Second Example' },
      { email: 'unverified@sso.test', emailVerified: false },
      { email: 'outsider@elsewhere.test' },
      { login: 'existing-sub', email: 'existing@sso.test' },
      { login: 'stranger-sub', email: 'stranger@sso.test' },
      { login: 'invited-sub', email: 'invited@sso.test' },
      { login: 'new-invitee-sub', email: 'new.invitee@sso.test' },
      { login: 'stale-invitee-sub', email: 'stale.invitee@sso.test' },
    ],
  })
  orgId = (await db.organization.create({ data: { name: 'Acme SSO', slug: SLUG } })).id
  ownerCookie = await cookieFor((await createMember(orgId, 'OWNER')).user.id)
})
afterAll(async () => {
  await provider.close()
  delete process.env.OUTBOUND_ALLOW_PRIVATE
  resetEnvCache()
})
afterEach(() => allowPrivate(true))

function save(fields: Record<string, string>, cookie = ownerCookie) {
  return settle(() =>
    settingsAction(routeArgs(formRequest('/settings/sso', { intent: 'save', ...fields }, cookie))),
  )
}

const oidcFields = (overrides: Record<string, string> = {}) => ({
  protocol: 'oidc',
  discoveryUrl: `${provider.issuer}/.well-known/openid-configuration`,
  clientId: CLIENT.clientId,
  clientSecret: CLIENT.clientSecret,
  allowedDomains: 'SSO.test',
  defaultRole: 'VENDOR',
  enabled: 'on',
  ...overrides,
})

function cookieOf(response: Response, name: string): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`))
  if (!header) throw new Error(`no ${name} cookie set`)
  return header.split(';')[0]!
}

async function start(slug = SLUG, query = '') {
  const result = await settle(() =>
    startLoader(routeArgs(getRequest(`/sso/${slug}/start${query}`), { orgSlug: slug })),
  )
  expect(result.status, JSON.stringify(result.data)).toBe(302)
  return {
    location: result.response!.headers.get('location')!,
    cookie: cookieOf(result.response!, 'sso-oidc'),
  }
}

function callback(url: URL | string, cookie: string, slug = SLUG) {
  return settle(() =>
    callbackLoader(
      routeArgs(new Request(String(url), { headers: cookie ? { cookie } : {} }), { orgSlug: slug }),
    ),
  )
}

async function signIn(login: string, query = '') {
  const flow = await start(SLUG, query)
  const back = await signInAtProvider(flow.location, login)
  return callback(back, flow.cookie)
}

type Failure = { failure: { message: string; hint: string } }

describe('Settings → Single sign-on (OIDC)', () => {
  it('is for owners only', async () => {
    const admin = await cookieFor((await createMember(orgId, 'ADMIN')).user.id)
    expect(
      (await settle(() => settingsLoader(routeArgs(getRequest('/settings/sso', admin))))).status,
    ).toBe(403)
    expect((await save(oidcFields(), admin)).status).toBe(403)
    expect(await db.ssoConnection.findUnique({ where: { organizationId: orgId } })).toBeNull()
  })

  it('validates the form: https discovery URL, client id and secret, domains, role', async () => {
    allowPrivate(false)
    const http = await save(oidcFields({ discoveryUrl: 'http://idp.example.com/' }))
    expect(http.status).toBe(400)
    const errors = (http.data as { save: { error: Record<string, string[]> } }).save.error
    expect(errors.discoveryUrl?.[0]).toMatch(/must use https/)
    allowPrivate(true)
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ discoveryUrl: 'not a url' }, 'discoveryUrl', /Enter the discovery URL/],
      [{ discoveryUrl: 'https://u:p@idp.example.com/' }, 'discoveryUrl', /user name and password/],
      [{ discoveryUrl: 'https://idp.example.com/?x=1' }, 'discoveryUrl', /query string/],
      [{ clientId: '' }, 'clientId', /client id/],
      [{ clientSecret: '' }, 'clientSecret', /client secret/],
      [{ allowedDomains: 'acme.com, not a domain!' }, 'allowedDomains', /is not a domain name/],
      [{ allowedDomains: 'foo..com' }, 'allowedDomains', /is not a domain name/],
      [{ defaultRole: 'OWNER' }, 'defaultRole', /role/i],
      [{ protocol: 'ldap' }, 'protocol', /OpenID Connect or SAML/],
      [{ clientId: 'x'.repeat(501) }, 'clientId', /longer than 500/],
    ]
    for (const [overrides, field, message] of cases) {
      const result = await save(oidcFields(overrides))
      expect(result.status, field).toBe(400)
      const reply = (result.data as { save: { error: Record<string, string[]> } }).save
      expect(reply.error[field]?.[0], field).toMatch(message)
    }
    expect(await db.ssoConnection.count()).toBe(0)
  })

  it('saves the connection with the secret sealed and masked, audited without it', async () => {
    const saved = await save(oidcFields({ allowedDomains: 'SSO.test, @Sub.SSO.test, sso.test' }))
    expect(saved.status).toBe(302)
    const row = await db.ssoConnection.findUniqueOrThrow({ where: { organizationId: orgId } })
    expect(row.clientSecret).not.toContain(CLIENT.clientSecret)
    expect(decryptSecret(row.clientSecret)).toBe(CLIENT.clientSecret)
    expect(JSON.parse(row.allowedDomains)).toEqual(['sso.test', 'sub.sso.test'])
    const page = await settle(() =>
      settingsLoader(routeArgs(getRequest('/settings/sso', ownerCookie))),
    )
    const view = (page.data as { connection: { clientSecretMask: string } }).connection
    expect(view.clientSecretMask).toBe('••••1234')
    expect(JSON.stringify(page.data)).not.toContain(CLIENT.clientSecret)
    expect(JSON.stringify(page.data)).toContain(`/sso/${SLUG}/callback`)

    // A blank secret on edit keeps the stored one.
    expect((await save(oidcFields({ clientSecret: '', allowedDomains: 'sso.test' }))).status).toBe(
      302,
    )
    const kept = await db.ssoConnection.findUniqueOrThrow({ where: { organizationId: orgId } })
    expect(decryptSecret(kept.clientSecret)).toBe(CLIENT.clientSecret)

    // ...but only for the provider it was entered for: another issuer or client needs it again.
    const changes: Record<string, string>[] = [
      { discoveryUrl: 'https://attacker.example/.well-known/openid-configuration' },
      { clientId: 'another-client' },
    ]
    for (const change of changes) {
      const moved = await save(
        oidcFields({ ...change, clientSecret: '', allowedDomains: 'sso.test' }),
      )
      expect(moved.status).toBe(400)
      expect(JSON.stringify(moved.data)).toMatch(/enter the client secret again/)
    }
    const unchanged = await db.ssoConnection.findUniqueOrThrow({ where: { organizationId: orgId } })
    expect(unchanged.discoveryUrl).toBe(kept.discoveryUrl)

    const entries = await db.auditLog.findMany({
      where: { organizationId: orgId, action: { startsWith: 'sso.' } },
      orderBy: { createdAt: 'asc' },
    })
    expect(entries.map((entry) => entry.action)).toEqual(['sso.configured', 'sso.updated'])
    for (const entry of entries) expect(entry.metadata).not.toContain(CLIENT.clientSecret)
    const updated = JSON.parse(entries[1]!.metadata) as {
      before: { allowedDomains: string[] }
      after: { allowedDomains: string[]; clientSecretChanged: boolean }
    }
    expect(updated.before.allowedDomains).toEqual(['sso.test', 'sub.sso.test'])
    expect(updated.after.allowedDomains).toEqual(['sso.test'])
    expect(updated.after.clientSecretChanged).toBe(false)
  })

  it('tests the connection: issuer and endpoints, or a clear error', async () => {
    const ok = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            '/settings/sso',
            { intent: 'test', discoveryUrl: provider.issuer },
            ownerCookie,
          ),
        ),
      ),
    )
    expect(ok.status).toBe(200)
    expect((ok.data as { test: unknown }).test).toMatchObject({
      ok: true,
      issuer: provider.issuer,
      authorizationEndpoint: `${provider.issuer}/auth`,
      tokenEndpoint: `${provider.issuer}/token`,
    })
    const missing = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            '/settings/sso',
            { intent: 'test', discoveryUrl: `${provider.issuer}/nowhere` },
            ownerCookie,
          ),
        ),
      ),
    )
    expect((missing.data as { test: { error: string } }).test.error).toMatch(/HTTP 404/)
  })
})

describe('the OIDC sign-in', () => {
  beforeEach(async () => {
    if (!(await db.ssoConnection.findUnique({ where: { organizationId: orgId } })))
      expect((await save(oidcFields())).status).toBe(302)
  })

  it('redirects to the provider with code + PKCE (S256), state and nonce kept in a signed cookie', async () => {
    const flow = await start(SLUG, '?redirectTo=%2Fprojects%2Fabc')
    const url = new URL(flow.location)
    expect(url.origin).toBe(provider.issuer)
    expect(url.searchParams.get('client_id')).toBe(CLIENT.clientId)
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK)
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('state')).toBeTruthy()
    expect(url.searchParams.get('nonce')).toBeTruthy()
    expect(url.searchParams.get('scope')).toContain('openid')
    expect(flow.cookie).not.toContain(url.searchParams.get('code_challenge')!)
  })

  it('signs a new member in: account without password or organisation of its own, JIT membership, session', async () => {
    const result = await signIn('member@sso.test', '?redirectTo=%2Fprojects%2Fabc')
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('location')).toBe('/projects/abc')
    const cookies = result.response!.headers.getSetCookie()
    expect(cookies.some((cookie) => cookie.startsWith('__session='))).toBe(true)
    expect(
      cookies.some((cookie) => /^sso-oidc=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/.test(cookie)),
    ).toBe(true)

    const user = await db.user.findUniqueOrThrow({
      where: { email: 'member@sso.test' },
      include: { memberships: true, identities: true, sessions: true },
    })
    expect(user.passwordHash).toBeNull()
    expect(user.name).toBe('Member Example')
    expect(user.memberships).toHaveLength(1) // no organisation of its own
    expect(user.memberships[0]).toMatchObject({ organizationId: orgId, role: 'VENDOR' })
    const connection = await db.ssoConnection.findUniqueOrThrow({
      where: { organizationId: orgId },
    })
    expect(user.identities).toMatchObject([
      { provider: `sso:${connection.id}`, subject: 'member@sso.test', email: 'member@sso.test' },
    ])
    expect(user.sessions[0]).toMatchObject({ authMethod: 'oidc', ssoOrganizationId: orgId })
    const audits = await db.auditLog.findMany({
      where: { organizationId: orgId, actorUserId: user.id },
    })
    expect(audits.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['sso.member_provisioned', 'auth.signed_in']),
    )

    // Again: the same account, no second identity or membership.
    expect((await signIn('member@sso.test')).status).toBe(302)
    expect(await db.userIdentity.count({ where: { userId: user.id } })).toBe(1)
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(1)
    expect(await db.session.count({ where: { userId: user.id, authMethod: 'oidc' } })).toBe(2)
  })

  it('refuses an address outside the allowed domains, with a page that says so', async () => {
    const result = await signIn('outsider@elsewhere.test')
    expect(result.status).toBe(403)
    const { failure } = result.data as Failure
    expect(failure.message).toMatch(
      /outsider@elsewhere\.test is not an address Acme SSO lets sign in/,
    )
    expect(failure.message).toContain('allowed: sso.test')
    expect(await db.user.findUnique({ where: { email: 'outsider@elsewhere.test' } })).toBeNull()
    const refused = await db.auditLog.findFirstOrThrow({
      where: { organizationId: orgId, action: 'sso.sign_in_refused' },
      orderBy: { createdAt: 'desc' },
    })
    expect(JSON.parse(refused.metadata)).toMatchObject({
      reason: 'domain_not_allowed',
      method: 'oidc',
    })
    const failed = await db.auditLog.findFirstOrThrow({
      where: { action: 'auth.sign_in_failed' },
      orderBy: { createdAt: 'desc' },
    })
    expect(JSON.parse(failed.metadata)).toMatchObject({
      method: 'oidc',
      reason: 'domain_not_allowed',
    })
  })

  it('links an existing account only when it belongs to the organisation and the email is verified', async () => {
    // A member with a password: linked, keeps its role.
    const existing = await createUser({ email: 'existing@sso.test', passwordHash: 'hash' })
    await db.membership.create({
      data: { userId: existing.id, organizationId: orgId, role: 'ADMIN' },
    })
    expect((await signIn('existing-sub')).status).toBe(302)
    expect(
      await db.userIdentity.findFirst({ where: { userId: existing.id, subject: 'existing-sub' } }),
    ).not.toBeNull()
    expect(await db.membership.findFirst({ where: { userId: existing.id } })).toMatchObject({
      role: 'ADMIN',
    })

    // Someone else's account (not a member, not invited): SSO may not take it over.
    const stranger = await createUser({ email: 'stranger@sso.test', passwordHash: 'hash' })
    const refused = await signIn('stranger-sub')
    expect(refused.status).toBe(403)
    expect((refused.data as Failure).failure.message).toMatch(
      /already exists and does not belong to Acme SSO/,
    )
    expect(await db.userIdentity.count({ where: { userId: stranger.id } })).toBe(0)
    expect(await db.membership.count({ where: { userId: stranger.id } })).toBe(0)

    // Invited but not a member: an invitation proves nothing about who controls the account
    // (anyone may invite any address and assert it from an identity provider they run).
    const invitee = await createUser({ email: 'invited@sso.test', passwordHash: 'hash' })
    const inviter = await createMember(orgId, 'OWNER')
    const invite = (email: string, invitedById: string | null) =>
      db.invite.create({
        data: {
          organizationId: orgId,
          email,
          role: 'ADMIN',
          invitedById,
          tokenHash: crypto.randomBytes(16).toString('hex'),
          expiresAt: new Date(Date.now() + 3600_000),
        },
      })
    await invite('invited@sso.test', inviter.user.id)
    const takeover = await signIn('invited-sub')
    expect(takeover.status).toBe(403)
    expect(await db.userIdentity.count({ where: { userId: invitee.id } })).toBe(0)
    expect(await db.membership.count({ where: { userId: invitee.id } })).toBe(0)

    // A new address with an invitation from an owner: created, with the invitation's role.
    const fresh = await invite('new.invitee@sso.test', inviter.user.id)
    expect((await signIn('new-invitee-sub')).status).toBe(302)
    const created = await db.user.findUniqueOrThrow({ where: { email: 'new.invitee@sso.test' } })
    expect(await db.membership.findFirst({ where: { userId: created.id } })).toMatchObject({
      role: 'ADMIN',
    })
    expect(
      (await db.invite.findUniqueOrThrow({ where: { id: fresh.id } })).acceptedAt,
    ).not.toBeNull()

    // An invitation whose sender may no longer grant its role: the connection's default role.
    await invite('stale.invitee@sso.test', null)
    expect((await signIn('stale-invitee-sub')).status).toBe(302)
    const stale = await db.user.findUniqueOrThrow({ where: { email: 'stale.invitee@sso.test' } })
    expect((await db.membership.findFirstOrThrow({ where: { userId: stale.id } })).role).not.toBe(
      'ADMIN',
    )
  })

  it('does not link or create an account for an address the provider says is unverified', async () => {
    const result = await signIn('unverified@sso.test')
    expect(result.status).toBe(403)
    expect((result.data as Failure).failure.message).toMatch(/not verified/)
    expect(await db.user.findUnique({ where: { email: 'unverified@sso.test' } })).toBeNull()
  })

  it('refuses a callback whose state belongs to another attempt, a missing or forged cookie, and a replay', async () => {
    const mine = await start()
    const theirs = await start()
    const back = await signInAtProvider(theirs.location, 'second@sso.test')
    const mismatch = await callback(back, mine.cookie)
    expect(mismatch.status).toBe(400)
    expect((mismatch.data as Failure).failure.message).toMatch(/did not check out/)
    expect(await db.user.findUnique({ where: { email: 'second@sso.test' } })).toBeNull()

    const noCookie = await callback(back, '')
    expect(noCookie.status).toBe(400)
    expect((noCookie.data as Failure).failure.message).toMatch(/not started in this browser/)
    const [name, value] = theirs.cookie.split('=')
    const forged = await callback(back, `${name}=${value!.slice(0, -3)}abc`)
    expect(forged.status).toBe(400)

    // The right cookie works once; the same code again is refused by the provider.
    expect((await callback(back, theirs.cookie)).status).toBe(302)
    const replay = await callback(back, theirs.cookie)
    expect(replay.status).toBeGreaterThanOrEqual(400)
  })

  it('answers an unknown organisation, a disabled connection and an unreachable provider with a page', async () => {
    expect(
      (
        await settle(() =>
          startLoader(routeArgs(getRequest('/sso/nope/start'), { orgSlug: 'nope' })),
        )
      ).status,
    ).toBe(404)
    await db.ssoConnection.update({ where: { organizationId: orgId }, data: { enabled: false } })
    try {
      const disabled = await settle(() =>
        startLoader(routeArgs(getRequest(`/sso/${SLUG}/start`), { orgSlug: SLUG })),
      )
      expect(disabled.status).toBe(404)
      expect((disabled.data as Failure).failure.message).toMatch(/does not offer single sign-on/)
    } finally {
      await db.ssoConnection.update({ where: { organizationId: orgId }, data: { enabled: true } })
    }
  })
})

describe('the SSRF guard on the discovery URL', () => {
  it('refuses a private address unless OUTBOUND_ALLOW_PRIVATE is set', async () => {
    allowPrivate(false)
    const test = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            '/settings/sso',
            { intent: 'test', discoveryUrl: 'https://127.0.0.1:9/' },
            ownerCookie,
          ),
        ),
      ),
    )
    expect((test.data as { test: { error: string } }).test.error).toMatch(/private or loopback/)
    const metadata = await settle(() =>
      settingsAction(
        routeArgs(
          formRequest(
            '/settings/sso',
            { intent: 'test', discoveryUrl: 'https://169.254.169.254/' },
            ownerCookie,
          ),
        ),
      ),
    )
    expect((metadata.data as { test: { error: string } }).test.error).toMatch(
      /link-local or metadata/,
    )

    const org = await db.organization.create({ data: { name: 'Private', slug: 'private-sso' } })
    await db.ssoConnection.create({
      data: {
        organizationId: org.id,
        protocol: 'oidc',
        discoveryUrl: 'https://10.0.0.1/.well-known/openid-configuration',
        clientId: 'x',
        clientSecret: encryptSecret('y'),
      },
    })
    const started = await settle(() =>
      startLoader(routeArgs(getRequest('/sso/private-sso/start'), { orgSlug: 'private-sso' })),
    )
    expect(started.status).toBe(502)
    expect((started.data as Failure).failure.message).toMatch(/refused.*private or loopback/)
    // The provider on loopback is refused too, http or not.
    await db.ssoConnection.update({
      where: { organizationId: org.id },
      data: { discoveryUrl: provider.issuer },
    })
    const loopback = await settle(() =>
      startLoader(routeArgs(getRequest('/sso/private-sso/start'), { orgSlug: 'private-sso' })),
    )
    expect(loopback.status).toBe(502)
  })
})

/** An OpenID provider that signs whatever ID token the test asks for (issuer, audience), or refuses. */
function startRogueProvider() {
  const mode = { current: 'ok' as 'ok' | 'wrong-iss' | 'wrong-aud' | 'deny' | 'discovery-iss' }
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'rogue', alg: 'RS256', use: 'sig' }
  let base = ''
  let nonce = ''
  const sign = (claims: Record<string, unknown>) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const input = `${part({ alg: 'RS256', kid: 'rogue', typ: 'JWT' })}.${part(claims)}`
    return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, base)
    const json = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value))
    }
    if (url.pathname === '/.well-known/openid-configuration')
      return json({
        issuer: mode.current === 'discovery-iss' ? 'https://evil.example' : base,
        authorization_endpoint: `${base}/auth`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
      })
    if (url.pathname === '/jwks') return json({ keys: [jwk] })
    if (url.pathname === '/auth') {
      nonce = url.searchParams.get('nonce') ?? ''
      const target = new URL(url.searchParams.get('redirect_uri')!)
      target.searchParams.set('state', url.searchParams.get('state') ?? '')
      target.searchParams.set('iss', base)
      if (mode.current === 'deny') {
        target.searchParams.set('error', 'access_denied')
        target.searchParams.set('error_description', 'User is not assigned to this application')
      } else target.searchParams.set('code', 'rogue-code')
      return void res.writeHead(302, { location: target.href }).end()
    }
    if (url.pathname === '/token') {
      req.resume()
      const now = Math.floor(Date.now() / 1000)
      return json({
        access_token: 'rogue-access-token',
        token_type: 'Bearer',
        expires_in: 300,
        id_token: sign({
          iss: mode.current === 'wrong-iss' ? 'https://evil.example' : base,
          aud: mode.current === 'wrong-aud' ? 'another-client' : 'rogue-client',
          sub: 'rogue-user',
          email: 'member@rogue.test',
          email_verified: true,
          nonce,
          iat: now,
          exp: now + 300,
        }),
      })
    }
    res.writeHead(404).end()
  })
  return {
    mode,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      return base
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('ID tokens from another issuer or for another client', () => {
  const rogue = startRogueProvider()
  beforeAll(async () => {
    const base = await rogue.listen()
    const org = await db.organization.create({ data: { name: 'Rogue Test', slug: 'rogue-sso' } })
    await db.ssoConnection.create({
      data: {
        organizationId: org.id,
        protocol: 'oidc',
        discoveryUrl: base,
        clientId: 'rogue-client',
        clientSecret: encryptSecret('rogue-secret'),
        allowedDomains: JSON.stringify(['rogue.test']),
      },
    })
  })
  afterAll(() => rogue.close())

  async function viaRogue(mode: typeof rogue.mode.current) {
    rogue.mode.current = mode
    const flow = await start('rogue-sso')
    const response = await fetch(flow.location, { redirect: 'manual' })
    return callback(response.headers.get('location')!, flow.cookie, 'rogue-sso')
  }

  it('refuses an ID token whose issuer is not the configured provider', async () => {
    const result = await viaRogue('wrong-iss')
    expect(result.status).toBe(400)
    expect((result.data as Failure).failure.message).toMatch(/"iss"/)
    expect(await db.user.findUnique({ where: { email: 'member@rogue.test' } })).toBeNull()
  })

  it('refuses an ID token issued to another client', async () => {
    const result = await viaRogue('wrong-aud')
    expect(result.status).toBe(400)
    expect((result.data as Failure).failure.message).toMatch(/"aud"/)
    expect(await db.user.findUnique({ where: { email: 'member@rogue.test' } })).toBeNull()
  })

  it('refuses a discovery document that names another issuer', async () => {
    rogue.mode.current = 'discovery-iss'
    const result = await settle(() =>
      startLoader(routeArgs(getRequest('/sso/rogue-sso/start'), { orgSlug: 'rogue-sso' })),
    )
    expect(result.status).toBe(502)
    expect((result.data as Failure).failure.message).toMatch(
      /the document's issuer is not http:\/\/127\.0\.0\.1/,
    )
  })

  it('says so when the provider refuses the user', async () => {
    const result = await viaRogue('deny')
    expect(result.status).toBe(403)
    expect((result.data as Failure).failure.message).toMatch(/access_denied: User is not assigned/)
  })

  it('accepts the same provider once its token is right (the control)', async () => {
    const result = await viaRogue('ok')
    expect(result.status).toBe(302)
    expect(await db.user.findUnique({ where: { email: 'member@rogue.test' } })).not.toBeNull()
  })
})

describe('/sso: finding the organisation', () => {
  async function lookup(identifier: string, extra: Record<string, string> = {}) {
    return settle(() => lookupAction(routeArgs(formRequest('/sso', { identifier, ...extra }))))
  }

  it('finds it by work email domain or slug, then continues to /start without a form redirect chain', async () => {
    const byEmail = await lookup('Someone@SSO.test', { redirectTo: '/projects/x' })
    expect(byEmail.status).toBe(302)
    expect(byEmail.response!.headers.get('location')).toBe(
      `/sso?org=${SLUG}&redirectTo=%2Fprojects%2Fx`,
    )
    const bySlug = await lookup(SLUG)
    expect(bySlug.response!.headers.get('location')).toBe(`/sso?org=${SLUG}`)
    const page = await settle(() =>
      lookupLoader(routeArgs(getRequest(`/sso?org=${SLUG}&redirectTo=%2Fprojects%2Fx`))),
    )
    expect(page.data).toMatchObject({
      continueTo: `/sso/${SLUG}/start?redirectTo=%2Fprojects%2Fx`,
      organizationName: 'Acme SSO',
    })
    const offsite = await settle(() =>
      lookupLoader(routeArgs(getRequest(`/sso?org=${SLUG}&redirectTo=https://evil.example/`))),
    )
    expect((offsite.data as { continueTo: string }).continueTo).toBe(`/sso/${SLUG}/start`)
  })

  it('says what to do for unknown domains and slugs, shared domains and empty or hostile input', async () => {
    const cases: [string, RegExp][] = [
      ['ada@unknown.example', /No organisation signs in with single sign-on for unknown\.example/],
      ['no-such-org', /No organisation with single sign-on has the slug/],
      ['', /Enter your work email/],
      ['a@', /Enter your work email address or your organisation’s slug/],
      ['<script>@x', /Enter your work email/],
      ['x'.repeat(300), /longer than an email/],
    ]
    for (const [identifier, message] of cases) {
      const result = await lookup(identifier)
      expect(result.status, identifier).toBe(400)
      const errors = (result.data as { error: Record<string, string[]> }).error
      expect(errors.identifier?.[0], identifier).toMatch(message)
    }
    const other = await db.organization.create({ data: { name: 'Also SSO', slug: 'also-sso' } })
    await db.ssoConnection.create({
      data: {
        organizationId: other.id,
        protocol: 'saml',
        allowedDomains: JSON.stringify(['sso.test']),
      },
    })
    const shared = await lookup('ada@sso.test')
    expect((shared.data as { error: Record<string, string[]> }).error.identifier?.[0]).toMatch(
      /Several organisations sign in with sso\.test/,
    )
    await db.ssoConnection.delete({ where: { organizationId: other.id } })
    const unknown = await settle(() => lookupLoader(routeArgs(getRequest('/sso?org=nope'))))
    expect(unknown.data).toMatchObject({ continueTo: null, unknownOrg: true })
  })
})

describe('Require SSO for members, and removing the connection', () => {
  it('refuses to require SSO without an enabled connection, stores the flag, and guards removal', async () => {
    const require = (on: boolean) =>
      settle(() =>
        settingsAction(
          routeArgs(
            formRequest(
              '/settings/sso',
              { intent: 'require', ...(on ? { requireSso: 'on' } : {}) },
              ownerCookie,
            ),
          ),
        ),
      )
    await db.ssoConnection.update({ where: { organizationId: orgId }, data: { enabled: false } })
    const refused = await require(true)
    expect(refused.status).toBe(400)
    expect((refused.data as { require: string }).require).toMatch(
      /enable a single sign-on connection first/,
    )
    expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).requireSso).toBe(
      false,
    )

    await db.ssoConnection.update({ where: { organizationId: orgId }, data: { enabled: true } })
    expect((await require(true)).status).toBe(302)
    expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).requireSso).toBe(
      true,
    )
    const changed = await db.auditLog.findFirstOrThrow({
      where: { organizationId: orgId, action: 'sso.required_changed' },
    })
    expect(JSON.parse(changed.metadata)).toMatchObject({
      before: { requireSso: false },
      after: { requireSso: true },
    })

    const disable = await save(oidcFields({ enabled: '', clientSecret: '' }))
    expect(disable.status).toBe(400)
    expect(JSON.stringify(disable.data)).toMatch(/turn off \\"Require SSO for members\\"/)
    const remove = await settle(() =>
      settingsAction(routeArgs(formRequest('/settings/sso', { intent: 'remove' }, ownerCookie))),
    )
    expect(remove.status).toBe(302)
    expect(await db.ssoConnection.findUnique({ where: { organizationId: orgId } })).not.toBeNull()

    expect((await require(false)).status).toBe(302)
    const connection = await db.ssoConnection.findUniqueOrThrow({
      where: { organizationId: orgId },
    })
    expect(
      await db.userIdentity.count({ where: { provider: `sso:${connection.id}` } }),
    ).toBeGreaterThan(0)
    expect(
      (
        await settle(() =>
          settingsAction(
            routeArgs(formRequest('/settings/sso', { intent: 'remove' }, ownerCookie)),
          ),
        )
      ).status,
    ).toBe(302)
    expect(await db.ssoConnection.findUnique({ where: { organizationId: orgId } })).toBeNull()
    expect(await db.userIdentity.count({ where: { provider: `sso:${connection.id}` } })).toBe(0)
    const removed = await db.auditLog.findFirstOrThrow({
      where: { organizationId: orgId, action: 'sso.removed' },
    })
    expect(removed.metadata).not.toContain(CLIENT.clientSecret)
    expect(JSON.parse(removed.metadata)).toMatchObject({
      before: { protocol: 'oidc' },
      after: null,
    })
  })

  it('refuses an oversized form without reading it all', async () => {
    const result = await save({ ...oidcFields(), samlMetadata: 'x'.repeat(900 * 1024) })
    expect(result.status).toBe(413)
  })
})
