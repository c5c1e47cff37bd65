/**
 * The audit trail (issue #14, point 5): every entry appended to its organisation's hash
 * chain in the transaction that writes it, the append-only triggers, verification that
 * names an edited, removed or inserted entry, the /settings/audit page and its exports,
 * and the security-relevant actions that must leave an entry.
 */
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as auditExport from '~/routes/settings.audit_.export'
import { createApiToken } from '~/server/api-tokens.server'
import { audit, type Actor } from '~/server/audit/log.server'
import { db, sqliteDate } from '~/server/db.server'
import { rotateInboundSecret } from '~/server/drift/source.server'
import { rotateReceiverSecret } from '~/server/environments/service.server'
import { CLIENT_ADDRESS_HEADER } from '~/server/http.server'
import { rotateSigningSecret } from '~/server/mocks/service.server'
import { hashPassword } from '~/server/passwords.server'
import { rotateTraceSecret } from '~/server/traces/secrets.server'
import {
  verifyAuditChain,
  verifyAuditExport,
  type ExportedAuditEntry,
} from '~/server/audit/verify.server'
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
import { shopProject } from '../support/traces'

const current = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }))
vi.mock('@remix-run/react', async (original) =>
  (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
)
const auditPage = await import('~/routes/settings.audit')
const login = await import('~/routes/login')
const logout = await import('~/routes/logout')
const projectSettings = await import('~/routes/projects.$projectId.settings')
const evidencePage = await import('~/routes/projects.$projectId.plan.$partnerId_.evidence')
const evidenceApi =
  await import('~/routes/api.v1.partner-projects.$partnerProjectId.evidence.verify')

const TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS "AuditLog_append_only_update" BEFORE UPDATE ON "AuditLog"
   WHEN OLD."hash" IS NOT NULL
   BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: a linked entry cannot be changed.'); END;`,
  `CREATE TRIGGER IF NOT EXISTS "AuditLog_append_only_delete" BEFORE DELETE ON "AuditLog"
   BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: entries cannot be deleted.'); END;`,
]

/** Someone with the database file: no triggers, no unique (chainKey, seq). */
async function withFileAccess() {
  await db.$executeRawUnsafe('DROP TRIGGER IF EXISTS "AuditLog_append_only_update"')
  await db.$executeRawUnsafe('DROP TRIGGER IF EXISTS "AuditLog_append_only_delete"')
  await db.$executeRawUnsafe('DROP INDEX IF EXISTS "AuditLog_chainKey_seq_key"')
}

afterEach(async () => {
  for (const sql of TRIGGERS) await db.$executeRawUnsafe(sql)
})

async function entries(organizationId: string) {
  return db.auditLog.findMany({ where: { chainKey: organizationId }, orderBy: { seq: 'asc' } })
}

async function fill(organizationId: string, count: number, action = 'test.event') {
  for (let index = 0; index < count; index += 1)
    await audit({ action, organizationId, targetType: 'thing', targetId: `t${index}` })
}

describe('the chain', () => {
  it('links 50 concurrent entries of one organisation as #1..#50, and keeps organisations apart', async () => {
    const [acme, globex] = [await createOrg('Acme'), await createOrg('Globex')]
    const alice = await createMember(acme.id, 'ADMIN')
    await Promise.all([
      ...Array.from({ length: 50 }, (_, index) =>
        audit({
          action: 'test.concurrent',
          actorUserId: alice.user.id,
          organizationId: acme.id,
          targetType: 'thing',
          targetId: String(index),
          userAgent: 'x'.repeat(500),
          ip: '203.0.113.9',
        }),
      ),
      ...Array.from({ length: 7 }, () =>
        audit({ action: 'test.other', organizationId: globex.id }),
      ),
    ])
    const rows = await entries(acme.id)
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1))
    expect(rows.every((row) => row.actorEmail === alice.user.email)).toBe(true)
    expect(rows[0]!.userAgent).toHaveLength(300)
    expect(rows[0]!.prevHash).toBe('0'.repeat(64))
    for (let index = 1; index < rows.length; index += 1)
      expect(rows[index]!.prevHash).toBe(rows[index - 1]!.hash)
    const verified = await verifyAuditChain(acme.id)
    expect(verified).toEqual({
      count: 50,
      head: { seq: 50, hash: rows[49]!.hash },
      firstBreak: null,
    })
    const other = await verifyAuditChain(globex.id)
    expect(other.count).toBe(7)
    expect(other.firstBreak).toBeNull()
    expect((await entries(globex.id)).map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('puts entries of no organisation in the system chain', async () => {
    const before = await verifyAuditChain('system')
    await audit({ action: 'test.system' })
    const after = await verifyAuditChain('system')
    expect(after.count).toBe(before.count + 1)
    expect(after.firstBreak).toBeNull()
  })

  it('links entries written before the chain existed first, oldest first', async () => {
    const org = await createOrg()
    for (const [id, at] of [
      ['legacyb', '2026-01-02T10:00:00.000+00:00'],
      ['legacya', '2026-01-01T10:00:00.000+00:00'],
    ])
      await db.$executeRawUnsafe(
        `INSERT INTO "AuditLog" ("id", "action", "organizationId", "chainKey", "createdAt") VALUES (?, 'legacy.entry', ?, ?, ?)`,
        id,
        org.id,
        org.id,
        at,
      )
    await audit({ action: 'test.after', organizationId: org.id })
    const rows = await entries(org.id)
    expect(rows.map((row) => [row.id, row.seq])).toEqual([
      ['legacya', 1],
      ['legacyb', 2],
      [rows[2]!.id, 3],
    ])
    expect((await verifyAuditChain(org.id)).firstBreak).toBeNull()
  })

  it('refuses to update or delete a linked entry (the triggers)', async () => {
    const org = await createOrg()
    await fill(org.id, 2)
    const [first] = await entries(org.id)
    // Prisma reports SQLite's trigger abort as a constraint violation; raw SQL shows its message.
    await expect(
      db.auditLog.update({ where: { id: first!.id }, data: { action: 'forged' } }),
    ).rejects.toThrow()
    await expect(db.auditLog.delete({ where: { id: first!.id } })).rejects.toThrow()
    await expect(db.auditLog.deleteMany({ where: { chainKey: org.id } })).rejects.toThrow()
    await expect(
      db.$executeRawUnsafe(`UPDATE "AuditLog" SET "ip" = 'x' WHERE "id" = ?`, first!.id),
    ).rejects.toThrow(/append-only: a linked entry cannot be changed/)
    await expect(
      db.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "id" = ?`, first!.id),
    ).rejects.toThrow(/append-only: entries cannot be deleted/)
    expect((await db.auditLog.findUniqueOrThrow({ where: { id: first!.id } })).action).toBe(
      first!.action,
    )
    expect(await db.auditLog.count({ where: { chainKey: org.id } })).toBe(2)
    expect((await verifyAuditChain(org.id)).firstBreak).toBeNull()
  })

  describe('with the file in hand (triggers dropped)', () => {
    it('finds an edited field', async () => {
      const org = await createOrg()
      await fill(org.id, 5)
      await withFileAccess()
      await db.$executeRawUnsafe(
        `UPDATE "AuditLog" SET "ip" = '198.51.100.66' WHERE "chainKey" = ? AND "seq" = 3`,
        org.id,
      )
      expect((await verifyAuditChain(org.id)).firstBreak).toEqual({
        seq: 3,
        problem: 'edited',
        message: 'Entry #3 was edited: its fields no longer match its hash.',
      })
    })

    it('finds a deleted entry', async () => {
      const org = await createOrg()
      await fill(org.id, 5)
      await withFileAccess()
      await db.auditLog.deleteMany({ where: { chainKey: org.id, seq: 2 } })
      const result = await verifyAuditChain(org.id)
      expect(result.count).toBe(4)
      expect(result.firstBreak).toEqual({
        seq: 2,
        problem: 'removed',
        message: 'Entry #2 was removed (the chain goes from #1 to #3).',
      })
    })

    it('finds an inserted entry', async () => {
      const org = await createOrg()
      await fill(org.id, 4)
      await withFileAccess()
      const rows = await entries(org.id)
      const { id: _id, ...copy } = rows[2]!
      await db.auditLog.create({
        data: { ...copy, id: 'forged', actorEmail: 'mallory@example.test' },
      })
      const result = await verifyAuditChain(org.id)
      expect(result.firstBreak?.problem).toBe('inserted')
      expect(result.firstBreak?.message).toBe('Entry #3 appears twice: one of them was inserted.')
      // Put the file back as the migration left it.
      await db.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "id" = 'forged'`)
      await db.$executeRawUnsafe(
        'CREATE UNIQUE INDEX "AuditLog_chainKey_seq_key" ON "AuditLog"("chainKey", "seq")',
      )
    })
  })

  it('walks a long chain in pages', async () => {
    const org = await createOrg()
    const rows = Array.from({ length: 2_345 }, (_, index) => ({
      id: `bulk${String(index).padStart(5, '0')}`,
      at: sqliteDate(new Date(Date.UTC(2026, 0, 1, 0, 0, 0, index))),
    }))
    await db.$executeRawUnsafe(
      `INSERT INTO "AuditLog" ("id", "action", "organizationId", "chainKey", "createdAt")
       SELECT value ->> 0, 'bulk.entry', ?, ?, value ->> 1 FROM json_each(?)`,
      org.id,
      org.id,
      JSON.stringify(rows.map((row) => [row.id, row.at])),
    )
    await audit({ action: 'test.last', organizationId: org.id })
    const result = await verifyAuditChain(org.id)
    expect(result.count).toBe(2_346)
    expect(result.head?.seq).toBe(2_346)
    expect(result.firstBreak).toBeNull()
  })
})

// ---------------------------------------------------------------------------
// /settings/audit

type Seed = {
  action: string
  at: string
  actorEmail?: string
  targetType?: string
  targetId?: string
  projectId?: string | null
  metadata?: Record<string, unknown>
  ip?: string
}

let seedCounter = 0
/** Entries at chosen times (written as rows, then linked by the next audit() of the organisation). */
async function seed(organizationId: string, list: Seed[]) {
  await db.$executeRawUnsafe(
    `INSERT INTO "AuditLog" ("id", "action", "organizationId", "chainKey", "createdAt", "actorEmail", "targetType", "targetId", "projectId", "metadata", "ip")
     SELECT value ->> 0, value ->> 1, ?, ?, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8 FROM json_each(?)`,
    organizationId,
    organizationId,
    JSON.stringify(
      list.map((item) => [
        `seed${String((seedCounter += 1)).padStart(6, '0')}`,
        item.action,
        sqliteDate(new Date(item.at)),
        item.actorEmail ?? '',
        item.targetType ?? '',
        item.targetId ?? '',
        item.projectId ?? null,
        JSON.stringify(item.metadata ?? {}),
        item.ip ?? '',
      ]),
    ),
  )
  await audit({ action: 'test.link', organizationId })
}

const minute = (index: number) => new Date(Date.UTC(2026, 10, 1, 12, index)).toISOString()

type PageData = Exclude<Awaited<ReturnType<typeof auditPage.loader>>, Response>

async function load(path: string, cookie: string) {
  const result = await settle(() => auditPage.loader(routeArgs(getRequest(path, cookie))))
  return result
}

async function page(path: string, cookie: string) {
  const result = await load(path, cookie)
  expect(result.status).toBe(200)
  return result.data as PageData
}

function render(data: unknown, action?: unknown) {
  current.data = data
  current.action = action
  return renderToString(createElement(auditPage.default))
}

describe('/settings/audit', () => {
  let acme: { id: string; slug: string }
  let admin: string
  let adminUser: { id: string; email: string }
  let project: { id: string; name: string }
  beforeEach(async () => {
    acme = await createOrg('Acme')
    const member = await createMember(acme.id, 'ADMIN')
    adminUser = member.user
    admin = await cookieFor(member.user.id)
    project = await createProject(acme.id, 'Payments')
  })

  it('is for owners and admins only', async () => {
    expect((await load('/settings/audit', '')).status).toBe(302)
    for (const role of ['VENDOR', 'VIEWER'] as const) {
      const cookie = await cookieFor((await createMember(acme.id, role)).user.id)
      expect((await load('/settings/audit', cookie)).status).toBe(403)
      expect((await load('/settings/audit?format=csv', cookie)).status).toBe(403)
      const exported = await settle(() =>
        auditExport.loader(routeArgs(getRequest('/settings/audit/export?format=csv', cookie))),
      )
      expect(exported.status).toBe(403)
      const posted = await settle(() =>
        auditPage.action(routeArgs(formRequest('/settings/audit', { intent: 'verify' }, cookie))),
      )
      expect(posted.status).toBe(403)
    }
    const owner = await cookieFor((await createMember(acme.id, 'OWNER')).user.id)
    expect((await load('/settings/audit', owner)).status).toBe(200)
    expect((await load('/settings/audit', admin)).status).toBe(200)
  })

  it('says so when there is nothing yet', async () => {
    const data = await page('/settings/audit', admin)
    expect(data.page.entries).toEqual([])
    expect(render(data)).toContain('No entries yet')
    const filtered = await page('/settings/audit?action=nothing.', admin)
    expect(render(filtered)).toContain('No entries match these filters')
  })

  it('filters by action prefix, actor, target, project and dates, and never shows another organisation', async () => {
    const globex = await createOrg('Globex')
    await seed(globex.id, [
      { action: 'member.removed', at: minute(1), actorEmail: 'eve@globex.test' },
    ])
    await seed(acme.id, [
      {
        action: 'member.invited',
        at: '2026-10-01T09:00:00Z',
        actorEmail: 'alice@acme.test',
        targetType: 'invite',
        targetId: 'inv1',
      },
      {
        action: 'member.role_changed',
        at: '2026-10-15T09:00:00Z',
        actorEmail: 'bob@acme.test',
        targetType: 'membership',
        targetId: 'm1',
        projectId: project.id,
      },
      {
        action: 'api_token.created',
        at: '2026-10-31T23:59:59Z',
        actorEmail: 'alice@acme.test',
        targetType: 'api_token',
        targetId: 't1',
        projectId: project.id,
      },
      { action: 'memberless.thing', at: '2026-11-02T00:00:00Z', actorEmail: 'carol@acme.test' },
    ])
    const actions = async (query: string) =>
      (await page(`/settings/audit?${query}`, admin)).page.entries.map((entry) => entry.action)

    const all = await page('/settings/audit', admin)
    expect(all.page.entries.map((entry) => entry.action)).not.toContain('member.removed')
    expect(all.actions).toEqual([
      'api_token.created',
      'member.invited',
      'member.role_changed',
      'memberless.thing',
      'test.link',
    ])
    expect(await actions('action=member.')).toEqual(['member.role_changed', 'member.invited'])
    expect(await actions('action=member.r')).toEqual(['member.role_changed'])
    // A LIKE wildcard is a plain character here.
    expect(await actions('action=member_')).toEqual([])
    expect(await actions('action=%25')).toEqual([])
    expect(await actions('actor=ALICE@acme')).toEqual(['api_token.created', 'member.invited'])
    expect(await actions('targetType=membership')).toEqual(['member.role_changed'])
    expect(await actions('targetType=api_token&targetId=t1')).toEqual(['api_token.created'])
    expect(await actions('targetId=t2')).toEqual([])
    expect(await actions(`project=${project.id}`)).toEqual([
      'api_token.created',
      'member.role_changed',
    ])
    expect(await actions('from=2026-10-15&to=2026-10-31')).toEqual([
      'api_token.created',
      'member.role_changed',
    ])
    expect(await actions('to=2026-10-01')).toEqual(['member.invited'])
    expect(await actions('actor=eve@globex.test')).toEqual([])
    // Another organisation's project is not a filter here.
    const foreign = await createProject(globex.id, 'Theirs')
    const ignored = await page(`/settings/audit?project=${foreign.id}`, admin)
    expect(ignored.problems.join(' ')).toMatch(/is not in this organisation: it was ignored/)
    expect(ignored.page.entries).toHaveLength(5)
  })

  it('explains malformed dates and caps oversized values instead of failing', async () => {
    await seed(acme.id, [{ action: 'member.invited', at: minute(1) }])
    const bad = await page('/settings/audit?from=2026-13-45&to=yesterday', admin)
    expect(bad.problems).toEqual([
      'From “2026-13-45” was ignored: give a date as YYYY-MM-DD.',
      'To “yesterday” was ignored: give a date as YYYY-MM-DD.',
    ])
    expect(bad.page.entries).toHaveLength(2)
    const html = render(bad)
    expect(html).toContain('was ignored: give a date as YYYY-MM-DD.')
    const swapped = await page('/settings/audit?from=2026-12-01&to=2026-11-01', admin)
    expect(swapped.problems[0]).toMatch(/is after To .*Swap them/)
    const huge = await page(`/settings/audit?action=${'m'.repeat(100_000)}&actor=%00%01<b>`, admin)
    expect(huge.values.action).toHaveLength(200)
    expect(huge.values.actor).toBe('<b>')
    expect(huge.problems).toContain('Action was cut to its first 200 characters.')
    const hostile = await page('/settings/audit?before=%3Cscript%3E&after=bm90IGEgY3Vyc29y', admin)
    expect(hostile.page.cursorIgnored).toBe(true)
  })

  it('pages 50 at a time, newest first, keeping the filters', async () => {
    await seed(
      acme.id,
      Array.from({ length: 120 }, (_, index) => ({
        action: index % 2 ? 'odd.event' : 'even.event',
        at: minute(index),
        targetId: `n${index}`,
      })),
    )
    const first = await page('/settings/audit?action=even.', admin)
    expect(first.page.entries).toHaveLength(50)
    expect(first.page.newer).toBeNull()
    const ids = (data: typeof first) =>
      data.page.entries.map((entry) => (entry as unknown as { targetId: string }).targetId)
    expect(ids(first)[0]).toBe('n118')
    const html = render(first)
    expect(html).toContain('Older entries')
    expect(html).toMatch(/href="\/settings\/audit\?action=even\.&amp;before=[\w-]+"/)
    const second = await page(`/settings/audit?action=even.&before=${first.page.older}`, admin)
    expect(ids(second)[0]).toBe('n18')
    expect(second.page.older).toBeNull()
    expect(ids(second)).toHaveLength(10)
    expect(render(second)).toContain('Newer entries')
    const back = await page(`/settings/audit?action=even.&after=${second.page.newer}`, admin)
    expect(ids(back)).toEqual(ids(first))
    // Unfiltered: 121 entries (120 + the linking entry) make three pages.
    const p1 = await page('/settings/audit', admin)
    const p2 = await page(`/settings/audit?before=${p1.page.older}`, admin)
    const p3 = await page(`/settings/audit?before=${p2.page.older}`, admin)
    expect([p1, p2, p3].map((data) => data.page.entries.length)).toEqual([50, 50, 21])
    const seen = new Set([p1, p2, p3].flatMap((data) => data.page.entries.map((entry) => entry.id)))
    expect(seen.size).toBe(121)
  })

  it('shows time in UTC, actor, action, target, IP and escaped before/after', async () => {
    await seed(acme.id, [
      {
        action: 'member.role_changed',
        at: '2026-11-05T08:07:06Z',
        actorEmail: 'alice@acme.test',
        targetType: 'membership',
        targetId: 'm<1>',
        projectId: project.id,
        ip: '203.0.113.5',
        metadata: {
          before: { role: 'VIEWER' },
          after: { role: '<img src=x onerror=alert(1)>' },
          note: '<script>alert(1)</script>',
        },
      },
    ])
    const html = render(await page('/settings/audit?action=member.', admin))
    expect(html).toContain('2026-11-05 08:07:06 UTC')
    expect(html).toContain('alice@acme.test')
    expect(html).toContain('203.0.113.5')
    expect(html).toContain('m&lt;1&gt;')
    expect(html).toContain('in Payments')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('<details>')
  })

  it('verifies the chain (POST or ?verify=1), says where it breaks, and audits the check', async () => {
    await fill(acme.id, 3)
    const posted = await settle(() =>
      auditPage.action(routeArgs(formRequest('/settings/audit', { intent: 'verify' }, admin))),
    )
    expect(posted.status).toBe(200)
    const verification = (
      posted.data as {
        verification: { ok: boolean; count: number; head: { seq: number; hash: string } }
      }
    ).verification
    expect(verification).toMatchObject({ ok: true, count: 3, head: { seq: 3 } })
    const shown = render(await page('/settings/audit', admin), posted.data)
    expect(shown).toContain(
      `Chain intact: 3 entries, head #3 hash ${verification.head.hash.slice(0, 12)}…`,
    )
    const recorded = await db.auditLog.findFirstOrThrow({
      where: { organizationId: acme.id, action: 'audit.verified' },
    })
    expect(recorded.actorEmail).toBe(adminUser.email)
    expect(JSON.parse(recorded.metadata)).toMatchObject({ intact: true, count: 3 })

    const viaGet = await page('/settings/audit?verify=1', admin)
    expect(viaGet.verification).toMatchObject({ ok: true, count: 4 })
    expect(
      await db.auditLog.count({ where: { organizationId: acme.id, action: 'audit.verified' } }),
    ).toBe(2)

    const bad = await settle(() =>
      auditPage.action(routeArgs(formRequest('/settings/audit', { intent: 'wipe' }, admin))),
    )
    expect(bad.status).toBe(400)

    await withFileAccess()
    await db.$executeRawUnsafe(
      `UPDATE "AuditLog" SET "actorEmail" = 'someone@else.test' WHERE "chainKey" = ? AND "seq" = 2`,
      acme.id,
    )
    const broken = await page('/settings/audit?verify=1', admin)
    expect(broken.verification).toMatchObject({ ok: false })
    const html = render(broken)
    expect(html).toContain('Entry #2 was edited: its fields no longer match its hash.')
    const lastVerified = await db.auditLog.findFirstOrThrow({
      where: { organizationId: acme.id, action: 'audit.verified' },
      orderBy: { seq: 'desc' },
    })
    expect(JSON.parse(lastVerified.metadata)).toMatchObject({
      intact: false,
      firstBreak: { seq: 2, problem: 'edited' },
    })
  })

  describe('exports', () => {
    async function download(query: string, cookie = admin) {
      // The page redirects downloads to its resource route, which answers them.
      const redirected = await load(`/settings/audit?${query}`, cookie)
      expect(redirected.status).toBe(302)
      const location = redirected.response!.headers.get('Location')!
      expect(location).toBe(`/settings/audit/export?${query}`)
      const result = await settle(() => auditExport.loader(routeArgs(getRequest(location, cookie))))
      return { status: result.status, response: result.response! }
    }

    it('streams the whole filtered trail as CSV (RFC 4180, no formulas), and audits the export', async () => {
      await seed(acme.id, [
        ...Array.from({ length: 1_100 }, (_, index) => ({
          action: 'bulk.event',
          at: new Date(Date.UTC(2026, 9, 1, 0, 0, index)).toISOString(),
          targetId: `b${index}`,
        })),
        {
          action: 'member.invited',
          at: '2026-11-01T00:00:00Z',
          actorEmail: '=HYPERLINK("http://evil.test","x")',
          targetType: 'invite',
          targetId: '+cmd|calc',
          metadata: { note: 'line one\nline "two", with comma' },
          ip: '-1',
        },
        { action: '@SUM(A1)', at: '2026-11-01T00:00:01Z', targetId: '\tTAB', actorEmail: '\rCR' },
      ])
      const globex = await createOrg('Globex')
      await seed(globex.id, [{ action: 'bulk.event', at: minute(3), targetId: 'theirs' }])

      const { status, response } = await download('format=csv&action=bulk.')
      expect(status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
      expect(response.headers.get('Content-Disposition')).toMatch(
        new RegExp(`^attachment; filename="audit-trail-${acme.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
      )
      const text = await response.text()
      const lines = text.split('\r\n')
      expect(lines[0]).toBe(
        'seq,createdAt,actorEmail,actorUserId,action,targetType,targetId,projectId,ip,userAgent,metadata,id,chainKey,organizationId,contentHash,prevHash,hash',
      )
      expect(lines.at(-1)).toBe('')
      expect(lines).toHaveLength(1 + 1_100 + 1)
      expect(text).not.toContain('theirs')
      expect(lines[1]).toContain(',bulk.event,,b0,')

      const all = await (await download('format=csv&action=member.')).response.text()
      // Quoted (it holds quotes and a comma), quotes doubled, and defused with an apostrophe.
      expect(all).toContain(`,"'=HYPERLINK(""http://evil.test"",""x"")",`)
      expect(all).toContain(`,'+cmd|calc,`)
      expect(all).toContain(`,'-1,`)
      expect(all).toContain(`"{""note"":""line one\\nline \\""two\\"", with comma""}"`)
      const odd = await (await download('format=csv&action=@')).response.text()
      expect(odd).toContain(`'@SUM(A1)`)
      expect(odd).toContain(`"'\rCR"`)
      expect(odd).toContain(`'\tTAB`)

      const exported = await db.auditLog.findFirstOrThrow({
        where: { organizationId: acme.id, action: 'audit.exported' },
        orderBy: { seq: 'asc' },
      })
      expect(exported.actorEmail).toBe(adminUser.email)
      expect(JSON.parse(exported.metadata)).toEqual({
        format: 'csv',
        filters: { action: 'bulk.' },
        rows: 1_100,
      })
    })

    it('exports JSON an auditor can re-verify offline, without the export itself', async () => {
      await fill(acme.id, 30)
      await audit({
        action: 'member.role_changed',
        organizationId: acme.id,
        actorUserId: adminUser.id,
        metadata: { before: { role: 'VIEWER' }, after: { role: 'ADMIN' } },
      })
      const { status, response } = await download('format=json')
      expect(status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      expect(response.headers.get('Content-Disposition')).toMatch(
        /^attachment; filename=".*\.json"$/,
      )
      const list = JSON.parse(await response.text()) as ExportedAuditEntry[]
      expect(list).toHaveLength(31)
      expect(list[0]).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) })
      for (const key of ['seq', 'prevHash', 'hash', 'contentHash', 'createdAt', 'metadata', 'id'])
        expect(list[30]).toHaveProperty(key)
      expect(list.some((entry) => entry.action === 'audit.exported')).toBe(false)
      const offline = verifyAuditExport(list)
      expect(offline).toEqual({
        count: 31,
        head: { seq: 31, hash: list[30]!.hash },
        firstBreak: null,
      })
      expect(offline.head).toEqual(
        (await verifyAuditChain(acme.id)).head && { seq: 31, hash: list[30]!.hash },
      )
      const tampered = list.map((entry) =>
        entry.seq === 31 ? { ...entry, metadata: entry.metadata.replace('ADMIN', 'OWNER') } : entry,
      )
      expect(verifyAuditExport(tampered).firstBreak?.message).toBe(
        'Entry #31 was edited: its fields no longer match its hash.',
      )
      expect(verifyAuditExport(list.filter((entry) => entry.seq !== 5)).firstBreak?.problem).toBe(
        'removed',
      )
      // An empty selection is an empty array.
      const none = await download('format=json&action=nothing.')
      expect(JSON.parse(await none.response.text())).toEqual([])
    })

    it('refuses an unknown format and filters it would have to ignore', async () => {
      const unknown = await download('format=xlsx')
      expect(unknown.status).toBe(400)
      expect(await unknown.response.text()).toBe(
        'Unknown export format “xlsx”: use ?format=csv or ?format=json.',
      )
      const dates = await download('format=csv&from=31/12/2026')
      expect(dates.status).toBe(400)
      expect(await dates.response.text()).toMatch(/was not made.*give a date as YYYY-MM-DD/)
      expect(
        await db.auditLog.count({ where: { organizationId: acme.id, action: 'audit.exported' } }),
      ).toBe(0)
    })
  })
})

// ---------------------------------------------------------------------------
// Security-relevant actions leave an entry

describe('security-relevant actions are recorded', () => {
  const UA = 'AuditTrailTest/1.0 (+https://example.test)'
  const IP = '203.0.113.20'
  const headers = (cookie?: string): Record<string, string> => ({
    'User-Agent': UA,
    [CLIENT_ADDRESS_HEADER]: IP,
    ...(cookie ? { Cookie: cookie } : {}),
  })
  const post = (path: string, fields: Record<string, string>, cookie?: string) =>
    new Request(`${BASE_URL}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers(cookie) },
      body: new URLSearchParams(fields).toString(),
    })
  const latest = (where: { action: string; organizationId?: string | null; chainKey?: string }) =>
    db.auditLog.findFirstOrThrow({ where, orderBy: { createdAt: 'desc' } })

  it('records sign-ins, refused passwords and sign-outs in each organisation of the user', async () => {
    const [acme, globex] = [await createOrg('Acme'), await createOrg('Globex')]
    const email = uniqueEmail('signin')
    const user = await createUser({
      email,
      passwordHash: await hashPassword('correct horse battery'),
    })
    for (const org of [acme, globex])
      await db.membership.create({
        data: { userId: user.id, organizationId: org.id, role: 'VENDOR' },
      })

    const ok = await settle(() =>
      login.action(routeArgs(post('/login', { email, password: 'correct horse battery' }))),
    )
    expect(ok.status).toBe(302)
    for (const org of [acme, globex]) {
      const entry = await latest({ action: 'auth.signed_in', organizationId: org.id })
      expect(entry).toMatchObject({
        actorUserId: user.id,
        actorEmail: email,
        targetType: 'user',
        targetId: user.id,
        ip: IP,
        userAgent: UA,
      })
      expect(entry.seq).toBeGreaterThan(0)
      expect(JSON.parse(entry.metadata)).toMatchObject({ email, method: 'password' })
    }

    const refused = await settle(() =>
      login.action(routeArgs(post('/login', { email, password: 'wrong password!' }))),
    )
    expect(refused.status).toBe(400)
    const failed = await latest({ action: 'auth.sign_in_failed', organizationId: acme.id })
    expect(failed).toMatchObject({ actorUserId: user.id, ip: IP, userAgent: UA })
    expect(failed.metadata).not.toContain('wrong password')
    expect(
      await db.auditLog.count({ where: { action: 'auth.sign_in_failed', actorUserId: user.id } }),
    ).toBe(2)

    const nobody = uniqueEmail('nobody')
    await settle(() =>
      login.action(routeArgs(post('/login', { email: nobody, password: 'guess-guess' }))),
    )
    const unknown = await latest({ action: 'auth.sign_in_failed', chainKey: 'system' })
    expect(unknown).toMatchObject({ organizationId: null, actorUserId: null, ip: IP })
    expect(JSON.parse(unknown.metadata)).toMatchObject({ email: nobody })

    const cookie = await cookieFor(user.id)
    const out = await settle(() => logout.action(routeArgs(post('/logout', {}, cookie))))
    expect(out.status).toBe(302)
    const signedOut = await latest({ action: 'auth.signed_out', organizationId: globex.id })
    expect(signedOut).toMatchObject({
      actorUserId: user.id,
      actorEmail: email,
      ip: IP,
      userAgent: UA,
    })
    // Signing out without a session records nothing.
    const before = await db.auditLog.count({ where: { action: 'auth.signed_out' } })
    await settle(() => logout.action(routeArgs(post('/logout', {}))))
    expect(await db.auditLog.count({ where: { action: 'auth.signed_out' } })).toBe(before)
    for (const org of [acme, globex]) expect((await verifyAuditChain(org.id)).firstBreak).toBeNull()
  })

  it('records API tokens created and revoked, and a project archived, without the secret', async () => {
    const org = await createOrg()
    const admin = await createMember(org.id, 'ADMIN')
    const cookie = await cookieFor(admin.user.id)
    const project = await createProject(org.id)
    const path = `/projects/${project.id}/settings`
    const created = await settle(() =>
      projectSettings.action(
        routeArgs(post(path, { intent: 'create-token', name: 'CI pipeline' }, cookie), {
          projectId: project.id,
        }),
      ),
    )
    const secret = (created.data as { newToken: { value: string } }).newToken.value
    const token = await db.apiToken.findFirstOrThrow({ where: { projectId: project.id } })
    const createdEntry = await latest({ action: 'api_token.created', organizationId: org.id })
    expect(createdEntry).toMatchObject({
      actorEmail: admin.user.email,
      projectId: project.id,
      targetType: 'api_token',
      targetId: token.id,
      ip: IP,
    })
    expect(JSON.stringify(createdEntry)).not.toContain(secret)
    await settle(() =>
      projectSettings.action(
        routeArgs(post(path, { intent: 'revoke-token', tokenId: token.id }, cookie), {
          projectId: project.id,
        }),
      ),
    )
    expect(await latest({ action: 'api_token.revoked', organizationId: org.id })).toMatchObject({
      targetId: token.id,
      actorEmail: admin.user.email,
    })
    await settle(() =>
      projectSettings.action(
        routeArgs(post(path, { intent: 'archive' }, cookie), { projectId: project.id }),
      ),
    )
    expect(await latest({ action: 'project.archived', organizationId: org.id })).toMatchObject({
      targetType: 'project',
      targetId: project.id,
    })
  })

  it('records secret rotations (trace, receiver, mock webhook, inbound spec) without the secrets', async () => {
    const shop = await shopProject()
    const admin = await createMember(shop.org.id, 'ADMIN')
    const actor: Actor = {
      userId: admin.user.id,
      organizationId: shop.org.id,
      projectId: shop.project.id,
      ip: IP,
      userAgent: UA,
      via: 'page',
    }
    const environment = await db.environment.create({
      data: {
        projectId: shop.project.id,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sandbox.test',
      },
    })
    const mock = await db.mock.create({
      data: {
        projectId: shop.project.id,
        specVersionId: shop.specVersionId,
        desiredState: 'stopped',
      },
    })
    const spec = await db.spec.findFirstOrThrow({ where: { projectId: shop.project.id } })
    const secrets = [
      await rotateTraceSecret(shop.project.id, shop.partner.id, actor),
      await rotateReceiverSecret(shop.project.id, environment.id, actor),
      await rotateSigningSecret(shop.project.id, mock.id, actor),
      await rotateInboundSecret(actor, spec.id),
    ]
    for (const [action, targetId] of [
      ['trace_secret.rotated', shop.partner.id],
      ['environment.webhook_secret_rotated', environment.id],
      ['mock.webhook_secret_rotated', mock.id],
      ['spec.inbound_secret_rotated', spec.id],
    ] as const) {
      const entry = await latest({ action, organizationId: shop.org.id })
      expect(entry).toMatchObject({
        targetId,
        actorEmail: admin.user.email,
        projectId: shop.project.id,
        ip: IP,
        userAgent: UA,
      })
      for (const secret of secrets) expect(JSON.stringify(entry)).not.toContain(secret)
    }
    expect((await verifyAuditChain(shop.org.id)).firstBreak).toBeNull()
  })

  it('records evidence verification from the page and the API', async () => {
    const shop = await shopProject()
    const vendor = await createMember(shop.org.id, 'VENDOR')
    const cookie = await cookieFor(vendor.user.id)
    const params = { projectId: shop.project.id, partnerId: shop.partner.id }
    const viewed = await settle(() =>
      evidencePage.loader(
        routeArgs(
          getRequest(
            `/projects/${shop.project.id}/plan/${shop.partner.id}/evidence`,
            cookie,
            headers(),
          ),
          params,
        ),
      ),
    )
    expect(viewed.status).toBe(200)
    expect(await db.auditLog.count({ where: { action: 'evidence.verified' } })).toBe(0)
    const verified = await settle(() =>
      evidencePage.loader(
        routeArgs(
          getRequest(
            `/projects/${shop.project.id}/plan/${shop.partner.id}/evidence?verify=1`,
            cookie,
            headers(),
          ),
          params,
        ),
      ),
    )
    expect(verified.status).toBe(200)
    const fromPage = await latest({ action: 'evidence.verified', organizationId: shop.org.id })
    expect(fromPage).toMatchObject({
      actorEmail: vendor.user.email,
      targetType: 'partner_project',
      targetId: shop.partner.id,
      ip: IP,
      userAgent: UA,
    })
    expect(JSON.parse(fromPage.metadata)).toMatchObject({ ok: true, via: 'page' })

    const { token, record } = await createApiToken({
      projectId: shop.project.id,
      name: 'CI',
      createdById: vendor.user.id,
    })
    const api = await settle(() =>
      evidenceApi.loader(
        routeArgs(
          getRequest(`/api/v1/partner-projects/${shop.partner.id}/evidence/verify`, undefined, {
            Authorization: `Bearer ${token}`,
            ...headers(),
          }),
          { partnerProjectId: shop.partner.id },
        ),
      ),
    )
    expect(api.status).toBe(200)
    const fromApi = await latest({ action: 'evidence.verified', organizationId: shop.org.id })
    expect(JSON.parse(fromApi.metadata)).toMatchObject({ ok: true, via: 'api', tokenId: record.id })
    expect(fromApi.actorUserId).toBe(vendor.user.id)
  })
})
