/**
 * Self-registration: the public page /join/<projectId> (404 unless the vendor turned it on),
 * its honeypot, rate limit and validation, duplicates answered kindly, and the admin's
 * approve (partner project + invitation) / deny (a note to the requester), once only.
 */
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as joinPage from '~/routes/join.$projectId'
import * as partnersHome from '~/routes/projects.$projectId.partners._index'
import { db } from '~/server/db.server'
import { CLIENT_ADDRESS_HEADER } from '~/server/http.server'
import { acceptInvite } from '~/server/orgs/members.server'
import {
  approveAccessRequest,
  JOIN_RATE_LIMIT,
  resetJoinLimit,
} from '~/server/partners/access-requests.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createProject,
  createUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
  uniqueEmail,
} from '../helpers'

const current = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }))

vi.mock('@remix-run/react', async (original) =>
  (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
)

let orgId: string
let projectId: string
let owner: Awaited<ReturnType<typeof createMember>>
let admin: Awaited<ReturnType<typeof createMember>>
let vendor: Awaited<ReturnType<typeof createMember>>
let adminCookie: string
let ipCounter = 0

beforeEach(async () => {
  resetJoinLimit()
  orgId = (await createOrg('Acme')).id
  projectId = (await createProject(orgId, 'Payments API')).id
  await db.project.update({ where: { id: projectId }, data: { selfRegistration: true } })
  owner = await createMember(orgId, 'OWNER')
  admin = await createMember(orgId, 'ADMIN')
  vendor = await createMember(orgId, 'VENDOR')
  adminCookie = await cookieFor(admin.user.id)
})

function nextIp() {
  ipCounter += 1
  return `203.0.113.${ipCounter % 250}`
}

function joinRequest(id: string, fields: Record<string, string>, ip = nextIp()) {
  return new Request(`${BASE_URL}/join/${id}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      [CLIENT_ADDRESS_HEADER]: ip,
    },
    body: new URLSearchParams(fields).toString(),
  })
}

const valid = (overrides: Record<string, string> = {}) => ({
  companyName: 'Globex',
  contactName: 'Hank Scorpio',
  email: uniqueEmail('hank'),
  message: 'We would like to integrate.',
  website: '',
  ...overrides,
})

async function submit(fields: Record<string, string>, ip?: string, id = projectId) {
  return settle(() => joinPage.action(routeArgs(joinRequest(id, fields, ip), { projectId: id })))
}

async function decide(intent: string, requestId: string, cookie = adminCookie) {
  return settle(() =>
    partnersHome.action(
      routeArgs(formRequest(`/projects/${projectId}/partners`, { intent, requestId }, cookie), {
        projectId,
      }),
    ),
  )
}

function fieldErrors(result: { data?: unknown }) {
  return (result.data as { result: { error: Record<string, string[]> } }).result.error
}

describe('the public join page', () => {
  it('answers 404 while self-registration is off, the project is archived or unknown', async () => {
    const loaderStatus = async (id: string) =>
      (await settle(() => joinPage.loader(routeArgs(getRequest(`/join/${id}`), { projectId: id }))))
        .status
    expect(await loaderStatus(projectId)).toBe(200)
    await db.project.update({ where: { id: projectId }, data: { selfRegistration: false } })
    expect(await loaderStatus(projectId)).toBe(404)
    expect((await submit(valid())).status).toBe(404)
    await db.project.update({
      where: { id: projectId },
      data: { selfRegistration: true, archivedAt: new Date() },
    })
    expect(await loaderStatus(projectId)).toBe(404)
    expect(await loaderStatus('no-such-project')).toBe(404)
    expect(await loaderStatus('x'.repeat(5000))).toBe(404)
    expect(await db.accessRequest.count({ where: { projectId } })).toBe(0)

    current.data = { project: null, sent: null }
    current.action = undefined
    const html = renderToString(createElement(joinPage.default))
    expect(html).toContain('This page is not available')
  })

  it('records a request, tells the owners and admins, and shows a confirmation', async () => {
    const email = uniqueEmail('Hank').toUpperCase()
    const sent = await submit(valid({ email }))
    expect(sent.status).toBe(302)
    expect(sent.response!.headers.get('Location')).toBe(`/join/${projectId}?sent=1`)
    const row = await db.accessRequest.findFirstOrThrow({ where: { projectId } })
    expect(row).toMatchObject({
      companyName: 'Globex',
      contactName: 'Hank Scorpio',
      email: email.toLowerCase(),
      status: 'pending',
    })
    const notified = await db.outboxEmail.findMany({
      where: { subject: 'Globex asks to join Payments API as a partner' },
    })
    expect(notified.map((mail) => mail.to).sort()).toEqual(
      [owner.user.email, admin.user.email].sort(),
    )
    expect(notified[0]!.text).toContain(`/projects/${projectId}/partners`)

    const confirmation = await settle(() =>
      joinPage.loader(routeArgs(getRequest(`/join/${projectId}?sent=1`), { projectId })),
    )
    expect(confirmation.data).toMatchObject({ sent: 'new' })
    current.data = confirmation.data
    expect(renderToString(createElement(joinPage.default))).toContain('Thank you.')
  })

  it('answers a duplicate pending request kindly, without a second row or email', async () => {
    const email = uniqueEmail('dup')
    expect((await submit(valid({ email }))).status).toBe(302)
    const mails = await db.outboxEmail.count()
    const again = await submit(valid({ email: email.toUpperCase(), companyName: 'Globex 2' }))
    expect(again.status).toBe(302)
    expect(again.response!.headers.get('Location')).toBe(`/join/${projectId}?sent=again`)
    expect(await db.accessRequest.count({ where: { projectId } })).toBe(1)
    expect(await db.outboxEmail.count()).toBe(mails)
    const page = await settle(() =>
      joinPage.loader(routeArgs(getRequest(`/join/${projectId}?sent=again`), { projectId })),
    )
    current.data = page.data
    expect(renderToString(createElement(joinPage.default))).toContain(
      'We already have a request from this address',
    )
  })

  it('refuses a filled honeypot', async () => {
    const bot = await submit(valid({ website: 'http://spam.example' }))
    expect(bot.status).toBe(400)
    expect(await db.accessRequest.count({ where: { projectId } })).toBe(0)
  })

  it('limits requests per client address', async () => {
    const ip = '198.51.100.7'
    for (let index = 0; index < JOIN_RATE_LIMIT; index++)
      expect((await submit(valid(), ip)).status).toBe(302)
    const limited = await submit(valid(), ip)
    expect(limited.status).toBe(429)
    expect(fieldErrors(limited)['']?.[0]).toMatch(/Too many requests from your network/)
    expect(await db.accessRequest.count({ where: { projectId } })).toBe(JOIN_RATE_LIMIT)
    // Another address is not affected.
    expect((await submit(valid(), '198.51.100.8')).status).toBe(302)
  })

  it('validates malformed, oversized and hostile input with clear messages', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ email: 'not-an-email' }, 'email', /valid email/],
      [{ email: `${'a'.repeat(250)}@example.test` }, 'email', /./],
      [{ companyName: '' }, 'companyName', /company name/],
      [{ companyName: 'x'.repeat(101) }, 'companyName', /under 100 characters/],
      [{ companyName: 'Globex\r\nBcc: victim@example.test' }, 'companyName', /one line/],
      [{ contactName: '' }, 'contactName', /your name/],
      [{ contactName: 'y'.repeat(101) }, 'contactName', /under 100 characters/],
      [{ message: 'z'.repeat(1001) }, 'message', /under 1000 characters/],
      [{ message: 'bell \u0007' }, 'message', /control characters/],
    ]
    for (const [overrides, field, message] of cases) {
      const result = await submit(valid(overrides))
      expect(result.status, JSON.stringify(overrides).slice(0, 60)).toBe(400)
      expect(fieldErrors(result)[field]?.[0]).toMatch(message)
    }
    // A body far over the form's size is refused before it is read in full.
    const huge = await submit(valid({ message: 'm'.repeat(100_000) }))
    expect(huge.status).toBe(413)
    expect(fieldErrors(huge)['']?.[0]).toMatch(/too large/)
    expect(await db.accessRequest.count({ where: { projectId } })).toBe(0)

    // HTML is kept as written, and shown as text on the vendor's page.
    const hostile = '<img src=x onerror=alert(1)> Corp'
    expect(
      (await submit(valid({ companyName: hostile, message: '<script>alert(2)</script>' }))).status,
    ).toBe(302)
    const result = await settle(() =>
      partnersHome.loader(
        routeArgs(getRequest(`/projects/${projectId}/partners`, adminCookie), { projectId }),
      ),
    )
    current.data = result.data
    current.action = undefined
    const html = renderToString(createElement(partnersHome.default))
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Corp')
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>alert(2)')
  })
})

describe('deciding a request', () => {
  async function pendingRequest(overrides: Record<string, string> = {}) {
    const fields = valid(overrides)
    expect((await submit(fields)).status).toBe(302)
    return db.accessRequest.findFirstOrThrow({
      where: { projectId, email: fields.email.toLowerCase() },
    })
  }

  it('approval creates the partner project under a free short name and invites the requester', async () => {
    await db.partnerProject.create({ data: { projectId, name: 'Globex (old)', slug: 'globex' } })
    const request = await pendingRequest()
    const approved = await decide('approve', request.id)
    expect(approved.status).toBe(302)
    const partner = await db.partnerProject.findFirstOrThrow({
      where: { projectId, slug: 'globex-2' },
    })
    expect(partner.name).toBe('Globex')
    const row = await db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })
    expect(row).toMatchObject({
      status: 'approved',
      decidedById: admin.user.id,
      partnerProjectId: partner.id,
    })
    expect(row.decidedAt).toBeInstanceOf(Date)
    const invite = await db.invite.findFirstOrThrow({ where: { email: request.email } })
    expect(invite).toMatchObject({ partnerProjectId: partner.id, role: 'PARTNER' })
    expect(await db.outboxEmail.findFirst({ where: { to: request.email } })).toMatchObject({
      subject: 'Join Globex on Payments API (Acme) on Integration Copilot',
    })
    expect(
      await db.auditLog.findFirst({
        where: { action: 'access_request.approved', targetId: request.id },
      }),
    ).toMatchObject({ actorUserId: admin.user.id, projectId })
    // The plan exists, as for a partner added by hand.
    expect(await db.planItem.count({ where: { partnerProjectId: partner.id } })).toBeGreaterThan(0)
    // The admin sees it decided.
    const page = await settle(() =>
      partnersHome.loader(
        routeArgs(getRequest(`/projects/${projectId}/partners`, adminCookie), { projectId }),
      ),
    )
    expect(page.data).toMatchObject({
      requests: {
        pendingTotal: 0,
        decided: [{ id: request.id, status: 'approved', partnerProjectId: partner.id }],
      },
    })

    // Deciding again is refused, and nothing more is created.
    const again = await decide('approve', request.id)
    expect(again.status).toBe(409)
    expect((again.data as { decisionError: string }).decisionError).toMatch(
      /^The request from Globex was already approved on \d{4}-\d{2}-\d{2}\.$/,
    )
    const deny = await decide('deny', request.id)
    expect(deny.status).toBe(409)
    expect(await db.partnerProject.count({ where: { projectId } })).toBe(2)
    expect(await db.invite.count({ where: { email: request.email } })).toBe(1)
  })

  it('the requester accepts the invitation sent on approval and joins the new partner', async () => {
    const request = await pendingRequest({ companyName: 'Initech' })
    const { partnerProject, link } = await approveAccessRequest(
      {
        organization: { id: orgId, name: 'Acme' },
        project: { id: projectId, name: 'Payments API' },
      },
      request.id,
      { baseUrl: BASE_URL },
      { userId: admin.user.id, organizationId: orgId, projectId, via: 'page' },
    )
    expect(partnerProject.slug).toBe('initech')
    const user = await createUser({ email: request.email })
    await acceptInvite(link.split('/').pop()!, user)
    expect(
      await db.partnerMembership.findFirst({
        where: { userId: user.id, partnerProjectId: partnerProject.id },
      }),
    ).not.toBeNull()
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0)
  })

  it('denial marks the request denied and tells the requester', async () => {
    const request = await pendingRequest({ companyName: 'Umbrella' })
    const denied = await decide('deny', request.id)
    expect(denied.status).toBe(302)
    expect(await db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: 'denied',
      decidedById: admin.user.id,
      partnerProjectId: null,
    })
    const note = await db.outboxEmail.findFirstOrThrow({ where: { to: request.email } })
    expect(note.subject).toBe('Your request to join Payments API as a partner')
    expect(note.text).toContain('has not approved')
    expect(await db.partnerProject.count({ where: { projectId } })).toBe(0)
    expect(
      await db.auditLog.findFirst({
        where: { action: 'access_request.denied', targetId: request.id },
      }),
    ).toMatchObject({ actorUserId: admin.user.id })
    const again = await decide('approve', request.id)
    expect(again.status).toBe(409)
    expect((again.data as { decisionError: string }).decisionError).toMatch(/already denied/)
    // After a denial the same address may ask again.
    expect(
      (
        await submit(valid({ email: request.email, companyName: 'Umbrella' }))
      ).response!.headers.get('Location'),
    ).toBe(`/join/${projectId}?sent=1`)
  })

  it('lets only owners and admins decide and toggle; vendors see the queue', async () => {
    const request = await pendingRequest()
    const vendorCookie = await cookieFor(vendor.user.id)
    expect((await decide('approve', request.id, vendorCookie)).status).toBe(403)
    expect((await decide('deny', request.id, vendorCookie)).status).toBe(403)
    const viewerCookie = await cookieFor((await createMember(orgId, 'VIEWER')).user.id)
    expect((await decide('approve', request.id, viewerCookie)).status).toBe(403)
    const outsider = await cookieFor(
      (await createMember((await createOrg('Other')).id, 'OWNER')).user.id,
    )
    expect((await decide('approve', request.id, outsider)).status).toBe(404)
    expect((await db.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
      'pending',
    )
    const toggle = (cookie: string, enabled: string) =>
      settle(() =>
        partnersHome.action(
          routeArgs(
            formRequest(
              `/projects/${projectId}/partners`,
              { intent: 'self-registration', enabled },
              cookie,
            ),
            { projectId },
          ),
        ),
      )
    expect((await toggle(vendorCookie, 'off')).status).toBe(403)
    expect((await toggle(adminCookie, 'maybe')).status).toBe(400)
    expect((await toggle(adminCookie, 'off')).status).toBe(302)
    expect(
      (await db.project.findUniqueOrThrow({ where: { id: projectId } })).selfRegistration,
    ).toBe(false)
    expect(
      await db.auditLog.findFirst({
        where: { action: 'project.self_registration_disabled', projectId },
      }),
    ).toMatchObject({ actorUserId: admin.user.id })
    const vendorView = await settle(() =>
      partnersHome.loader(
        routeArgs(getRequest(`/projects/${projectId}/partners`, vendorCookie), { projectId }),
      ),
    )
    expect(vendorView.data).toMatchObject({
      canDecide: false,
      canManagePartners: true,
      requests: { pendingTotal: 1 },
    })
  })

  it('does not decide a request of another project', async () => {
    const otherProject = await createProject(orgId, 'Other API')
    await db.project.update({ where: { id: otherProject.id }, data: { selfRegistration: true } })
    expect((await submit(valid(), undefined, otherProject.id)).status).toBe(302)
    const foreign = await db.accessRequest.findFirstOrThrow({
      where: { projectId: otherProject.id },
    })
    const result = await decide('approve', foreign.id)
    expect(result.status).toBe(404)
    expect((await db.accessRequest.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe(
      'pending',
    )
    expect((await decide('approve', '')).status).toBe(400)
  })
})
