/**
 * The PDF job: a snapshot printed by the real headless Chromium (/usr/bin/chromium), stored
 * with mode 0600 and served only as an attachment; the clear "unavailable" state when
 * Chromium is absent; a Chromium that fails or hangs; and "Render the PDF again".
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { action as snapshotAction } from '~/routes/projects.$projectId.reports.$partnerId_.snapshots.$snapshotId'
import { loader as viewLoader } from '~/routes/projects.$projectId.reports.$partnerId_.snapshots.$snapshotId_.$view'
import { pageActor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import { getEnv, resetEnvCache } from '~/server/env.server'
import { REPORT_PDF_JOB } from '~/server/jobs/kinds'
import { ensurePlan } from '~/server/plans/evaluate.server'
import { reportJobHandlers } from '~/server/reports/jobs.server'
import { CHROMIUM_MISSING, printPdf } from '~/server/reports/pdf.server'
import { generateSnapshot } from '~/server/reports/snapshots.server'
import { cookieFor, createMember, formRequest, getRequest, routeArgs, settle } from '../helpers'
import { shopProject } from '../support/traces'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = (() => {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
})()

let shop: Awaited<ReturnType<typeof shopProject>>
let vendorCookie: string
const savedPath = process.env.CHROMIUM_PATH

beforeEach(async () => {
  shop = await shopProject()
  await ensurePlan(shop.partner.id)
  vendorCookie = await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id)
})

afterEach(() => {
  if (savedPath === undefined) delete process.env.CHROMIUM_PATH
  else process.env.CHROMIUM_PATH = savedPath
  resetEnvCache()
})

function useChromium(file: string) {
  process.env.CHROMIUM_PATH = file
  resetEnvCache()
}

async function snapshotWithNotes() {
  const item = await db.planItem.findFirstOrThrow({
    where: { partnerProjectId: shop.partner.id, key: 'discovery.kickoff' },
  })
  await db.planNote.createMany({
    data: [
      { planItemId: item.id, body: 'Shared <script>alert(1)</script>', authorName: 'Pat' },
      { planItemId: item.id, body: 'INTERNAL-ONLY words', internal: true, authorName: 'Val' },
    ],
  })
  const { user } = await createMember(shop.org.id, 'VENDOR')
  const { snapshot } = await generateSnapshot(shop.partner.id, {
    trigger: 'manual',
    actor: pageActor(
      { user, organization: { id: shop.org.id }, project: { id: shop.project.id } },
      new Request('http://localhost'),
    ),
  })
  return snapshot
}

/** Runs the snapshot's queued PDF job as a worker would. */
async function runPdfJob(snapshotId: string) {
  const job = await db.job.findFirstOrThrow({
    where: { kind: REPORT_PDF_JOB, payload: JSON.stringify({ snapshotId }), status: 'queued' },
  })
  await reportJobHandlers[REPORT_PDF_JOB]!.run(job, {
    workerId: 'test',
    signal: new AbortController().signal,
  })
  await db.job.update({ where: { id: job.id }, data: { status: 'done', finishedAt: new Date() } })
  return db.reportSnapshot.findUniqueOrThrow({ where: { id: snapshotId } })
}

function download(snapshotId: string, audience?: 'partner') {
  return settle(() =>
    viewLoader(
      routeArgs(getRequest(`/pdf${audience ? '?audience=partner' : ''}`, vendorCookie), {
        projectId: shop.project.id,
        partnerId: shop.partner.id,
        snapshotId,
        view: 'pdf',
      }),
    ),
  )
}

describe('the PDF job', () => {
  it.skipIf(!hasChromium)(
    hasChromium
      ? 'prints the vendor and partner PDFs with the real Chromium, private, as attachments'
      : `prints the PDFs with the real Chromium — SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium)`,
    async () => {
      useChromium(CHROMIUM)
      const snapshot = await snapshotWithNotes()
      const done = await runPdfJob(snapshot.id)
      expect(done).toMatchObject({ pdfStatus: 'ready', pdfError: null })
      expect(done.pdfPath).toBe(path.join('reports', shop.partner.id, `${snapshot.id}.pdf`))
      for (const name of [`${snapshot.id}.pdf`, `${snapshot.id}.partner.pdf`]) {
        const file = path.join(getEnv().DATA_DIR, 'reports', shop.partner.id, name)
        expect(fs.statSync(file).mode & 0o777).toBe(0o600)
        expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-')
      }
      for (const audience of [undefined, 'partner'] as const) {
        const result = await download(snapshot.id, audience)
        expect(result.status).toBe(200)
        const headers = result.response!.headers
        expect(headers.get('Content-Type')).toBe('application/pdf')
        expect(headers.get('X-Content-Type-Options')).toBe('nosniff')
        expect(headers.get('Content-Disposition')).toMatch(
          audience
            ? /^attachment; filename="readiness-[a-z0-9-]+-\d{4}-\d{2}-\d{2}-[a-z0-9]{8}-partner\.pdf"$/
            : /^attachment; filename="readiness-[a-z0-9-]+-\d{4}-\d{2}-\d{2}-[a-z0-9]{8}\.pdf"$/,
        )
        const bytes = new Uint8Array(await result.response!.arrayBuffer())
        expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
      }
    },
    90_000,
  )

  it('records "unavailable" with what to do when Chromium is absent, and renders again on request', async () => {
    useChromium('/nonexistent')
    const snapshot = await snapshotWithNotes()
    const done = await runPdfJob(snapshot.id)
    expect(done.pdfStatus).toBe('unavailable')
    expect(done.pdfError).toBe(CHROMIUM_MISSING)
    expect(CHROMIUM_MISSING).toMatch(/apt-get install chromium.*CHROMIUM_PATH/)
    // The download goes back to the report, which says why.
    const result = await download(snapshot.id)
    expect(result.status).toBe(302)

    // Once Chromium is there, "Render the PDF again" queues it anew (once).
    const again = () =>
      settle(() =>
        snapshotAction(
          routeArgs(formRequest('/', { intent: 'render-pdf' }, vendorCookie), {
            projectId: shop.project.id,
            partnerId: shop.partner.id,
            snapshotId: snapshot.id,
          }),
        ),
      )
    expect((await again()).status).toBe(302)
    expect((await again()).status).toBe(302)
    expect(
      await db.job.count({
        where: {
          kind: REPORT_PDF_JOB,
          payload: JSON.stringify({ snapshotId: snapshot.id }),
          status: 'queued',
        },
      }),
    ).toBe(1)
    expect(
      (await db.reportSnapshot.findUniqueOrThrow({ where: { id: snapshot.id } })).pdfStatus,
    ).toBe('queued')
  })

  it('records a Chromium that fails, and stops one that hangs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-chromium-'))
    const failing = path.join(dir, 'failing')
    fs.writeFileSync(failing, '#!/bin/sh\necho "boom: cannot print" >&2\nexit 3\n', { mode: 0o700 })
    const hanging = path.join(dir, 'hanging')
    fs.writeFileSync(hanging, '#!/bin/sh\nsleep 30\n', { mode: 0o700 })
    try {
      useChromium(failing)
      const snapshot = await snapshotWithNotes()
      const done = await runPdfJob(snapshot.id)
      expect(done.pdfStatus).toBe('failed')
      expect(done.pdfError).toBe('Chromium failed (exit code 3): boom: cannot print')

      const started = Date.now()
      await expect(
        printPdf('<!doctype html><p>x</p>', { chromiumPath: hanging, timeoutMs: 300 }),
      ).rejects.toThrow('Chromium did not finish within 0.3 s and was stopped.')
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
