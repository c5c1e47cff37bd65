/**
 * The second factor: enrolment on /account/security, the sign-in step on /login/two-factor
 * (TOTP codes accepted once, recovery codes spent once, 5 wrong codes drop the pending
 * sign-in, the pending cookie expires), regenerate and disable. Real codes from
 * @epic-web/totp's generateTOTP.
 */
import { generateTOTP } from '@epic-web/totp'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { action as accountAction, loader as accountLoader } from '~/routes/account.security'
import { action as loginAction } from '~/routes/login'
import { action as twoFactorAction, loader as twoFactorLoader } from '~/routes/login_.two-factor'
import { db } from '~/server/db.server'
import { hashPassword } from '~/server/passwords.server'
import { issueRecoveryCodes } from '~/server/security/recovery-codes.server'
import { completeSignIn } from '~/server/security/sign-in.server'
import { sealTotp, unsealTotp } from '~/server/security/totp.server'
import { getSession } from '~/server/session.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
  uniqueEmail,
} from '../helpers'

const PASSWORD = 'a-long-and-unusual-passphrase'

afterEach(() => {
  vi.useRealTimers()
})

/** The `name=value` of one cookie a response sets ('' when it clears or omits it). */
function cookieFrom(response: Response | undefined, name: string): string {
  for (const header of response?.headers.getSetCookie() ?? []) {
    const pair = header.split(';')[0]!
    if (pair.startsWith(`${name}=`)) return pair
  }
  return ''
}

function clears(response: Response | undefined, name: string): boolean {
  return (response?.headers.getSetCookie() ?? []).some(
    (header) =>
      header.startsWith(`${name}=;`) && /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(header),
  )
}

async function currentCode(secret: string) {
  return (await generateTOTP({ secret })).otp
}

/** A code that is not valid now (nor one step either side, barring a 1-in-300,000 clash). */
async function wrongCode(secret: string) {
  const right = await currentCode(secret)
  return right
    .split('')
    .map((digit) => String((Number(digit) + 5) % 10))
    .join('')
}

/** A member with a password and TOTP already on (the secret known to the test). */
async function enrolledUser() {
  const org = await createOrg('Two Factor Co')
  const email = uniqueEmail('tf')
  const user = await db.user.create({
    data: { email, name: 'Tia Factor', passwordHash: await hashPassword(PASSWORD) },
  })
  await db.membership.create({ data: { userId: user.id, organizationId: org.id, role: 'OWNER' } })
  const { secret, period, digits, algorithm } = await generateTOTP()
  await db.user.update({
    where: { id: user.id },
    data: {
      totpSecret: sealTotp({ secret, period, digits, algorithm, lastStep: null }),
      totpEnabledAt: new Date(),
    },
  })
  return { user, org, email, secret }
}

/** Password step: returns the pending-sign-in cookie. */
async function passwordStep(email: string, redirectTo = '/projects') {
  const result = await settle(() =>
    loginAction(routeArgs(formRequest('/login', { email, password: PASSWORD, redirectTo }))),
  )
  expect(result.status).toBe(302)
  expect(result.response!.headers.get('Location')).toBe('/login/two-factor')
  expect(cookieFrom(result.response, '__session')).toBe('')
  const pending = cookieFrom(result.response, 'pending-sign-in')
  expect(pending).toMatch(/^pending-sign-in=.+/)
  return pending
}

function submitCode(cookie: string, code: string) {
  return settle(() =>
    twoFactorAction(
      routeArgs(formRequest('/login/two-factor', { intent: 'verify', code }, cookie)),
    ),
  )
}

function postAccount(cookie: string, fields: Record<string, string>) {
  return settle(() => accountAction(routeArgs(formRequest('/account/security', fields, cookie))))
}

function errorsOf(result: { data?: unknown }): string[] {
  return (result.data as { error?: Record<string, string[] | null> }).error?.[''] ?? []
}

describe('enrolment on /account/security', () => {
  it('starts with a sealed secret, confirms with a real code, and shows 10 hashed recovery codes once', async () => {
    const org = await createOrg()
    const { user } = await createMember(org.id, 'VENDOR')
    const cookie = await cookieFor(user.id)
    const started = await postAccount(cookie, { intent: 'start' })
    expect(started.status).toBe(302)
    const page = await settle(() =>
      accountLoader(routeArgs(getRequest('/account/security', cookie))),
    )
    const pending = (page.data as { pending: { secret: string; uri: string } }).pending
    expect(pending.uri).toMatch(/^otpauth:\/\/totp\/Integration%20Copilot:/)
    expect(pending.uri).toContain(`secret=${pending.secret}`)
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(stored.totpEnabledAt).toBeNull()
    expect(stored.totpSecret).not.toContain(pending.secret)
    expect(unsealTotp(stored.totpSecret)?.secret).toBe(pending.secret)

    // A wrong code, a hostile one, then the right one.
    const wrong = await postAccount(cookie, {
      intent: 'confirm',
      code: await wrongCode(pending.secret),
    })
    expect(wrong.status).toBe(400)
    const huge = await postAccount(cookie, { intent: 'confirm', code: '9'.repeat(1000) })
    expect(huge.status).toBe(400)
    expect(JSON.stringify(huge.data)).toMatch(/longer than any code/)
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).toBeNull()

    const confirmed = await postAccount(cookie, {
      intent: 'confirm',
      code: await currentCode(pending.secret),
    })
    expect(confirmed.status).toBe(200)
    const codes = (confirmed.data as { codes: string[] }).codes
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    expect(
      (await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt,
    ).not.toBeNull()
    const rows = await db.recoveryCode.findMany({ where: { userId: user.id } })
    expect(rows).toHaveLength(10)
    for (const row of rows)
      for (const code of codes) expect(row.codeHash).not.toContain(code.replace(/-/g, ''))
    const audit = await db.auditLog.findFirst({
      where: { action: '2fa.enabled', actorUserId: user.id },
    })
    expect(audit?.organizationId).toBe(org.id)
    expect(audit?.metadata).not.toContain(pending.secret)

    // The page never shows the codes again, nor the secret.
    const after = await settle(() =>
      accountLoader(routeArgs(getRequest('/account/security', cookie))),
    )
    expect(JSON.stringify(after.data)).not.toContain(pending.secret)
    expect(JSON.stringify(after.data)).not.toContain(codes[0]!)
    expect(after.data).toMatchObject({ remaining: 10, pending: null })
  })

  it('regenerates recovery codes with a current code, and turns 2FA off with a recovery code', async () => {
    const { user, secret } = await enrolledUser()
    const cookie = await cookieFor(user.id)
    const old = await issueRecoveryCodes(user.id)
    const refused = await postAccount(cookie, { intent: 'regenerate', code: old[0]! })
    expect(refused.status).toBe(400) // a recovery code is not a current code
    const regenerated = await postAccount(cookie, {
      intent: 'regenerate',
      code: await currentCode(secret),
    })
    expect(regenerated.status).toBe(200)
    const fresh = (regenerated.data as { codes: string[] }).codes
    expect(fresh).toHaveLength(10)
    expect(
      await db.auditLog.count({
        where: { action: '2fa.recovery_codes_regenerated', actorUserId: user.id },
      }),
    ).toBe(1)

    const withOld = await postAccount(cookie, { intent: 'disable', code: old[1]! })
    expect(withOld.status).toBe(400) // the old set stopped working
    const disabled = await postAccount(cookie, { intent: 'disable', code: fresh[3]! })
    expect(disabled.status).toBe(302)
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(stored.totpEnabledAt).toBeNull()
    expect(stored.totpSecret).toBeNull()
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0)
    const actions = (
      await db.auditLog.findMany({ where: { actorUserId: user.id }, select: { action: true } })
    ).map((row) => row.action)
    expect(actions).toEqual(expect.arrayContaining(['2fa.recovery_code_used', '2fa.disabled']))
  })

  it('refuses unknown intents and a start while 2FA is on', async () => {
    const { user } = await enrolledUser()
    const cookie = await cookieFor(user.id)
    const unknown = await postAccount(cookie, { intent: 'x'.repeat(500) })
    expect(unknown.status).toBe(400)
    const restart = await postAccount(cookie, { intent: 'start' })
    expect(restart.status).toBe(302)
    expect(
      (await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt,
    ).not.toBeNull()
    const anonymous = await settle(() => accountLoader(routeArgs(getRequest('/account/security'))))
    expect(anonymous.response?.headers.get('Location')).toMatch(/^\/login\?redirectTo=/)
  })
})

describe('sign-in with a second factor', () => {
  it('opens no session until the code is right, then opens it and audits the sign-in', async () => {
    const { user, email, secret } = await enrolledUser()
    const sessionsBefore = await db.session.count({ where: { userId: user.id } })
    const pending = await passwordStep(email, '/settings/members')
    expect(await db.session.count({ where: { userId: user.id } })).toBe(sessionsBefore)
    expect(
      await db.auditLog.count({ where: { action: 'auth.signed_in', actorUserId: user.id } }),
    ).toBe(0)
    const page = await settle(() =>
      twoFactorLoader(routeArgs(getRequest('/login/two-factor', pending))),
    )
    expect(page.status).toBe(200)

    const ok = await submitCode(pending, await currentCode(secret))
    expect(ok.status).toBe(302)
    expect(ok.response!.headers.get('Location')).toBe('/settings/members')
    expect(clears(ok.response, 'pending-sign-in')).toBe(true)
    const session = await getSession(getRequest('/', cookieFrom(ok.response, '__session')))
    expect(session?.userId).toBe(user.id)
    expect(session?.authMethod).toBe('password')
    expect(
      await db.auditLog.count({ where: { action: 'auth.signed_in', actorUserId: user.id } }),
    ).toBe(1)

    // The finished pending sign-in cannot be used again, even with a fresh code.
    const again = await submitCode(pending, await currentCode(secret))
    expect(again.status).toBe(302)
    expect(again.response!.headers.get('Location')).toBe('/login')
  })

  it('ends a pending sign-in when the password changes before the code is given', async () => {
    const { user, email, secret } = await enrolledUser()
    const pending = await passwordStep(email)
    await db.user.update({
      where: { id: user.id },
      data: { passwordChangedAt: new Date(Date.now() + 1000) },
    })
    const result = await submitCode(pending, await currentCode(secret))
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe('/login')
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
  })

  it('refuses a wrong code with the tries left, and audits it', async () => {
    const { user, email, secret } = await enrolledUser()
    const pending = await passwordStep(email)
    const wrong = await submitCode(pending, await wrongCode(secret))
    expect(wrong.status).toBe(400)
    expect(errorsOf(wrong)[0]).toMatch(/not right.*4 tries left/)
    expect(cookieFrom(wrong.response, '__session')).toBe('')
    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: 'auth.second_factor_failed', actorUserId: user.id },
    })
    expect(JSON.parse(audit.metadata)).toMatchObject({ reason: 'invalid', attemptsLeft: 4 })
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
  })

  it('refuses a replayed code', async () => {
    const { user, email, secret } = await enrolledUser()
    const code = await currentCode(secret)
    const first = await submitCode(await passwordStep(email), code)
    expect(first.status).toBe(302)
    expect(cookieFrom(first.response, '__session')).not.toBe('')
    const replay = await submitCode(await passwordStep(email), code)
    expect(replay.status).toBe(400)
    expect(errorsOf(replay)[0]).toMatch(/already used/)
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1)
  })

  it('accepts a recovery code once, and says how many are left', async () => {
    const { user, email } = await enrolledUser()
    const codes = await issueRecoveryCodes(user.id)
    const used = codes[4]!
    const ok = await submitCode(await passwordStep(email), ` ${used.toUpperCase()} `)
    expect(ok.status).toBe(302)
    expect(cookieFrom(ok.response, '__session')).not.toBe('')
    expect(cookieFrom(ok.response, 'toast')).not.toBe('')
    expect(
      await db.auditLog.count({
        where: { action: '2fa.recovery_code_used', actorUserId: user.id },
      }),
    ).toBe(1)
    const twice = await submitCode(await passwordStep(email), used)
    expect(twice.status).toBe(400)
    expect(errorsOf(twice)[0]).toMatch(/unused recovery code/)
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9)
  })

  it('drops the pending sign-in after 5 wrong codes', async () => {
    const { user, email, secret } = await enrolledUser()
    const pending = await passwordStep(email)
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await submitCode(pending, await wrongCode(secret))
      expect(wrong.status).toBe(400)
    }
    const fifth = await submitCode(pending, 'abcd-efgh-jkmn')
    expect(fifth.status).toBe(302)
    expect(fifth.response!.headers.get('Location')).toBe('/login')
    expect(clears(fifth.response, 'pending-sign-in')).toBe(true)
    // The same cookie, replayed with the right code, gets nothing.
    const late = await submitCode(pending, await currentCode(secret))
    expect(late.status).toBe(302)
    expect(late.response!.headers.get('Location')).toBe('/login')
    expect(cookieFrom(late.response, '__session')).toBe('')
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
    expect(
      await db.auditLog.count({
        where: { action: 'auth.second_factor_failed', actorUserId: user.id },
      }),
    ).toBe(5)
  })

  it('expires the pending sign-in after 5 minutes', async () => {
    const { user, email, secret } = await enrolledUser()
    const pending = await passwordStep(email)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000)
    const page = await settle(() =>
      twoFactorLoader(routeArgs(getRequest('/login/two-factor', pending))),
    )
    expect(page.status).toBe(302)
    expect(page.response!.headers.get('Location')).toBe('/login')
    const late = await submitCode(pending, await currentCode(secret))
    expect(late.status).toBe(302)
    expect(late.response!.headers.get('Location')).toBe('/login')
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0)
  })

  it('refuses a forged or missing pending cookie, and hostile codes', async () => {
    const { email, secret } = await enrolledUser()
    const pending = await passwordStep(email)
    const [name, value] = pending.split('=') as [string, string]
    const forged = await submitCode(`${name}=${value.slice(0, -4)}AAAA`, await currentCode(secret))
    expect(forged.response!.headers.get('Location')).toBe('/login')
    const missing = await submitCode('', await currentCode(secret))
    expect(missing.response!.headers.get('Location')).toBe('/login')
    const huge = await submitCode(pending, 'x'.repeat(1000))
    expect(huge.status).toBe(400)
    expect(JSON.stringify(huge.data)).toMatch(/longer than any code/)
    const blank = await submitCode(pending, '   ')
    expect(blank.status).toBe(400)
    // Neither counted as a wrong code: the right one still works.
    const ok = await submitCode(pending, await currentCode(secret))
    expect(ok.status).toBe(302)
    expect(cookieFrom(ok.response, '__session')).not.toBe('')
  })

  it('applies to every strategy: an SSO sign-in keeps its method and organisation after the code', async () => {
    const { user, org, secret } = await enrolledUser()
    const response = await completeSignIn(user, new Request(`${BASE_URL}/sso/callback`), {
      method: 'oidc',
      redirectTo: '/projects',
      ssoOrganizationId: org.id,
    })
    expect(response.headers.get('Location')).toBe('/login/two-factor')
    const pending = cookieFrom(response, 'pending-sign-in')
    const ok = await submitCode(pending, await currentCode(secret))
    const session = await getSession(getRequest('/', cookieFrom(ok.response, '__session')))
    expect(session).toMatchObject({
      userId: user.id,
      authMethod: 'oidc',
      ssoOrganizationId: org.id,
    })
  })

  it('leaves users without 2FA unchanged: the password opens the session', async () => {
    const email = uniqueEmail('plain')
    await createUser({ email, passwordHash: await hashPassword(PASSWORD) })
    const result = await settle(() =>
      loginAction(routeArgs(formRequest('/login', { email, password: PASSWORD }))),
    )
    expect(result.response!.headers.get('Location')).toBe('/projects')
    expect(cookieFrom(result.response, '__session')).not.toBe('')
    expect(cookieFrom(result.response, 'pending-sign-in')).toBe('')
  })
})
