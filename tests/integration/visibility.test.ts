/**
 * Issue 10, acceptance 4 (vendor side): specs, mocks and suites are shared
 * with every partner project by default; the vendor restricts them from the
 * resource's page or when importing a spec / starting a mock; foreign ids,
 * malformed forms and the wrong roles change nothing; existing rows stay
 * shared after the partner-portal migration.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  action as mockAction,
  loader as mockLoader,
} from '~/routes/projects.$projectId.mocks.$mockId'
import { action as mocksAction } from '~/routes/projects.$projectId.mocks._index'
import { action as specsAction } from '~/routes/projects.$projectId.specs._index'
import {
  action as specAction,
  loader as specLoader,
} from '~/routes/projects.$projectId.specs.$specId.v.$versionId'
import { db } from '~/server/db.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import {
  canSee,
  setVisibility,
  shareState,
  visibleMocks,
  visibleSpecs,
  visibleSuiteSpecIds,
  VisibilityError,
} from '~/server/partners/visibility.server'
import { importSpec } from '~/server/specs/store.server'
import { readToast } from '~/server/toast.server'
import { describeVisibility } from '~/shared/visibility-forms'
import { BASE_URL, cookieFor, createMember, createOrg, createProject, settle } from '../helpers'

const spec = (title: string) =>
  `openapi: 3.0.3\ninfo: {title: ${title}, version: "1"}\npaths:\n  /ping:\n    get:\n      responses:\n        "200": {description: pong}\n`

let projectId: string
let specId: string
let versionId: string
let mockId: string
let globex: string
let umbrella: string
let foreignProjectId: string
let foreignPartner: string
let foreignSpecId: string
let foreignMockId: string
const cookies = { vendor: '', viewer: '', outsider: '' }
let vendorUserId: string

async function newSpec(project: string, title: string) {
  const { spec: row, version } = await importSpec({
    projectId: project,
    raw: new TextEncoder().encode(spec(title)),
    sourceKind: 'paste',
  })
  const mock = await db.mock.create({
    data: {
      projectId: project,
      specVersionId: version.id,
      status: 'stopped',
      desiredState: 'stopped',
    },
  })
  return { specId: row.id, versionId: version.id, mockId: mock.id }
}

beforeAll(async () => {
  const org = await createOrg('Vendor Co')
  projectId = (await createProject(org.id, 'Payments')).id
  ;({ specId, versionId, mockId } = await newSpec(projectId, 'Payments API'))
  globex = (await db.partnerProject.create({ data: { projectId, name: 'Globex', slug: 'globex' } }))
    .id
  umbrella = (
    await db.partnerProject.create({ data: { projectId, name: 'Umbrella', slug: 'umbrella' } })
  ).id
  // Another organisation's project, with its own partner, spec and mock.
  const otherOrg = await createOrg('Other Co')
  foreignProjectId = (await createProject(otherOrg.id, 'Elsewhere')).id
  foreignPartner = (
    await db.partnerProject.create({
      data: { projectId: foreignProjectId, name: 'Initech', slug: 'initech' },
    })
  ).id
  ;({ specId: foreignSpecId, mockId: foreignMockId } = await newSpec(foreignProjectId, 'Other API'))
  const vendor = await createMember(org.id, 'VENDOR')
  vendorUserId = vendor.user.id
  cookies.vendor = await cookieFor(vendor.user.id)
  cookies.viewer = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  cookies.outsider = await cookieFor((await createMember(otherOrg.id, 'OWNER')).user.id)
})

afterAll(() => getSupervisor().shutdown())

/** A form POST; repeated names (the partner checkboxes) as repeated entries. */
function post(url: string, entries: [string, string][], cookie: string) {
  return new Request(`${BASE_URL}${url}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams(entries).toString(),
  })
}

const specPage = () => `/projects/${projectId}/specs/${specId}/v/${versionId}`
const mockPage = (id = mockId) => `/projects/${projectId}/mocks/${id}`

function submitSpec(entries: [string, string][], cookie = cookies.vendor, params = {}) {
  return settle(() =>
    specAction({
      request: post(specPage(), [['intent', 'visibility'], ...entries], cookie),
      params: { projectId, specId, versionId, ...params },
      context: {},
    }),
  )
}

function submitMock(entries: [string, string][], cookie = cookies.vendor, id = mockId) {
  return settle(() =>
    mockAction({
      request: post(mockPage(id), [['intent', 'visibility'], ...entries], cookie),
      params: { projectId, mockId: id },
      context: {},
    }),
  )
}

async function toastOf(response?: Response) {
  const cookie = response?.headers.get('Set-Cookie')?.split(';')[0] ?? ''
  return (await readToast(new Request(BASE_URL, { headers: { cookie } }))).toast
}

type Refusal = { visibility: { reply: { error?: Record<string, string[]> } } }
const errorsOf = (data: unknown) =>
  Object.values((data as Refusal).visibility.reply.error ?? {}).flat()

/** Every partner project's view of the project's specs, suites and mocks. */
async function seen(partnerProjectId: string) {
  return {
    specs: (await visibleSpecs(projectId, partnerProjectId)).map((row) => row.id),
    suites: await visibleSuiteSpecIds(projectId, partnerProjectId),
    mocks: (await visibleMocks(projectId, partnerProjectId)).map((row) => row.id),
  }
}

const everything = async () => ({
  spec: await shareState(projectId, 'spec', specId),
  suite: await shareState(projectId, 'suite', specId),
  mock: await shareState(projectId, 'mock', mockId),
  shares: await db.resourceShare.count(),
  audits: await db.auditLog.count({ where: { action: 'visibility.changed' } }),
})

describe('defaults', () => {
  it('shares a spec, its suite and a mock created without a choice with every partner', async () => {
    for (const partner of [globex, umbrella]) {
      const view = await seen(partner)
      expect(view.specs).toContain(specId)
      expect(view.suites).toContain(specId)
      expect(view.mocks).toContain(mockId)
      expect(await canSee(projectId, partner, 'spec', specId)).toBe(true)
      expect(await canSee(projectId, partner, 'suite', specId)).toBe(true)
      expect(await canSee(projectId, partner, 'mock', mockId)).toBe(true)
    }
    expect(await shareState(projectId, 'spec', specId)).toEqual({
      visibility: 'all',
      partnerProjectIds: [],
    })
  })

  it('shares a partner added later too', async () => {
    const late = await db.partnerProject.create({
      data: { projectId, name: 'Late Co', slug: 'late-co' },
    })
    expect(await canSee(projectId, late.id, 'spec', specId)).toBe(true)
    await db.partnerProject.delete({ where: { id: late.id } })
  })

  it('never shows another project’s resources', async () => {
    expect(await canSee(projectId, globex, 'spec', foreignSpecId)).toBe(false)
    expect(await canSee(projectId, globex, 'mock', foreignMockId)).toBe(false)
    expect((await seen(globex)).specs).not.toContain(foreignSpecId)
  })
})

describe('the spec page', () => {
  it('shows the state read-only to a viewer, with the form for writers', async () => {
    const viewer = await settle(() =>
      specLoader({
        request: new Request(`${BASE_URL}${specPage()}`, { headers: { Cookie: cookies.viewer } }),
        params: { projectId, specId, versionId },
        context: {},
      }),
    )
    expect(viewer.status).toBe(200)
    expect((viewer.data as { sharing: unknown }).sharing).toMatchObject({
      canEdit: false,
      partners: [
        { id: globex, name: 'Globex' },
        { id: umbrella, name: 'Umbrella' },
      ],
      spec: { visibility: 'all' },
      suite: { visibility: 'all' },
    })
  })

  it('restricts the spec to one partner: the other no longer sees it, the suite is unchanged', async () => {
    const result = await submitSpec([
      ['resourceType', 'spec'],
      ['visibility', 'restricted'],
      ['partnerProjectIds', globex],
    ])
    expect(result.status).toBe(302)
    expect(result.response?.headers.get('Location')).toBe(specPage())
    expect((await toastOf(result.response))?.message).toBe(
      'This spec is now restricted to one partner.',
    )
    expect(await canSee(projectId, globex, 'spec', specId)).toBe(true)
    expect(await canSee(projectId, umbrella, 'spec', specId)).toBe(false)
    expect((await seen(umbrella)).specs).not.toContain(specId)
    expect((await seen(globex)).specs).toContain(specId)
    expect(await canSee(projectId, umbrella, 'suite', specId)).toBe(true)
    expect(await shareState(projectId, 'spec', specId)).toEqual({
      visibility: 'restricted',
      partnerProjectIds: [globex],
    })
  })

  it('writes a visibility.changed audit row', async () => {
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'visibility.changed', targetId: specId, projectId },
      orderBy: { createdAt: 'desc' },
    })
    expect(row).toMatchObject({ targetType: 'spec', actorUserId: vendorUserId })
    expect(JSON.parse(row.metadata)).toMatchObject({
      visibility: 'restricted',
      partnerProjectIds: [globex],
      via: 'page',
    })
  })

  it('restricts the golden suite to nobody, then shares it with all again', async () => {
    expect(
      (
        await submitSpec([
          ['resourceType', 'suite'],
          ['visibility', 'restricted'],
        ])
      ).status,
    ).toBe(302)
    expect(await visibleSuiteSpecIds(projectId, globex)).not.toContain(specId)
    expect(await visibleSuiteSpecIds(projectId, umbrella)).not.toContain(specId)
    const back = await submitSpec([
      ['resourceType', 'suite'],
      ['visibility', 'all'],
      // Ticked boxes with "every partner" are ignored: no share rows are kept.
      ['partnerProjectIds', umbrella],
    ])
    expect((await toastOf(back.response))?.message).toBe(
      'This golden suite is now shared with every partner.',
    )
    expect(await shareState(projectId, 'suite', specId)).toEqual({
      visibility: 'all',
      partnerProjectIds: [],
    })
    const audit = await db.auditLog.findFirstOrThrow({
      where: { action: 'visibility.changed', targetType: 'suite', targetId: specId },
      orderBy: { createdAt: 'desc' },
    })
    expect(JSON.parse(audit.metadata)).toMatchObject({ visibility: 'all', partnerProjectIds: [] })
    // The spec's own restriction was left alone.
    expect((await shareState(projectId, 'spec', specId)).visibility).toBe('restricted')
  })

  it('refuses a partner of another project with a clear message, changing nothing', async () => {
    const before = await everything()
    const result = await submitSpec([
      ['resourceType', 'spec'],
      ['visibility', 'restricted'],
      ['partnerProjectIds', umbrella],
      ['partnerProjectIds', foreignPartner],
    ])
    expect(result.status).toBe(400)
    expect(errorsOf(result.data)).toEqual(['One of the chosen partners is not in this project.'])
    expect(await everything()).toEqual(before)
  })

  it.each([
    [
      'an unknown visibility',
      [['visibility', 'public']],
      /Choose “Shared with every partner” or “Only these partners”/,
    ],
    ['no visibility at all', [], /Choose “Shared with every partner”/],
    [
      'a garbage partner id',
      [
        ['visibility', 'restricted'],
        ['partnerProjectIds', '"><script>alert(1)</script>'],
      ],
      /not a valid partner id/,
    ],
    [
      'an overlong partner id',
      [
        ['visibility', 'restricted'],
        ['partnerProjectIds', 'x'.repeat(5000)],
      ],
      /not a valid partner id/,
    ],
    [
      'too many partners',
      [
        ['visibility', 'restricted'],
        ...Array.from({ length: 501 }, (_, index) => ['partnerProjectIds', `p${index}`]),
      ],
      /at most 500 partners/,
    ],
    [
      'an unknown resource type',
      [
        ['resourceType', 'planet'],
        ['visibility', 'all'],
      ],
      /Unknown kind/,
    ],
    [
      'a resource the page does not have',
      [
        ['resourceType', 'mock'],
        ['visibility', 'all'],
      ],
      /no mock/,
    ],
  ] as [string, [string, string][], RegExp][])(
    'refuses %s with a clear error and changes nothing',
    async (_, entries, message) => {
      const before = await everything()
      const result = await submitSpec(entries)
      expect(result.status).toBe(400)
      expect(errorsOf(result.data).join(' ')).toMatch(message)
      expect(await everything()).toEqual(before)
    },
  )

  it('answers 404 for a spec of another project in the URL', async () => {
    const before = await everything()
    const result = await submitSpec([['visibility', 'all']], cookies.vendor, {
      specId: foreignSpecId,
    })
    expect(result.status).toBe(404)
    expect(await everything()).toEqual(before)
    expect((await db.spec.findUniqueOrThrow({ where: { id: foreignSpecId } })).visibility).toBe(
      'all',
    )
  })

  it('gives a viewer 403 and an outsider 404', async () => {
    const before = await everything()
    expect((await submitSpec([['visibility', 'all']], cookies.viewer)).status).toBe(403)
    expect((await submitSpec([['visibility', 'all']], cookies.outsider)).status).toBe(404)
    expect(await everything()).toEqual(before)
  })
})

describe('the mock page', () => {
  it('restricts the mock and shows the state in the loader', async () => {
    const result = await submitMock([
      ['visibility', 'restricted'],
      ['partnerProjectIds', umbrella],
    ])
    expect(result.status).toBe(302)
    expect(await canSee(projectId, umbrella, 'mock', mockId)).toBe(true)
    expect(await canSee(projectId, globex, 'mock', mockId)).toBe(false)
    expect((await seen(globex)).mocks).not.toContain(mockId)
    const page = await settle(() =>
      mockLoader({
        request: new Request(`${BASE_URL}${mockPage()}`, { headers: { Cookie: cookies.viewer } }),
        params: { projectId, mockId },
        context: {},
      }),
    )
    expect((page.data as { sharing: unknown; canControl: boolean }).canControl).toBe(false)
    expect((page.data as { sharing: unknown }).sharing).toMatchObject({
      state: { visibility: 'restricted', partnerProjectIds: [umbrella] },
    })
  })

  it('refuses a mock of another project (404) and malformed input (400), changing nothing', async () => {
    const before = await everything()
    expect((await submitMock([['visibility', 'all']], cookies.vendor, foreignMockId)).status).toBe(
      404,
    )
    expect((await db.mock.findUniqueOrThrow({ where: { id: foreignMockId } })).visibility).toBe(
      'all',
    )
    const bad = await submitMock([['visibility', 'hidden']])
    expect(bad.status).toBe(400)
    expect(errorsOf(bad.data).join(' ')).toMatch(/Choose “Shared with every partner”/)
    expect(await everything()).toEqual(before)
  })

  it('gives a viewer 403 and an outsider 404', async () => {
    expect((await submitMock([['visibility', 'all']], cookies.viewer)).status).toBe(403)
    expect((await submitMock([['visibility', 'all']], cookies.outsider)).status).toBe(404)
  })
})

describe('setVisibility', () => {
  it('refuses a forged resource id from another project, in a bulk call too', async () => {
    const actor = { userId: vendorUserId, organizationId: '', projectId, via: 'page' as const }
    const before = await everything()
    const attempt = setVisibility(
      projectId,
      [
        { type: 'spec', id: specId },
        { type: 'spec', id: foreignSpecId },
      ],
      { visibility: 'restricted', partnerProjectIds: [] },
      actor,
    )
    await expect(attempt).rejects.toThrow(VisibilityError)
    await expect(attempt).rejects.toMatchObject({
      status: 404,
      message: 'That spec is not in this project.',
    })
    await expect(
      setVisibility(
        projectId,
        [{ type: 'mock', id: foreignMockId }],
        { visibility: 'all', partnerProjectIds: [] },
        actor,
      ),
    ).rejects.toThrow('That mock is not in this project.')
    expect(await everything()).toEqual(before)
  })
})

function importRequest(fields: [string, string][], cookie = cookies.vendor) {
  const form = new FormData()
  for (const [name, value] of fields) form.append(name, value)
  return new Request(`${BASE_URL}/projects/${projectId}/specs`, {
    method: 'POST',
    body: form,
    headers: { Cookie: cookie },
  })
}

const importSpecForm = (fields: [string, string][]) =>
  settle(() => specsAction({ request: importRequest(fields), params: { projectId }, context: {} }))

describe('bulk: the choice made when sharing a new resource', () => {
  it('restricts a newly imported spec and its suite in one go', async () => {
    const result = await importSpecForm([
      ['pasted', spec('Ledger API')],
      ['visibility', 'restricted'],
      ['partnerProjectIds', umbrella],
    ])
    expect(result.status).toBe(302)
    const ledger = await db.spec.findFirstOrThrow({ where: { projectId, name: 'Ledger API' } })
    expect(ledger).toMatchObject({ visibility: 'restricted', suiteVisibility: 'restricted' })
    expect(await canSee(projectId, umbrella, 'spec', ledger.id)).toBe(true)
    expect(await canSee(projectId, umbrella, 'suite', ledger.id)).toBe(true)
    expect(await canSee(projectId, globex, 'spec', ledger.id)).toBe(false)
    expect(await canSee(projectId, globex, 'suite', ledger.id)).toBe(false)
    const audits = await db.auditLog.findMany({
      where: { action: 'visibility.changed', targetId: ledger.id },
    })
    expect(audits.map((row) => row.targetType).sort()).toEqual(['spec', 'suite'])
  })

  it('leaves a new version of an existing spec as it was shared', async () => {
    const result = await importSpecForm([
      ['name', 'Ledger API'],
      ['pasted', spec('Ledger API').replace('version: "1"', 'version: "2"')],
      ['visibility', 'restricted'],
      ['partnerProjectIds', globex],
    ])
    expect(result.status).toBe(302)
    const ledger = await db.spec.findFirstOrThrow({
      where: { projectId, name: 'Ledger API' },
      include: { versions: true },
    })
    expect(ledger.versions).toHaveLength(2)
    expect(await shareState(projectId, 'spec', ledger.id)).toEqual({
      visibility: 'restricted',
      partnerProjectIds: [umbrella],
    })
  })

  it('shares an import without a choice with every partner', async () => {
    expect((await importSpecForm([['pasted', spec('Open API one')]])).status).toBe(302)
    const open = await db.spec.findFirstOrThrow({ where: { projectId, name: 'Open API one' } })
    expect(open).toMatchObject({ visibility: 'all', suiteVisibility: 'all' })
    expect(await canSee(projectId, globex, 'spec', open.id)).toBe(true)
  })

  it('refuses a foreign partner or a malformed choice before importing anything', async () => {
    const specsBefore = await db.spec.count({ where: { projectId } })
    for (const [fields, message] of [
      [
        [
          ['visibility', 'restricted'],
          ['partnerProjectIds', foreignPartner],
        ],
        'One of the chosen partners is not in this project.',
      ],
      [[['visibility', 'secret']], /Choose “Shared with every partner”/],
      [
        [
          ['visibility', 'restricted'],
          ['partnerProjectIds', '../../etc/passwd'],
        ],
        /not a valid partner id/,
      ],
    ] as [[string, string][], string | RegExp][]) {
      const result = await importSpecForm([['pasted', spec('Refused API')], ...fields])
      expect(result.status).toBe(400)
      expect((result.data as { problems: { message: string }[] }).problems[0]!.message).toMatch(
        message,
      )
    }
    expect(await db.spec.count({ where: { projectId } })).toBe(specsBefore)
  })

  it('restricts the mock an import starts along with its spec', async () => {
    process.env.MOCK_AUTOSTART = 'true'
    try {
      const result = await importSpecForm([
        ['pasted', spec('Autostarted API')],
        ['visibility', 'restricted'],
        ['partnerProjectIds', globex],
      ])
      expect(result.status).toBe(302)
    } finally {
      process.env.MOCK_AUTOSTART = 'false'
    }
    const started = await db.mock.findFirstOrThrow({
      where: { projectId, specVersion: { spec: { name: 'Autostarted API' } } },
    })
    expect(await shareState(projectId, 'mock', started.id)).toEqual({
      visibility: 'restricted',
      partnerProjectIds: [globex],
    })
    expect(await canSee(projectId, umbrella, 'mock', started.id)).toBe(false)
  })

  it('restricts a new mock started from the Mocks tab', async () => {
    const result = await settle(() =>
      mocksAction({
        request: post(
          `/projects/${projectId}/mocks`,
          [
            ['intent', 'create'],
            ['specVersionId', versionId],
            ['visibility', 'restricted'],
            ['partnerProjectIds', globex],
            ['partnerProjectIds', umbrella],
          ],
          cookies.vendor,
        ),
        params: { projectId },
        context: {},
      }),
    )
    expect(result.status).toBe(302)
    const created = await db.mock.findFirstOrThrow({
      where: { projectId, specVersionId: versionId, id: { not: mockId } },
      orderBy: { createdAt: 'desc' },
    })
    const state = await shareState(projectId, 'mock', created.id)
    expect(state.visibility).toBe('restricted')
    expect(state.partnerProjectIds.sort()).toEqual([globex, umbrella].sort())
  })

  it('refuses a new mock restricted to a foreign partner, creating nothing', async () => {
    const mocksBefore = await db.mock.count({ where: { projectId } })
    const result = await settle(() =>
      mocksAction({
        request: post(
          `/projects/${projectId}/mocks`,
          [
            ['intent', 'create'],
            ['specVersionId', versionId],
            ['visibility', 'restricted'],
            ['partnerProjectIds', foreignPartner],
          ],
          cookies.vendor,
        ),
        params: { projectId },
        context: {},
      }),
    )
    expect(result.status).toBe(302)
    expect(await toastOf(result.response)).toMatchObject({
      type: 'error',
      message: 'One of the chosen partners is not in this project.',
    })
    expect(await db.mock.count({ where: { projectId } })).toBe(mocksBefore)
  })
})

describe('describeVisibility', () => {
  const partners = [
    { id: 'g', name: 'Globex' },
    { id: 'u', name: 'Umbrella' },
    { id: 'i', name: 'Initech' },
  ]
  it('says the state in words', () => {
    expect(describeVisibility({ visibility: 'all', partnerProjectIds: [] }, partners)).toBe(
      'Shared with all 3 partners',
    )
    expect(
      describeVisibility({ visibility: 'restricted', partnerProjectIds: ['u', 'g'] }, partners),
    ).toBe('Restricted to Globex, Umbrella')
    expect(describeVisibility({ visibility: 'restricted', partnerProjectIds: [] }, partners)).toBe(
      'Restricted to nobody yet: no partner sees it',
    )
    expect(describeVisibility({ visibility: 'all', partnerProjectIds: [] }, [])).toBe(
      'Shared with every partner (there are none yet)',
    )
  })
})

describe('the partner-portal migration', () => {
  const migrationsDir = path.resolve('prisma/migrations')
  const dirs = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  const portal = dirs.find((name) => name.endsWith('_partner_portal'))!
  const sql = (name: string) =>
    fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8')

  /** Inserts a row, filling the other required columns of the table as it is at that point. */
  function insert(sqlite: Database.Database, table: string, values: Record<string, unknown>) {
    const columns = sqlite.prepare(`PRAGMA table_info("${table}")`).all() as {
      name: string
      type: string
      notnull: number
      dflt_value: unknown
    }[]
    const row: Record<string, unknown> = { ...values }
    for (const column of columns) {
      if (column.name in row || !column.notnull || column.dflt_value !== null) continue
      const type = column.type.toUpperCase()
      row[column.name] =
        type === 'DATETIME'
          ? Date.now()
          : type === 'INTEGER' || type === 'REAL' || type === 'BOOLEAN'
            ? 0
            : type === 'BLOB'
              ? Buffer.from('x')
              : `${column.name}-value`
    }
    const names = Object.keys(row)
    sqlite
      .prepare(
        `INSERT INTO "${table}" (${names.map((name) => `"${name}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      )
      .run(...names.map((name) => row[name]))
  }

  it('keeps specs, suites and mocks created before it shared with every partner', () => {
    expect(portal).toBeDefined()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visibility-migration-'))
    const sqlite = new Database(path.join(dir, 'old.db'))
    try {
      for (const name of dirs.filter((entry) => entry < portal)) sqlite.exec(sql(name))
      expect(
        (sqlite.prepare('PRAGMA table_info("Spec")').all() as { name: string }[]).map(
          (column) => column.name,
        ),
      ).not.toContain('visibility')
      insert(sqlite, 'Organization', { id: 'org1', name: 'Old Org', slug: 'old-org' })
      insert(sqlite, 'Project', { id: 'proj1', name: 'Old', organizationId: 'org1' })
      insert(sqlite, 'Spec', { id: 'spec1', name: 'Old API', projectId: 'proj1' })
      insert(sqlite, 'SpecVersion', { id: 'ver1', specId: 'spec1', number: 1 })
      insert(sqlite, 'Mock', { id: 'mock1', projectId: 'proj1', specVersionId: 'ver1' })

      sqlite.exec(sql(portal))

      expect(sqlite.prepare('SELECT visibility, suiteVisibility FROM Spec').all()).toEqual([
        { visibility: 'all', suiteVisibility: 'all' },
      ])
      expect(sqlite.prepare('SELECT id, visibility FROM Mock').all()).toEqual([
        { id: 'mock1', visibility: 'all' },
      ])
      expect(sqlite.prepare('SELECT COUNT(*) AS n FROM ResourceShare').get()).toEqual({ n: 0 })
    } finally {
      sqlite.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('defaults rows written without the columns to shared with every partner', async () => {
    const now = Date.now()
    await db.$executeRawUnsafe(
      'INSERT INTO "Spec" ("id", "name", "createdAt", "updatedAt", "projectId") VALUES (?, ?, ?, ?, ?)',
      'raw-spec',
      'Raw API',
      now,
      now,
      projectId,
    )
    expect(await canSee(projectId, globex, 'spec', 'raw-spec')).toBe(true)
    expect(await canSee(projectId, umbrella, 'suite', 'raw-spec')).toBe(true)
  })
})
