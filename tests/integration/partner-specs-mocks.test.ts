/**
 * The partner portal's Specs and Mocks tabs: a partner sees the specs and mocks
 * shared with its partner project (a restricted spec, its operations, blueprint
 * and changelog are a 404 for the others), reads the API team's notes on an
 * operation, and finds in a mock's log only the requests that carried its own
 * `X-Copilot-Partner` header. Another partner project's id, and a vendor without
 * a partner membership, are a 404 everywhere.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createElement, type ReactNode } from 'react'
import { renderToString } from 'react-dom/server'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import mocksPage, { loader as mocksLoader } from '~/routes/partner.$partnerProjectId.mocks._index'
import specPage, { loader as specLoader } from '~/routes/partner.$partnerProjectId.specs.$specId'
import { loader as blueprintLoader } from '~/routes/partner.$partnerProjectId.specs.$specId_.blueprint'
import { loader as changelogLoader } from '~/routes/partner.$partnerProjectId.specs.$specId_.changelog'
import operationPage, {
  loader as operationLoader,
} from '~/routes/partner.$partnerProjectId.specs.$specId_.operations.$operationId'
import specsPage, { loader as specsLoader } from '~/routes/partner.$partnerProjectId.specs._index'
import type { Actor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import { attributionValues, PARTNER_LOG_PAGE } from '~/server/partners/portal-mocks.server'
import { setVisibility } from '~/server/partners/visibility.server'
import { importSpec } from '~/server/specs/store.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createPartnerUser,
  createProject,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { SHARED_SPECS } from '../support/shared-specs'

type Loader = (args: ReturnType<typeof routeArgs>) => Promise<unknown>

const current = vi.hoisted(() => ({ data: undefined as unknown }))

vi.mock('@remix-run/react', async (original) =>
  (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
)

/** The page's HTML for the data its loader returned. */
function html(page: () => ReactNode, data: unknown) {
  current.data = data
  return renderToString(createElement(page))
}

let projectId: string
let partnerA: { id: string; slug: string; projectId: string }
let partnerB: { id: string; slug: string; projectId: string }
let foreignPartner: { id: string }
let cookieA: string
let cookieB: string
let cookieVendor: string
let pets: { specId: string; firstOperation: string; deletedOperation: string }
let hidden: { specId: string; operationId: string }
let sharedMockId: string
let hiddenMockId: string

const petstore = fs.readFileSync(path.join(SHARED_SPECS, 'oai-v2-petstore-expanded.json'), 'utf8')
const callbacks = fs.readFileSync(path.join(SHARED_SPECS, 'oai-v3.0-callback-example.yaml'), 'utf8')

function load(
  loader: Loader,
  url: string,
  cookie: string | undefined,
  params: Record<string, string>,
) {
  return settle(() => loader(routeArgs(getRequest(url, cookie), params)))
}

async function logRequest(
  mockId: string,
  at: Date,
  headers: Record<string, string> | string,
  extra: { path?: string; status?: number; violations?: unknown[] } = {},
) {
  return db.mockRequestLog.create({
    data: {
      mockId,
      at,
      method: 'GET',
      path: extra.path ?? '/pets',
      status: extra.status ?? 200,
      durationMs: 3,
      operationId: 'findPets',
      violations: JSON.stringify(extra.violations ?? []),
      request:
        typeof headers === 'string' ? headers : JSON.stringify({ headers, query: '', body: '' }),
      response: JSON.stringify({ headers: { 'content-type': 'application/json' }, body: '[]' }),
    },
  })
}

beforeAll(async () => {
  const org = await createOrg()
  projectId = (await createProject(org.id)).id
  const owner = await createMember(org.id, 'OWNER')
  cookieVendor = await cookieFor(owner.user.id)
  const actor: Actor = { userId: owner.user.id, organizationId: org.id, projectId, via: 'page' }

  partnerA = await db.partnerProject.create({
    data: { projectId, name: 'Globex', slug: 'globex' },
  })
  partnerB = await db.partnerProject.create({
    data: { projectId, name: 'Umbrella', slug: 'umbrella' },
  })
  const otherOrg = await createOrg('Other')
  const otherProject = await createProject(otherOrg.id)
  foreignPartner = await db.partnerProject.create({
    data: { projectId: otherProject.id, name: 'Initech', slug: 'initech' },
  })
  cookieA = (await createPartnerUser(partnerA.id)).cookie
  cookieB = (await createPartnerUser(partnerB.id)).cookie

  // Pets: shared with every partner, two versions (v2 drops DELETE /pets/{id}).
  const v1 = await importSpec({
    projectId,
    name: 'Pets',
    raw: new TextEncoder().encode(petstore),
    sourceKind: 'upload',
    sourceName: 'petstore.json',
  })
  const trimmed = JSON.parse(petstore) as { paths: Record<string, Record<string, unknown>> }
  delete trimmed.paths['/pets/{id}']!.delete
  const v2 = await importSpec({
    projectId,
    name: 'Pets',
    raw: new TextEncoder().encode(JSON.stringify(trimmed)),
    sourceKind: 'upload',
    sourceName: 'petstore.json',
  })
  expect(v2.version.number).toBe(2)
  const v1Ops = JSON.parse(v1.version.normalized) as {
    operations: { id: string; method: string }[]
  }
  const v2Ops = JSON.parse(v2.version.normalized) as { operations: { id: string }[] }
  pets = {
    specId: v1.spec.id,
    firstOperation: v2Ops.operations[0]!.id,
    deletedOperation: v1Ops.operations.find((operation) => operation.method === 'DELETE')!.id,
  }
  await db.annotation.create({
    data: {
      type: 'auth_note',
      operationId: pets.firstOperation,
      body: 'Use your **sandbox** key here.',
      specId: pets.specId,
      projectId,
    },
  })

  // Callbacks: restricted to partner A, two versions.
  const c1 = await importSpec({
    projectId,
    name: 'Callbacks',
    raw: new TextEncoder().encode(callbacks),
    sourceKind: 'upload',
    sourceName: 'callbacks.yaml',
  })
  await importSpec({
    projectId,
    name: 'Callbacks',
    raw: new TextEncoder().encode(callbacks.replace('version: 1.0.0', 'version: 1.1.0')),
    sourceKind: 'upload',
    sourceName: 'callbacks.yaml',
  })
  hidden = {
    specId: c1.spec.id,
    operationId: (JSON.parse(c1.version.normalized) as { operations: { id: string }[] })
      .operations[0]!.id,
  }
  await setVisibility(
    projectId,
    [{ type: 'spec', id: hidden.specId }],
    { visibility: 'restricted', partnerProjectIds: [partnerA.id] },
    actor,
  )

  sharedMockId = (await db.mock.create({ data: { projectId, specVersionId: v2.version.id } })).id
  hiddenMockId = (await db.mock.create({ data: { projectId, specVersionId: c1.version.id } })).id
  await setVisibility(
    projectId,
    [{ type: 'mock', id: hiddenMockId }],
    { visibility: 'restricted', partnerProjectIds: [partnerA.id] },
    actor,
  )
}, 120_000)

const specsUrl = (partnerProjectId: string) => `/partner/${partnerProjectId}/specs`

describe('Specs', () => {
  it('lists the specs each partner sees, newest version first', async () => {
    const forA = await load(specsLoader, specsUrl(partnerA.id), cookieA, {
      partnerProjectId: partnerA.id,
    })
    const specsA = (forA.data as { specs: { name: string; latest: { number: number } }[] }).specs
    expect(specsA.map((spec) => spec.name)).toEqual(['Callbacks', 'Pets'])
    expect(specsA.find((spec) => spec.name === 'Pets')!.latest).toMatchObject({
      number: 2,
      title: 'Swagger Petstore',
      operationCount: 3,
    })

    const forB = await load(specsLoader, specsUrl(partnerB.id), cookieB, {
      partnerProjectId: partnerB.id,
    })
    expect((forB.data as { specs: { name: string }[] }).specs.map((spec) => spec.name)).toEqual([
      'Pets',
    ])
    const page = html(specsPage, forB.data)
    expect(page).toContain(`/partner/${partnerB.id}/specs/${pets.specId}`)
    expect(page).not.toContain('Callbacks')
  })

  it('says so when nothing is shared yet', async () => {
    const org = await createOrg()
    const lonelyProject = await createProject(org.id)
    const lonely = await db.partnerProject.create({
      data: { projectId: lonelyProject.id, name: 'Lonely', slug: 'lonely' },
    })
    const { cookie } = await createPartnerUser(lonely.id)
    const specs = await load(specsLoader, specsUrl(lonely.id), cookie, {
      partnerProjectId: lonely.id,
    })
    expect(html(specsPage, specs.data)).toContain('No spec shared yet')
    const mocks = await load(mocksLoader, `/partner/${lonely.id}/mocks`, cookie, {
      partnerProjectId: lonely.id,
    })
    expect(html(mocksPage, mocks.data)).toContain('No mock shared yet')
  })

  it('browses the newest version one group at a time, and an older one with ?v=', async () => {
    const params = { partnerProjectId: partnerB.id, specId: pets.specId }
    const latest = await load(
      specLoader,
      `${specsUrl(partnerB.id)}/${pets.specId}`,
      cookieB,
      params,
    )
    expect(latest.status).toBe(200)
    const data = latest.data as {
      version: { number: number; isLatest: boolean }
      previousNumber: number | null
      versions: { number: number }[]
      groups: { name: string; count: number }[]
      group: string
      operations: { id: string; method: string }[]
      servers: { url: string }[]
      securitySchemes: unknown[]
    }
    expect(data.version).toMatchObject({ number: 2, isLatest: true })
    expect(data.previousNumber).toBe(1)
    expect(data.versions.map((version) => version.number)).toEqual([2, 1])
    expect(data.operations).toHaveLength(
      data.groups.find((group) => group.name === data.group)!.count,
    )
    expect(data.operations.map((operation) => operation.method)).not.toContain('DELETE')
    expect(data.servers.length).toBeGreaterThan(0)
    const page = html(specPage, data)
    expect(page).toContain('Download blueprint (Markdown)')
    expect(page).toContain(`/partner/${partnerB.id}/specs/${pets.specId}/changelog"`)
    expect(page).toContain('v1 → v2')

    const older = await load(
      specLoader,
      `${specsUrl(partnerB.id)}/${pets.specId}?v=1`,
      cookieB,
      params,
    )
    const olderData = older.data as typeof data
    expect(olderData.version).toMatchObject({ number: 1, isLatest: false })
    expect(olderData.previousNumber).toBeNull()
    expect(olderData.operations.map((operation) => operation.method)).toContain('DELETE')
    const olderPage = html(specPage, olderData)
    expect(olderPage).not.toContain('/changelog')
    expect(olderPage).toContain(`/blueprint?v=1`)
    expect(olderPage).toContain('an older version')

    const missing = await load(
      specLoader,
      `${specsUrl(partnerB.id)}/${pets.specId}?v=9`,
      cookieB,
      params,
    )
    expect(missing.status).toBe(404)
    expect(await missing.response!.text()).toMatch(/Pets has no version “9”: its newest is v2/)
  })

  it('shows an operation with the API team’s notes, and an operation of an older version', async () => {
    const params = {
      partnerProjectId: partnerB.id,
      specId: pets.specId,
      operationId: pets.firstOperation,
    }
    const page = await load(
      operationLoader,
      `${specsUrl(partnerB.id)}/${pets.specId}/operations/${encodeURIComponent(pets.firstOperation)}`,
      cookieB,
      params,
    )
    expect(page.status).toBe(200)
    const data = page.data as {
      operation: { id: string; responses: unknown[] }
      annotations: { type: string; html: string }[]
    }
    expect(data.operation.id).toBe(pets.firstOperation)
    expect(data.operation.responses.length).toBeGreaterThan(0)
    expect(data.annotations).toHaveLength(1)
    expect(data.annotations[0]).toMatchObject({ type: 'auth_note' })
    expect(data.annotations[0]!.html).toContain('<strong>sandbox</strong>')
    const rendered = html(operationPage, data)
    expect(rendered).toContain('Notes from the API team')
    expect(rendered).toContain('<strong>sandbox</strong>')
    expect(rendered).toContain('Responses')

    const deletedParams = { ...params, operationId: pets.deletedOperation }
    const url = `${specsUrl(partnerB.id)}/${pets.specId}/operations/${encodeURIComponent(pets.deletedOperation)}`
    expect((await load(operationLoader, url, cookieB, deletedParams)).status).toBe(404)
    expect((await load(operationLoader, `${url}?v=1`, cookieB, deletedParams)).status).toBe(200)
  })

  it('downloads the blueprint and the changelog from the previous version', async () => {
    const params = { partnerProjectId: partnerB.id, specId: pets.specId }
    const base = `${specsUrl(partnerB.id)}/${pets.specId}`
    const blueprint = (await load(blueprintLoader, `${base}/blueprint`, cookieB, params)).response!
    expect(blueprint.headers.get('Content-Type')).toMatch(/text\/markdown/)
    expect(blueprint.headers.get('Content-Disposition')).toMatch(/filename="Pets-v2-blueprint\.md"/)
    const markdown = await blueprint.text()
    expect(markdown).toMatch(/^# Swagger Petstore/)
    expect(markdown).toContain('Use your **sandbox** key here.')

    const changelog = (await load(changelogLoader, `${base}/changelog`, cookieB, params)).response!
    expect(changelog.status).toBe(200)
    expect(changelog.headers.get('Content-Disposition')).toMatch(/changelog-v1-v2\.md/)
    expect(await changelog.text()).toMatch(/DELETE \/pets\/\{id\}/)

    const first = await load(changelogLoader, `${base}/changelog?v=1`, cookieB, params)
    expect(first.status).toBe(404)
    expect(await first.response!.text()).toMatch(/first version/)
  })

  it('hides a restricted spec from the partners it is not shared with (404 everywhere)', async () => {
    const base = (partnerId: string) => `${specsUrl(partnerId)}/${hidden.specId}`
    const cases: [Loader, string, Record<string, string>][] = [
      [specLoader, '', {}],
      [
        operationLoader,
        `/operations/${encodeURIComponent(hidden.operationId)}`,
        { operationId: hidden.operationId },
      ],
      [blueprintLoader, '/blueprint', {}],
      [changelogLoader, '/changelog', {}],
    ]
    for (const [loader, suffix, extra] of cases) {
      const forA = await load(loader, `${base(partnerA.id)}${suffix}`, cookieA, {
        partnerProjectId: partnerA.id,
        specId: hidden.specId,
        ...extra,
      })
      expect(forA.status, `A ${suffix || 'page'}`).toBe(200)
      const forB = await load(loader, `${base(partnerB.id)}${suffix}`, cookieB, {
        partnerProjectId: partnerB.id,
        specId: hidden.specId,
        ...extra,
      })
      expect(forB.status, `B ${suffix || 'page'}`).toBe(404)
      expect(await forB.response!.text()).toMatch(/not shared with your integration/)
    }
  })
})

it('serves the largest spec one group at a time, small and fast', async () => {
  const { spec } = await importSpec({
    projectId,
    name: 'Stripe',
    raw: fs.readFileSync(path.join(SHARED_SPECS, 'stripe-spec3.json')),
    sourceKind: 'upload',
    sourceName: 'stripe-spec3.json',
  })
  const url = `${specsUrl(partnerB.id)}/${spec.id}`
  const params = { partnerProjectId: partnerB.id, specId: spec.id }
  await load(specLoader, url, cookieB, params)
  const started = performance.now()
  const page = await load(specLoader, `${url}?group=customers`, cookieB, params)
  const elapsed = performance.now() - started
  const data = page.data as { group: string; operations: unknown[]; groups: unknown[] }
  expect(data.group).toBe('customers')
  expect(data.groups.length).toBeGreaterThan(50)
  expect(JSON.stringify(data).length).toBeLessThan(60_000)
  expect(elapsed).toBeLessThan(1_000)
}, 180_000)

describe('Mocks', () => {
  const mocksUrl = (partnerId: string, query = '') => `/partner/${partnerId}/mocks${query}`
  type MocksData = {
    mocks: { id: string; url: string; status: string; spec: { name: string; visible: boolean } }[]
    selectedId: string | null
    log: {
      paged: boolean
      older: string | null
      entries: { id: string; path: string; violations: unknown[]; request: unknown }[]
    } | null
  }

  beforeAll(async () => {
    const start = Date.UTC(2026, 10, 1, 9, 0, 0)
    const at = (seconds: number) => new Date(start + seconds * 1000)
    await logRequest(sharedMockId, at(1), { 'x-copilot-partner': partnerA.id }, { path: '/a/id' })
    await logRequest(
      sharedMockId,
      at(2),
      { 'X-Copilot-Partner': ' GLOBEX ' },
      { path: '/a/slug', status: 400, violations: [{ location: 'query', message: 'bad' }] },
    )
    await logRequest(sharedMockId, at(3), { 'x-copilot-partner': partnerB.id }, { path: '/b/id' })
    await logRequest(sharedMockId, at(4), { 'x-copilot-partner': 'umbrella' }, { path: '/b/slug' })
    await logRequest(sharedMockId, at(5), { accept: 'application/json' }, { path: '/vendor' })
    await logRequest(
      sharedMockId,
      at(6),
      { 'x-copilot-partner': `${partnerA.id}, ${partnerB.id}` },
      { path: '/both' },
    )
    await logRequest(sharedMockId, at(7), 'not json', { path: '/broken' })
    await logRequest(
      sharedMockId,
      at(8),
      { 'x-copilot-partner-note': partnerA.id },
      { path: '/other-header' },
    )
    await logRequest(hiddenMockId, at(9), { 'x-copilot-partner': partnerA.id }, { path: '/hidden' })
  })

  it('lists the mocks each partner sees with their public URL', async () => {
    const forA = (
      await load(mocksLoader, mocksUrl(partnerA.id), cookieA, { partnerProjectId: partnerA.id })
    ).data as MocksData
    expect(forA.mocks.map((mock) => mock.id).sort()).toEqual([sharedMockId, hiddenMockId].sort())
    const forB = (
      await load(mocksLoader, mocksUrl(partnerB.id), cookieB, { partnerProjectId: partnerB.id })
    ).data as MocksData
    expect(forB.mocks.map((mock) => mock.id)).toEqual([sharedMockId])
    expect(forB.mocks[0]!.url).toMatch(new RegExp(`^https?://.+/mock/${sharedMockId}$`))
    expect(forB.mocks[0]!.spec).toMatchObject({ name: 'Pets', visible: true })
    expect(forB.selectedId).toBe(sharedMockId)

    const hiddenForB = await load(
      mocksLoader,
      mocksUrl(partnerB.id, `?mock=${hiddenMockId}`),
      cookieB,
      { partnerProjectId: partnerB.id },
    )
    expect(hiddenForB.status).toBe(404)
    expect(await hiddenForB.response!.text()).toMatch(/not shared with your integration/)
  })

  it('shows a partner only the requests that carried its own header', async () => {
    const read = async (partnerId: string, cookie: string, query = `?mock=${sharedMockId}`) =>
      (await load(mocksLoader, mocksUrl(partnerId, query), cookie, { partnerProjectId: partnerId }))
        .data as MocksData
    const forA = await read(partnerA.id, cookieA)
    expect(forA.log!.entries.map((entry) => entry.path)).toEqual(['/a/slug', '/a/id'])
    expect(forA.log!.entries[0]!.violations).toHaveLength(1)
    const forB = await read(partnerB.id, cookieB)
    expect(forB.log!.entries.map((entry) => entry.path)).toEqual(['/b/slug', '/b/id'])
    const page = html(mocksPage, forB)
    expect(page).toContain(`X-Copilot-Partner: ${partnerB.id}`)
    expect(page).toContain('/b/slug')
    for (const foreign of ['/a/id', '/a/slug', '/vendor', '/both', '/broken', '/other-header'])
      expect(page).not.toContain(foreign)
    const hiddenForA = await read(partnerA.id, cookieA, `?mock=${hiddenMockId}`)
    expect(hiddenForA.log!.entries.map((entry) => entry.path)).toEqual(['/hidden'])
  })

  it('pages through a partner’s requests, 50 at a time, newest first', async () => {
    const start = Date.UTC(2026, 10, 2, 9, 0, 0)
    for (let index = 0; index < PARTNER_LOG_PAGE + 5; index++) {
      await logRequest(
        sharedMockId,
        new Date(start + index * 1000),
        { 'x-copilot-partner': partnerB.id },
        { path: `/paged/${index}` },
      )
      if (index % 10 === 0)
        await logRequest(sharedMockId, new Date(start + index * 1000 + 1), {
          'x-copilot-partner': partnerA.id,
        })
    }
    const read = async (query: string) =>
      (
        await load(mocksLoader, mocksUrl(partnerB.id, query), cookieB, {
          partnerProjectId: partnerB.id,
        })
      ).data as MocksData
    const first = await read(`?mock=${sharedMockId}`)
    expect(first.log!.entries).toHaveLength(PARTNER_LOG_PAGE)
    expect(first.log!.entries[0]!.path).toBe(`/paged/${PARTNER_LOG_PAGE + 4}`)
    expect(first.log!.paged).toBe(false)
    expect(first.log!.older).toBe(first.log!.entries[PARTNER_LOG_PAGE - 1]!.id)
    const second = await read(`?mock=${sharedMockId}&before=${first.log!.older}`)
    expect(second.log!.paged).toBe(true)
    expect(second.log!.older).toBeNull()
    expect(second.log!.entries.map((entry) => entry.path)).toEqual([
      '/paged/4',
      '/paged/3',
      '/paged/2',
      '/paged/1',
      '/paged/0',
      '/b/slug',
      '/b/id',
    ])
  })

  it('takes the slug only when it names no other partner project of the project', async () => {
    expect(await attributionValues(partnerA)).toEqual([partnerA.id, 'globex'])
    const squatter = await db.partnerProject.create({
      data: { projectId, name: 'Squatter', slug: partnerB.id },
    })
    expect(await attributionValues(squatter)).toEqual([squatter.id])
  })
})

describe('access', () => {
  const routes: [string, Loader, (partnerId: string) => string, Record<string, string>][] = [
    ['specs', specsLoader, (id) => specsUrl(id), {}],
    ['spec', specLoader, (id) => `${specsUrl(id)}/x`, { specId: 'x' }],
    [
      'operation',
      operationLoader,
      (id) => `${specsUrl(id)}/x/operations/y`,
      { specId: 'x', operationId: 'y' },
    ],
    ['blueprint', blueprintLoader, (id) => `${specsUrl(id)}/x/blueprint`, { specId: 'x' }],
    ['changelog', changelogLoader, (id) => `${specsUrl(id)}/x/changelog`, { specId: 'x' }],
    ['mocks', mocksLoader, (id) => `/partner/${id}/mocks`, {}],
  ]

  it.each(routes)(
    '%s: another partner project’s id is a 404',
    async (_name, loader, url, extra) => {
      const withSpec = (params: Record<string, string>) =>
        params.specId
          ? { ...params, specId: pets.specId, operationId: pets.firstOperation }
          : params
      for (const target of [partnerB.id, foreignPartner.id]) {
        const result = await load(loader, url(target), cookieA, {
          partnerProjectId: target,
          ...withSpec(extra),
        })
        expect(result.status).toBe(404)
      }
    },
  )

  it.each(routes)(
    '%s: a vendor without a partner membership is a 404',
    async (_name, loader, url, extra) => {
      const params = extra.specId
        ? { ...extra, specId: pets.specId, operationId: pets.firstOperation }
        : extra
      const result = await load(loader, url(partnerA.id), cookieVendor, {
        partnerProjectId: partnerA.id,
        ...params,
      })
      expect(result.status).toBe(404)
    },
  )

  it('sends an anonymous visitor to sign in', async () => {
    const result = await load(specsLoader, specsUrl(partnerA.id), undefined, {
      partnerProjectId: partnerA.id,
    })
    expect(result.status).toBe(302)
  })
})
