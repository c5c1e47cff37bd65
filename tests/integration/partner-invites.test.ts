/**
 * Partner invitations, end to end through the route modules: a vendor invites a partner
 * user by email from the Partners tab, the link (sent through the outbox, stored only as a
 * hash) makes a PartnerMembership and lands on the partner portal; resend, revoke, expiry,
 * reuse, the wrong address and a demoted inviter all get a clear refusal.
 */
import { createElement, type ReactNode } from 'react'
import { renderToString } from 'react-dom/server'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as invitePage from '~/routes/invites.$token'
import * as partnerPage from '~/routes/projects.$projectId.partners.$partnerId'
import * as partnersHome from '~/routes/projects.$projectId.partners._index'
import { db } from '~/server/db.server'
import {
  acceptInvite,
  findUsableInvite,
  inviteMember,
  listPendingInvites,
} from '~/server/orgs/members.server'
import {
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
let partnerId: string
let vendor: Awaited<ReturnType<typeof createMember>>
let vendorCookie: string

beforeEach(async () => {
  orgId = (await createOrg('Acme')).id
  projectId = (await createProject(orgId, 'Payments API')).id
  partnerId = (
    await db.partnerProject.create({ data: { projectId, name: 'Globex', slug: 'globex' } })
  ).id
  vendor = await createMember(orgId, 'VENDOR')
  vendorCookie = await cookieFor(vendor.user.id)
})

const pagePath = () => `/projects/${projectId}/partners/${partnerId}`
const params = () => ({ projectId, partnerId })

async function post(fields: Record<string, string>, cookie = vendorCookie, ref = partnerId) {
  return settle(() =>
    partnerPage.action(
      routeArgs(formRequest(pagePath(), fields, cookie), { projectId, partnerId: ref }),
    ),
  )
}

/** Invites through the page and returns the link's token. */
async function inviteByPage(email: string) {
  const sent = await post({ intent: 'invite', email })
  expect(sent.status).toBe(200)
  const link = (sent.data as { inviteLink: { link: string } }).inviteLink.link
  expect(link).toMatch(/^http:\/\/localhost:3000\/invites\/[\w-]{30,}$/)
  return link.split('/').pop()!
}

async function accept(token: string, cookie?: string) {
  return settle(() =>
    invitePage.action(routeArgs(formRequest(`/invites/${token}`, {}, cookie), { token })),
  )
}

async function renderPage(
  module: { loader: (args: ReturnType<typeof routeArgs>) => unknown; default: () => ReactNode },
  path: string,
  routeParams: Record<string, string>,
  cookie?: string,
) {
  const result = await settle(
    () => module.loader(routeArgs(getRequest(path, cookie), routeParams)) as Promise<unknown>,
  )
  expect(result.status).toBe(200)
  current.data = result.data
  current.action = undefined
  return renderToString(createElement(module.default))
}

describe('inviting a partner user', () => {
  it('emails a single-use link that makes a partner membership (not an organisation one) and opens the portal', async () => {
    const email = uniqueEmail('partner')
    const token = await inviteByPage(email.toUpperCase())

    const stored = await db.invite.findFirstOrThrow({ where: { email } })
    expect(stored).toMatchObject({
      partnerProjectId: partnerId,
      organizationId: orgId,
      role: 'PARTNER',
    })
    expect(stored.tokenHash).not.toContain(token)
    expect(stored.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000)
    const outbox = await db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    expect(outbox.subject).toBe('Join Globex on Payments API (Acme) on Integration Copilot')
    expect(outbox.text).not.toContain(token)
    expect(outbox.text).toContain('[redacted: sent to the recipient only]')
    // Partner invitations stay out of the organisation's member invitations.
    expect(await listPendingInvites(orgId)).toEqual([])
    expect(
      await db.auditLog.findFirst({
        where: { action: 'partner_invite.sent', targetId: stored.id },
      }),
    ).toMatchObject({ projectId, actorUserId: vendor.user.id })

    // The invitation page names the partner, the project and the organisation.
    const html = await renderPage(invitePage, `/invites/${token}`, { token })
    expect(html).toContain('Join Globex on Payments API (Acme)')

    const invitee = await createUser({ email })
    expect((await accept(token)).status).toBe(302) // anonymous: sent to sign in
    const inviteeCookie = await cookieFor(invitee.id)
    const ok = await accept(token, inviteeCookie)
    expect(ok.status).toBe(302)
    expect(ok.response!.headers.get('Location')).toBe(`/partner/${partnerId}`)
    expect(
      await db.partnerMembership.findFirst({
        where: { userId: invitee.id, partnerProjectId: partnerId },
      }),
    ).toMatchObject({ role: 'PARTNER' })
    expect(
      await db.membership.count({ where: { userId: invitee.id, organizationId: orgId } }),
    ).toBe(0)

    // Used twice: a clear message, on the page and on a second accept.
    const again = await accept(token, inviteeCookie)
    expect(again.data).toEqual({ error: 'This invitation has already been used.' })
    const page = await settle(() =>
      invitePage.loader(routeArgs(getRequest(`/invites/${token}`), { token })),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      error: 'This invitation has already been used.',
      invite: null,
    })

    // The vendor sees the member, and no pending invitation.
    const people = await settle(() =>
      partnerPage.loader(routeArgs(getRequest(pagePath(), vendorCookie), params())),
    )
    expect(people.data).toMatchObject({ members: [{ email }], invites: [] })
    const list = await settle(() =>
      partnersHome.loader(
        routeArgs(getRequest(`/projects/${projectId}/partners`, vendorCookie), { projectId }),
      ),
    )
    expect((list.data as { partners: unknown[] }).partners).toEqual([
      expect.objectContaining({ id: partnerId, members: 1, pendingInvites: 0 }),
    ])
  })

  it('keeps a partner invitation when the same address is invited to the organisation', async () => {
    const email = uniqueEmail('both')
    const token = await inviteByPage(email)
    await inviteMember({
      organizationId: orgId,
      organizationName: 'Acme',
      email,
      role: 'VIEWER',
      invitedById: vendor.user.id,
      actorRole: 'OWNER',
      baseUrl: 'http://localhost:3000',
    })
    expect(await findUsableInvite(token)).toMatchObject({ invite: { partnerProjectId: partnerId } })
  })

  it('resending revokes the old link and sends a new one', async () => {
    const email = uniqueEmail('resend')
    const oldToken = await inviteByPage(email)
    const inviteId = (await db.invite.findFirstOrThrow({ where: { email } })).id
    const resent = await post({ intent: 'resend', inviteId })
    expect(resent.status).toBe(200)
    const newToken = (resent.data as { inviteLink: { link: string } }).inviteLink.link
      .split('/')
      .pop()!
    expect(newToken).not.toBe(oldToken)
    expect(await db.outboxEmail.count({ where: { to: email } })).toBe(2)
    expect(await findUsableInvite(oldToken)).toEqual({
      error: 'This invitation link is not valid. Ask for a new one.',
    })
    const cookie = await cookieFor((await createUser({ email })).id)
    expect((await accept(oldToken, cookie)).data).toEqual({
      error: 'This invitation link is not valid. Ask for a new one.',
    })
    expect((await accept(newToken, cookie)).status).toBe(302)
    expect(await db.auditLog.count({ where: { action: 'partner_invite.resent', projectId } })).toBe(
      1,
    )
  })

  it('a revoked link shows a clear page, not an error', async () => {
    const email = uniqueEmail('revoked')
    const token = await inviteByPage(email)
    const inviteId = (await db.invite.findFirstOrThrow({ where: { email } })).id
    const revoked = await post({ intent: 'revoke', inviteId })
    expect(revoked.status).toBe(302)
    const page = await settle(() =>
      invitePage.loader(routeArgs(getRequest(`/invites/${token}`), { token })),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      error: 'This invitation link is not valid. Ask for a new one.',
    })
    const html = await renderPage(invitePage, `/invites/${token}`, { token })
    expect(html).toContain('Invitation unavailable')
    expect(html).toContain('This invitation link is not valid')
    const cookie = await cookieFor((await createUser({ email })).id)
    expect((await accept(token, cookie)).data).toEqual({
      error: 'This invitation link is not valid. Ask for a new one.',
    })
    // Revoking twice says the invitation is no longer pending (a toast), and changes nothing.
    const twice = await post({ intent: 'revoke', inviteId })
    expect(twice.status).toBe(302)
    expect(
      await db.auditLog.count({ where: { action: 'partner_invite.revoked', projectId } }),
    ).toBe(1)
    expect(await db.partnerMembership.count({ where: { partnerProjectId: partnerId } })).toBe(0)
  })

  it('refuses an expired link, the wrong address, and an inviter who may no longer invite partners', async () => {
    const email = uniqueEmail('late')
    const token = await inviteByPage(email)
    const invitee = await createUser({ email })
    const stranger = await createUser()
    expect((await accept(token, await cookieFor(stranger.id))).data).toEqual({
      error: `This invitation is for ${email}. Sign in with that address to accept it.`,
    })

    await db.membership.update({ where: { id: vendor.membership.id }, data: { role: 'VIEWER' } })
    await expect(acceptInvite(token, invitee)).rejects.toThrow(/can no longer invite partners/)
    await db.membership.update({ where: { id: vendor.membership.id }, data: { role: 'VENDOR' } })

    await db.invite.updateMany({
      where: { email },
      data: { expiresAt: new Date(Date.now() - 1000) },
    })
    const page = await settle(() =>
      invitePage.loader(routeArgs(getRequest(`/invites/${token}`), { token })),
    )
    expect(page.data).toMatchObject({ error: 'This invitation has expired. Ask for a new one.' })
    expect((await accept(token, await cookieFor(invitee.id))).data).toEqual({
      error: 'This invitation has expired. Ask for a new one.',
    })
    expect(await db.partnerMembership.count({ where: { userId: invitee.id } })).toBe(0)

    // An expired invitation is still listed for the vendor, who may resend it.
    const people = await settle(() =>
      partnerPage.loader(routeArgs(getRequest(pagePath(), vendorCookie), params())),
    )
    expect(people.data).toMatchObject({ invites: [{ email, expired: true }] })
  })

  it('validates the address and refuses to invite a current member', async () => {
    for (const email of ['not-an-email', `${'a'.repeat(250)}@example.test`, '<b>x</b>@', '']) {
      const bad = await post({ intent: 'invite', email })
      expect(bad.status).toBe(400)
      const errors = (bad.data as { invite: { error: Record<string, string[]> } }).invite.error
      expect(errors.email?.[0]).toMatch(/email/i)
    }
    const email = uniqueEmail('member')
    const token = await inviteByPage(email)
    await accept(token, await cookieFor((await createUser({ email })).id))
    const twice = await post({ intent: 'invite', email })
    expect(twice.status).toBe(409)
    expect(
      (twice.data as { invite: { error: Record<string, string[]> } }).invite.error.email,
    ).toEqual([`${email} is already a member of Globex.`])
    expect(await db.invite.count({ where: { partnerProjectId: partnerId } })).toBe(1)
    // A malformed command is a 400, not a stack trace.
    expect((await post({ intent: 'resend' })).status).toBe(400)
    expect((await post({ intent: 'explode' })).status).toBe(400)
  })
})

describe('who may manage partner users', () => {
  it('lets a viewer see the page but not invite (403), and hides the project from outsiders (404)', async () => {
    const viewer = await cookieFor((await createMember(orgId, 'VIEWER')).user.id)
    const read = await settle(() =>
      partnerPage.loader(routeArgs(getRequest(pagePath(), viewer), params())),
    )
    expect(read.status).toBe(200)
    expect((await post({ intent: 'invite', email: uniqueEmail() }, viewer)).status).toBe(403)

    const outsiderOrg = await createOrg('Other')
    const outsider = await cookieFor((await createMember(outsiderOrg.id, 'OWNER')).user.id)
    const hidden = await settle(() =>
      partnerPage.loader(routeArgs(getRequest(pagePath(), outsider), params())),
    )
    expect(hidden.status).toBe(404)
    expect((await post({ intent: 'invite', email: uniqueEmail() }, outsider)).status).toBe(404)
    expect(await db.invite.count({ where: { partnerProjectId: partnerId } })).toBe(0)

    // Another project's partner is not found through this project (by id or by slug).
    const otherProject = await createProject(orgId, 'Other API')
    const foreign = await db.partnerProject.create({
      data: { projectId: otherProject.id, name: 'Initech', slug: 'initech' },
    })
    for (const ref of [foreign.id, 'initech', 'nope']) {
      const missing = await settle(() =>
        partnerPage.loader(
          routeArgs(getRequest(pagePath(), vendorCookie), { projectId, partnerId: ref }),
        ),
      )
      expect(missing.status).toBe(404)
    }
    // By slug, the right one is found.
    const bySlug = await settle(() =>
      partnerPage.loader(
        routeArgs(getRequest(pagePath(), vendorCookie), { projectId, partnerId: 'globex' }),
      ),
    )
    expect(bySlug.data).toMatchObject({ partner: { id: partnerId } })
  })

  it('removes a member of this partner only', async () => {
    const email = uniqueEmail('leaver')
    const token = await inviteByPage(email)
    const user = await createUser({ email })
    await accept(token, await cookieFor(user.id))
    const membership = await db.partnerMembership.findFirstOrThrow({ where: { userId: user.id } })

    // A membership of another partner project cannot be removed through this one.
    const other = await db.partnerProject.create({
      data: { projectId, name: 'Initech', slug: 'initech' },
    })
    const otherMember = await db.partnerMembership.create({
      data: { userId: (await createUser()).id, partnerProjectId: other.id },
    })
    expect((await post({ intent: 'remove', membershipId: otherMember.id })).status).toBe(302)
    expect(await db.partnerMembership.findUnique({ where: { id: otherMember.id } })).not.toBeNull()

    const viewer = await cookieFor((await createMember(orgId, 'VIEWER')).user.id)
    expect((await post({ intent: 'remove', membershipId: membership.id }, viewer)).status).toBe(403)
    const removed = await post({ intent: 'remove', membershipId: membership.id })
    expect(removed.status).toBe(302)
    expect(await db.partnerMembership.findUnique({ where: { id: membership.id } })).toBeNull()
    expect(await db.user.findUnique({ where: { id: user.id } })).not.toBeNull()
    expect(
      await db.auditLog.findFirst({
        where: { action: 'partner_member.removed', targetId: membership.id },
      }),
    ).toMatchObject({ actorUserId: vendor.user.id, projectId })
  })
})

describe('hostile names', () => {
  it('shows a partner name with HTML as text on the vendor pages and the invitation page', async () => {
    const hostile = 'Evil <img src=x onerror=alert(1)> Inc'
    await db.partnerProject.update({ where: { id: partnerId }, data: { name: hostile } })
    const token = await inviteByPage(uniqueEmail('hostile'))
    for (const html of [
      await renderPage(partnerPage, pagePath(), params(), vendorCookie),
      await renderPage(
        partnersHome,
        `/projects/${projectId}/partners`,
        { projectId },
        vendorCookie,
      ),
      await renderPage(invitePage, `/invites/${token}`, { token }),
    ]) {
      expect(html).toContain('Evil &lt;img src=x onerror=alert(1)&gt; Inc')
      expect(html).not.toContain('<img src=x')
    }
  })
})

describe('signing up from a partner invitation', () => {
  it('creates the account without an organisation of its own, then joins only the partner project', async () => {
    const email = uniqueEmail('newcomer')
    const token = await inviteByPage(email)
    const signup = await import('~/routes/signup')
    const loaded = await settle(() =>
      signup.loader(routeArgs(getRequest(`/signup?redirectTo=/invites/${token}`))),
    )
    expect(loaded.data).toMatchObject({ acceptingInvite: true })
    const created = await settle(() =>
      signup.action(
        routeArgs(
          formRequest('/signup', {
            name: 'New Partner',
            email,
            password: 'a-long-partner-password',
            organizationName: '',
            redirectTo: `/invites/${token}`,
          }),
        ),
      ),
    )
    expect(created.status).toBe(302)
    expect(created.response!.headers.get('Location')).toBe(`/invites/${token}`)
    const user = await db.user.findUniqueOrThrow({ where: { email } })
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0)
    await acceptInvite(token, user)
    expect(await db.partnerMembership.count({ where: { userId: user.id } })).toBe(1)
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0)
  })

  it('still gives an organisation to someone signing up without an invitation', async () => {
    const email = uniqueEmail('founder')
    const signup = await import('~/routes/signup')
    await settle(() =>
      signup.action(
        routeArgs(
          formRequest('/signup', {
            name: 'Founder',
            email,
            password: 'a-long-founder-password',
            redirectTo: '/invites/not-a-real-token-at-all',
          }),
        ),
      ),
    )
    const user = await db.user.findUniqueOrThrow({ where: { email } })
    expect(await db.membership.count({ where: { userId: user.id, role: 'OWNER' } })).toBe(1)
  })
})
