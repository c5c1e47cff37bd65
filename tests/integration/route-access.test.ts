/// <reference types="vite/client" />
/**
 * Walks every project route module as an outsider, a viewer and a member, and with
 * custom roles and project-level roles (overrides) resolved by requireProjectAccess.
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
const cookies: Record<
  | 'outsider'
  | 'partner'
  | 'viewer'
  | 'vendor'
  | 'owner'
  | 'customReader'
  | 'viewerAsVendor'
  | 'vendorAsViewer'
  | 'vendorUnreadable',
  string
> = {
  outsider: '',
  partner: '',
  viewer: '',
  vendor: '',
  owner: '',
  /** An organisation member whose role is a custom read-only role. */
  customReader: '',
  /** An organisation VIEWER with a VENDOR role on this project. */
  viewerAsVendor: '',
  /** An organisation VENDOR with a VIEWER role on this project. */
  vendorAsViewer: '',
  /** An organisation VENDOR whose custom role on this project lacks 'project:read'. */
  vendorUnreadable: '',
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

  const readOnly = await db.customRole.create({
    data: {
      organizationId: org.id,
      name: 'Read only',
      permissions: JSON.stringify(['project:read', 'member:read']),
    },
  })
  const noProjects = await db.customRole.create({
    data: { organizationId: org.id, name: 'Members only', permissions: '["member:read"]' },
  })
  const customReader = await createMember(org.id, 'VIEWER')
  await db.membership.update({
    where: { id: customReader.membership.id },
    data: { role: 'CUSTOM', customRoleId: readOnly.id },
  })
  cookies.customReader = await cookieFor(customReader.user.id)
  const override = async (
    orgRole: 'VIEWER' | 'VENDOR',
    role: string,
    customRoleId: string | null = null,
  ) => {
    const member = await createMember(org.id, orgRole)
    await db.projectRoleAssignment.create({
      data: { projectId, membershipId: member.membership.id, role, customRoleId },
    })
    return cookieFor(member.user.id)
  }
  cookies.viewerAsVendor = await override('VIEWER', 'VENDOR')
  cookies.vendorAsViewer = await override('VENDOR', 'VIEWER')
  cookies.vendorUnreadable = await override('VENDOR', 'CUSTOM', noProjects.id)
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

/** A loader/action's status; an error thrown past the access checks counts as a 500. */
async function statusOf(run: () => Promise<unknown>) {
  try {
    return (await settle(run)).status
  } catch {
    return 500
  }
}

const loadAs = (file: string, cookie: string) =>
  settle(
    () =>
      modules[file]!.loader!({
        request: getRequest(pathFor(file), cookie),
        params: params(),
        context: {},
      }) as Promise<unknown>,
  )
const writeAs = (file: string, cookie: string) =>
  statusOf(
    () =>
      modules[file]!.action!({
        request: formRequest(pathFor(file), { intent: 'rename', name: 'Renamed' }, cookie),
        params: params(),
        context: {},
      }) as Promise<unknown>,
  )

/** Actions an org viewer with a VENDOR role on the project got past (403 for a plain viewer). */
const raisedPast: string[] = []

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

  it('lets a custom read-only role read but not write (403)', async () => {
    if (mod.loader) expect([200, 302]).toContain((await loadAs(file, cookies.customReader)).status)
    if (mod.action) expect(await writeAs(file, cookies.customReader)).toBe(403)
  })

  it('lowers an org vendor with a VIEWER role on this project to a viewer (403 on writes)', async () => {
    if (mod.loader)
      expect([200, 302]).toContain((await loadAs(file, cookies.vendorAsViewer)).status)
    if (mod.action) expect(await writeAs(file, cookies.vendorAsViewer)).toBe(403)
  })

  it('raises an org viewer with a VENDOR role on this project past the vendor’s checks', async () => {
    if (mod.loader)
      expect([200, 302]).toContain((await loadAs(file, cookies.viewerAsVendor)).status)
    if (!mod.action) return
    const asViewer = await writeAs(file, cookies.viewer)
    const asVendor = await writeAs(file, cookies.vendor)
    const raised = await writeAs(file, cookies.viewerAsVendor)
    expect(asViewer).toBe(403)
    if (asVendor === 403) {
      expect(raised).toBe(403)
    } else {
      expect([403, 404]).not.toContain(raised)
      raisedPast.push(file)
    }
  })

  it('hides the project from a project role without project:read (404)', async () => {
    if (mod.loader) expect((await loadAs(file, cookies.vendorUnreadable)).status).toBe(404)
    if (mod.action) expect(await writeAs(file, cookies.vendorUnreadable)).toBe(404)
  })
})

it('lifted the viewer with a VENDOR project role past real write checks', () => {
  // Guards the walk itself: without overrides resolved, nothing would be raised.
  expect(raisedPast.length).toBeGreaterThanOrEqual(10)
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
