/**
 * Retention with legal hold (issue #14): the purge deletes what is older than
 * the organisation's policy (traces, mock request logs, finished runs with
 * their cases and events, evidence file rows and bytes), in batches, never
 * touching a partner project on legal hold; the evidence chain keeps its
 * entries and still verifies; the purge is audited and idempotent. Also the
 * settings page's form and "Purge now", and the legal hold form.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import PartnerPage, {
  loader as partnerPageLoader,
} from '~/routes/projects.$projectId.partners.$partnerId'
import HoldPage, {
  action as holdAction,
  loader as holdLoader,
} from '~/routes/projects.$projectId.partners.$partnerId_.legal-hold'
import RetentionPage, {
  action as retentionAction,
  loader as retentionLoader,
} from '~/routes/settings.retention'
import { db, sqliteDate } from '~/server/db.server'
import { getEnv } from '~/server/env.server'
import { storeEvidenceFile } from '~/server/evidence/files.server'
import { recordRunEvidence } from '~/server/evidence/runs.server'
import { verifyEvidence } from '~/server/evidence/verify.server'
import { JOB_HANDLERS } from '~/server/jobs/handlers.server'
import { RETENTION_PURGE_JOB } from '~/server/jobs/kinds'
import { purgePreview } from '~/server/retention/plan.server'
import { readPolicy } from '~/server/retention/policy.server'
import { purgeOrganization } from '~/server/retention/purge.server'
import { enqueueDuePurges, purgeStatus } from '~/server/retention/schedule.server'
import { setTraceSecret } from '~/server/traces/secrets.server'
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
import { order, postTraces, shopProject, TRACE_SECRET } from '../support/traces'

const current = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }))

vi.mock('@remix-run/react', async (original) =>
  (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
)

/** Renders a route's page with this loader and action data (no router, no JavaScript). */
function render(page: () => unknown, data: unknown, action?: unknown): string {
  current.data = data
  current.action = action
  return renderToString(createElement(page as () => null))
}

const DAY = 24 * 60 * 60 * 1000
const OLD = () => new Date(Date.now() - 70 * DAY)

/** Runs `work` with the clock set to `at` (only Date is faked: timers and I/O run as usual). */
async function atTime<T>(at: Date, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], now: at })
  try {
    return await work()
  } finally {
    vi.useRealTimers()
  }
}

afterEach(() => {
  vi.useRealTimers()
})

type Shop = Awaited<ReturnType<typeof shopProject>>
let shop: Shop
let held: { id: string; slug: string; name: string }
let environmentId: string
let mockId: string
let owner: string

async function traces(partnerSlug: string, count: number, tag: string): Promise<string[]> {
  const { json, status } = await postTraces(
    partnerSlug,
    JSON.stringify({
      traces: Array.from({ length: count }, (_, index) =>
        order({
          request: { method: 'GET', url: `https://api.shop.test/v1/orders/${tag}${index}` },
          response: {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: { id: `${tag}${index}`, amount: 1, currency: 'EUR' },
          },
        }),
      ),
    }),
  )
  expect(status).toBe(201)
  return json.ids as string[]
}

async function finishedRun(partnerProjectId: string | null) {
  const run = await db.run.create({
    data: {
      projectId: shop.project.id,
      specVersionId: shop.specVersionId,
      environmentId,
      partnerProjectId,
      environmentLabel: 'Sandbox (sandbox)',
      status: 'passed',
      caseTotal: 2,
      finishedAt: new Date(),
      cases: {
        create: [1, 2].map((seq) => ({
          seq,
          key: `contract.schema:op${seq}`,
          templateId: 'contract.schema',
          category: 'contract',
          title: `Case ${seq}`,
          verdict: 'passed',
        })),
      },
      events: {
        create: [
          { type: 'case', data: '{}' },
          { type: 'status', data: '{}' },
        ],
      },
    },
  })
  if (partnerProjectId) expect(await recordRunEvidence(run.id)).toBe(true)
  return run
}

async function evidenceFile(partnerProjectId: string, name: string) {
  return storeEvidenceFile({
    partnerProjectId,
    name,
    bytes: new TextEncoder().encode(`evidence ${name}`),
    phase: 'uat',
    planItemId: null,
    uploaderKind: 'vendor',
    uploadedById: null,
  })
}

function bytesPath(partnerProjectId: string, fileId: string) {
  return path.resolve(getEnv().DATA_DIR, 'evidence', partnerProjectId, fileId)
}

async function mockLog(at: Date, partnerHeader?: string) {
  return db.mockRequestLog.create({
    data: {
      mockId,
      at,
      method: 'GET',
      path: '/v1/orders',
      status: 200,
      durationMs: 1,
      request: JSON.stringify({
        headers: {
          accept: '*/*',
          ...(partnerHeader === undefined ? {} : { 'x-copilot-partner': partnerHeader }),
        },
        query: '',
        body: '',
      }),
      response: '{}',
    },
  })
}

async function setPolicy(days: number | null) {
  await db.organization.update({
    where: { id: shop.org.id },
    data: {
      retainTracesDays: days,
      retainMockLogsDays: days,
      retainRunArtifactsDays: days,
      retainEvidenceDays: days,
    },
  })
}

const holdPath = (partnerId: string, projectId = shop.project.id) =>
  `/projects/${projectId}/partners/${partnerId}/legal-hold`

function holdRequest(
  fields: Record<string, string>,
  cookie: string,
  partnerId = held.id,
  projectId = shop.project.id,
) {
  return settle(
    () =>
      holdAction(
        routeArgs(formRequest(holdPath(partnerId, projectId), fields, cookie), {
          projectId,
          partnerId,
        }),
      ) as Promise<unknown>,
  )
}

beforeEach(async () => {
  shop = await shopProject()
  const partner = await db.partnerProject.create({
    data: { projectId: shop.project.id, name: 'Held Co', slug: `held-${shop.partner.slug}` },
  })
  await setTraceSecret(partner.id, TRACE_SECRET)
  held = { id: partner.id, slug: partner.slug, name: partner.name }
  environmentId = (
    await db.environment.create({
      data: {
        projectId: shop.project.id,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sbx.shop.test/v1',
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
  owner = await cookieFor((await createMember(shop.org.id, 'OWNER')).user.id)
})

/** 70-day-old and fresh data for the open partner, the held partner and the vendor itself. */
async function seed() {
  const old = await atTime(OLD(), async () => ({
    traces: await traces(shop.partner.slug, 3, 'old'),
    heldTraces: await traces(held.slug, 2, 'held'),
    run: await finishedRun(shop.partner.id),
    heldRun: await finishedRun(held.id),
    vendorRun: await finishedRun(null),
    file: await evidenceFile(shop.partner.id, 'old.txt'),
    heldFile: await evidenceFile(held.id, 'held.txt'),
    refusal: await db.traceRefusal.create({
      data: { projectId: shop.project.id, partnerProjectId: shop.partner.id, reason: 'replay' },
    }),
    heldRefusal: await db.traceRefusal.create({
      data: { projectId: shop.project.id, partnerProjectId: held.id, reason: 'replay' },
    }),
    logs: {
      partner: await mockLog(new Date(), shop.partner.slug),
      vendor: await mockLog(new Date()),
      // The held partner named by its id in another case, and by its slug in a repeated header.
      heldById: await mockLog(new Date(), ` ${held.id.toUpperCase()} `),
      heldInList: await mockLog(new Date(), `someone-else, ${held.slug}`),
    },
  }))
  const fresh = {
    traces: await traces(shop.partner.slug, 2, 'new'),
    run: await finishedRun(shop.partner.id),
    vendorRun: await finishedRun(null),
    file: await evidenceFile(shop.partner.id, 'new.txt'),
    log: await mockLog(new Date(), shop.partner.slug),
    runningRun: await db.run.create({
      data: {
        projectId: shop.project.id,
        specVersionId: shop.specVersionId,
        environmentId,
        status: 'running',
        createdAt: OLD(),
      },
    }),
  }
  return { old, fresh }
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort()

describe('the purge', () => {
  it('deletes what is older than the policy, keeps newer rows and everything of a held partner, and keeps the chain verifiable', async () => {
    const { old, fresh } = await seed()
    await setPolicy(30)
    const set = await holdRequest(
      { intent: 'set', reason: 'Litigation hold, matter 2026-14' },
      owner,
    )
    expect(set.status).toBe(302)
    const entriesBefore = await db.evidenceEntry.count({
      where: { partnerProjectId: shop.partner.id },
    })

    const preview = await purgePreview(shop.org.id, (await readPolicy(shop.org.id)).policy)
    expect(preview.traces.count).toBe(3)
    expect(preview.traces.extra).toBe(1)
    expect(preview.runArtifacts.count).toBe(2) // the open partner's and the vendor's
    expect(preview.runArtifacts.extra).toBe(4) // their cases
    expect(preview.evidence.count).toBe(1)
    expect(preview.mockLogs.count).toBe(2) // the open partner's and the vendor's own
    expect(new Date(preview.traces.oldest!).getTime()).toBeLessThan(Date.now() - 60 * DAY)

    // Batches of 2 (and runs one at a time): several batches per kind.
    const result = await purgeOrganization(shop.org.id, { batchSize: 2, pauseMs: 0 })
    expect(result?.counts).toMatchObject({
      traces: 3,
      traceRefusals: 1,
      mockLogs: 2,
      runs: 2,
      runCases: 4,
      runEvents: 4,
      evidenceFiles: 1,
      tombstones: 5,
    })

    // Traces: the old ones of the open partner are gone, the rest stay.
    const remaining = ids(await db.trace.findMany({ where: { projectId: shop.project.id } }))
    expect(remaining).toEqual([...old.heldTraces, ...fresh.traces].sort())
    expect(await db.traceRefusal.count({ where: { id: old.refusal.id } })).toBe(0)
    expect(await db.traceRefusal.count({ where: { id: old.heldRefusal.id } })).toBe(1)
    // Runs with their cases and events.
    for (const gone of [old.run, old.vendorRun]) {
      expect(await db.run.count({ where: { id: gone.id } })).toBe(0)
      expect(await db.runCase.count({ where: { runId: gone.id } })).toBe(0)
      expect(await db.runEvent.count({ where: { runId: gone.id } })).toBe(0)
    }
    for (const kept of [old.heldRun, fresh.run, fresh.vendorRun, fresh.runningRun])
      expect(await db.run.count({ where: { id: kept.id } })).toBe(1)
    expect(await db.runCase.count({ where: { runId: old.heldRun.id } })).toBe(2)
    // Evidence files: the row and the bytes.
    expect(await db.evidenceFile.count({ where: { id: old.file.id } })).toBe(0)
    expect(fs.existsSync(bytesPath(shop.partner.id, old.file.id))).toBe(false)
    for (const [partnerId, file] of [
      [held.id, old.heldFile],
      [shop.partner.id, fresh.file],
    ] as const) {
      expect(await db.evidenceFile.count({ where: { id: file.id } })).toBe(1)
      expect(fs.existsSync(bytesPath(partnerId, file.id))).toBe(true)
    }
    // Mock logs: attributed to the held partner (by id or slug, any case, in a list) stay.
    expect(ids(await db.mockRequestLog.findMany({ where: { mockId } }))).toEqual(
      [old.logs.heldById.id, old.logs.heldInList.id, fresh.log.id].sort(),
    )

    // The chain keeps every entry and names each purged record; it still verifies.
    expect(
      await db.evidenceEntry.count({
        where: { partnerProjectId: shop.partner.id, kind: { in: ['trace', 'run', 'file'] } },
      }),
    ).toBe(entriesBefore)
    const tombstones = await db.evidenceEntry.findMany({
      where: { partnerProjectId: shop.partner.id, kind: 'purged' },
    })
    expect(tombstones.map((entry) => entry.refId).sort()).toEqual(
      [...old.traces.map((id) => `trace:${id}`), `run:${old.run.id}`, `file:${old.file.id}`].sort(),
    )
    expect(tombstones[0]!.label).toMatch(/^Purged by the retention policy/)
    const verified = await verifyEvidence(shop.partner.id)
    expect(verified.problems).toEqual([])
    expect(verified.ok).toBe(true)
    expect(verified.purged).toBe(5)
    const heldVerified = await verifyEvidence(held.id)
    expect(heldVerified.ok).toBe(true)
    expect(heldVerified.purged).toBe(0)

    // Audited on the organisation, without an actor, with counts, cut-offs and the hold.
    const entry = await db.auditLog.findFirstOrThrow({
      where: { organizationId: shop.org.id, action: 'retention.purged' },
    })
    expect(entry.actorUserId).toBeNull()
    const metadata = JSON.parse(entry.metadata) as {
      counts: Record<string, number>
      cutoffs: Record<string, string>
      heldPartnerProjects: unknown[]
      completed: boolean
    }
    expect(metadata.counts).toMatchObject({ traces: 3, mockLogs: 2, runs: 2, evidenceFiles: 1 })
    expect(metadata.cutoffs.traces).toBe(result!.cutoffs.traces)
    expect(new Date(metadata.cutoffs.traces!).getTime()).toBeCloseTo(Date.now() - 30 * DAY, -5)
    expect(metadata.heldPartnerProjects).toEqual([
      { id: held.id, name: held.name, projectId: shop.project.id },
    ])
    expect(metadata.completed).toBe(true)
    const org = await db.organization.findUniqueOrThrow({ where: { id: shop.org.id } })
    expect(org.lastPurgeAt).not.toBeNull()

    // A second run deletes nothing and records nothing more.
    const counts = async () => ({
      traces: await db.trace.count(),
      runs: await db.run.count(),
      files: await db.evidenceFile.count(),
      logs: await db.mockRequestLog.count(),
      entries: await db.evidenceEntry.count(),
      audits: await db.auditLog.count({ where: { action: 'retention.purged' } }),
    })
    const before = await counts()
    const again = await purgeOrganization(shop.org.id, { batchSize: 2, pauseMs: 0 })
    expect(again?.deleted).toBe(0)
    expect(await counts()).toEqual(before)

    // Released, the held partner's old data goes at the next purge.
    const released = await holdRequest({ intent: 'release' }, owner)
    expect(released.status).toBe(302)
    const after = await purgeOrganization(shop.org.id, { pauseMs: 0 })
    expect(after?.counts).toMatchObject({
      traces: 2,
      traceRefusals: 1,
      runs: 1,
      evidenceFiles: 1,
      mockLogs: 2,
    })
    expect(await db.trace.count({ where: { partnerProjectId: held.id } })).toBe(0)
    expect(fs.existsSync(bytesPath(held.id, old.heldFile.id))).toBe(false)
    expect(ids(await db.mockRequestLog.findMany({ where: { mockId } }))).toEqual([fresh.log.id])
    const releasedVerified = await verifyEvidence(held.id)
    expect(releasedVerified.ok).toBe(true)
    expect(releasedVerified.purged).toBe(4)
  })

  it('still reports a record deleted behind the purge’s back', async () => {
    await atTime(OLD(), () => traces(shop.partner.slug, 2, 'old'))
    const [kept] = await traces(shop.partner.slug, 1, 'new')
    await setPolicy(30)
    await purgeOrganization(shop.org.id, { pauseMs: 0 })
    expect((await verifyEvidence(shop.partner.id)).ok).toBe(true)
    await db.$executeRawUnsafe(`DELETE FROM "Trace" WHERE "id" = ?`, kept!)
    const verified = await verifyEvidence(shop.partner.id)
    expect(verified.ok).toBe(false)
    expect(verified.firstBreak?.problem).toBe('record-removed')
    expect(verified.purged).toBe(2)
  })

  it('purges more rows than one batch, and stray evidence bytes no row points at', async () => {
    await setPolicy(30)
    const at = sqliteDate(OLD())
    const rows = Array.from({ length: 1203 }, (_, index) => [`bulk-${index}`, at])
    await db.$executeRawUnsafe(
      `INSERT INTO "MockRequestLog" ("id", "at", "method", "path", "status", "durationMs", "request", "response", "mockId")
       SELECT value ->> 0, value ->> 1, 'GET', '/v1/orders', 200, 1, '{"headers":{}}', '{}', ? FROM json_each(?)`,
      mockId,
      JSON.stringify(rows),
    )
    await mockLog(new Date())
    const dir = path.resolve(getEnv().DATA_DIR, 'evidence', shop.partner.id)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'stray-old'), 'x')
    fs.utimesSync(path.join(dir, 'stray-old'), OLD(), OLD())
    fs.writeFileSync(path.join(dir, 'stray-new'), 'x')

    const result = await purgeOrganization(shop.org.id, { pauseMs: 0 })
    expect(result?.counts.mockLogs).toBe(1203)
    expect(result?.counts.orphanFiles).toBe(1)
    expect(await db.mockRequestLog.count({ where: { mockId } })).toBe(1)
    expect(fs.existsSync(path.join(dir, 'stray-old'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'stray-new'))).toBe(true)
  })

  it('does nothing without a policy, and touches no other organisation', async () => {
    const { old } = await seed()
    expect(await purgeOrganization(shop.org.id, { pauseMs: 0 })).toBeNull()
    expect(await db.trace.count({ where: { id: { in: old.traces } } })).toBe(3)
    // Another organisation's policy reaches only its own data.
    const other = await createOrg('Other')
    await createProject(other.id)
    await db.organization.update({ where: { id: other.id }, data: { retainTracesDays: 1 } })
    const result = await purgeOrganization(other.id, { pauseMs: 0 })
    expect(result?.deleted).toBe(0)
    expect(await db.trace.count({ where: { id: { in: old.traces } } })).toBe(3)
  })

  it('runs as a job, queued once a day per organisation with a policy', async () => {
    await atTime(OLD(), () => traces(shop.partner.slug, 2, 'old'))
    const job = async () =>
      db.job.findMany({
        where: { kind: RETENTION_PURGE_JOB, payload: { contains: shop.org.id } },
      })
    await enqueueDuePurges()
    expect(await job()).toHaveLength(0) // no policy yet
    await setPolicy(30)
    await enqueueDuePurges()
    await enqueueDuePurges()
    const queued = await job()
    expect(queued).toHaveLength(1)
    expect(JSON.parse(queued[0]!.payload)).toEqual({
      organizationId: shop.org.id,
      trigger: 'schedule',
    })
    // The registry maps the kind to its handler; a worker runs it.
    const controller = new AbortController()
    await JOB_HANDLERS[RETENTION_PURGE_JOB]!.run(queued[0]!, {
      workerId: 'test',
      signal: controller.signal,
    })
    expect(await db.trace.count({ where: { partnerProjectId: shop.partner.id } })).toBe(0)
    // Done today: not queued again within the day, even once finished.
    await db.job.update({ where: { id: queued[0]!.id }, data: { status: 'done' } })
    await enqueueDuePurges()
    expect(await job()).toHaveLength(1)
    // A stopped worker stops the purge between batches.
    await atTime(OLD(), () => traces(shop.partner.slug, 3, 'more'))
    controller.abort()
    await expect(
      purgeOrganization(shop.org.id, { signal: controller.signal, pauseMs: 0 }),
    ).rejects.toThrow(/stopped/)
  })
})

describe('settings/retention', () => {
  const load = (cookie: string) =>
    settle(
      () =>
        retentionLoader(routeArgs(getRequest('/settings/retention', cookie))) as Promise<unknown>,
    )
  const post = (fields: Record<string, string>, cookie = owner) =>
    settle(
      () =>
        retentionAction(
          routeArgs(formRequest('/settings/retention', fields, cookie)),
        ) as Promise<unknown>,
    )
  const save = (traces: string, rest: Record<string, string> = {}) =>
    post({ intent: 'save', traces, mockLogs: '', runArtifacts: '', evidence: '', ...rest })

  it('is for owners only', async () => {
    for (const role of ['ADMIN', 'VENDOR', 'VIEWER'] as const) {
      const cookie = await cookieFor((await createMember(shop.org.id, role)).user.id)
      expect((await load(cookie)).status).toBe(403)
      expect(
        (
          await settle(
            () =>
              retentionAction(
                routeArgs(
                  formRequest('/settings/retention', { intent: 'save', traces: '1' }, cookie),
                ),
              ) as Promise<unknown>,
          )
        ).status,
      ).toBe(403)
    }
    expect((await load('')).status).toBe(302)
  })

  it('refuses negatives, 0, 10^9, letters and junk with a message that says what to do', async () => {
    for (const bad of ['-5', '0', '1000000000', 'abc', '12abc', '1.5', '1e3', '9'.repeat(10_000)]) {
      const result = await save(bad)
      expect(result.status, bad.slice(0, 20)).toBe(400)
      const reply = (result.data as { policy: { error: Record<string, string[]> } }).policy
      expect(reply.error.traces?.[0]).toMatch(/^Traces: /)
      expect(reply.error.traces?.[0]).toMatch(/empty to keep forever/)
    }
    expect(
      (
        (await save('30', { evidence: '3651' })).data as {
          policy: { error: Record<string, string[]> }
        }
      ).policy.error.evidence?.[0],
    ).toMatch(/at most 3650 days/)
    expect((await readPolicy(shop.org.id)).policy.traces).toBeNull()
    expect(
      await db.auditLog.count({
        where: { organizationId: shop.org.id, action: 'retention.updated' },
      }),
    ).toBe(0)
  })

  it('saves the policy (empty keeps forever) and audits before and after', async () => {
    expect((await save('90', { mockLogs: '7', evidence: '3650' })).status).toBe(302)
    expect((await readPolicy(shop.org.id)).policy).toEqual({
      traces: 90,
      mockLogs: 7,
      runArtifacts: null,
      evidence: 3650,
    })
    expect((await save(' 30 ', { mockLogs: '7', evidence: '3650' })).status).toBe(302)
    const entries = await db.auditLog.findMany({
      where: { organizationId: shop.org.id, action: 'retention.updated' },
      orderBy: { createdAt: 'asc' },
    })
    expect(entries).toHaveLength(2)
    expect(JSON.parse(entries[1]!.metadata)).toMatchObject({
      before: { traces: 90, mockLogs: 7, runArtifacts: null, evidence: 3650 },
      after: { traces: 30, mockLogs: 7, runArtifacts: null, evidence: 3650 },
    })
    expect(entries[1]!.actorUserId).not.toBeNull()
    // Saving the same values again changes and records nothing.
    await save('30', { mockLogs: '7', evidence: '3650' })
    expect(
      await db.auditLog.count({
        where: { organizationId: shop.org.id, action: 'retention.updated' },
      }),
    ).toBe(2)
  })

  it('previews the next purge, lists the holds, and queues "Purge now" once', async () => {
    await seed()
    // Without a policy, "Purge now" says what to do and queues nothing.
    const refused = await post({ intent: 'purge-now' })
    expect(refused.status).toBe(302)
    expect(
      await db.job.count({
        where: { kind: RETENTION_PURGE_JOB, payload: { contains: shop.org.id } },
      }),
    ).toBe(0)

    await save('30', { mockLogs: '30', runArtifacts: '30', evidence: '30' })
    await holdRequest(
      { intent: 'set', reason: 'Regulator request <script>alert(1)</script>' },
      owner,
    )
    const page = (await load(owner)).data as Awaited<ReturnType<typeof retentionLoader>>
    expect(page.preview.traces.count).toBe(3)
    expect(page.preview.mockLogs.count).toBe(2)
    expect(page.held).toEqual([
      expect.objectContaining({
        id: held.id,
        name: held.name,
        reason: 'Regulator request <script>alert(1)</script>',
        project: { id: shop.project.id, name: shop.project.name },
      }),
    ])
    expect(page.status.job).toBeNull()

    expect((await post({ intent: 'purge-now' })).status).toBe(302)
    expect((await post({ intent: 'purge-now' })).status).toBe(302)
    const jobs = await db.job.findMany({
      where: { kind: RETENTION_PURGE_JOB, payload: { contains: shop.org.id } },
    })
    expect(jobs).toHaveLength(1)
    expect(JSON.parse(jobs[0]!.payload)).toEqual({ organizationId: shop.org.id, trigger: 'manual' })
    const queued = (await load(owner)).data as Awaited<ReturnType<typeof retentionLoader>>
    expect(queued.status.job?.status).toBe('queued')

    await JOB_HANDLERS[RETENTION_PURGE_JOB]!.run(jobs[0]!, {
      workerId: 'test',
      signal: new AbortController().signal,
    })
    const status = await purgeStatus(shop.org.id)
    expect(status.last?.counts).toMatchObject({ traces: 3, mockLogs: 2 })
    expect(status.last?.heldCount).toBe(1)
    const done = (await load(owner)).data as Awaited<ReturnType<typeof retentionLoader>>
    expect(done.lastPurgeAt).not.toBeNull()
    expect(done.preview.traces.count).toBe(0)

    expect((await post({ intent: 'drop-tables' })).status).toBe(400)
  })
})

describe('legal hold form', () => {
  it('refuses a missing, blank or 10,000-character reason', async () => {
    const attempts: Record<string, string>[] = [
      { intent: 'set' },
      { intent: 'set', reason: '   ' },
      { intent: 'set', reason: 'x'.repeat(10_000) },
      { intent: 'set', reason: 'x'.repeat(501) },
    ]
    for (const fields of attempts) {
      const result = await holdRequest(fields, owner)
      expect(result.status).toBe(400)
      const reply = (result.data as { result: { error: Record<string, string[]> } }).result
      expect(reply.error.reason?.[0]).toMatch(/reason/)
    }
    expect((await db.partnerProject.findUniqueOrThrow({ where: { id: held.id } })).legalHold).toBe(
      false,
    )
    expect(
      await db.auditLog.count({ where: { action: 'legal_hold.set', targetId: held.id } }),
    ).toBe(0)
  })

  it('is set and released by owners and admins, audited, and shown on the partner page', async () => {
    const admin = await cookieFor((await createMember(shop.org.id, 'ADMIN')).user.id)
    const vendor = await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id)
    const viewer = await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id)
    for (const cookie of [vendor, viewer])
      expect((await holdRequest({ intent: 'set', reason: 'Mine' }, cookie)).status).toBe(403)

    const reason = 'Litigation hold\nmatter 2026-14'
    expect((await holdRequest({ intent: 'set', reason }, admin)).status).toBe(302)
    const row = await db.partnerProject.findUniqueOrThrow({ where: { id: held.id } })
    expect(row.legalHold).toBe(true)
    expect(row.legalHoldReason).toBe(reason)
    expect(row.legalHoldSetAt).not.toBeNull()
    const setEntry = await db.auditLog.findFirstOrThrow({
      where: { action: 'legal_hold.set', targetId: held.id },
    })
    expect(setEntry.organizationId).toBe(shop.org.id)
    expect(JSON.parse(setEntry.metadata)).toMatchObject({
      before: { legalHold: false, reason: '' },
      after: { legalHold: true, reason },
    })

    const page = await settle(
      () =>
        partnerPageLoader(
          routeArgs(getRequest(`/projects/${shop.project.id}/partners/${held.id}`, viewer), {
            projectId: shop.project.id,
            partnerId: held.id,
          }),
        ) as Promise<unknown>,
    )
    expect(page.data).toMatchObject({ hold: { held: true, reason }, canHold: false })
    const holdPage = await settle(
      () =>
        holdLoader(
          routeArgs(getRequest(holdPath(held.id), admin), {
            projectId: shop.project.id,
            partnerId: held.id,
          }),
        ) as Promise<unknown>,
    )
    expect(holdPage.data).toMatchObject({ hold: { held: true }, canHold: true })

    expect((await holdRequest({ intent: 'release' }, owner)).status).toBe(302)
    expect((await db.partnerProject.findUniqueOrThrow({ where: { id: held.id } })).legalHold).toBe(
      false,
    )
    const releasedEntry = await db.auditLog.findFirstOrThrow({
      where: { action: 'legal_hold.released', targetId: held.id },
    })
    expect(JSON.parse(releasedEntry.metadata)).toMatchObject({
      before: { legalHold: true, reason },
      after: { legalHold: false, reason: '' },
    })
    // Releasing what is not held says so and records nothing.
    expect((await holdRequest({ intent: 'release' }, owner)).status).toBe(302)
    expect(
      await db.auditLog.count({ where: { action: 'legal_hold.released', targetId: held.id } }),
    ).toBe(1)
    expect((await holdRequest({ intent: 'freeze' }, owner)).status).toBe(400)
  })

  it('cannot hold another organisation’s partner project', async () => {
    const other = await shopProject()
    // Through this organisation's project: the partner is not one of its partners.
    expect(
      (await holdRequest({ intent: 'set', reason: 'Hostile' }, owner, other.partner.id)).status,
    ).toBe(404)
    // Through the other organisation's project: not this owner's project.
    expect(
      (
        await holdRequest(
          { intent: 'set', reason: 'Hostile' },
          owner,
          other.partner.id,
          other.project.id,
        )
      ).status,
    ).toBe(404)
    expect(
      (await db.partnerProject.findUniqueOrThrow({ where: { id: other.partner.id } })).legalHold,
    ).toBe(false)
    expect(
      await db.auditLog.count({ where: { action: 'legal_hold.set', targetId: other.partner.id } }),
    ).toBe(0)
  })
})

describe('the pages', () => {
  it('render the policy, the preview, the holds (escaped) and the form errors', async () => {
    await seed()
    await db.organization.update({
      where: { id: shop.org.id },
      data: { retainTracesDays: 30, retainMockLogsDays: 14 },
    })
    await holdRequest({ intent: 'set', reason: 'Regulator <script>alert(1)</script>' }, owner)
    const loaded = await settle(
      () =>
        retentionLoader(routeArgs(getRequest('/settings/retention', owner))) as Promise<unknown>,
    )
    const html = render(RetentionPage, loaded.data)
    expect(html).toContain('Retention policy')
    expect(html).toMatch(/name="traces"[^>]*value="30"|value="30"[^>]*name="traces"/)
    expect(html).toContain('data-testid="purge-preview"')
    expect(html).toContain('Purge now')
    expect(html).toContain('No purge has completed yet.')
    expect(html).toContain('data-testid="held-partners"')
    expect(html).toContain('Regulator &lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')

    const refused = await settle(
      () =>
        retentionAction(
          routeArgs(
            formRequest(
              '/settings/retention',
              { intent: 'save', traces: '-1', mockLogs: 'abc', runArtifacts: '', evidence: '' },
              owner,
            ),
          ),
        ) as Promise<unknown>,
    )
    const withErrors = render(RetentionPage, loaded.data, refused.data)
    expect(withErrors).toContain('Traces: enter a whole number of days')
    expect(withErrors).toContain('Mock request logs: enter a whole number of days')
    expect(withErrors).toContain('aria-invalid')

    const emptyOrg = await createOrg('Empty')
    const emptyOwner = await cookieFor((await createMember(emptyOrg.id, 'OWNER')).user.id)
    const empty = await settle(
      () =>
        retentionLoader(
          routeArgs(getRequest('/settings/retention', emptyOwner)),
        ) as Promise<unknown>,
    )
    const emptyHtml = render(RetentionPage, empty.data)
    expect(emptyHtml).toContain('No retention period is set')
    expect(emptyHtml).toContain('data-testid="no-holds"')
    expect(emptyHtml).not.toContain('Purge now')
  })

  it('show the hold on the partner page, with the form for owners and admins only', async () => {
    const partnerArgs = (cookie: string) =>
      routeArgs(getRequest(`/projects/${shop.project.id}/partners/${held.id}`, cookie), {
        projectId: shop.project.id,
        partnerId: held.id,
      })
    const viewer = await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id)
    const open = render(
      PartnerPage,
      (await settle(() => partnerPageLoader(partnerArgs(owner)))).data,
    )
    expect(open).toContain('Put on legal hold')
    expect(open).toContain('name="reason"')
    expect(open).toContain(`action="/projects/${shop.project.id}/partners/${held.id}/legal-hold"`)
    expect(open).not.toContain('data-testid="legal-hold-badge"')
    const readOnly = render(
      PartnerPage,
      (await settle(() => partnerPageLoader(partnerArgs(viewer)))).data,
    )
    expect(readOnly).not.toContain('name="reason"')
    expect(readOnly).toContain('Owners and admins can put it on hold')

    await holdRequest({ intent: 'set', reason: 'Matter 2026-14' }, owner)
    const onHold = render(
      PartnerPage,
      (await settle(() => partnerPageLoader(partnerArgs(owner)))).data,
    )
    expect(onHold).toContain('data-testid="legal-hold-badge"')
    expect(onHold).toContain('Matter 2026-14')
    expect(onHold).toContain('Release the hold')

    // Refused without JavaScript: the hold page shows the form again with the error.
    await holdRequest({ intent: 'release' }, owner)
    const refused = await holdRequest({ intent: 'set', reason: 'x'.repeat(10_000) }, owner)
    const holdData = await settle(
      () =>
        holdLoader(
          routeArgs(getRequest(holdPath(held.id), owner), {
            projectId: shop.project.id,
            partnerId: held.id,
          }),
        ) as Promise<unknown>,
    )
    const page = render(HoldPage, holdData.data, refused.data)
    expect(page).toContain('Keep the reason to 500 characters')
    expect(page).toContain('aria-invalid')
  })
})
