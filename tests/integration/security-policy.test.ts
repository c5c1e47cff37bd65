/**
 * The organisation security policy: the settings form (owners only, hostile input,
 * audited before/after), and its enforcement in requireOrgAccess / requireProjectAccess:
 * session lifetime, idle timeout, required 2FA, required SSO (owners exempt), and the
 * password rules at sign-up and invitation sign-up.
 */
import { generateTOTP } from '@epic-web/totp'
import { beforeEach, describe, expect, it } from 'vitest'
import { loader as accountLoader } from '~/routes/account.security'
import { action as logoutAction } from '~/routes/logout'
import { loader as overviewLoader } from '~/routes/projects.$projectId.overview'
import { loader as projectsLoader } from '~/routes/projects._index'
import { action as securityAction, loader as securityLoader } from '~/routes/settings.security'
import { action as signupAction } from '~/routes/signup'
import { db } from '~/server/db.server'
import { inviteMember } from '~/server/orgs/members.server'
import { passwordProblem } from '~/server/passwords.server'
import { passwordMinLengthForUser } from '~/server/security/password-policy.server'
import { sealTotp } from '~/server/security/totp.server'
import { createSession } from '~/server/session.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  routeArgs,
  settle,
  uniqueEmail,
} from '../helpers'

let org: Awaited<ReturnType<typeof createOrg>>
let owner: Awaited<ReturnType<typeof createMember>>
let ownerCookie: string

beforeEach(async () => {
  org = await createOrg('Policy Co')
  owner = await createMember(org.id, 'OWNER')
  ownerCookie = await cookieFor(owner.user.id)
})

const VALID = {
  sessionTtlHours: '12',
  idleTimeoutMinutes: '30',
  passwordMinLength: '14',
}

function postPolicy(fields: Record<string, string>, cookie = ownerCookie) {
  return settle(() => securityAction(routeArgs(formRequest('/settings/security', fields, cookie))))
}

function fieldErrors(result: { data?: unknown }) {
  return (result.data as { error: Record<string, string[] | null> }).error
}

async function enableTotp(userId: string) {
  const { secret, period, digits, algorithm } = await generateTOTP()
  await db.user.update({
    where: { id: userId },
    data: {
      totpSecret: sealTotp({ secret, period, digits, algorithm, lastStep: null }),
      totpEnabledAt: new Date(),
    },
  })
}

/** A session of the user opened `how`, with its id and cookie. */
async function sessionOf(
  userId: string,
  how: { authMethod?: string; ssoOrganizationId?: string | null } = {},
) {
  const { session, setCookie } = await createSession(userId, new Request(BASE_URL), how)
  return { id: session.id, cookie: setCookie.split(';')[0]! }
}

const openProjects = (cookie: string) =>
  settle(() => projectsLoader(routeArgs(getRequest('/projects', cookie))))

describe('the settings form', () => {
  it('is for owners only', async () => {
    const admin = await createMember(org.id, 'ADMIN')
    const cookie = await cookieFor(admin.user.id)
    expect(
      (await settle(() => securityLoader(routeArgs(getRequest('/settings/security', cookie)))))
        .status,
    ).toBe(403)
    expect((await postPolicy(VALID, cookie)).status).toBe(403)
  })

  it('shows the policy and how many members lack 2FA', async () => {
    await createMember(org.id, 'VIEWER')
    const withTotp = await createMember(org.id, 'VENDOR')
    await enableTotp(withTotp.user.id)
    const page = await settle(() =>
      securityLoader(routeArgs(getRequest('/settings/security', ownerCookie))),
    )
    expect(page.data).toMatchObject({
      memberCount: 3,
      without2faCount: 2,
      policy: { sessionTtlHours: 720, idleTimeoutMinutes: 0, passwordMinLength: 10 },
    })
  })

  it('saves a valid policy and audits before and after', async () => {
    const saved = await postPolicy(VALID)
    expect(saved.status).toBe(302)
    const row = await db.organization.findUniqueOrThrow({ where: { id: org.id } })
    expect(row).toMatchObject({
      sessionTtlHours: 12,
      idleTimeoutMinutes: 30,
      passwordMinLength: 14,
      require2fa: false,
    })
    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: 'security_policy.updated', organizationId: org.id },
    })
    expect(JSON.parse(audit.metadata)).toMatchObject({
      before: { sessionTtlHours: 720, idleTimeoutMinutes: 0, passwordMinLength: 10 },
      after: { sessionTtlHours: 12, idleTimeoutMinutes: 30, passwordMinLength: 14 },
    })
    // Saving the same values changes and audits nothing.
    await postPolicy(VALID)
    expect(
      await db.auditLog.count({
        where: { action: 'security_policy.updated', organizationId: org.id },
      }),
    ).toBe(1)
  })

  it('refuses hostile input with messages that say what to enter, changing nothing', async () => {
    const cases: [Record<string, string>, keyof typeof VALID, RegExp][] = [
      [{ ...VALID, sessionTtlHours: 'twelve' }, 'sessionTtlHours', /whole number of hours/],
      [{ ...VALID, sessionTtlHours: '-5' }, 'sessionTtlHours', /from 1 to 720/],
      [{ ...VALID, sessionTtlHours: '0' }, 'sessionTtlHours', /from 1 to 720/],
      [{ ...VALID, sessionTtlHours: '1000000000' }, 'sessionTtlHours', /from 1 to 720/],
      [{ ...VALID, sessionTtlHours: '1.5' }, 'sessionTtlHours', /whole number/],
      [{ ...VALID, sessionTtlHours: '9'.repeat(1000) }, 'sessionTtlHours', /from 1 to 720/],
      [{ ...VALID, idleTimeoutMinutes: '3' }, 'idleTimeoutMinutes', /0 to turn the idle/],
      [{ ...VALID, idleTimeoutMinutes: '-1' }, 'idleTimeoutMinutes', /0 to turn the idle/],
      [{ ...VALID, idleTimeoutMinutes: '1441' }, 'idleTimeoutMinutes', /5 to 1440/],
      [{ ...VALID, idleTimeoutMinutes: 'abc' }, 'idleTimeoutMinutes', /minutes/],
      [{ ...VALID, passwordMinLength: '9' }, 'passwordMinLength', /from 10 to 128/],
      [{ ...VALID, passwordMinLength: '129' }, 'passwordMinLength', /from 10 to 128/],
      [{ ...VALID, passwordMinLength: '' }, 'passwordMinLength', /from 10 to 128/],
      [{ sessionTtlHours: '12', idleTimeoutMinutes: '30' }, 'passwordMinLength', /10 to 128/],
    ]
    for (const [fields, field, message] of cases) {
      const result = await postPolicy(fields)
      expect(result.status, JSON.stringify(fields).slice(0, 80)).toBe(400)
      expect(fieldErrors(result)[field]?.[0]).toMatch(message)
    }
    const row = await db.organization.findUniqueOrThrow({ where: { id: org.id } })
    expect(row).toMatchObject({
      sessionTtlHours: 720,
      idleTimeoutMinutes: 0,
      passwordMinLength: 10,
    })
    expect(
      await db.auditLog.count({
        where: { action: 'security_policy.updated', organizationId: org.id },
      }),
    ).toBe(0)
  })

  it('will not require 2FA until the owner has it', async () => {
    const refused = await postPolicy({ ...VALID, require2fa: 'on' })
    expect(refused.status).toBe(400)
    expect(fieldErrors(refused)['']?.[0]).toMatch(/your own account first/)
    expect((await db.organization.findUniqueOrThrow({ where: { id: org.id } })).require2fa).toBe(
      false,
    )
    await enableTotp(owner.user.id)
    const saved = await postPolicy({ ...VALID, require2fa: 'on' })
    expect(saved.status).toBe(302)
    expect((await db.organization.findUniqueOrThrow({ where: { id: org.id } })).require2fa).toBe(
      true,
    )
  })
})

describe('enforcement', () => {
  it('sends a member without 2FA to enrol where it is required; the enrolment page and sign-out stay open', async () => {
    await db.organization.update({ where: { id: org.id }, data: { require2fa: true } })
    const member = await createMember(org.id, 'VENDOR')
    const project = await createProject(org.id)
    const cookie = await cookieFor(member.user.id)
    const list = await openProjects(cookie)
    expect(list.status).toBe(302)
    expect(list.response!.headers.get('Location')).toBe('/account/security?required=1')
    const overview = await settle(() =>
      overviewLoader(
        routeArgs(getRequest(`/projects/${project.id}/overview`, cookie), {
          projectId: project.id,
        }),
      ),
    )
    expect(overview.response?.headers.get('Location')).toBe('/account/security?required=1')
    const enrol = await settle(() =>
      accountLoader(routeArgs(getRequest('/account/security?required=1', cookie))),
    )
    expect(enrol.status).toBe(200)
    expect(enrol.data).toMatchObject({ required: true, requiring: ['Policy Co'] })
    const out = await settle(() => logoutAction(routeArgs(formRequest('/logout', {}, cookie))))
    expect(out.response!.headers.get('Location')).toBe('/login')

    // With a second factor, the same member gets in.
    await enableTotp(member.user.id)
    expect((await openProjects(await cookieFor(member.user.id))).status).toBe(200)
  })

  it('ends a session older than the lifetime, with a message, for that organisation only', async () => {
    await db.organization.update({ where: { id: org.id }, data: { sessionTtlHours: 2 } })
    const { id, cookie } = await sessionOf(owner.user.id)
    await db.session.update({
      where: { id },
      data: { createdAt: new Date(Date.now() - 90 * 60 * 1000) },
    })
    expect((await openProjects(cookie)).status).toBe(200)
    await db.session.update({
      where: { id },
      data: { createdAt: new Date(Date.now() - 3 * 60 * 60 * 1000) },
    })
    const result = await openProjects(cookie)
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe('/login?redirectTo=%2Fprojects')
    const setCookies = result.response!.headers.getSetCookie().join('\n')
    expect(setCookies).toMatch(/__session=;/)
    expect(setCookies).toMatch(/toast=/)
    expect((await db.session.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull()
    // The revoked session is gone for good.
    expect((await openProjects(cookie)).response?.headers.get('Location')).toMatch(/^\/login/)

    // The same session age is fine in an organisation with the default lifetime.
    const other = await createOrg('Relaxed Co')
    const member = await createMember(other.id, 'VENDOR')
    const second = await sessionOf(member.user.id)
    await db.session.update({
      where: { id: second.id },
      data: { createdAt: new Date(Date.now() - 3 * 60 * 60 * 1000) },
    })
    expect((await openProjects(second.cookie)).status).toBe(200)
  })

  it('ends a session idle longer than the timeout and records activity at most once a minute', async () => {
    await db.organization.update({ where: { id: org.id }, data: { idleTimeoutMinutes: 15 } })
    const { id, cookie } = await sessionOf(owner.user.id)

    const recent = new Date(Date.now() - 30 * 1000)
    await db.session.update({ where: { id }, data: { lastSeenAt: recent } })
    expect((await openProjects(cookie)).status).toBe(200)
    expect((await db.session.findUniqueOrThrow({ where: { id } })).lastSeenAt).toEqual(recent)

    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000)
    await db.session.update({ where: { id }, data: { lastSeenAt: tenMinutesAgo } })
    expect((await openProjects(cookie)).status).toBe(200)
    const touched = (await db.session.findUniqueOrThrow({ where: { id } })).lastSeenAt
    expect(touched.getTime()).toBeGreaterThan(Date.now() - 5000)

    await db.session.update({
      where: { id },
      data: { lastSeenAt: new Date(Date.now() - 20 * 60 * 1000) },
    })
    const idle = await openProjects(cookie)
    expect(idle.status).toBe(302)
    expect(idle.response!.headers.get('Location')).toMatch(/^\/login\?redirectTo=/)
    expect((await db.session.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull()
  })

  it("sends a member's password session to the organisation's SSO, but not an owner's", async () => {
    await db.organization.update({ where: { id: org.id }, data: { requireSso: true } })
    await db.ssoConnection.create({
      data: { organizationId: org.id, protocol: 'oidc', enabled: true },
    })
    const member = await createMember(org.id, 'VENDOR')
    const password = await sessionOf(member.user.id, { authMethod: 'password' })
    const redirected = await openProjects(password.cookie)
    expect(redirected.status).toBe(302)
    expect(redirected.response!.headers.get('Location')).toBe(`/sso?org=${org.slug}`)

    // An SSO session of another organisation does not count either.
    const elsewhere = await createOrg('Elsewhere')
    const foreign = await sessionOf(member.user.id, {
      authMethod: 'oidc',
      ssoOrganizationId: elsewhere.id,
    })
    expect((await openProjects(foreign.cookie)).response?.headers.get('Location')).toBe(
      `/sso?org=${org.slug}`,
    )
    const sso = await sessionOf(member.user.id, { authMethod: 'saml', ssoOrganizationId: org.id })
    expect((await openProjects(sso.cookie)).status).toBe(200)

    // Owners keep password access (break-glass).
    const ownerPassword = await sessionOf(owner.user.id, { authMethod: 'password' })
    expect((await openProjects(ownerPassword.cookie)).status).toBe(200)

    // With the connection disabled nobody could sign in through it: the requirement waits.
    await db.ssoConnection.update({ where: { organizationId: org.id }, data: { enabled: false } })
    expect((await openProjects(password.cookie)).status).toBe(200)
  })
})

describe('password rules', () => {
  it('refuses short and very common passwords at sign-up', async () => {
    for (const [password, message] of [
      ['password123', /most guessed/],
      ['Qwertyuiop', /most guessed/],
      ['aaaaaaaaaaaaaaa', /most guessed/],
      ['shorty', /at least 10/],
    ] as const) {
      const result = await settle(() =>
        signupAction(
          routeArgs(
            formRequest('/signup', { name: 'Sam', email: uniqueEmail('common'), password }),
          ),
        ),
      )
      expect(result.status, password).toBe(400)
      expect(fieldErrors(result).password?.[0]).toMatch(message)
    }
    expect(passwordProblem('a-perfectly-fine-passphrase', 10)).toBeNull()
  })

  it("applies the inviting organisation's minimum at invitation sign-up, and the strictest at a change", async () => {
    await db.organization.update({ where: { id: org.id }, data: { passwordMinLength: 16 } })
    const email = uniqueEmail('invited')
    const { link } = await inviteMember({
      organizationId: org.id,
      organizationName: org.name,
      email,
      role: 'VENDOR',
      invitedById: owner.user.id,
      actorRole: 'OWNER',
      baseUrl: BASE_URL,
    })
    const redirectTo = new URL(link).pathname
    const short = await settle(() =>
      signupAction(
        routeArgs(
          formRequest('/signup', { name: 'Ivy', email, password: 'twelve-chars', redirectTo }),
        ),
      ),
    )
    expect(short.status).toBe(400)
    expect(fieldErrors(short).password?.[0]).toMatch(/at least 16/)
    const ok = await settle(() =>
      signupAction(
        routeArgs(
          formRequest('/signup', {
            name: 'Ivy',
            email,
            password: 'sixteen-chars-ok',
            redirectTo,
          }),
        ),
      ),
    )
    expect(ok.status).toBe(302)
    // Without an invitation the default (10) applies.
    const plain = await settle(() =>
      signupAction(
        routeArgs(
          formRequest('/signup', { name: 'Pat', email: uniqueEmail(), password: 'twelve-chars' }),
        ),
      ),
    )
    expect(plain.status).toBe(302)
    expect(await passwordMinLengthForUser(owner.user.id)).toBe(16)
  })
})
