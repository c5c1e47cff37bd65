/**
 * Readiness reports end to end on real SQLite: the verdict of a partner with no evidence and
 * of one with a passing Sandbox run, verified traffic and a finished plan; snapshots with a
 * re-verifiable content hash; the comparison of two; the partner version without internal
 * notes; hostile note text escaped; the schedule's tick; the CI API; the executive summary;
 * and who may do what.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import {
  loader as readinessApi,
  action as readinessApiPost,
} from '~/routes/api.v1.partner-projects.$partnerProjectId.readiness'
import {
  action as reportsAction,
  loader as reportsLoader,
} from '~/routes/projects.$projectId.reports._index'
import {
  action as generateAction,
  loader as partnerReportLoader,
} from '~/routes/projects.$projectId.reports.$partnerId'
import { loader as compareLoader } from '~/routes/projects.$projectId.reports.$partnerId_.compare'
import { loader as snapshotLoader } from '~/routes/projects.$projectId.reports.$partnerId_.snapshots.$snapshotId'
import { loader as viewLoader } from '~/routes/projects.$projectId.reports.$partnerId_.snapshots.$snapshotId_.$view'
import { loader as summaryLoader } from '~/routes/readiness'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { contentHash, sha256Hex } from '~/server/evidence/chain.server'
import { REPORT_PDF_JOB, REPORT_SCHEDULE_JOB } from '~/server/jobs/kinds'
import { ensurePlan } from '~/server/plans/evaluate.server'
import { reportJobHandlers } from '~/server/reports/jobs.server'
import { enqueueDueReports, nextReportAt } from '~/server/reports/schedule.server'
import {
  cookieFor,
  createMember,
  createOrg,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { order, postTraces, shopProject } from '../support/traces'

type Shop = Awaited<ReturnType<typeof shopProject>>
let shop: Shop
let cookies: { viewer: string; vendor: string; owner: string }

beforeEach(async () => {
  shop = await shopProject()
  await ensurePlan(shop.partner.id)
  cookies = {
    viewer: await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id),
    vendor: await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id),
    owner: await cookieFor((await createMember(shop.org.id, 'OWNER')).user.id),
  }
})

const AUTH = { Authorization: 'Bearer sk_live_abcdef123456' }

/** A verified, valid trace of each of SHOP_SPEC's three operations. */
async function sendTracesForEveryOperation() {
  const json = { 'content-type': 'application/json' }
  const { status, json: body } = await postTraces(
    shop.partner.slug,
    JSON.stringify({
      traces: [
        order(),
        order({
          request: { method: 'GET', url: 'https://api.shop.test/v1/orders?limit=5', headers: AUTH },
          response: { status: 200, headers: json, body: { data: [] } },
        }),
        order({
          request: { method: 'GET', url: 'https://api.shop.test/v1/orders/ord_1', headers: AUTH },
          response: {
            status: 200,
            headers: json,
            body: { id: 'ord_1', amount: 1200, currency: 'EUR' },
          },
        }),
      ],
    }),
  )
  expect(status).toBe(201)
  expect(body).toMatchObject({ accepted: 3, valid: 3 })
}

/** A finished, passing Sandbox run of the partner with Required cases in three categories. */
async function passingSandboxRun() {
  const environment = await db.environment.create({
    data: {
      projectId: shop.project.id,
      kind: 'sandbox',
      name: 'Shop Sandbox',
      baseUrl: 'https://sbx.shop.test/v1',
    },
  })
  const cases = [
    ['connectivity.reachable', 'connectivity', ''],
    ['auth.missing', 'authentication', 'getOrder'],
    ['auth.invalid', 'authentication', 'getOrder'],
    ['contract.schema', 'contract', 'listOrders'],
    ['contract.schema', 'contract', 'createOrder'],
  ] as const
  return db.run.create({
    data: {
      projectId: shop.project.id,
      specVersionId: shop.specVersionId,
      environmentId: environment.id,
      partnerProjectId: shop.partner.id,
      environmentLabel: 'Shop Sandbox (sandbox)',
      status: 'passed',
      caseTotal: cases.length,
      startedAt: new Date(Date.now() - 60_000),
      finishedAt: new Date(),
      cases: {
        create: cases.map(([templateId, category, operationId], index) => ({
          seq: index + 1,
          key: `${templateId}:${operationId}`,
          templateId,
          category,
          operationId,
          title: templateId,
          level: 'required',
          verdict: 'passed',
        })),
      },
    },
  })
}

async function finishEveryRequiredItem() {
  await db.planItem.updateMany({
    where: { partnerProjectId: shop.partner.id, required: true },
    data: { status: 'done', closedAt: new Date() },
  })
}

async function apiToken() {
  const { user } = await createMember(shop.org.id, 'OWNER')
  const { token } = await createApiToken({
    projectId: shop.project.id,
    name: 'ci',
    createdById: user.id,
  })
  return token
}

function getReadiness(ref: string, token?: string) {
  return settle(() =>
    readinessApi(
      routeArgs(
        getRequest(
          `/api/v1/partner-projects/${ref}/readiness`,
          undefined,
          token ? { Authorization: `Bearer ${token}` } : {},
        ),
        { partnerProjectId: ref },
      ),
    ),
  )
}

const partnerParams = () => ({ projectId: shop.project.id, partnerId: shop.partner.id })

/** "Generate report" on the page, as `cookie`; returns the new snapshot row. */
async function generate(cookie = cookies.vendor) {
  const result = await settle(() =>
    generateAction(
      routeArgs(
        formRequest(`/projects/${shop.project.id}/reports/${shop.partner.id}`, {}, cookie),
        partnerParams(),
      ),
    ),
  )
  expect(result.status).toBe(302)
  return db.reportSnapshot.findFirstOrThrow({
    where: { partnerProjectId: shop.partner.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  })
}

async function view(
  snapshotId: string,
  name: string,
  audience?: 'partner',
  cookie = cookies.viewer,
) {
  const query = audience ? `?audience=${audience}` : ''
  const result = await settle(() =>
    viewLoader(
      routeArgs(
        getRequest(
          `/projects/${shop.project.id}/reports/${shop.partner.id}/snapshots/${snapshotId}/${name}${query}`,
          cookie,
        ),
        { ...partnerParams(), snapshotId, view: name },
      ),
    ),
  )
  return result
}

describe('the verdict', () => {
  it('says no-go with the right blockers for a partner without evidence', async () => {
    const token = await apiToken()
    const result = await getReadiness(shop.partner.slug, token)
    expect(result.status).toBe(200)
    const body = (await result.response!.json()) as {
      verdict: string
      score: number
      blockers: { kind: string; operationId?: string; templateId?: string; reason: string }[]
      phases: { phase: string; complete: boolean; requiredDone: number; requiredTotal: number }[]
      generatedAt: string
    }
    expect(body.verdict).toBe('no-go')
    const kinds = body.blockers.map((blocker) => blocker.kind)
    expect(kinds).not.toContain('case')
    expect(kinds).not.toContain('evidence')
    expect(body.blockers.find((blocker) => blocker.kind === 'run')?.reason).toMatch(
      /No passing run against Sandbox or UAT yet \(no Sandbox run; no UAT run\)/,
    )
    expect(
      body.blockers
        .filter((blocker) => blocker.kind === 'traces')
        .map((b) => b.operationId)
        .sort(),
    ).toEqual(['createOrder', 'getOrder', 'listOrders'])
    // Every Required default item is open except the trace secret, which shopProject() issued.
    const openItems = await db.planItem.count({
      where: { partnerProjectId: shop.partner.id, required: true, status: { not: 'done' } },
    })
    expect(openItems).toBe(10)
    // The two Go-live items (date, approval) follow the verdict: they do not block it.
    expect(kinds.filter((kind) => kind === 'plan-item')).toHaveLength(openItems - 2)
    expect(body.phases.map((phase) => phase.phase)).toEqual([
      'discovery',
      'build',
      'sandbox',
      'uat',
      'golive',
    ])
    expect(body.phases[0]).toMatchObject({ complete: false, requiredDone: 1, requiredTotal: 2 })
    // Categories 0 (no run) × 50, phases 1/11 × 30, traces 0 × 20.
    expect(body.score).toBe(3)
    expect(Date.parse(body.generatedAt)).not.toBeNaN()
    // Computed live: no snapshot was stored.
    expect(await db.reportSnapshot.count({ where: { partnerProjectId: shop.partner.id } })).toBe(0)
  })

  it('says go after a passing Sandbox run, verified traffic and a finished plan', async () => {
    await passingSandboxRun()
    await sendTracesForEveryOperation()
    await finishEveryRequiredItem()
    const snapshot = await generate()
    expect(snapshot).toMatchObject({ verdict: 'go', score: 100, trigger: 'manual' })
    const report = JSON.parse(snapshot.content) as {
      blockers: unknown[]
      reasons: string[]
      certification: { environmentKind: string }
      traceCoverage: { requiredTotal: number; covered: number }
      categories: { category: string; percent: number | null }[]
    }
    expect(report.blockers).toEqual([])
    expect(report.certification.environmentKind).toBe('sandbox')
    expect(report.traceCoverage).toMatchObject({ requiredTotal: 3, covered: 3 })
    expect(report.categories.find((entry) => entry.category === 'authentication')?.percent).toBe(
      100,
    )
    expect(report.categories.find((entry) => entry.category === 'webhooks')?.percent).toBeNull()
    expect(report.reasons[0]).toMatch(/Every Required case passed in the certification run/)
    const live = await getReadiness(shop.partner.id, await apiToken())
    expect(await live.response!.json()).toMatchObject({ verdict: 'go', score: 100, blockers: [] })
  })
})

describe('snapshots', () => {
  it('stores the report with a content hash anyone can recompute, audited, its PDF queued', async () => {
    await sendTracesForEveryOperation()
    const snapshot = await generate()
    expect(snapshot.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(contentHash(JSON.parse(snapshot.content))).toBe(snapshot.contentHash)
    // The stored text is the canonical JSON itself: sha256sum of the download matches.
    expect(sha256Hex(snapshot.content)).toBe(snapshot.contentHash)
    const head = await db.evidenceEntry.findFirstOrThrow({
      where: { partnerProjectId: shop.partner.id },
      orderBy: { seq: 'desc' },
    })
    expect(snapshot).toMatchObject({
      chainSeq: head.seq,
      chainHash: head.hash,
      pdfStatus: 'queued',
    })
    const job = await db.job.findFirstOrThrow({
      where: { kind: REPORT_PDF_JOB, payload: { contains: snapshot.id } },
    })
    expect(job.status).toBe('queued')
    const entry = await db.auditLog.findFirstOrThrow({
      where: { action: 'report.generated', targetId: snapshot.id },
    })
    expect(JSON.parse(entry.metadata)).toMatchObject({ trigger: 'manual', via: 'page' })

    const json = await view(snapshot.id, 'json')
    expect(json.response!.headers.get('Content-Disposition')).toMatch(/^attachment;/)
    expect(sha256Hex(await json.response!.text())).toBe(snapshot.contentHash)

    // The page shows it, hash included; the history lists it.
    const page = await settle(() =>
      snapshotLoader(
        routeArgs(getRequest('/', cookies.viewer), { ...partnerParams(), snapshotId: snapshot.id }),
      ),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({
      snapshot: { entry: { id: snapshot.id, contentHash: snapshot.contentHash } },
      snapshots: [{ id: snapshot.id }],
    })
  })

  it('serves the stored content, not a recomputation', async () => {
    const first = await generate()
    await sendTracesForEveryOperation()
    const html = await (await view(first.id, 'html')).response!.text()
    expect(html).toContain('0 of 3 Required operations have verified, valid traffic')
    const latest = await settle(() =>
      partnerReportLoader(routeArgs(getRequest('/', cookies.viewer), partnerParams())),
    )
    expect(latest.data).toMatchObject({ latest: { entry: { id: first.id } } })
  })

  it('compares two snapshots side by side', async () => {
    const before = await generate()
    await sendTracesForEveryOperation()
    await passingSandboxRun()
    const after = await generate()
    const result = await settle(() =>
      compareLoader(
        routeArgs(
          getRequest(`/compare?a=${before.id}&b=${after.id}`, cookies.viewer),
          partnerParams(),
        ),
      ),
    )
    expect(result.status).toBe(200)
    const data = result.data as {
      a: { id: string }
      b: { id: string }
      comparison: {
        verdict: { a: string; b: string; changed: boolean }
        score: { a: number; b: number; change: string }
        categories: { key: string; change: string }[]
        phases: { key: string; change: string }[]
        traces: { a: number; b: number; change: string }
        blockersAdded: { kind: string }[]
        blockersRemoved: { kind: string; operationId?: string }[]
      }
    }
    expect(data.a.id).toBe(before.id)
    expect(data.b.id).toBe(after.id)
    expect(data.comparison.verdict).toEqual({ a: 'no-go', b: 'no-go', changed: false })
    expect(data.comparison.score.change).toBe('improved')
    expect(data.comparison.traces).toMatchObject({ a: 0, b: 100, change: 'improved' })
    expect(data.comparison.categories.find((row) => row.key === 'authentication')?.change).toBe(
      'n/a',
    )
    expect(data.comparison.phases.find((row) => row.key === 'sandbox')?.change).toBe('improved')
    expect(
      data.comparison.blockersRemoved
        .filter((blocker) => blocker.kind === 'traces')
        .map((blocker) => blocker.operationId)
        .sort(),
    ).toEqual(['createOrder', 'getOrder', 'listOrders'])
    expect(data.comparison.blockersRemoved.some((blocker) => blocker.kind === 'run')).toBe(true)
    expect(data.comparison.blockersAdded).toEqual([])

    // Without a choice, the latest is compared with the one before.
    const defaults = await settle(() =>
      compareLoader(routeArgs(getRequest('/compare', cookies.viewer), partnerParams())),
    )
    expect(defaults.data).toMatchObject({ a: { id: before.id }, b: { id: after.id } })
  })
})

describe('views', () => {
  async function withNotes() {
    const item = await db.planItem.findFirstOrThrow({
      where: { partnerProjectId: shop.partner.id, key: 'discovery.kickoff' },
    })
    await db.planNote.createMany({
      data: [
        {
          planItemId: item.id,
          body: 'Shared <script>alert("xss")</script> **bold** [link](javascript:x)',
          internal: false,
          authorName: 'Pat <img src=x onerror=alert(1)>',
        },
        {
          planItemId: item.id,
          body: 'INTERNAL-ONLY: the partner’s CTO keeps missing calls',
          internal: true,
          authorName: 'Val',
        },
      ],
    })
    return generate()
  }

  it('escapes hostile note text in the HTML and serves it sandboxed', async () => {
    const snapshot = await withNotes()
    const result = await view(snapshot.id, 'html')
    expect(result.status).toBe(200)
    const headers = result.response!.headers
    expect(headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(headers.get('Content-Security-Policy')).toMatch(/default-src 'none'.*sandbox/)
    const html = await result.response!.text()
    expect(html).not.toMatch(/<script|<img/i)
    expect(html).toContain('Shared &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;')
    expect(html).toContain('Pat &lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('INTERNAL-ONLY')
    expect(html).toContain(snapshot.contentHash)
  })

  it('gives the partner version without the internal notes, in HTML and Markdown', async () => {
    const snapshot = await withNotes()
    const partnerHtml = await (await view(snapshot.id, 'html', 'partner')).response!.text()
    expect(partnerHtml).not.toContain('INTERNAL-ONLY')
    expect(partnerHtml).toContain('Shared &lt;script&gt;')
    const md = await view(snapshot.id, 'md', 'partner')
    expect(md.response!.headers.get('Content-Type')).toBe('text/markdown; charset=utf-8')
    expect(md.response!.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="readiness-partner-[a-z0-9]+-\d{4}-\d{2}-\d{2}-[a-z0-9]{8}-partner\.md"$/,
    )
    const partnerMd = await md.response!.text()
    expect(partnerMd).not.toContain('INTERNAL-ONLY')
    expect(partnerMd).toContain(
      'Shared &lt;script&gt;alert("xss")&lt;/script&gt; \\*\\*bold\\*\\* \\[link\\](javascript:x)',
    )
    const vendorMd = await (await view(snapshot.id, 'md')).response!.text()
    expect(vendorMd).toContain('INTERNAL-ONLY')
    // Nothing else differs but the internal note, and the words that say which version it is.
    const strip = (text: string) =>
      text
        .replace(' · partner version', '')
        .replace(' (of the full report, which also holds the vendor’s internal notes)', '')
        .replace(/_Notes marked internal[^\n]*_\n\n/, '')
        .split('\n')
        .filter((line) => !/INTERNAL-ONLY|\*\*Val\*\*/.test(line))
        .join('\n')
    expect(strip(partnerMd)).toBe(strip(vendorMd))
  })

  it('sends a PDF that is not ready back to the report with a message', async () => {
    const snapshot = await generate()
    const result = await view(snapshot.id, 'pdf')
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe(
      `/projects/${shop.project.id}/reports/${shop.partner.id}/snapshots/${snapshot.id}`,
    )
    expect((await view(snapshot.id, 'docx')).status).toBe(404)
  })
})

describe('who may do what', () => {
  it('lets a viewer read reports but not generate one (403)', async () => {
    const denied = await settle(() =>
      generateAction(
        routeArgs(
          formRequest(
            `/projects/${shop.project.id}/reports/${shop.partner.id}`,
            {},
            cookies.viewer,
          ),
          partnerParams(),
        ),
      ),
    )
    expect(denied.status).toBe(403)
    expect(await db.reportSnapshot.count({ where: { partnerProjectId: shop.partner.id } })).toBe(0)
    const page = await settle(() =>
      partnerReportLoader(routeArgs(getRequest('/', cookies.viewer), partnerParams())),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({ latest: null, snapshots: [], canWrite: false })
  })

  it('hides another project’s partner (404), on pages and in the API', async () => {
    const other = await shopProject()
    const page = await settle(() =>
      partnerReportLoader(
        routeArgs(getRequest('/', cookies.viewer), {
          projectId: shop.project.id,
          partnerId: other.partner.id,
        }),
      ),
    )
    expect(page.status).toBe(404)
    const token = await apiToken()
    expect((await getReadiness(other.partner.id, token)).status).toBe(404)
    expect((await getReadiness(other.partner.slug, token)).status).toBe(404)
    expect((await getReadiness(shop.partner.id)).status).toBe(401)
    expect((await getReadiness(shop.partner.id, 'ic_not_a_token')).status).toBe(401)
  })

  it('generates a snapshot through the API (201, trigger api)', async () => {
    const token = await apiToken()
    const result = await settle(() =>
      readinessApiPost(
        routeArgs(
          new Request(
            `http://localhost:3000/api/v1/partner-projects/${shop.partner.slug}/readiness`,
            {
              method: 'POST',
              headers: { Authorization: `Bearer ${token}` },
            },
          ),
          { partnerProjectId: shop.partner.slug },
        ),
      ),
    )
    expect(result.status).toBe(201)
    const body = (await result.response!.json()) as { snapshotId: string; contentHash: string }
    const row = await db.reportSnapshot.findUniqueOrThrow({ where: { id: body.snapshotId } })
    expect(row).toMatchObject({ trigger: 'api', contentHash: body.contentHash })
    const entry = await db.auditLog.findFirstOrThrow({ where: { targetId: row.id } })
    expect(JSON.parse(entry.metadata)).toMatchObject({ via: 'api', trigger: 'api' })
  })
})

describe('the schedule', () => {
  it('is set by owners and admins only', async () => {
    const post = (cookie: string, schedule: string) =>
      settle(() =>
        reportsAction(
          routeArgs(
            formRequest(
              `/projects/${shop.project.id}/reports`,
              { intent: 'schedule', schedule },
              cookie,
            ),
            { projectId: shop.project.id },
          ),
        ),
      )
    expect((await post(cookies.vendor, 'weekly')).status).toBe(403)
    expect((await post(cookies.owner, 'hourly')).status).toBe(400)
    expect((await post(cookies.owner, 'weekly')).status).toBe(302)
    const project = await db.project.findUniqueOrThrow({ where: { id: shop.project.id } })
    expect(project.reportSchedule).toBe('weekly')
    expect(project.reportNextAt!.getUTCDay()).toBe(1)
    expect(project.reportNextAt!.getUTCHours()).toBe(6)
    const page = await settle(() =>
      reportsLoader(routeArgs(getRequest('/', cookies.viewer), { projectId: shop.project.id })),
    )
    expect(page.data).toMatchObject({
      canManage: false,
      schedule: { schedule: 'weekly', nextAt: project.reportNextAt!.toISOString() },
      rows: [{ partnerProjectId: shop.partner.id, latest: null }],
    })
  })

  it('queues each due generation once, moves the date on, and reports on every partner', async () => {
    const second = await db.partnerProject.create({
      data: { projectId: shop.project.id, name: 'Second Partner', slug: 'second' },
    })
    const start = new Date('2026-12-02T09:00:00Z') // a Wednesday
    const due = nextReportAt('daily', start)!
    expect(due.toISOString()).toBe('2026-12-03T06:00:00.000Z')
    await db.project.update({
      where: { id: shop.project.id },
      data: { reportSchedule: 'daily', reportNextAt: due },
    })
    const mine = (ids: string[]) => ids.filter((id) => id === shop.project.id)
    expect(mine(await enqueueDueReports(new Date('2026-12-03T05:59:59Z')))).toEqual([])
    // Two ticks at the same moment: one generation.
    const ticks = await Promise.all([enqueueDueReports(due), enqueueDueReports(due)])
    expect(ticks.flatMap(mine)).toEqual([shop.project.id])
    expect(mine(await enqueueDueReports(due))).toEqual([])
    const project = await db.project.findUniqueOrThrow({ where: { id: shop.project.id } })
    expect(project.reportNextAt!.toISOString()).toBe('2026-12-04T06:00:00.000Z')
    const jobs = await db.job.findMany({
      where: { kind: REPORT_SCHEDULE_JOB, payload: JSON.stringify({ projectId: shop.project.id }) },
    })
    expect(jobs).toHaveLength(1)

    await reportJobHandlers[REPORT_SCHEDULE_JOB]!.run(jobs[0]!, {
      workerId: 'test',
      signal: new AbortController().signal,
    })
    const snapshots = await db.reportSnapshot.findMany({
      where: { partnerProject: { projectId: shop.project.id } },
    })
    expect(snapshots.map((row) => row.partnerProjectId).sort()).toEqual(
      [shop.partner.id, second.id].sort(),
    )
    expect(snapshots.every((row) => row.trigger === 'schedule')).toBe(true)
    const audited = await db.auditLog.count({
      where: { action: 'report.generated', projectId: shop.project.id },
    })
    expect(audited).toBe(2)

    // A week later, a weekly schedule is due on Monday 06:00 UTC.
    expect(nextReportAt('weekly', new Date('2026-12-07T06:00:00Z'))!.toISOString()).toBe(
      '2026-12-14T06:00:00.000Z',
    )
    expect(nextReportAt('weekly', new Date('2026-12-06T23:00:00Z'))!.toISOString()).toBe(
      '2026-12-07T06:00:00.000Z',
    )
    expect(nextReportAt('off', start)).toBeNull()
  })
})

describe('the executive summary', () => {
  it('lists every partner of the organisation, no-go first, with the trend', async () => {
    const owner = await createMember(shop.org.id, 'VIEWER')
    const cookie = await cookieFor(owner.user.id)
    const second = await db.partnerProject.create({
      data: { projectId: shop.project.id, name: 'Never Reported', slug: 'never' },
    })
    const first = await generate()
    await sendTracesForEveryOperation()
    const later = await generate()
    expect(later.score).toBeGreaterThan(first.score)
    const result = await settle(() => summaryLoader(routeArgs(getRequest('/readiness', cookie))))
    expect(result.status).toBe(200)
    const data = result.data as {
      rows: {
        partnerProjectId: string
        projectName: string
        currentPhase: string | null
        latest: {
          verdict: string
          score: number
          blockerCount: number
          trend: string
          previousScore: number
        } | null
      }[]
      totals: { partners: number; noGo: number; go: number; unreported: number }
    }
    expect(data.rows.map((row) => row.partnerProjectId)).toEqual([shop.partner.id, second.id])
    expect(data.rows[0]).toMatchObject({
      projectName: 'Shop',
      currentPhase: 'discovery',
      latest: {
        verdict: 'no-go',
        score: later.score,
        previousScore: first.score,
        trend: 'up',
        blockerCount: (JSON.parse(later.content) as { blockerCount: number }).blockerCount,
      },
    })
    expect(data.rows[1]!.latest).toBeNull()
    expect(data.totals).toEqual({ partners: 2, noGo: 1, go: 0, unreported: 1 })

    // Another organisation's member sees none of it.
    const stranger = await createMember((await createOrg('Elsewhere')).id, 'OWNER')
    const strangerCookie = await cookieFor(stranger.user.id)
    const theirs = await settle(() =>
      summaryLoader(routeArgs(getRequest('/readiness', strangerCookie))),
    )
    expect(theirs.data).toMatchObject({ rows: [], projects: 0 })
  })
})
