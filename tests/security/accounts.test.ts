/**
 * Findings 3-5 of the attack review: an ADMIN minting an OWNER, a sign-in
 * limit fooled by spoofed addresses, and open redirects after sign-in.
 */
import { describe, expect, it } from 'vitest'
import { action as inviteAction } from '~/routes/invites.$token'
import { action as loginAction } from '~/routes/login'
import { action as membersAction, loader as membersLoader } from '~/routes/settings.members'
import { action as switchAction } from '~/routes/orgs.switch'
import { action as signupAction } from '~/routes/signup'
import { hashPassword } from '~/server/passwords.server'
import { db } from '~/server/db.server'
import { CLIENT_ADDRESS_HEADER, safeRedirectPath } from '~/server/http.server'
import { ACCOUNT_MAX_DELAY_MS, LoginThrottle } from '~/server/login-limit.server'
import { changeMemberRole } from '~/server/orgs/members.server'
import { clientAddress, parseTrustProxy } from '~/server/web-security.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createUser,
  formRequest,
  getRequest,
  settle,
  uniqueEmail,
  routeArgs,
} from '../helpers'

const args = routeArgs

describe('finding 3: only an OWNER grants OWNER', () => {
  it('refuses an ADMIN’s owner invite, and does not offer the role', async () => {
    const org = await createOrg()
    const admin = await createMember(org.id, 'ADMIN')
    const cookie = await cookieFor(admin.user.id)
    const email = uniqueEmail('mallory')
    const result = await settle(() =>
      membersAction(
        args(formRequest('/settings/members', { intent: 'invite', email, role: 'OWNER' }, cookie)),
      ),
    )
    expect(result.status).toBe(302) // back to the page with the refusal as a toast
    expect(await db.invite.count({ where: { email } })).toBe(0)
    const page = await settle(() => membersLoader(args(getRequest('/settings/members', cookie))))
    expect((page.data as { grantableRoles: string[] }).grantableRoles).not.toContain('OWNER')
  })

  it('checks again on acceptance: an owner invite from an owner since demoted is refused', async () => {
    const org = await createOrg()
    await createMember(org.id, 'OWNER')
    const secondOwner = await createMember(org.id, 'OWNER')
    const email = uniqueEmail('heir')
    // The second owner invites an owner, then is demoted before the invite is accepted.
    const invited = await settle(async () =>
      membersAction(
        args(
          formRequest(
            '/settings/members',
            { intent: 'invite', email, role: 'OWNER' },
            await cookieFor(secondOwner.user.id),
          ),
        ),
      ),
    )
    const link = (invited.data as { inviteLink: { link: string } }).inviteLink.link
    await changeMemberRole({
      organizationId: org.id,
      membershipId: secondOwner.membership.id,
      role: 'ADMIN',
      actorRole: 'OWNER',
    })
    const invitee = await createUser({ email })
    const accepted = await settle(async () =>
      inviteAction(
        args(formRequest(new URL(link).pathname, {}, await cookieFor(invitee.id)), {
          token: link.split('/').pop()!,
        }),
      ),
    )
    expect(JSON.stringify(accepted.data)).toMatch(/can no longer grant this role/)
    expect(
      await db.membership.count({ where: { organizationId: org.id, userId: invitee.id } }),
    ).toBe(0)
  })

  it('refuses an ADMIN promoting anyone to OWNER', async () => {
    const org = await createOrg()
    await createMember(org.id, 'OWNER')
    const vendor = await createMember(org.id, 'VENDOR')
    await expect(
      changeMemberRole({
        organizationId: org.id,
        membershipId: vendor.membership.id,
        role: 'OWNER',
        actorRole: 'ADMIN',
      }),
    ).rejects.toThrow(/Only an owner/)
  })
})

describe('finding 4: the sign-in limit', () => {
  it('takes the client address from the socket unless a proxy is trusted', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6', 'fly-client-ip': '7.7.7.7' }
    expect(
      clientAddress({ socketAddress: '::ffff:10.0.0.9', headers, trust: parseTrustProxy('') }),
    ).toBe('10.0.0.9')
    expect(
      clientAddress({ socketAddress: '10.0.0.9', headers, trust: parseTrustProxy('fly') }),
    ).toBe('7.7.7.7')
    // One proxy of ours appends the client: the rightmost entry; a spoofed prefix is ignored.
    expect(
      clientAddress({
        socketAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 3.3.3.3' },
        trust: parseTrustProxy('1'),
      }),
    ).toBe('3.3.3.3')
    expect(
      clientAddress({
        socketAddress: '10.0.0.9',
        headers: { 'x-forwarded-for': 'not-an-ip' },
        trust: parseTrustProxy('1'),
      }),
    ).toBe('10.0.0.9')
  })

  it('ignores spoofed X-Forwarded-For and Fly-Client-IP: rotating them gains nothing', async () => {
    const email = uniqueEmail('target')
    await createUser({ email, passwordHash: await hashPassword('the-right-password') })
    const statuses: number[] = []
    for (let attempt = 0; attempt < 13; attempt++) {
      const request = formRequest('/login', { email, password: `guess-${attempt}` })
      request.headers.set('x-forwarded-for', `203.0.113.${attempt}`)
      request.headers.set('fly-client-ip', `198.51.100.${attempt}`)
      request.headers.set(CLIENT_ADDRESS_HEADER, '192.0.2.1') // what server.ts derives from the socket
      statuses.push((await settle(() => loginAction(args(request)))).status)
    }
    expect(statuses.slice(0, 10).every((status) => status === 400)).toBe(true)
    expect(statuses.slice(10).every((status) => status === 429)).toBe(true)
    const right = formRequest('/login', { email, password: 'the-right-password' })
    right.headers.set(CLIENT_ADDRESS_HEADER, '192.0.2.1')
    expect((await settle(() => loginAction(args(right)))).status).toBe(429)
  })

  it('counts only failures: signing in again and again is never limited', async () => {
    const email = uniqueEmail('regular')
    await createUser({ email, passwordHash: await hashPassword('the-right-password') })
    for (let attempt = 0; attempt < 15; attempt++) {
      const request = formRequest('/login', { email, password: 'the-right-password' })
      request.headers.set(CLIENT_ADDRESS_HEADER, '192.0.2.2')
      expect((await settle(() => loginAction(args(request)))).status).toBe(302)
    }
  })

  it('slows guessing on one account from many addresses, but never locks the owner out for long', () => {
    const throttle = new LoginThrottle(5)
    let now = 1_000_000
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(throttle.check(`198.51.100.${attempt}`, 'victim@x.test', now).allowed).toBe(true)
      throttle.recordFailure(`198.51.100.${attempt}`, 'victim@x.test', now)
    }
    // The sixth attempt from a fresh address must wait: the account itself is slowed.
    const verdict = throttle.check('203.0.113.50', 'victim@x.test', now)
    expect(verdict.allowed).toBe(false)
    // Delays grow with each failure, but never beyond the cap.
    for (let attempt = 0; attempt < 20; attempt++) {
      now += ACCOUNT_MAX_DELAY_MS
      expect(throttle.check(`203.0.113.${attempt}`, 'victim@x.test', now).allowed).toBe(true)
      throttle.recordFailure(`203.0.113.${attempt}`, 'victim@x.test', now)
    }
    const blocked = throttle.check('192.0.2.200', 'victim@x.test', now)
    expect(blocked.allowed).toBe(false)
    expect(blocked.allowed ? 0 : blocked.retryAfterSeconds).toBeLessThanOrEqual(
      ACCOUNT_MAX_DELAY_MS / 1000,
    )
    expect(throttle.check('192.0.2.200', 'victim@x.test', now + ACCOUNT_MAX_DELAY_MS).allowed).toBe(
      true,
    )
    // Another account is unaffected.
    expect(throttle.check('203.0.113.1', 'other@x.test', now).allowed).toBe(true)
  })
})

describe('finding 5: redirects stay on the app', () => {
  const origin = 'https://app.example'
  it.each([
    '/%09/evil.example/',
    '/\t/evil.example/',
    '/\n/evil.example',
    '/ok\r\nSet-Cookie: x=1',
    '//evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/.//evil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    ' /projects',
    'projects',
    '',
  ])('refuses %j', (target) => {
    expect(safeRedirectPath(target, '/projects', origin)).toBe('/projects')
  })

  it.each([
    ['/projects/abc?tab=specs', '/projects/abc?tab=specs'],
    ['/invites/tok#x', '/invites/tok#x'],
    ['/projects/../members', '/members'],
  ])('follows %s', (target, expected) => {
    expect(safeRedirectPath(target, '/projects', origin)).toBe(expected)
  })

  it('after sign-in, sign-up and an organisation switch, whatever the target', async () => {
    const password = 'the-right-password'
    const email = uniqueEmail('redirect')
    const user = await createUser({ email, passwordHash: await hashPassword(password) })
    for (const redirectTo of ['/%09/evil.example/', '/\n/evil', '//evil.example']) {
      const login = formRequest('/login', { email, password, redirectTo })
      login.headers.set(CLIENT_ADDRESS_HEADER, '192.0.2.3')
      const signedIn = await settle(() => loginAction(args(login)))
      expect(signedIn.status).toBe(302)
      expect(signedIn.response!.headers.get('Location')).toBe('/projects')
    }
    const signedUp = await settle(() =>
      signupAction(
        args(
          formRequest('/signup', {
            name: 'New',
            email: uniqueEmail('new'),
            password: 'long-enough-pw',
            redirectTo: '/\t/evil.example/',
          }),
        ),
      ),
    )
    expect(signedUp.response!.headers.get('Location')).toBe('/projects')
    const org = await createOrg()
    await db.membership.create({ data: { userId: user.id, organizationId: org.id, role: 'OWNER' } })
    const request = formRequest(
      '/orgs/switch',
      { organizationId: org.id, redirectTo: '/%09/evil.example/' },
      await cookieFor(user.id),
    )
    const switched = await settle(() => switchAction(args(request)))
    expect(switched.response!.headers.get('Location')).toBe('/projects')
    expect(BASE_URL).toMatch(/^http/)
  })
})
