/**
 * Changing (or first setting) one's own password on /account/security: the current password
 * is checked (and counted in the sign-in throttle), the new one meets the strictest minimum of
 * the person's organisations and the common-password rule, other sessions end, the current
 * one stays, and the audit entry never carries a password.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { action, loader } from '~/routes/account.security'
import { AuthError, verifyLogin } from '~/server/auth.server'
import { db } from '~/server/db.server'
import { resetLoginThrottle } from '~/server/login-limit.server'
import { hashPassword } from '~/server/passwords.server'
import { createSession, getSession } from '~/server/session.server'
import { readToast } from '~/server/toast.server'
import {
  BASE_URL,
  cookieFor,
  createOrg,
  createUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
  uniqueEmail,
} from '../helpers'

const OLD = 'an-old-but-unusual-passphrase'
const NEW = 'a-brand-new-unusual-passphrase'
const PATH = '/account/security'

afterEach(() => {
  resetLoginThrottle()
})

async function member(options: { password?: string | null; minLength?: number } = {}) {
  const org = await createOrg('Password Co')
  if (options.minLength)
    await db.organization.update({
      where: { id: org.id },
      data: { passwordMinLength: options.minLength },
    })
  const email = uniqueEmail('pw')
  const password = options.password === undefined ? OLD : options.password
  const user = await createUser({
    email,
    passwordHash: password === null ? null : await hashPassword(password),
  })
  await db.membership.create({ data: { userId: user.id, organizationId: org.id, role: 'OWNER' } })
  return { user, org, email, cookie: await cookieFor(user.id) }
}

function post(cookie: string | undefined, fields: Record<string, string>) {
  return settle(() =>
    action(routeArgs(formRequest(PATH, { intent: 'password', ...fields }, cookie))),
  )
}

function fieldErrors(result: { data?: unknown }): Record<string, string[] | null> {
  return (result.data as { result: { error?: Record<string, string[] | null> } }).result.error ?? {}
}

async function storedHash(userId: string) {
  return (await db.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash
}

async function signsIn(email: string, password: string) {
  try {
    await verifyLogin(email, password)
    return true
  } catch (error) {
    if (error instanceof AuthError) return false
    throw error
  }
}

describe('changing the password on /account/security', () => {
  it('changes it, ends the other sessions, keeps this one, and audits without the password', async () => {
    const { user, email, cookie } = await member()
    const other1 = await createSession(user.id, new Request(BASE_URL))
    const other2 = await createSession(user.id, new Request(BASE_URL), { authMethod: 'github' })
    const alreadyRevoked = await createSession(user.id, new Request(BASE_URL))
    await db.session.update({
      where: { id: alreadyRevoked.session.id },
      data: { revokedAt: new Date(Date.now() - 60_000) },
    })
    const stranger = await member()

    const page = await settle(() => loader(routeArgs(getRequest(PATH, cookie))))
    expect(page.data).toMatchObject({ password: { hasPassword: true, changedAt: null } })
    expect(JSON.stringify(page.data)).not.toContain(user.passwordHash!)

    const result = await post(cookie, {
      currentPassword: OLD,
      newPassword: NEW,
      confirmPassword: NEW,
    })
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe(PATH)
    const toastCookie = result.response!.headers.getSetCookie()[0]!.split(';')[0]!
    const { toast } = await readToast(new Request(BASE_URL, { headers: { Cookie: toastCookie } }))
    expect(toast).toEqual({
      type: 'success',
      message: 'Password changed. Other sessions were signed out.',
    })

    expect(await signsIn(email, NEW)).toBe(true)
    expect(await signsIn(email, OLD)).toBe(false)
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } })
    expect(stored.passwordChangedAt).not.toBeNull()
    expect(stored.passwordHash).not.toContain(NEW)

    // This browser stays signed in; the others are out.
    expect(await getSession(getRequest(PATH, cookie))).not.toBeNull()
    for (const other of [other1, other2])
      expect(await getSession(getRequest(PATH, other.setCookie.split(';')[0]!))).toBeNull()
    const revoked = await db.session.findUniqueOrThrow({ where: { id: alreadyRevoked.session.id } })
    expect(revoked.revokedAt!.getTime()).toBeLessThan(stored.passwordChangedAt!.getTime())
    // Nobody else's session is touched.
    expect(await getSession(getRequest(PATH, stranger.cookie))).not.toBeNull()

    const entries = await db.auditLog.findMany({
      where: { action: 'auth.password_changed', actorUserId: user.id },
    })
    expect(entries).toHaveLength(1)
    expect(JSON.parse(entries[0]!.metadata)).toEqual({ otherSessionsRevoked: 2 })
    for (const secret of [OLD, NEW]) expect(JSON.stringify(entries[0])).not.toContain(secret)

    const after = await settle(() => loader(routeArgs(getRequest(PATH, cookie))))
    expect((after.data as { password: { changedAt: string | null } }).password.changedAt).toBe(
      stored.passwordChangedAt!.toISOString(),
    )
  })

  it('refuses a wrong current password as a field error, and counts it in the sign-in throttle', async () => {
    const { user, email, cookie } = await member()
    const other = await createSession(user.id, new Request(BASE_URL))
    const before = await storedHash(user.id)
    const wrong = await post(cookie, {
      currentPassword: 'not-the-right-passphrase',
      newPassword: NEW,
      confirmPassword: NEW,
    })
    expect(wrong.status).toBe(400)
    expect(fieldErrors(wrong).currentPassword).toEqual(['That is not your current password.'])
    expect(JSON.stringify(wrong.data)).not.toContain('not-the-right-passphrase')
    expect(JSON.stringify(wrong.data)).not.toContain(NEW)
    expect(await storedHash(user.id)).toBe(before)
    expect(await getSession(getRequest(PATH, other.setCookie.split(';')[0]!))).not.toBeNull()
    expect(
      await db.auditLog.count({ where: { action: 'auth.password_changed', actorUserId: user.id } }),
    ).toBe(0)

    // LOGIN_RATE_LIMIT (10 in tests) failures for this email and address, then refused outright.
    for (let attempt = 2; attempt <= 10; attempt++)
      expect(
        (
          await post(cookie, {
            currentPassword: `wrong-guess-number-${attempt}`,
            newPassword: NEW,
            confirmPassword: NEW,
          })
        ).status,
      ).toBe(400)
    const throttled = await post(cookie, {
      currentPassword: OLD,
      newPassword: NEW,
      confirmPassword: NEW,
    })
    expect(throttled.status).toBe(429)
    expect(fieldErrors(throttled)['']?.[0]).toMatch(/Too many failed/)
    expect(await storedHash(user.id)).toBe(before)
    expect(await signsIn(email, OLD)).toBe(true)
  })

  it("applies the strictest minimum of the person's organisations", async () => {
    const { user, cookie } = await member({ minLength: 16 })
    const short = await post(cookie, {
      currentPassword: OLD,
      newPassword: 'twelve-chars',
      confirmPassword: 'twelve-chars',
    })
    expect(short.status).toBe(400)
    expect(fieldErrors(short).newPassword?.[0]).toMatch(/at least 16/)
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      passwordChangedAt: null,
    })
    const ok = await post(cookie, {
      currentPassword: OLD,
      newPassword: 'sixteen-chars-ok',
      confirmPassword: 'sixteen-chars-ok',
    })
    expect(ok.status).toBe(302)
  })

  it('refuses a common password, a mismatched confirmation and the current password again', async () => {
    const { user, cookie } = await member()
    const before = await storedHash(user.id)
    const common = await post(cookie, {
      currentPassword: OLD,
      newPassword: 'Password1234',
      confirmPassword: 'Password1234',
    })
    expect(common.status).toBe(400)
    expect(fieldErrors(common).newPassword?.[0]).toMatch(/most guessed/)

    const mismatch = await post(cookie, {
      currentPassword: OLD,
      newPassword: NEW,
      confirmPassword: `${NEW}x`,
    })
    expect(mismatch.status).toBe(400)
    expect(fieldErrors(mismatch).confirmPassword).toEqual(['This does not match the new password.'])

    const same = await post(cookie, {
      currentPassword: OLD,
      newPassword: OLD,
      confirmPassword: OLD,
    })
    expect(same.status).toBe(400)
    expect(fieldErrors(same).newPassword?.[0]).toMatch(/your current one/)
    expect(await storedHash(user.id)).toBe(before)
  })

  it('refuses a 10,000-character input and missing fields without echoing anything back', async () => {
    const { user, cookie } = await member()
    const before = await storedHash(user.id)
    const huge = 'x'.repeat(10_000)
    const long = await post(cookie, {
      currentPassword: 'y'.repeat(10_000),
      newPassword: huge,
      confirmPassword: huge,
    })
    expect(long.status).toBe(400)
    const errors = fieldErrors(long)
    for (const field of ['currentPassword', 'newPassword', 'confirmPassword'])
      expect(errors[field], field).toEqual(['Use at most 200 characters.'])
    expect(JSON.stringify(long.data)).not.toContain('xxxxxxxxxx')
    expect(JSON.stringify(long.data)).not.toContain('yyyyyyyyyy')

    const missing = await post(cookie, {})
    expect(missing.status).toBe(400)
    expect(fieldErrors(missing)).toMatchObject({
      currentPassword: ['Enter your current password.'],
      newPassword: ['Choose a new password.'],
      confirmPassword: ['Enter the new password again.'],
    })
    const blank = await post(cookie, {
      currentPassword: '',
      newPassword: NEW,
      confirmPassword: NEW,
    })
    expect(blank.status).toBe(400)
    expect(fieldErrors(blank).currentPassword).toEqual(['Enter your current password.'])
    expect(await storedHash(user.id)).toBe(before)
  })

  it('lets a person who signed up through GitHub, Google or SSO set a first password', async () => {
    const { user, email, cookie } = await member({ password: null })
    const other = await createSession(user.id, new Request(BASE_URL), { authMethod: 'oidc' })
    const page = await settle(() => loader(routeArgs(getRequest(PATH, cookie))))
    expect(page.data).toMatchObject({ password: { hasPassword: false, minLength: 10 } })
    expect(await signsIn(email, NEW)).toBe(false)

    const result = await post(cookie, { newPassword: NEW, confirmPassword: NEW })
    expect(result.status).toBe(302)
    expect(await signsIn(email, NEW)).toBe(true)
    expect(await getSession(getRequest(PATH, cookie))).not.toBeNull()
    expect(await getSession(getRequest(PATH, other.setCookie.split(';')[0]!))).toBeNull()
    const entry = await db.auditLog.findFirstOrThrow({
      where: { action: 'auth.password_changed', actorUserId: user.id },
    })
    expect(JSON.parse(entry.metadata)).toEqual({ otherSessionsRevoked: 1 })

    // From now on the current password is asked for.
    const again = await post(cookie, { newPassword: `${NEW}-2`, confirmPassword: `${NEW}-2` })
    expect(again.status).toBe(400)
    expect(fieldErrors(again).currentPassword).toEqual(['Enter your current password.'])
  })

  it('sends an anonymous visitor to /login', async () => {
    const expected = `/login?redirectTo=${encodeURIComponent(PATH)}`
    const page = await settle(() => loader(routeArgs(getRequest(PATH))))
    expect(page.status).toBe(302)
    expect(page.response!.headers.get('Location')).toBe(expected)
    const posted = await post(undefined, { newPassword: NEW, confirmPassword: NEW })
    expect(posted.status).toBe(302)
    expect(posted.response!.headers.get('Location')).toBe(expected)
  })
})
