/**
 * A snapshot's PDF, printed from its HTML view by Debian's headless Chromium
 * in a background job (REPORT_PDF_JOB): the HTML goes to a private temp
 * folder with a fresh profile, Chromium runs directly (no shell) in its own
 * process group, killed whole after 60 s, and the PDFs (vendor and partner
 * versions) land under DATA_DIR/reports/<partner project>/ with mode 0600.
 * The snapshot records ready, failed (with the error) or unavailable (no
 * Chromium on this machine).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { REPORT_PDF_JOB } from '../jobs/kinds'
import { announceJob, enqueueJob } from '../jobs/queue.server'
import { renderReportHtml } from './html.server'
import type { Audience } from './readiness.server'
import { readReport, snapshotMeta } from './stored.server'

export const CHROMIUM_MISSING =
  'PDF rendering needs Chromium: install it (apt-get install chromium) or set CHROMIUM_PATH.'

export const PDF_TIMEOUT_MS = 60_000

export class ChromiumMissingError extends Error {
  constructor() {
    super(CHROMIUM_MISSING)
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file, fs.constants.X_OK)
    return (await fs.promises.stat(file)).isFile()
  } catch {
    return false
  }
}

/** The last lines Chromium wrote that say something (its D-Bus complaints say nothing). */
function chromiumOutput(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/dbus|bus\.cc|object_proxy|unexpected operator/i.test(line))
    .slice(-3)
    .join(' ')
    .slice(0, 500)
}

/**
 * Runs Chromium directly (no shell) in its own process group, so a timeout or
 * an abort kills its helper processes too (execFile cannot start a group).
 */
function runChromium(
  chromiumPath: string,
  args: string[],
  { home, timeoutMs, signal }: { home: string; timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stderr = ''
    let timedOut = false
    const child = spawn(chromiumPath, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, HOME: home },
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384)
    })
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, timeoutMs)
    signal?.addEventListener('abort', kill, { once: true })
    const settle = (error: Error | null) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', kill)
      if (error) reject(error)
      else resolve()
    }
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle(
        error.code === 'ENOENT' || error.code === 'EACCES' ? new ChromiumMissingError() : error,
      ),
    )
    child.once('close', (code, killedBy) => {
      if (code === 0) return settle(null)
      const said = chromiumOutput(stderr)
      settle(
        new Error(
          timedOut
            ? `Chromium did not finish within ${(timeoutMs / 1000).toLocaleString('en-GB')} s and was stopped.`
            : signal?.aborted
              ? 'PDF rendering was stopped.'
              : `Chromium failed (${code !== null ? `exit code ${code}` : (killedBy ?? 'error')})${said ? `: ${said}` : '.'}`,
        ),
      )
    })
  })
}

/** Prints `html` to PDF bytes with headless Chromium. */
export async function printPdf(
  html: string,
  {
    chromiumPath = getEnv().CHROMIUM_PATH,
    timeoutMs = PDF_TIMEOUT_MS,
    signal,
  }: { chromiumPath?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  if (!(await isExecutable(chromiumPath))) throw new ChromiumMissingError()
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'copilot-report-'))
  try {
    const htmlFile = path.join(dir, 'report.html')
    const out = path.join(dir, 'report.pdf')
    await fs.promises.writeFile(htmlFile, html, { mode: 0o600 })
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-pdf-header-footer',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      `--print-to-pdf=${out}`,
      `file://${htmlFile}`,
    ]
    await runChromium(chromiumPath, args, { home: dir, timeoutMs, signal })
    const bytes = await fs.promises.readFile(out).catch(() => null)
    if (!bytes || bytes.subarray(0, 5).toString('latin1') !== '%PDF-')
      throw new Error('Chromium exited without writing a PDF.')
    return bytes
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true })
  }
}

/** Where a snapshot's PDF lives, relative to DATA_DIR. */
export function pdfRelativePath(partnerProjectId: string, snapshotId: string, audience: Audience) {
  return path.join(
    'reports',
    partnerProjectId,
    `${snapshotId}${audience === 'partner' ? '.partner' : ''}.pdf`,
  )
}

function absolute(relative: string) {
  return path.resolve(getEnv().DATA_DIR, relative)
}

async function writePrivate(target: string, bytes: Buffer) {
  await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 })
  const temporary = `${target}.part`
  await fs.promises.writeFile(temporary, bytes, { mode: 0o600 })
  await fs.promises.rename(temporary, target)
}

export type PdfOutcome = 'ready' | 'failed' | 'unavailable' | 'gone'

/** Renders a snapshot's two PDFs and records how it went. */
export async function renderSnapshotPdf(
  snapshotId: string,
  options: { chromiumPath?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PdfOutcome> {
  const row = await db.reportSnapshot.findUnique({ where: { id: snapshotId } })
  if (!row) return 'gone'
  const where = { id: row.id, partnerProjectId: row.partnerProjectId }
  try {
    const report = readReport(row.content)
    const meta = snapshotMeta(row)
    for (const audience of ['vendor', 'partner'] as const) {
      const bytes = await printPdf(renderReportHtml(report, { audience, snapshot: meta }), options)
      await writePrivate(absolute(pdfRelativePath(row.partnerProjectId, row.id, audience)), bytes)
    }
    await db.reportSnapshot.updateMany({
      where,
      data: {
        pdfStatus: 'ready',
        pdfPath: pdfRelativePath(row.partnerProjectId, row.id, 'vendor'),
        pdfError: null,
      },
    })
    return 'ready'
  } catch (error) {
    const unavailable = error instanceof ChromiumMissingError
    await db.reportSnapshot.updateMany({
      where,
      data: {
        pdfStatus: unavailable ? 'unavailable' : 'failed',
        pdfError: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
      },
    })
    return unavailable ? 'unavailable' : 'failed'
  }
}

/** The bytes of a snapshot's PDF, or null when they are not on this machine. */
export async function readSnapshotPdf(
  snapshot: { id: string; partnerProjectId: string; pdfStatus: string },
  audience: Audience,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (snapshot.pdfStatus !== 'ready') return null
  const location = absolute(pdfRelativePath(snapshot.partnerProjectId, snapshot.id, audience))
  return fs.promises.readFile(location).catch(() => null)
}

/** Queues a snapshot's PDF (at generation; or again after Chromium was installed or a failure). */
export async function queuePdf(snapshotId: string) {
  await enqueueJob(REPORT_PDF_JOB, { snapshotId }, { maxAttempts: 2 })
  announceJob()
}

/** "Render the PDF again": false when it is already waiting in the queue. */
export async function requeuePdf(partnerProjectId: string, snapshotId: string, actor: Actor) {
  const result = await db.reportSnapshot.updateMany({
    where: { id: snapshotId, partnerProjectId, pdfStatus: { not: 'queued' } },
    data: { pdfStatus: 'queued', pdfError: null },
  })
  if (result.count !== 1) return false
  await queuePdf(snapshotId)
  await auditAs(actor, 'report.pdf_requeued', { type: 'report_snapshot', id: snapshotId })
  return true
}
