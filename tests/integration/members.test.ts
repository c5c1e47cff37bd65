import { beforeEach, describe, expect, it } from 'vitest'
import { action as inviteAction } from '~/routes/invites.$token'
import { action as membersAction, loader as membersLoader } from '~/routes/settings.members'
import { db } from '~/server/db.server'
import {
  acceptInvite,
  changeMemberRole,
  inviteMember,
  MembershipError,
  removeMember,
} from '~/server/orgs/members.server'
import {
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

let orgId: string
let owner: Awaited<ReturnType<typeof createMember>>
beforeEach(async () => {
  orgId = (await createOrg('Acme')).id
  owner = await createMember(orgId, 'OWNER')
})

function invite(email: string, role: 'ADMIN' | 'VENDOR' | 'VIEWER' | 'OWNER' = 'VENDOR') {
  return inviteMember({
    organizationId: orgId,
    organizationName: 'Acme',
    email,
    role,
    invitedById: owner.user.id,
    actorRole: 'OWNER',
    baseUrl: 'http://localhost:3000',
  })
}

describe('invitations', () => {
  it('shows the link, writes the email to the outbox without it, stores only a hash, and accepts once', async () => {
    const email = uniqueEmail('invitee')
    const result = await settle(() =>
      membersAction(
        args(formRequest('/settings/members', { intent: 'invite', email, role: 'VIEWER' })),
      ),
    )
    expect(result.status).toBe(302) // anonymous: sent to sign in
    const cookie = await cookieFor(owner.user.id)
    const sent = await settle(() =>
      membersAction(
        args(formRequest('/settings/members', { intent: 'invite', email, role: 'VIEWER' }, cookie)),
      ),
    )
    const link = (sent.data as { inviteLink: { link: string } }).inviteLink.link
    expect(link).toMatch(/^http:\/\/localhost:3000\/invites\/[\w-]{30,}$/)
    const token = link.split('/').pop()!
    const outbox = await db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    // Outside development the outbox keeps the email, not a usable link.
    expect(outbox.text).not.toContain(token)
    expect(outbox.text).toContain('[redacted: sent to the recipient only]')
    const stored = await db.invite.findFirstOrThrow({ where: { email } })
    expect(stored.tokenHash).not.toContain(token)

    const invitee = await createUser({ email })
    const accepted = await settle(() =>
      inviteAction(args(formRequest(`/invites/${token}`, {}), { token })),
    )
    expect(accepted.status).toBe(302) // not signed in
    const inviteeCookie = await cookieFor(invitee.id)
    const ok = await settle(() =>
      inviteAction(args(formRequest(`/invites/${token}`, {}, inviteeCookie), { token })),
    )
    expect(ok.status).toBe(302)
    expect(
      await db.membership.findFirst({ where: { userId: invitee.id, organizationId: orgId } }),
    ).toMatchObject({ role: 'VIEWER' })
    const again = await settle(() =>
      inviteAction(args(formRequest(`/invites/${token}`, {}, inviteeCookie), { token })),
    )
    expect(again.data).toEqual({ error: 'This invitation has already been used.' })
  })

  it('refuses an expired invitation and one meant for another address', async () => {
    const email = uniqueEmail('late')
    const { link, invite: row } = await invite(email)
    const token = link.split('/').pop()!
    const stranger = await createUser()
    await expect(acceptInvite(token, stranger)).rejects.toThrow(/This invitation is for/)
    await db.invite.update({
      where: { id: row.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    })
    await expect(acceptInvite(token, await createUser({ email }))).rejects.toThrow(/expired/)
    await expect(acceptInvite('made-up-token', stranger)).rejects.toThrow(/not valid/)
  })

  it('refuses to invite an existing member and validates the form', async () => {
    await expect(invite(owner.user.email)).rejects.toBeInstanceOf(MembershipError)
    const cookie = await cookieFor(owner.user.id)
    const bad = await settle(() =>
      membersAction(
        args(
          formRequest(
            '/settings/members',
            { intent: 'invite', email: 'nope', role: 'GOD' },
            cookie,
          ),
        ),
      ),
    )
    expect(bad.status).toBe(400)
    const errors = (bad.data as { invite: { error: Record<string, string[]> } }).invite.error
    expect(errors.email?.[0]).toMatch(/email/i)
    expect(errors.role?.[0]).toMatch(/role/i)
  })

  it('re-inviting revokes the earlier link', async () => {
    const email = uniqueEmail('twice')
    const first = (await invite(email)).link.split('/').pop()!
    await invite(email)
    await expect(acceptInvite(first, await createUser({ email }))).rejects.toThrow(/not valid/)
  })
})

describe('roles', () => {
  it('never demotes or removes the last owner', async () => {
    await expect(
      changeMemberRole({
        organizationId: orgId,
        membershipId: owner.membership.id,
        role: 'ADMIN',
        actorRole: 'OWNER',
      }),
    ).rejects.toThrow(/last owner/)
    await expect(
      removeMember({
        organizationId: orgId,
        membershipId: owner.membership.id,
        actorRole: 'OWNER',
      }),
    ).rejects.toThrow(/last owner/)
    const second = await createMember(orgId, 'OWNER')
    await changeMemberRole({
      organizationId: orgId,
      membershipId: owner.membership.id,
      role: 'ADMIN',
      actorRole: 'OWNER',
    })
    await expect(
      removeMember({
        organizationId: orgId,
        membershipId: second.membership.id,
        actorRole: 'OWNER',
      }),
    ).rejects.toThrow(/last owner/)
  })

  it('lets an admin manage vendors but not owners', async () => {
    const admin = await createMember(orgId, 'ADMIN')
    const vendor = await createMember(orgId, 'VENDOR')
    await changeMemberRole({
      organizationId: orgId,
      membershipId: vendor.membership.id,
      role: 'VIEWER',
      actorRole: 'ADMIN',
    })
    await expect(
      changeMemberRole({
        organizationId: orgId,
        membershipId: vendor.membership.id,
        role: 'OWNER',
        actorRole: 'ADMIN',
      }),
    ).rejects.toThrow(/Only an owner/)
    await expect(
      removeMember({
        organizationId: orgId,
        membershipId: owner.membership.id,
        actorRole: 'ADMIN',
      }),
    ).rejects.toThrow(/Only an owner/)
    const cookie = await cookieFor(admin.user.id)
    const removed = await settle(() =>
      membersAction(
        args(
          formRequest(
            '/settings/members',
            { intent: 'remove', membershipId: vendor.membership.id },
            cookie,
          ),
        ),
      ),
    )
    expect(removed.status).toBe(302)
    expect(await db.membership.findUnique({ where: { id: vendor.membership.id } })).toBeNull()
  })

  it('cannot touch a membership of another organisation', async () => {
    const otherOrg = await createOrg('Other')
    const foreign = await createMember(otherOrg.id, 'VENDOR')
    await expect(
      removeMember({
        organizationId: orgId,
        membershipId: foreign.membership.id,
        actorRole: 'OWNER',
      }),
    ).rejects.toThrow(/not in this organisation/)
  })

  it('lets viewers and vendors see members but not manage them (403)', async () => {
    for (const role of ['VIEWER', 'VENDOR'] as const) {
      const member = await createMember(orgId, role)
      const cookie = await cookieFor(member.user.id)
      expect(
        (await settle(() => membersLoader(args(getRequest('/settings/members', cookie))))).status,
      ).toBe(200)
      const attempt = await settle(() =>
        membersAction(
          args(
            formRequest(
              '/settings/members',
              { intent: 'invite', email: uniqueEmail(), role: 'OWNER' },
              cookie,
            ),
          ),
        ),
      )
      expect(attempt.status).toBe(403)
    }
  })
})

describe('role changes with custom roles', () => {
  it('audits a role change with before and after', async () => {
    const vendor = await createMember(orgId, 'VENDOR')
    const cookie = await cookieFor(owner.user.id)
    const changed = await settle(() =>
      membersAction(
        args(
          formRequest(
            '/settings/members',
            { intent: 'change-role', membershipId: vendor.membership.id, role: 'ADMIN' },
            cookie,
          ),
        ),
      ),
    )
    expect(changed.status).toBe(302)
    const log = await db.auditLog.findFirstOrThrow({
      where: { action: 'member.role_changed', targetId: vendor.membership.id },
    })
    expect(JSON.parse(log.metadata)).toMatchObject({
      before: { role: 'VENDOR', customRoleId: null, label: 'Vendor' },
      after: { role: 'ADMIN', customRoleId: null, label: 'Admin' },
    })
  })

  it('honours an invitation from a custom role with member:manage only while it keeps it', async () => {
    const role = await db.customRole.create({
      data: {
        organizationId: orgId,
        name: 'People ops',
        permissions: JSON.stringify(['member:read', 'member:manage', 'project:read']),
      },
    })
    const inviter = await createMember(orgId, 'VIEWER')
    await db.membership.update({
      where: { id: inviter.membership.id },
      data: { role: 'CUSTOM', customRoleId: role.id },
    })
    const sendAs = (email: string) =>
      inviteMember({
        organizationId: orgId,
        organizationName: 'Acme',
        email,
        role: 'VIEWER',
        invitedById: inviter.user.id,
        actorRole: 'CUSTOM',
        actorPermissions: new Set(['member:read', 'member:manage', 'project:read'] as const),
        baseUrl: 'http://localhost:3000',
      })
    const first = uniqueEmail('first')
    const { link } = await sendAs(first)
    await acceptInvite(link.split('/').pop()!, await createUser({ email: first }))
    const second = uniqueEmail('second')
    const later = await sendAs(second)
    await db.customRole.update({
      where: { id: role.id },
      data: { permissions: JSON.stringify(['member:read', 'project:read']) },
    })
    await expect(
      acceptInvite(later.link.split('/').pop()!, await createUser({ email: second })),
    ).rejects.toThrow(/can no longer grant this role/)
  })
})
