/**
 * Custom roles (/settings/roles), role changes to custom roles (/settings/members) and
 * project-level roles (/projects/:id/settings/access): what they let people do, and the
 * hostile input and escalation attempts they refuse.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { loader as projectsLoader } from '~/routes/projects._index'
import {
  action as accessAction,
  loader as accessLoader,
} from '~/routes/projects.$projectId.settings_.access'
import { loader as readinessLoader } from '~/routes/readiness'
import { action as rolesAction, loader as rolesLoader } from '~/routes/settings.roles'
import { action as membersAction, loader as membersLoader } from '~/routes/settings.members'
import { requireOrgAccess, requireProjectAccess } from '~/server/access.server'
import { db } from '~/server/db.server'
import { readToast } from '~/server/toast.server'
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
} from '../helpers'

type Member = Awaited<ReturnType<typeof createMember>>
type FormReply = { form: { error?: Record<string, string[] | null> } }

let orgId: string
let owner: Member
let admin: Member
let ownerCookie: string
let adminCookie: string

beforeEach(async () => {
  orgId = (await createOrg('Acme')).id
  owner = await createMember(orgId, 'OWNER')
  admin = await createMember(orgId, 'ADMIN')
  ownerCookie = await cookieFor(owner.user.id)
  adminCookie = await cookieFor(admin.user.id)
})

async function toastOf(response?: Response) {
  const cookie = response?.headers.get('Set-Cookie')?.split(';')[0] ?? ''
  return (await readToast(new Request(BASE_URL, { headers: { cookie } }))).toast
}

function rolesPost(fields: Record<string, string | string[]>, cookie: string) {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item)
  return settle(() =>
    rolesAction(
      routeArgs(
        new Request(`${BASE_URL}/settings/roles`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
          body: body.toString(),
        }),
      ),
    ),
  )
}

function errorsOf(result: { data?: unknown }) {
  return (result.data as FormReply).form.error ?? {}
}

async function makeRole(name: string, permissions: string[], organizationId = orgId) {
  return db.customRole.create({
    data: { organizationId, name, permissions: JSON.stringify(permissions) },
  })
}

async function giveCustomRole(member: Member, roleId: string) {
  await db.membership.update({
    where: { id: member.membership.id },
    data: { role: 'CUSTOM', customRoleId: roleId },
  })
}

describe('/settings/roles', () => {
  it('creates, lists with readable labels, edits and deletes a role, auditing before and after', async () => {
    const created = await rolesPost(
      {
        intent: 'create',
        name: '  Release manager ',
        description: 'Ships partners',
        permissions: ['project:read', 'project:write', 'partner:manage'],
      },
      ownerCookie,
    )
    expect(created.status).toBe(302)
    expect((await toastOf(created.response))?.message).toMatch(/Release manager” created/)
    const role = await db.customRole.findFirstOrThrow({ where: { organizationId: orgId } })
    expect(role.name).toBe('Release manager')
    expect(JSON.parse(role.permissions)).toEqual([
      'project:read',
      'project:write',
      'partner:manage',
    ])
    const createdLog = await db.auditLog.findFirstOrThrow({
      where: { action: 'role.created', targetId: role.id },
    })
    expect(JSON.parse(createdLog.metadata)).toEqual({
      before: null,
      after: {
        name: 'Release manager',
        description: 'Ships partners',
        permissions: ['project:read', 'project:write', 'partner:manage'],
      },
    })

    const page = await settle(() =>
      rolesLoader(routeArgs(getRequest(`/settings/roles?edit=${role.id}`, ownerCookie))),
    )
    const loaded = page.data as {
      roles: { name: string; permissions: string[] }[]
      editing: { id: string } | null
    }
    expect(loaded.roles.map((entry) => entry.name)).toEqual(['Release manager'])
    expect(loaded.editing?.id).toBe(role.id)

    const edited = await rolesPost(
      {
        intent: 'update',
        roleId: role.id,
        name: 'Release lead',
        permissions: ['project:read'],
      },
      ownerCookie,
    )
    expect(edited.status).toBe(302)
    const updatedLog = await db.auditLog.findFirstOrThrow({
      where: { action: 'role.updated', targetId: role.id },
    })
    expect(JSON.parse(updatedLog.metadata)).toMatchObject({
      before: {
        name: 'Release manager',
        permissions: ['project:read', 'project:write', 'partner:manage'],
      },
      after: { name: 'Release lead', description: '', permissions: ['project:read'] },
    })

    const deleted = await rolesPost({ intent: 'delete', roleId: role.id }, ownerCookie)
    expect(deleted.status).toBe(302)
    expect(await db.customRole.count({ where: { id: role.id } })).toBe(0)
    const deletedLog = await db.auditLog.findFirstOrThrow({
      where: { action: 'role.deleted', targetId: role.id },
    })
    expect(JSON.parse(deletedLog.metadata)).toMatchObject({
      before: { name: 'Release lead' },
      after: null,
    })
  })

  it('refuses unknown permissions, oversized and duplicate names, and missing prerequisites', async () => {
    const unknown = await rolesPost(
      { intent: 'create', name: 'Sneaky', permissions: ['project:read', 'root:all', '<script>'] },
      ownerCookie,
    )
    expect(unknown.status).toBe(400)
    expect(errorsOf(unknown).permissions?.[0]).toMatch(/Unknown permissions: “root:all”/)

    const huge = await rolesPost(
      { intent: 'create', name: 'x'.repeat(10_000), permissions: ['project:read'] },
      ownerCookie,
    )
    expect(huge.status).toBe(400)
    expect(errorsOf(huge).name?.[0]).toMatch(/50 characters or fewer/)

    const longDescription = await rolesPost(
      { intent: 'create', name: 'Ok', description: 'd'.repeat(301), permissions: ['project:read'] },
      ownerCookie,
    )
    expect(errorsOf(longDescription).description?.[0]).toMatch(/300 characters/)

    for (const name of ['owner', 'Tab\there', 'Bidi\u202Ename']) {
      const refused = await rolesPost(
        { intent: 'create', name, permissions: ['project:read'] },
        ownerCookie,
      )
      expect(refused.status, name).toBe(400)
      expect(errorsOf(refused).name?.[0]).toBeTruthy()
    }

    const needsRead = await rolesPost(
      { intent: 'create', name: 'Writer', permissions: ['project:write'] },
      ownerCookie,
    )
    expect(errorsOf(needsRead).permissions?.[0]).toMatch(/“Work on projects” needs “Read projects”/)
    const none = await rolesPost({ intent: 'create', name: 'Empty' }, ownerCookie)
    expect(errorsOf(none).permissions?.[0]).toMatch(/at least one/)

    await rolesPost({ intent: 'create', name: 'Auditor', permissions: ['audit:read'] }, ownerCookie)
    const duplicate = await rolesPost(
      { intent: 'create', name: 'AUDITOR', permissions: ['audit:read'] },
      ownerCookie,
    )
    expect(duplicate.status).toBe(400)
    expect(errorsOf(duplicate).name?.[0]).toBe('A role named “Auditor” already exists.')
    const other = await rolesPost(
      { intent: 'create', name: 'Auditor 2', permissions: ['audit:read'] },
      ownerCookie,
    )
    const second = await db.customRole.findFirstOrThrow({ where: { name: 'Auditor 2' } })
    expect(other.status).toBe(302)
    const renamed = await rolesPost(
      { intent: 'update', roleId: second.id, name: 'auditor', permissions: ['audit:read'] },
      ownerCookie,
    )
    expect(errorsOf(renamed).name?.[0]).toMatch(/already exists/)
    expect(await db.customRole.count({ where: { organizationId: orgId } })).toBe(2)
  })

  it('keeps an admin from creating, editing or deleting a role above their own permissions', async () => {
    const escalate = await rolesPost(
      { intent: 'create', name: 'Almost owner', permissions: ['org:manage', 'member:read'] },
      adminCookie,
    )
    expect(escalate.status).toBe(400)
    expect(errorsOf(escalate).permissions?.[0]).toMatch(
      /permissions you do not hold yourself: Organisation controls/,
    )
    const ownersRole = await makeRole('Security officer', ['org:manage', 'audit:read'])
    const edit = await rolesPost(
      {
        intent: 'update',
        roleId: ownersRole.id,
        name: 'Security officer',
        permissions: ['audit:read'],
      },
      adminCookie,
    )
    expect(edit.status).toBe(400)
    expect(errorsOf(edit).permissions?.[0]).toMatch(/Organisation controls/)
    const remove = await rolesPost({ intent: 'delete', roleId: ownersRole.id }, adminCookie)
    expect((await toastOf(remove.response))?.message).toMatch(/Organisation controls/)
    expect(await db.customRole.count({ where: { id: ownersRole.id } })).toBe(1)
    // The owner may.
    const ok = await rolesPost(
      { intent: 'create', name: 'Almost owner', permissions: ['org:manage', 'member:read'] },
      ownerCookie,
    )
    expect(ok.status).toBe(302)
  })

  it('keeps an admin from editing a role they hold on a project (lifting their own restriction)', async () => {
    const project = await createProject(orgId, 'Ledger')
    const readOnly = await makeRole('Ledger reader', ['project:read'])
    await db.projectRoleAssignment.create({
      data: {
        projectId: project.id,
        membershipId: admin.membership.id,
        role: 'CUSTOM',
        customRoleId: readOnly.id,
      },
    })
    const lift = await rolesPost(
      {
        intent: 'update',
        roleId: readOnly.id,
        name: 'Ledger reader',
        permissions: ['project:read', 'project:write', 'project:manage'],
      },
      adminCookie,
    )
    expect(lift.status).toBe(400)
    expect(errorsOf(lift).permissions?.[0]).toMatch(/You hold this role yourself/)
    expect(
      JSON.parse(
        (await db.customRole.findUniqueOrThrow({ where: { id: readOnly.id } })).permissions,
      ),
    ).toEqual(['project:read'])
    // Another administrator (here the owner) may edit it.
    const byOwner = await rolesPost(
      {
        intent: 'update',
        roleId: readOnly.id,
        name: 'Ledger reader',
        permissions: ['project:read', 'member:read'],
      },
      ownerCookie,
    )
    expect(byOwner.status).toBe(302)
  })

  it('does not reach another organisation’s roles', async () => {
    const otherOrg = await createOrg('Other')
    const foreign = await makeRole('Foreign', ['project:read'], otherOrg.id)
    const edit = await rolesPost(
      { intent: 'update', roleId: foreign.id, name: 'Mine now', permissions: ['project:read'] },
      ownerCookie,
    )
    expect(edit.status).toBe(400)
    expect(JSON.stringify(edit.data)).toMatch(/no longer exists/)
    const remove = await rolesPost({ intent: 'delete', roleId: foreign.id }, ownerCookie)
    expect((await toastOf(remove.response))?.message).toMatch(/no longer exists/)
    expect(await db.customRole.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({
      name: 'Foreign',
    })
  })

  it('refuses to delete a role in use, saying how many and where', async () => {
    const role = await makeRole('Support', ['project:read', 'member:read'])
    const member = await createMember(orgId, 'VIEWER')
    await giveCustomRole(member, role.id)
    const project = await createProject(orgId, 'Payments API')
    const vendor = await createMember(orgId, 'VENDOR')
    await db.projectRoleAssignment.create({
      data: {
        projectId: project.id,
        membershipId: vendor.membership.id,
        role: 'CUSTOM',
        customRoleId: role.id,
      },
    })
    const refused = await rolesPost({ intent: 'delete', roleId: role.id }, ownerCookie)
    const message = (await toastOf(refused.response))?.message ?? ''
    expect(message).toContain('1 member (' + member.user.email + ')')
    expect(message).toContain('1 project-level assignment (on “Payments API”)')
    expect(await db.customRole.count({ where: { id: role.id } })).toBe(1)
  })

  it('is closed to members without member:manage (403)', async () => {
    const vendor = await createMember(orgId, 'VENDOR')
    const cookie = await cookieFor(vendor.user.id)
    expect(
      (await settle(() => rolesLoader(routeArgs(getRequest('/settings/roles', cookie))))).status,
    ).toBe(403)
    expect(
      (await rolesPost({ intent: 'create', name: 'x', permissions: ['project:read'] }, cookie))
        .status,
    ).toBe(403)
  })
})

describe('custom roles on members', () => {
  function changeRole(membershipId: string, role: string, cookie: string) {
    return settle(() =>
      membersAction(
        routeArgs(
          formRequest('/settings/members', { intent: 'change-role', membershipId, role }, cookie),
        ),
      ),
    )
  }

  it('gives a member a custom role: their permissions and label follow it, audited before and after', async () => {
    const role = await makeRole('Partner desk', ['project:read', 'partner:manage', 'member:read'])
    const member = await createMember(orgId, 'VIEWER')
    const page = await settle(() =>
      membersLoader(routeArgs(getRequest('/settings/members', ownerCookie))),
    )
    const options = (page.data as { roleOptions: { value: string; label: string }[] }).roleOptions
    expect(options).toContainEqual({
      value: `custom:${role.id}`,
      label: 'Partner desk',
      custom: true,
    })

    const changed = await changeRole(member.membership.id, `custom:${role.id}`, ownerCookie)
    expect((await toastOf(changed.response))?.message).toBe('Role changed to Partner desk.')
    expect(
      await db.membership.findUniqueOrThrow({ where: { id: member.membership.id } }),
    ).toMatchObject({
      role: 'CUSTOM',
      customRoleId: role.id,
    })
    const log = await db.auditLog.findFirstOrThrow({
      where: { action: 'member.role_changed', targetId: member.membership.id },
    })
    expect(JSON.parse(log.metadata)).toMatchObject({
      before: { role: 'VIEWER', customRoleId: null, label: 'Viewer' },
      after: { role: 'CUSTOM', customRoleId: role.id, label: 'Partner desk' },
    })

    const cookie = await cookieFor(member.user.id)
    const access = await requireOrgAccess(getRequest('/projects', cookie), 'member:read')
    expect(access.role).toBe('CUSTOM')
    expect(access.roleLabel).toBe('Partner desk')
    expect([...access.permissions].sort()).toEqual([
      'member:read',
      'partner:manage',
      'project:read',
    ])
    const project = await createProject(orgId)
    const projectAccess = await requireProjectAccess(
      getRequest(`/projects/${project.id}`, cookie),
      project.id,
      'partner:manage',
    )
    expect(projectAccess.roleLabel).toBe('Partner desk')
    await expect(
      requireProjectAccess(getRequest('/', cookie), project.id, 'project:write'),
    ).rejects.toMatchObject({ status: 403 })
  })

  it('refuses another organisation’s role id, made-up values, and roles above the admin', async () => {
    const member = await createMember(orgId, 'VENDOR')
    const otherOrg = await createOrg('Other')
    const foreign = await makeRole('Foreign', ['project:read'], otherOrg.id)
    const foreignAttempt = await changeRole(
      member.membership.id,
      `custom:${foreign.id}`,
      ownerCookie,
    )
    expect((await toastOf(foreignAttempt.response))?.message).toMatch(
      /does not exist in this organisation/,
    )

    for (const value of ['CUSTOM', 'custom:', 'GOD', `custom:${'a'.repeat(500)}`]) {
      const refused = await changeRole(member.membership.id, value, ownerCookie)
      expect(refused.status, value).toBe(400)
    }

    const officer = await makeRole('Security officer', ['org:manage', 'member:read'])
    const adminPage = await settle(() =>
      membersLoader(routeArgs(getRequest('/settings/members', adminCookie))),
    )
    const adminOptions = (adminPage.data as { roleOptions: { value: string }[] }).roleOptions
    expect(adminOptions.map((option) => option.value)).toEqual(['ADMIN', 'VENDOR', 'VIEWER'])
    const escalation = await changeRole(member.membership.id, `custom:${officer.id}`, adminCookie)
    expect((await toastOf(escalation.response))?.message).toMatch(
      /permissions you do not hold yourself: Organisation controls/,
    )
    expect(
      await db.membership.findUniqueOrThrow({ where: { id: member.membership.id } }),
    ).toMatchObject({
      role: 'VENDOR',
      customRoleId: null,
    })
    // Nor may the admin touch a member who holds such a role (set by an owner).
    await giveCustomRole(member, officer.id)
    const demote = await changeRole(member.membership.id, 'VIEWER', adminCookie)
    expect((await toastOf(demote.response))?.message).toMatch(/permissions you do not hold/)
    const members = (
      (await settle(() => membersLoader(routeArgs(getRequest('/settings/members', adminCookie)))))
        .data as { members: { id: string; changeable: boolean; roleLabel: string }[] }
    ).members
    expect(members.find((entry) => entry.id === member.membership.id)).toMatchObject({
      changeable: false,
      roleLabel: 'Security officer',
    })
  })

  it('lets a custom role with member:manage manage members within its own permissions', async () => {
    const role = await makeRole('People ops', ['member:read', 'member:manage', 'project:read'])
    const manager = await createMember(orgId, 'VIEWER')
    await giveCustomRole(manager, role.id)
    const cookie = await cookieFor(manager.user.id)
    const target = await createMember(orgId, 'VIEWER')
    // VENDOR carries project:write, which People ops lacks.
    const tooMuch = await changeRole(target.membership.id, 'VENDOR', cookie)
    expect((await toastOf(tooMuch.response))?.message).toMatch(/Work on projects/)
    const invite = await settle(() =>
      membersAction(
        routeArgs(
          formRequest(
            '/settings/members',
            { intent: 'invite', email: 'new@example.test', role: 'VIEWER' },
            cookie,
          ),
        ),
      ),
    )
    expect(invite.status).toBe(200)
    const adminInvite = await settle(() =>
      membersAction(
        routeArgs(
          formRequest(
            '/settings/members',
            { intent: 'invite', email: 'boss@example.test', role: 'ADMIN' },
            cookie,
          ),
        ),
      ),
    )
    expect((await toastOf(adminInvite.response))?.message).toMatch(/do not hold yourself/)
  })
})

describe('/projects/:id/settings/access', () => {
  let projectId: string
  beforeEach(async () => {
    projectId = (await createProject(orgId, 'Payments API')).id
  })

  function accessPost(fields: Record<string, string>, cookie: string, id = projectId) {
    return settle(() =>
      accessAction(
        routeArgs(formRequest(`/projects/${id}/settings/access`, fields, cookie), {
          projectId: id,
        }),
      ),
    )
  }

  it('raises a viewer on one project only, audited, and removes the override again', async () => {
    const viewer = await createMember(orgId, 'VIEWER')
    const viewerCookie = await cookieFor(viewer.user.id)
    const otherProject = await createProject(orgId, 'Other')
    const assigned = await accessPost(
      { intent: 'assign', membershipId: viewer.membership.id, role: 'VENDOR' },
      adminCookie,
    )
    expect((await toastOf(assigned.response))?.message).toBe('Role on this project set to Vendor.')
    const here = await requireProjectAccess(
      getRequest('/', viewerCookie),
      projectId,
      'project:write',
    )
    expect(here).toMatchObject({ role: 'VENDOR', roleLabel: 'Vendor', projectOverride: true })
    await expect(
      requireProjectAccess(getRequest('/', viewerCookie), otherProject.id, 'project:write'),
    ).rejects.toMatchObject({ status: 403 })
    const log = await db.auditLog.findFirstOrThrow({ where: { action: 'project_role.assigned' } })
    expect(log.projectId).toBe(projectId)
    expect(JSON.parse(log.metadata)).toMatchObject({
      projectId,
      before: null,
      after: { role: 'VENDOR', customRoleId: null, label: 'Vendor' },
    })

    const page = await settle(() =>
      accessLoader(
        routeArgs(getRequest(`/projects/${projectId}/settings/access`, adminCookie), { projectId }),
      ),
    )
    const rows = (
      page.data as { members: { membershipId: string; projectRole: unknown; owner: boolean }[] }
    ).members
    expect(rows.find((row) => row.membershipId === viewer.membership.id)?.projectRole).toEqual({
      value: 'VENDOR',
      label: 'Vendor',
    })
    expect(rows.find((row) => row.membershipId === owner.membership.id)?.owner).toBe(true)

    const removed = await accessPost(
      { intent: 'remove', membershipId: viewer.membership.id },
      adminCookie,
    )
    expect(removed.status).toBe(302)
    await expect(
      requireProjectAccess(getRequest('/', viewerCookie), projectId, 'project:write'),
    ).rejects.toMatchObject({ status: 403 })
    const removedLog = await db.auditLog.findFirstOrThrow({
      where: { action: 'project_role.removed' },
    })
    expect(JSON.parse(removedLog.metadata)).toMatchObject({
      projectId,
      before: { role: 'VENDOR' },
      after: null,
    })
  })

  it('hides a project from a custom project role without project:read: list, summary and pages', async () => {
    const vendor = await createMember(orgId, 'VENDOR')
    const cookie = await cookieFor(vendor.user.id)
    const visible = await createProject(orgId, 'Visible')
    await db.partnerProject.create({
      data: { projectId, name: 'Hidden partner', slug: 'hidden-p' },
    })
    const blind = await makeRole('Members only', ['member:read'])
    await accessPost(
      { intent: 'assign', membershipId: vendor.membership.id, role: `custom:${blind.id}` },
      ownerCookie,
    )
    const list = await settle(() => projectsLoader(routeArgs(getRequest('/projects', cookie))))
    const names = (list.data as { projects: { name: string }[]; total: number }).projects.map(
      (p) => p.name,
    )
    expect(names).toEqual(['Visible'])
    expect((list.data as { total: number }).total).toBe(1)
    const summary = await settle(() => readinessLoader(routeArgs(getRequest('/readiness', cookie))))
    expect(JSON.stringify(summary.data)).not.toContain('Hidden partner')
    await expect(
      requireProjectAccess(getRequest('/', cookie), projectId, 'project:read'),
    ).rejects.toMatchObject({ status: 404 })
    await requireProjectAccess(getRequest('/', cookie), visible.id, 'project:write')
    // The owner still sees both.
    const ownerList = await settle(() =>
      projectsLoader(routeArgs(getRequest('/projects', ownerCookie))),
    )
    expect((ownerList.data as { total: number }).total).toBe(2)
  })

  it('lowers a vendor to a viewer on this project', async () => {
    const vendor = await createMember(orgId, 'VENDOR')
    await accessPost(
      { intent: 'assign', membershipId: vendor.membership.id, role: 'VIEWER' },
      adminCookie,
    )
    const cookie = await cookieFor(vendor.user.id)
    await expect(
      requireProjectAccess(getRequest('/', cookie), projectId, 'project:write'),
    ).rejects.toMatchObject({ status: 403 })
    const read = await requireProjectAccess(getRequest('/', cookie), projectId, 'project:read')
    expect(read.roleLabel).toBe('Viewer')
  })

  it('never overrides owners, never assigns Owner, and never the actor themselves', async () => {
    const ownerAttempt = await accessPost(
      { intent: 'assign', membershipId: owner.membership.id, role: 'VIEWER' },
      adminCookie,
    )
    expect((await toastOf(ownerAttempt.response))?.message).toMatch(/Owners have every permission/)
    const viewer = await createMember(orgId, 'VIEWER')
    const toOwner = await accessPost(
      { intent: 'assign', membershipId: viewer.membership.id, role: 'OWNER' },
      ownerCookie,
    )
    expect((await toastOf(toOwner.response))?.message).toMatch(/cannot be Owner/)
    const self = await accessPost(
      { intent: 'assign', membershipId: admin.membership.id, role: 'VIEWER' },
      adminCookie,
    )
    expect((await toastOf(self.response))?.message).toMatch(/your own role/)
    // An owner override written behind the page's back is ignored.
    await db.projectRoleAssignment.create({
      data: { projectId, membershipId: owner.membership.id, role: 'VIEWER' },
    })
    await requireProjectAccess(getRequest('/', ownerCookie), projectId, 'org:manage')
    expect(
      await db.projectRoleAssignment.count({ where: { membershipId: viewer.membership.id } }),
    ).toBe(0)
  })

  it('refuses foreign memberships, foreign role ids, bad values and escalation', async () => {
    const otherOrg = await createOrg('Other')
    const foreignMember = await createMember(otherOrg.id, 'VIEWER')
    const foreignRole = await makeRole('Foreign', ['project:read'], otherOrg.id)
    const viewer = await createMember(orgId, 'VIEWER')

    const foreignMembership = await accessPost(
      { intent: 'assign', membershipId: foreignMember.membership.id, role: 'VENDOR' },
      ownerCookie,
    )
    expect((await toastOf(foreignMembership.response))?.message).toMatch(/not in this organisation/)
    const foreignId = await accessPost(
      { intent: 'assign', membershipId: viewer.membership.id, role: `custom:${foreignRole.id}` },
      ownerCookie,
    )
    expect((await toastOf(foreignId.response))?.message).toMatch(
      /does not exist in this organisation/,
    )
    for (const role of ['', 'GOD', 'CUSTOM', 'x'.repeat(10_000)]) {
      const bad = await accessPost(
        { intent: 'assign', membershipId: viewer.membership.id, role },
        ownerCookie,
      )
      expect((await toastOf(bad.response))?.message, role.slice(0, 10)).toMatch(/Choose a role/)
    }
    const unknown = await accessPost(
      { intent: 'nuke', membershipId: viewer.membership.id },
      ownerCookie,
    )
    expect(unknown.status).toBe(400)

    const officer = await makeRole('Security officer', [
      'org:manage',
      'project:read',
      'project:manage',
    ])
    const escalation = await accessPost(
      { intent: 'assign', membershipId: viewer.membership.id, role: `custom:${officer.id}` },
      adminCookie,
    )
    expect((await toastOf(escalation.response))?.message).toMatch(/Organisation controls/)
    // A project in another organisation is a 404, whatever the membership id.
    const foreignProject = await createProject(otherOrg.id)
    const cross = await accessPost(
      { intent: 'assign', membershipId: foreignMember.membership.id, role: 'VENDOR' },
      ownerCookie,
      foreignProject.id,
    )
    expect(cross.status).toBe(404)
    expect(
      await db.projectRoleAssignment.count({
        where: { membershipId: { in: [viewer.membership.id, foreignMember.membership.id] } },
      }),
    ).toBe(0)
  })

  it('shows managers the table and everyone else nothing about it', async () => {
    const vendor = await createMember(orgId, 'VENDOR')
    const vendorCookie = await cookieFor(vendor.user.id)
    const asVendor = await settle(() =>
      accessLoader(
        routeArgs(getRequest(`/projects/${projectId}/settings/access`, vendorCookie), {
          projectId,
        }),
      ),
    )
    expect(asVendor.status).toBe(200)
    expect(asVendor.data).toMatchObject({ canManage: false, members: [], roleOptions: [] })
    const write = await accessPost(
      { intent: 'assign', membershipId: vendor.membership.id, role: 'ADMIN' },
      await cookieFor(vendor.user.id),
    )
    expect(write.status).toBe(403)
  })
})
