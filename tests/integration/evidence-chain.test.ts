/**
 * The tamper-evident record: traces, runs and files of a partner project are chained as
 * they are stored; "Verify evidence" (the API and the page's action) names the first entry
 * edited, inserted or removed, tested by changing rows directly in SQLite.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it } from 'vitest'
import { loader as verifyApi } from '~/routes/api.v1.partner-projects.$partnerProjectId.evidence.verify'
import { loader as verifyPage } from '~/routes/projects.$projectId.plan.$partnerId_.evidence'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { storeEvidenceFile } from '~/server/evidence/files.server'
import { recordRunEvidence } from '~/server/evidence/runs.server'
import { verifyEvidence } from '~/server/evidence/verify.server'
import { getEnv } from '~/server/env.server'
import { cookieFor, createMember, getRequest, routeArgs, settle } from '../helpers'
import { order, postTraces, shopProject } from '../support/traces'

function sqlite() {
  const file = process.env.DATABASE_URL!.replace(/^file:/, '')
  return new Database(file)
}

let shop: Awaited<ReturnType<typeof shopProject>>

async function sendTraces(count: number, tag = 'o') {
  const { json, status } = await postTraces(
    shop.partner.slug,
    JSON.stringify({
      traces: Array.from({ length: count }, (_, index) =>
        order({
          request: { method: 'GET', url: `https://api.shop.test/v1/orders/${tag}${index}` },
          response: {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: { id: `o${index}`, amount: 1, currency: 'EUR' },
          },
        }),
      ),
    }),
  )
  expect(status).toBe(201)
  return json.ids as string[]
}

async function finishedRun() {
  const environment = await db.environment.create({
    data: {
      projectId: shop.project.id,
      kind: 'sandbox',
      name: `Sandbox ${Math.random()}`,
      baseUrl: 'https://sbx.shop.test/v1',
    },
  })
  const run = await db.run.create({
    data: {
      projectId: shop.project.id,
      specVersionId: shop.specVersionId,
      environmentId: environment.id,
      partnerProjectId: shop.partner.id,
      environmentLabel: 'Sandbox (sandbox)',
      status: 'failed',
      finishedAt: new Date(),
      cases: {
        create: [
          {
            seq: 1,
            key: 'auth.missing:getOrder',
            templateId: 'auth.missing',
            category: 'authentication',
            title: 'No credentials',
            verdict: 'passed',
          },
          {
            seq: 2,
            key: 'contract.schema:getOrder',
            templateId: 'contract.schema',
            category: 'contract',
            title: 'Schema',
            verdict: 'failed',
            reason: 'amount is a string',
          },
        ],
      },
    },
  })
  expect(await recordRunEvidence(run.id)).toBe(true)
  expect(await recordRunEvidence(run.id)).toBe(false) // chained once
  return run
}

beforeEach(async () => {
  shop = await shopProject()
})

describe('the chain as evidence arrives', () => {
  it('chains traces, runs and files in order and verifies', async () => {
    await sendTraces(3)
    await finishedRun()
    await storeEvidenceFile({
      partnerProjectId: shop.partner.id,
      name: 'uat-signoff.txt',
      bytes: new TextEncoder().encode('UAT signed off by Partner Co.'),
      phase: 'uat',
      planItemId: null,
      uploaderKind: 'vendor',
      uploadedById: null,
    })
    await sendTraces(2)
    const entries = await db.evidenceEntry.findMany({
      where: { partnerProjectId: shop.partner.id },
      orderBy: { seq: 'asc' },
    })
    expect(entries.map((entry) => `${entry.seq}:${entry.kind}`)).toEqual([
      '1:trace',
      '2:trace',
      '3:trace',
      '4:run',
      '5:file',
      '6:trace',
      '7:trace',
    ])
    const result = await verifyEvidence(shop.partner.id)
    expect(result).toMatchObject({ ok: true, entries: 7, firstBreak: null, head: { seq: 7 } })
  })

  it('keeps one chain per partner project under concurrent batches', async () => {
    // Three different batches at once (identical ones would be refused as replays).
    await Promise.all([sendTraces(20, 'a'), sendTraces(20, 'b'), sendTraces(20, 'c')])
    const result = await verifyEvidence(shop.partner.id)
    expect(result).toMatchObject({ ok: true, entries: 60 })
  })
})

describe('tampering, directly in SQLite', () => {
  it('names a trace edited behind the chain', async () => {
    const ids = await sendTraces(5)
    const sql = sqlite()
    sql.prepare(`UPDATE "Trace" SET "status" = 500 WHERE "id" = ?`).run(ids[2])
    sql.close()
    const result = await verifyEvidence(shop.partner.id)
    expect(result.ok).toBe(false)
    expect(result.firstBreak).toMatchObject({ seq: 3, problem: 'record-edited', refId: ids[2] })
    expect(result.firstBreak!.message).toMatch(/entry #3 .* was edited/)
  })

  it('names a deleted trace, and a deleted entry', async () => {
    const ids = await sendTraces(6)
    const sql = sqlite()
    sql.prepare(`DELETE FROM "Trace" WHERE "id" = ?`).run(ids[1])
    sql
      .prepare(`DELETE FROM "EvidenceEntry" WHERE "partnerProjectId" = ? AND "seq" = 5`)
      .run(shop.partner.id)
    sql.close()
    const result = await verifyEvidence(shop.partner.id)
    expect(result.firstBreak).toMatchObject({ seq: 2, problem: 'record-removed' })
    expect(result.problems.map((problem) => `${problem.seq}:${problem.problem}`)).toContain(
      '5:removed',
    )
  })

  it('names an entry whose label was edited, and one rewritten with a fresh hash', async () => {
    await sendTraces(4)
    const sql = sqlite()
    sql
      .prepare(
        `UPDATE "EvidenceEntry" SET "label" = 'GET /nothing -> 200' WHERE "partnerProjectId" = ? AND "seq" = 2`,
      )
      .run(shop.partner.id)
    sql.close()
    expect((await verifyEvidence(shop.partner.id)).firstBreak).toMatchObject({
      seq: 2,
      problem: 'edited',
    })
  })

  it('names a trace inserted without an entry, and an entry inserted in the chain', async () => {
    const ids = await sendTraces(3)
    const sql = sqlite()
    const row = sql.prepare(`SELECT * FROM "Trace" WHERE "id" = ?`).get(ids[0]) as Record<
      string,
      unknown
    >
    sql
      .prepare(
        `INSERT INTO "Trace" (${Object.keys(row)
          .map((key) => `"${key}"`)
          .join(', ')}) VALUES (${Object.keys(row)
          .map(() => '?')
          .join(', ')})`,
      )
      .run(...Object.values({ ...row, id: 'forged-trace' }))
    sql.close()
    const result = await verifyEvidence(shop.partner.id)
    expect(result.ok).toBe(false)
    expect(result.firstBreak).toMatchObject({
      seq: null,
      problem: 'record-unchained',
      refId: 'forged-trace',
    })

    // An entry slipped in the middle: the numbering shifts and the links no longer follow.
    const other = await shopProject()
    shop = other
    await sendTraces(3)
    const sql2 = sqlite()
    sql2
      .prepare(
        `UPDATE "EvidenceEntry" SET "seq" = "seq" + 10 WHERE "partnerProjectId" = ? AND "seq" >= 2`,
      )
      .run(other.partner.id)
    sql2
      .prepare(
        `UPDATE "EvidenceEntry" SET "seq" = "seq" - 9 WHERE "partnerProjectId" = ? AND "seq" >= 12`,
      )
      .run(other.partner.id)
    const first = sql2
      .prepare(`SELECT * FROM "EvidenceEntry" WHERE "partnerProjectId" = ? AND "seq" = 1`)
      .get(other.partner.id) as Record<string, unknown>
    sql2
      .prepare(
        `INSERT INTO "EvidenceEntry" (${Object.keys(first)
          .map((key) => `"${key}"`)
          .join(', ')}) VALUES (${Object.keys(first)
          .map(() => '?')
          .join(', ')})`,
      )
      .run(...Object.values({ ...first, id: 'forged-entry', seq: 2 }))
    sql2.close()
    const broken = await verifyEvidence(other.partner.id)
    expect(broken.ok).toBe(false)
    expect(broken.firstBreak!.seq).toBe(2)
  })

  it('names a run whose case verdict was changed', async () => {
    const run = await finishedRun()
    const sql = sqlite()
    sql
      .prepare(`UPDATE "RunCase" SET "verdict" = 'passed' WHERE "runId" = ? AND "seq" = 2`)
      .run(run.id)
    sql.close()
    expect((await verifyEvidence(shop.partner.id)).firstBreak).toMatchObject({
      seq: 1,
      kind: 'run',
      problem: 'record-edited',
    })
  })

  it('names a file whose bytes changed on the disk', async () => {
    const file = await storeEvidenceFile({
      partnerProjectId: shop.partner.id,
      name: 'log.txt',
      bytes: new TextEncoder().encode('all good'),
      phase: 'sandbox',
      planItemId: null,
      uploaderKind: 'partner',
      uploadedById: null,
    })
    fs.writeFileSync(
      path.resolve(getEnv().DATA_DIR, 'evidence', shop.partner.id, file.id),
      'all bad',
    )
    expect((await verifyEvidence(shop.partner.id)).firstBreak).toMatchObject({
      seq: 1,
      problem: 'file-bytes',
    })
  })
})

describe('Verify evidence, by API and on the page', () => {
  it('answers the project token with the verification, 404 for another project’s partner', async () => {
    await sendTraces(2)
    const { user } = await createMember(shop.org.id, 'OWNER')
    const { token } = await createApiToken({
      projectId: shop.project.id,
      name: 'ci',
      createdById: user.id,
    })
    const call = (ref: string) =>
      settle(() =>
        verifyApi(
          routeArgs(
            getRequest(`/api/v1/partner-projects/${ref}/evidence/verify`, undefined, {
              Authorization: `Bearer ${token}`,
            }),
            { partnerProjectId: ref },
          ),
        ),
      )
    const ok = await call(shop.partner.slug)
    expect(ok.status).toBe(200)
    expect(await ok.response!.json()).toMatchObject({ ok: true, entries: 2 })
    const other = await shopProject()
    expect((await call(other.partner.id)).status).toBe(404)
    const anonymous = await settle(() =>
      verifyApi(
        routeArgs(getRequest(`/api/v1/partner-projects/${shop.partner.id}/evidence/verify`), {
          partnerProjectId: shop.partner.id,
        }),
      ),
    )
    expect(anonymous.status).toBe(401)
  })

  it('lets a viewer verify on the page and shows the first break', async () => {
    const ids = await sendTraces(2)
    const sql = sqlite()
    sql.prepare(`DELETE FROM "Trace" WHERE "id" = ?`).run(ids[0])
    sql.close()
    const { user } = await createMember(shop.org.id, 'VIEWER')
    const cookie = await cookieFor(user.id)
    const result = await settle(() =>
      verifyPage(
        routeArgs(
          getRequest(
            `/projects/${shop.project.id}/plan/${shop.partner.id}/evidence?verify=1`,
            cookie,
          ),
          {
            projectId: shop.project.id,
            partnerId: shop.partner.id,
          },
        ),
      ),
    )
    expect(result.status).toBe(200)
    expect(result.data).toMatchObject({
      verification: { ok: false, firstBreak: { seq: 1, problem: 'record-removed' } },
    })
  })
})
