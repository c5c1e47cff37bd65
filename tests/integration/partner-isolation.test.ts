/// <reference types="vite/client" />
/**
 * The partner portal's walls. Two partners of the same project (A and B) and
 * one of another project (C): every /partner route is walked as each of them,
 * as a vendor of the project and anonymously; A's pages are open to A only, and
 * A's URLs carrying B's run, trace, report or file ids find nothing. Neither
 * partner reaches the other's credentials or test configuration, nor signs
 * traces in the other's name, nor opens a vendor page.
 */
import type { ActionFunction, LoaderFunction } from '@remix-run/node'
import { beforeAll, describe, expect, it } from 'vitest'
import { loader as verifyApi } from '~/routes/api.v1.partner-projects.$partnerProjectId.evidence.verify'
import { loader as readinessApi } from '~/routes/api.v1.partner-projects.$partnerProjectId.readiness'
import { loader as runsApi } from '~/routes/api.v1.projects.$projectId.runs'
import { loader as partnerHome } from '~/routes/partner._index'
import { loader as partnerSwitch } from '~/routes/partner.switch'
import {
  action as partnerTestsAction,
  loader as partnerTestsLoader,
} from '~/routes/partner.$partnerProjectId.tests._index'
import { db } from '~/server/db.server'
import {
  createEnvironment,
  setPartnerAuth,
  setPartnerTestConfig,
} from '~/server/environments/service.server'
import { storeEvidenceFile } from '~/server/evidence/files.server'
import { ensurePlan } from '~/server/plans/evaluate.server'
import { generateSnapshot } from '~/server/reports/snapshots.server'
import { importSpec } from '~/server/specs/store.server'
import { setTraceSecret } from '~/server/traces/secrets.server'
import type { Actor } from '~/server/audit/log.server'
import {
  cookieFor,
  createMember,
  createPartnerUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import {
  failingPartnerRun,
  order,
  postTraces,
  SHOP_SPEC,
  shopProject,
  TRACE_SECRET,
} from '../support/traces'

type RouteModule = { loader?: LoaderFunction; action?: ActionFunction }

const modules = import.meta.glob<RouteModule>(
  '../../app/routes/partner.$partnerProjectId*.{ts,tsx}',
  {
    eager: true,
  },
)
const routeFiles = Object.keys(modules)

const SIBLING_SECRET = 'tsk_sibling_secret_fedcba9876543210'

type PartnerWorld = {
  id: string
  cookie: string
  runId: string
  traceId: string
  snapshotId: string
  fileId: string
}

let shop: Awaited<ReturnType<typeof shopProject>>
let foreign: Awaited<ReturnType<typeof shopProject>>
let mockId: string
let environmentId: string
let a: PartnerWorld
let b: PartnerWorld
let cCookie: string
let vendorCookie: string

async function partnerWorld(partnerProjectId: string, secret: string, slug: string) {
  const { user, cookie } = await createPartnerUser(partnerProjectId)
  await ensurePlan(partnerProjectId)
  const actor: Actor = {
    userId: null,
    organizationId: shop.org.id,
    projectId: shop.project.id,
    via: 'page',
  }
  const runId = await failingPartnerRun(shop, partnerProjectId, environmentId, {
    title: `${slug} case`,
    reason: `${slug}-only failure`,
  })
  const posted = await postTraces(slug, JSON.stringify({ traces: [order()] }), { secret })
  expect(posted.status).toBe(201)
  const traceId = (
    await db.trace.findFirstOrThrow({
      where: { partnerProjectId },
      orderBy: { receivedAt: 'desc' },
    })
  ).id
  const snapshotId = (
    await generateSnapshot(partnerProjectId, {
      trigger: 'schedule',
      organizationId: shop.org.id,
      projectId: shop.project.id,
    })
  ).snapshot.id
  const fileId = (
    await storeEvidenceFile({
      partnerProjectId,
      name: `${slug}.txt`,
      bytes: new TextEncoder().encode(`${slug} only`),
      phase: 'sandbox',
      planItemId: null,
      uploaderKind: 'partner',
      uploadedById: user.id,
    })
  ).id
  await setPartnerAuth(
    shop.project.id,
    environmentId,
    partnerProjectId,
    { type: 'bearer', token: `${slug}-sandbox-token-123456` },
    actor,
  )
  await setPartnerTestConfig(
    shop.project.id,
    partnerProjectId,
    [
      { name: 'orderId', value: `${slug}-order`, secret: false },
      { name: 'secondToken', value: `${slug}-second-secret-999`, secret: true },
    ],
    actor,
  )
  return {
    id: partnerProjectId,
    cookie,
    runId,
    traceId,
    snapshotId,
    fileId,
  }
}

beforeAll(async () => {
  shop = await shopProject('globex-iso')
  foreign = await shopProject('initech-iso')
  // A second version: the changelog has two versions to compare.
  await importSpec({
    projectId: shop.project.id,
    raw: new TextEncoder().encode(SHOP_SPEC.replace('version: "1.0"', 'version: "1.1"')),
    sourceKind: 'paste',
  })
  environmentId = (
    await db.environment.create({
      data: {
        projectId: shop.project.id,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sandbox.shop.test/v1',
      },
    })
  ).id
  mockId = (
    await db.mock.create({
      data: {
        projectId: shop.project.id,
        specVersionId: shop.specVersionId,
        status: 'stopped',
        desiredState: 'stopped',
      },
    })
  ).id
  const sibling = await db.partnerProject.create({
    data: { projectId: shop.project.id, name: 'Umbrella', slug: 'umbrella-iso' },
  })
  await setTraceSecret(sibling.id, SIBLING_SECRET)
  a = await partnerWorld(shop.partner.id, TRACE_SECRET, 'globex-iso')
  b = await partnerWorld(sibling.id, SIBLING_SECRET, 'umbrella-iso')
  cCookie = (await createPartnerUser(foreign.partner.id)).cookie
  vendorCookie = await cookieFor((await createMember(shop.org.id, 'OWNER')).user.id)
})

function pathFor(file: string, world: PartnerWorld) {
  const name = file
    .split('/')
    .pop()!
    .replace(/\.tsx?$/, '')
  const values = paramsOf(world)
  return (
    '/' +
    name
      .split('.')
      .filter((segment) => segment !== '_index')
      .map((segment) => segment.replace(/_$/, ''))
      .map((segment) =>
        segment.startsWith('$')
          ? encodeURIComponent(values[segment.slice(1) as keyof typeof values] ?? segment)
          : segment,
      )
      .join('/')
  )
}

function paramsOf(world: PartnerWorld) {
  return {
    partnerProjectId: world.id,
    runId: world.runId,
    seq: '1',
    traceId: world.traceId,
    snapshotId: world.snapshotId,
    view: 'html',
    fileId: world.fileId,
    specId: '',
    operationId: 'listOrders',
    mockId,
  }
}

beforeAll(async () => {
  const spec = await db.specVersion.findUniqueOrThrow({ where: { id: shop.specVersionId } })
  const fill = (world: PartnerWorld) => Object.assign(world, { specId: spec.specId })
  fill(a)
  fill(b)
})

const params = (world: PartnerWorld) => ({
  ...paramsOf(world),
  specId: (world as PartnerWorld & { specId?: string }).specId ?? '',
})

async function loaderStatus(file: string, cookie: string | undefined, world: PartnerWorld) {
  const mod = modules[file]!
  return settle(
    () =>
      mod.loader!({
        request: getRequest(pathFor(file, world), cookie),
        params: params(world),
        context: {},
      }) as Promise<unknown>,
  )
}

async function actionStatus(file: string, cookie: string | undefined, world: PartnerWorld) {
  const mod = modules[file]!
  return settle(
    () =>
      mod.action!({
        request: formRequest(pathFor(file, world), { intent: 'rotate-secret' }, cookie),
        params: params(world),
        context: {},
      }) as Promise<unknown>,
  )
}

it('finds the partner routes', () => {
  expect(routeFiles.length).toBeGreaterThanOrEqual(10)
})

describe.each(routeFiles)('%s', (file) => {
  const mod = modules[file]!

  it('opens to its own partner', async () => {
    if (!mod.loader) return
    const result = await loaderStatus(file, a.cookie, a)
    expect([200, 302]).toContain(result.status)
  })

  it('is a 404 to the other partner of the project, a partner of another project and a vendor', async () => {
    for (const cookie of [b.cookie, cCookie, vendorCookie]) {
      if (mod.loader) expect((await loaderStatus(file, cookie, a)).status).toBe(404)
      if (mod.action) expect((await actionStatus(file, cookie, a)).status).toBe(404)
    }
  })

  it('sends an anonymous visitor to sign in', async () => {
    if (!mod.loader) return
    const result = await loaderStatus(file, undefined, a)
    expect(result.status).toBe(302)
    expect(result.response?.headers.get('Location')).toMatch(/^\/login\?redirectTo=/)
  })

  it("finds none of the other partner's runs, traces, reports or files under its own URL", async () => {
    if (!mod.loader) return
    const mixed = { ...b, id: a.id, cookie: a.cookie }
    const touchesOther = /\$(runId|traceId|snapshotId|fileId)/.test(file)
    if (!touchesOther) return
    const result = await loaderStatus(file, a.cookie, mixed)
    expect(result.status).toBe(404)
  })
})

describe('the partner portal home and switcher', () => {
  it('lists only the partner projects of the signed-in user', async () => {
    const result = await settle(() => partnerHome(routeArgs(getRequest('/partner', a.cookie))))
    const ids = (result.data as { partnerProjects: { id: string }[] }).partnerProjects.map(
      (entry) => entry.id,
    )
    expect(ids).toEqual([a.id])
  })

  it('refuses to switch to a partner project the user is not in', async () => {
    const refused = await settle(() =>
      partnerSwitch(routeArgs(getRequest(`/partner/switch?to=${b.id}`, a.cookie))),
    )
    expect(refused.status).toBe(404)
    const allowed = await settle(() =>
      partnerSwitch(routeArgs(getRequest(`/partner/switch?to=${a.id}`, a.cookie))),
    )
    expect(allowed.status).toBe(302)
    expect(allowed.response!.headers.get('Location')).toBe(`/partner/${a.id}`)
  })
})

describe('credentials and test configuration', () => {
  it("shows a partner its own settings and nothing of the other's", async () => {
    const result = await settle(() =>
      partnerTestsLoader(
        routeArgs(getRequest(`/partner/${a.id}/tests`, a.cookie), { partnerProjectId: a.id }),
      ),
    )
    const text = JSON.stringify(result.data)
    expect(text).toContain('globex-iso-order')
    expect(text).not.toContain('umbrella-iso')
    // Secrets are described masked, never in full.
    expect(text).not.toContain('globex-iso-sandbox-token-123456')
    expect(text).not.toContain('globex-iso-second-secret-999')
  })

  it("cannot write the other partner's credentials by naming it in the form", async () => {
    const before = await db.partnerCredential.findFirstOrThrow({
      where: { partnerProjectId: b.id },
    })
    const result = await settle(() =>
      partnerTestsAction(
        routeArgs(
          formRequest(
            `/partner/${a.id}/tests`,
            {
              intent: 'partner-auth',
              environmentId,
              partnerProjectId: b.id,
              authType: 'bearer',
              bearerToken: 'hijacked-token-000000',
            },
            a.cookie,
          ),
          { partnerProjectId: a.id },
        ),
      ),
    )
    expect(result.status).toBe(302)
    const after = await db.partnerCredential.findFirstOrThrow({ where: { partnerProjectId: b.id } })
    expect(after.auth).toBe(before.auth)
    const own = await db.partnerCredential.findFirstOrThrow({ where: { partnerProjectId: a.id } })
    expect(own.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime())
  })

  it('cannot run on a Sandbox with the vendor’s credentials: its own are required', async () => {
    const guarded = await createEnvironment(
      shop.project.id,
      {
        kind: 'uat',
        name: 'Guarded UAT',
        baseUrl: 'https://uat.shop.test/v1',
        auth: { type: 'bearer', token: 'vendor-uat-token-0123456789' },
      },
      { userId: null, organizationId: shop.org.id, projectId: shop.project.id, via: 'page' },
    )
    const spec = await db.specVersion.findUniqueOrThrow({ where: { id: shop.specVersionId } })
    const result = await settle(() =>
      partnerTestsAction(
        routeArgs(
          formRequest(
            `/partner/${a.id}/tests`,
            { intent: 'run', specId: spec.specId, environment: guarded.environment.id },
            a.cookie,
          ),
          { partnerProjectId: a.id },
        ),
      ),
    )
    expect(result.status).toBe(400)
    expect(JSON.stringify(result.data)).toContain('Set your own credentials for Guarded UAT')
    expect(await db.run.count({ where: { environmentId: guarded.environment.id } })).toBe(0)
  })

  it('cannot start a run against an environment of another project', async () => {
    const foreignEnvironment = await db.environment.create({
      data: {
        projectId: foreign.project.id,
        kind: 'sandbox',
        name: 'Foreign sandbox',
        baseUrl: 'https://sandbox.initech.test',
      },
    })
    const spec = await db.specVersion.findUniqueOrThrow({ where: { id: shop.specVersionId } })
    const result = await settle(() =>
      partnerTestsAction(
        routeArgs(
          formRequest(
            `/partner/${a.id}/tests`,
            { intent: 'run', specId: spec.specId, environment: foreignEnvironment.id },
            a.cookie,
          ),
          { partnerProjectId: a.id },
        ),
      ),
    )
    expect(result.status).toBe(404)
    expect(await db.run.count({ where: { environmentId: foreignEnvironment.id } })).toBe(0)
  })
})

describe('by API', () => {
  it("opens no JSON API to a partner's session, not even for its own partner project", async () => {
    for (const cookie of [a.cookie, b.cookie]) {
      const runs = await settle(() =>
        runsApi(
          routeArgs(getRequest(`/api/v1/projects/${shop.project.id}/runs`, cookie), {
            projectId: shop.project.id,
          }),
        ),
      )
      expect(runs.status).toBe(401)
      for (const api of [verifyApi, readinessApi]) {
        const result = await settle(() =>
          api(
            routeArgs(getRequest(`/api/v1/partner-projects/${a.id}/x`, cookie), {
              partnerProjectId: a.id,
            }),
          ),
        )
        expect(result.status).toBe(401)
      }
    }
  })

  it("refuses traces signed with one partner's secret in the other's name", async () => {
    const body = JSON.stringify({ traces: [order()] })
    const asSibling = await postTraces('umbrella-iso', body, { secret: TRACE_SECRET })
    expect(asSibling.status).toBe(401)
    const asForeign = await postTraces(foreign.partner.id, body, { secret: SIBLING_SECRET })
    expect(asForeign.status).toBe(401)
  })
})
