/** Settings → API tokens (across projects) and Settings → Usage. */
import { describe, expect, it } from 'vitest'
import { loader as tokensLoader, action as tokensAction } from '~/routes/settings.tokens'
import { loader as usageLoader } from '~/routes/settings.usage'
import { loader as settingsLayout } from '~/routes/settings'
import { loader as settingsIndex } from '~/routes/settings._index'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'

type TokensPage = { total: number; tokens: { id: string; name: string; project: { id: string } }[] }

async function orgWithTokens() {
  const org = await createOrg('Token Co')
  const owner = await createMember(org.id, 'OWNER')
  const first = await createProject(org.id, 'Payments')
  const second = await createProject(org.id, 'Ledger')
  const a = await createApiToken({ projectId: first.id, name: 'CI', createdById: owner.user.id })
  const b = await createApiToken({
    projectId: second.id,
    name: 'Nightly',
    createdById: owner.user.id,
  })
  const other = await createOrg('Other Co')
  const otherOwner = await createMember(other.id, 'OWNER')
  const foreignProject = await createProject(other.id, 'Foreign')
  const foreign = await createApiToken({
    projectId: foreignProject.id,
    name: 'Foreign CI',
    createdById: otherOwner.user.id,
  })
  return { org, owner, first, second, a, b, foreign, cookie: await cookieFor(owner.user.id) }
}

describe('settings/tokens', () => {
  it("lists every project's tokens of the organisation and none of another's", async () => {
    const { cookie, a, b } = await orgWithTokens()
    const page = await settle(() => tokensLoader(routeArgs(getRequest('/settings/tokens', cookie))))
    expect(page.status).toBe(200)
    const data = page.data as TokensPage
    expect(data.tokens.map((token) => token.name).sort()).toEqual(['CI', 'Nightly'])
    expect(data.tokens.map((token) => token.id).sort()).toEqual([a.record.id, b.record.id].sort())
  })

  it('is refused to members without token:manage', async () => {
    const { org } = await orgWithTokens()
    for (const role of ['VIEWER', 'VENDOR'] as const) {
      const member = await createMember(org.id, role)
      const cookie = await cookieFor(member.user.id)
      const page = await settle(() =>
        tokensLoader(routeArgs(getRequest('/settings/tokens', cookie))),
      )
      expect(page.status).toBe(403)
    }
  })

  it('revokes a token, audits it, and moves it to the revoked filter', async () => {
    const { cookie, a, org } = await orgWithTokens()
    const result = await settle(() =>
      tokensAction(
        routeArgs(
          formRequest('/settings/tokens', { intent: 'revoke', tokenId: a.record.id }, cookie),
        ),
      ),
    )
    expect(result.status).toBe(302)
    expect(
      (await db.apiToken.findUniqueOrThrow({ where: { id: a.record.id } })).revokedAt,
    ).not.toBeNull()
    const entry = await db.auditLog.findFirstOrThrow({
      where: { action: 'api_token.revoked', targetId: a.record.id },
    })
    expect(entry.organizationId).toBe(org.id)
    const revoked = await settle(() =>
      tokensLoader(routeArgs(getRequest('/settings/tokens?status=revoked', cookie))),
    )
    expect((revoked.data as TokensPage).tokens.map((token) => token.id)).toEqual([a.record.id])
    const active = await settle(() =>
      tokensLoader(routeArgs(getRequest('/settings/tokens', cookie))),
    )
    expect((active.data as TokensPage).tokens.map((token) => token.name)).toEqual(['Nightly'])
  })

  it("cannot revoke another organisation's token, nor take hostile input", async () => {
    const { cookie, foreign } = await orgWithTokens()
    for (const tokenId of [foreign.record.id, 'x'.repeat(10_000), '', "' OR 1=1 --"]) {
      const result = await settle(() =>
        tokensAction(
          routeArgs(formRequest('/settings/tokens', { intent: 'revoke', tokenId }, cookie)),
        ),
      )
      expect(result.status).toBe(302)
    }
    expect(
      (await db.apiToken.findUniqueOrThrow({ where: { id: foreign.record.id } })).revokedAt,
    ).toBeNull()
    const unknown = await settle(() =>
      tokensAction(routeArgs(formRequest('/settings/tokens', { intent: 'drop-table' }, cookie))),
    )
    expect(unknown.status).toBe(400)
  })

  it('ignores a malformed page and status', async () => {
    const { cookie } = await orgWithTokens()
    for (const query of [
      '?page=-4',
      '?page=abc',
      '?page=99999999999999999999',
      '?status=<script>',
    ]) {
      const page = await settle(() =>
        tokensLoader(routeArgs(getRequest(`/settings/tokens${query}`, cookie))),
      )
      expect(page.status).toBe(200)
    }
  })
})

describe('settings/usage', () => {
  it('counts members, projects and active tokens of the organisation only', async () => {
    const { cookie, org } = await orgWithTokens()
    await createMember(org.id, 'VIEWER')
    const page = await settle(() => usageLoader(routeArgs(getRequest('/settings/usage', cookie))))
    const data = page.data as {
      members: number
      projects: { name: string; activeTokens: number }[]
      totals: { activeTokens: number }
    }
    expect(data.members).toBe(2)
    expect(data.projects.map((project) => project.name)).toEqual(['Ledger', 'Payments'])
    expect(data.totals.activeTokens).toBe(2)
    expect(page.data).toMatchObject({ windowDays: 30 })
  })

  it('is open to every member, not to outsiders', async () => {
    const { org } = await orgWithTokens()
    const viewer = await createMember(org.id, 'VIEWER')
    const cookie = await cookieFor(viewer.user.id)
    const ok = await settle(() => usageLoader(routeArgs(getRequest('/settings/usage', cookie))))
    expect(ok.status).toBe(200)
    const anonymous = await settle(() => usageLoader(routeArgs(getRequest('/settings/usage'))))
    expect(anonymous.status).toBe(302)
  })
})

describe('settings layout', () => {
  it('opens for a custom role holding only one tab permission, at that tab', async () => {
    const org = await createOrg('Auditors Co')
    const role = await db.customRole.create({
      data: {
        organizationId: org.id,
        name: 'Auditor',
        permissions: JSON.stringify(['audit:read']),
      },
    })
    const user = await createMember(org.id, 'VIEWER')
    await db.membership.update({
      where: { id: user.membership.id },
      data: { role: 'CUSTOM', customRoleId: role.id },
    })
    const cookie = await cookieFor(user.user.id)
    const layout = await settle(() =>
      settingsLayout(routeArgs(getRequest('/settings/audit', cookie))),
    )
    expect(layout.status).toBe(200)
    expect((layout.data as { tabs: { slug: string }[] }).tabs.map((tab) => tab.slug)).toEqual([
      'audit',
    ])
    const index = await settle(() => settingsIndex(routeArgs(getRequest('/settings', cookie))))
    expect(index.response?.headers.get('Location')).toBe('/settings/audit')
  })

  it('sends a viewer to members, and refuses a role with no settings permission', async () => {
    const org = await createOrg('Plain Co')
    const viewer = await createMember(org.id, 'VIEWER')
    const index = await settle(async () =>
      settingsIndex(routeArgs(getRequest('/settings', await cookieFor(viewer.user.id)))),
    )
    expect(index.response?.headers.get('Location')).toBe('/settings/members')
    const role = await db.customRole.create({
      data: {
        organizationId: org.id,
        name: 'Reader',
        permissions: JSON.stringify(['project:read']),
      },
    })
    const reader = await createMember(org.id, 'VIEWER')
    await db.membership.update({
      where: { id: reader.membership.id },
      data: { role: 'CUSTOM', customRoleId: role.id },
    })
    const cookie = await cookieFor(reader.user.id)
    const layout = await settle(() => settingsLayout(routeArgs(getRequest('/settings', cookie))))
    expect(layout.status).toBe(403)
  })
})
