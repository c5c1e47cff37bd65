/// <reference types="vite/client" />
/**
 * Walks every project route module as an outsider, a viewer and a member.
 * A new project route whose loader/action skips requireProjectAccess fails here.
 */
import type { ActionFunction, LoaderFunction } from '@remix-run/node'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { storeEvidenceFile } from '~/server/evidence/files.server'
import { generateSnapshot } from '~/server/reports/snapshots.server'
import { importSpec } from '~/server/specs/store.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createPartnerUser,
  createProject,
  formRequest,
  getRequest,
  settle,
} from '../helpers'

const TINY_SPEC =
  'openapi: 3.0.3\ninfo: {title: Tiny, version: "1"}\npaths:\n  /ping:\n    get:\n      responses:\n        "200": {description: pong}\n'

type RouteModule = { loader?: LoaderFunction; action?: ActionFunction }

const modules = import.meta.glob<RouteModule>('../../app/routes/projects.$projectId*.{ts,tsx}', {
  eager: true,
})
const routeFiles = Object.keys(modules)

let projectId: string
let specId: string
let versionId: string
let mockId: string
let runId: string
let environmentId: string
let traceId: string
let partnerId: string
let snapshotId: string
let fileId: string
const cookies: Record<'outsider' | 'partner' | 'viewer' | 'vendor' | 'owner', string> = {
  outsider: '',
  partner: '',
  viewer: '',
  vendor: '',
  owner: '',
}

beforeAll(async () => {
  const org = await createOrg('Vendor Co')
  const otherOrg = await createOrg('Other Co')
  projectId = (await createProject(org.id)).id
  const imported = await importSpec({
    projectId,
    raw: new TextEncoder().encode(TINY_SPEC),
    sourceKind: 'paste',
  })
  specId = imported.spec.id
  versionId = imported.version.id
  mockId = (
    await db.mock.create({
      data: { projectId, specVersionId: versionId, status: 'stopped', desiredState: 'stopped' },
    })
  ).id
  environmentId = (
    await db.environment.create({
      data: {
        projectId,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sandbox.example.test',
      },
    })
  ).id
  // A finished run with one case: its pages and its event stream (which ends at once) are walked too.
  runId = (
    await db.run.create({
      data: {
        projectId,
        specVersionId: versionId,
        environmentId,
        status: 'passed',
        caseTotal: 1,
        finishedAt: new Date(),
        cases: {
          create: {
            seq: 1,
            key: 'connectivity.reachable',
            templateId: 'connectivity.reachable',
            category: 'connectivity',
            title: 'The API is reachable',
            verdict: 'passed',
          },
        },
      },
    })
  ).id
  // A partner's trace: the Traces tab's pages are walked with it.
  const partner = await db.partnerProject.create({
    data: { projectId, name: 'Partner', slug: 'route-access-partner' },
  })
  traceId = (
    await db.trace.create({
      data: {
        projectId,
        partnerProjectId: partner.id,
        occurredAt: new Date(),
        method: 'GET',
        url: 'https://api.example.test/ping',
        operationKey: 'GET /ping',
        status: 200,
        specVersionId: versionId,
        request: JSON.stringify({ headers: {}, body: '', bodyTruncated: false }),
        response: JSON.stringify({ headers: {}, body: '', bodyTruncated: false }),
      },
    })
  ).id
  // A partner project with a stored report: the Plan and Reports pages of one partner are walked too.
  partnerId = (
    await db.partnerProject.create({ data: { projectId, name: 'Partner', slug: 'partner' } })
  ).id
  snapshotId = (
    await generateSnapshot(partnerId, { trigger: 'schedule', organizationId: org.id, projectId })
  ).snapshot.id
  fileId = (
    await storeEvidenceFile({
      partnerProjectId: partnerId,
      name: 'log.txt',
      bytes: new TextEncoder().encode('ok'),
      phase: 'sandbox',
      planItemId: null,
      uploaderKind: 'vendor',
      uploadedById: null,
    })
  ).id
  cookies.outsider = await cookieFor((await createMember(otherOrg.id, 'OWNER')).user.id)
  // A partner user of this very project: no vendor page is open to it.
  cookies.partner = (await createPartnerUser(partnerId)).cookie
  cookies.viewer = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  cookies.vendor = await cookieFor((await createMember(org.id, 'VENDOR')).user.id)
  cookies.owner = await cookieFor((await createMember(org.id, 'OWNER')).user.id)
})

function pathFor(file: string) {
  const name = file
    .split('/')
    .pop()!
    .replace(/\.tsx?$/, '')
  const segments = name.split('.').filter((segment) => segment !== '_index')
  return '/' + segments.map((segment) => (segment === '$projectId' ? projectId : segment)).join('/')
}

const params = () => ({
  projectId,
  specId,
  versionId,
  // TINY_SPEC's one operation (no operationId: its id is method and path).
  operationId: 'GET /ping',
  mockId,
  runId,
  seq: '1',
  environmentId,
  format: 'junit.xml',
  traceId,
  partnerId,
  snapshotId,
  view: 'html',
  fileId,
})

it('finds the project routes', () => {
  expect(routeFiles.length).toBeGreaterThanOrEqual(5)
})

describe.each(routeFiles)('%s', (file) => {
  const mod = modules[file]!

  it('hides the project from another organisation and from partners (404)', async () => {
    for (const cookie of [cookies.outsider, cookies.partner]) {
      if (mod.loader) {
        const result = await settle(
          () =>
            mod.loader!({
              request: getRequest(pathFor(file), cookie),
              params: params(),
              context: {},
            }) as Promise<unknown>,
        )
        expect(result.status).toBe(404)
      }
      if (mod.action) {
        const result = await settle(
          () =>
            mod.action!({
              request: formRequest(pathFor(file), { intent: 'rename', name: 'x' }, cookie),
              params: params(),
              context: {},
            }) as Promise<unknown>,
        )
        expect(result.status).toBe(404)
      }
    }
  })

  it('lets a viewer read but not write (403)', async () => {
    if (mod.loader) {
      const result = await settle(
        () =>
          mod.loader!({
            request: getRequest(pathFor(file), cookies.viewer),
            params: params(),
            context: {},
          }) as Promise<unknown>,
      )
      expect([200, 302]).toContain(result.status)
    }
    if (mod.action) {
      const result = await settle(
        () =>
          mod.action!({
            request: formRequest(
              pathFor(file),
              { intent: 'rename', name: 'Renamed' },
              cookies.viewer,
            ),
            params: params(),
            context: {},
          }) as Promise<unknown>,
      )
      expect(result.status).toBe(403)
    }
  })

  it('serves members of the organisation', async () => {
    for (const role of ['vendor', 'owner'] as const) {
      if (!mod.loader) continue
      const result = await settle(
        () =>
          mod.loader!({
            request: getRequest(pathFor(file), cookies[role]),
            params: params(),
            context: {},
          }) as Promise<unknown>,
      )
      expect([200, 302]).toContain(result.status)
    }
  })

  it('sends an anonymous visitor to sign in', async () => {
    if (!mod.loader) return
    const result = await settle(
      () =>
        mod.loader!({
          request: getRequest(pathFor(file)),
          params: params(),
          context: {},
        }) as Promise<unknown>,
    )
    expect(result.status).toBe(302)
    expect(result.response?.headers.get('Location')).toMatch(/^\/login\?redirectTo=/)
  })
})

/**
 * Every /partner route: anonymous visitors are sent to sign in, and a vendor
 * of the project (no partner membership) finds no partner project there.
 * tests/integration/partner-isolation.test.ts walks them as partners.
 */
const partnerModules = import.meta.glob<RouteModule>('../../app/routes/partner*.{ts,tsx}', {
  eager: true,
})

describe.each(Object.keys(partnerModules))('%s', (file) => {
  const mod = partnerModules[file]!
  const partnerParams = () => ({ ...params(), partnerProjectId: partnerId, specId, mockId })
  const path = () =>
    '/' +
    file
      .split('/')
      .pop()!
      .replace(/\.tsx?$/, '')
      .split('.')
      .filter((segment) => segment !== '_index')
      .map((segment) => (segment === '$partnerProjectId' ? partnerId : segment))
      .join('/')

  it('sends an anonymous visitor to sign in', async () => {
    if (!mod.loader) return
    const result = await settle(
      () =>
        mod.loader!({
          request: getRequest(path()),
          params: partnerParams(),
          context: {},
        }) as Promise<unknown>,
    )
    expect(result.status).toBe(302)
    expect(result.response?.headers.get('Location')).toMatch(/^\/login\?redirectTo=/)
  })

  it('is closed to a vendor of the project (404)', async () => {
    if (!file.includes('$partnerProjectId')) return
    for (const run of [mod.loader, mod.action]) {
      if (!run) continue
      const result = await settle(
        () =>
          run({
            request:
              run === mod.loader
                ? getRequest(path(), cookies.owner)
                : formRequest(path(), { intent: 'x' }, cookies.owner),
            params: partnerParams(),
            context: {},
          }) as Promise<unknown>,
      )
      expect(result.status).toBe(404)
    }
  })
})
