/**
 * What the report routes call, one function per page, download or write:
 * each finds the partner project inside the project the caller was granted
 * (another project's partner is a 404) and answers plain data, or throws a
 * ReportError the route turns into its status.
 */
import { type Actor } from '../audit/log.server'
import { getInstance } from '../litefs.server'
import { PartnerProjectError, requirePartnerProject } from '../partners/partners.server'
import { compareReports } from './compare.server'
import { renderReportHtml } from './html.server'
import { renderReportMarkdown } from './markdown.server'
import { readSnapshotPdf, requeuePdf } from './pdf.server'
import { type Audience, buildReadiness, readinessForCi } from './readiness.server'
import { generateSnapshot, listSnapshots, requireSnapshot } from './snapshots.server'
import { ReportError } from './stored.server'

async function partnerIn(projectId: string, ref: string | undefined) {
  try {
    const partner = await requirePartnerProject(projectId, ref)
    return { id: partner.id, name: partner.name, slug: partner.slug }
  } catch (error) {
    if (error instanceof PartnerProjectError) throw new ReportError('Partner not found.', 404)
    throw error
  }
}

/** A partner's report page: its latest snapshot in full, and the history. */
export async function partnerReportPage(projectId: string, partnerRef: string | undefined) {
  const partner = await partnerIn(projectId, partnerRef)
  const snapshots = await listSnapshots(partner.id)
  const latest = snapshots[0] ? await requireSnapshot(partner.id, snapshots[0].id) : null
  return {
    partner,
    snapshots,
    latest: latest ? { report: latest.report, entry: latest.view } : null,
  }
}

/** One snapshot in full, and the history around it. */
export async function snapshotPage(
  projectId: string,
  partnerRef: string | undefined,
  snapshotId: string | undefined,
) {
  const partner = await partnerIn(projectId, partnerRef)
  const snapshot = await requireSnapshot(partner.id, snapshotId)
  return {
    partner,
    snapshot: { report: snapshot.report, entry: snapshot.view },
    snapshots: await listSnapshots(partner.id),
  }
}

/** Two snapshots side by side; by default the latest against the one before. */
export async function comparePage(
  projectId: string,
  partnerRef: string | undefined,
  choice: { a: string | null; b: string | null },
) {
  const partner = await partnerIn(projectId, partnerRef)
  const snapshots = await listSnapshots(partner.id)
  const aId = choice.a || snapshots[1]?.id
  const bId = choice.b || snapshots[0]?.id
  if (!aId || !bId) return { partner, snapshots, a: null, b: null, comparison: null }
  const [a, b] = await Promise.all([
    requireSnapshot(partner.id, aId),
    requireSnapshot(partner.id, bId),
  ])
  return {
    partner,
    snapshots,
    a: a.view,
    b: b.view,
    comparison: compareReports(a.report, b.report),
  }
}

export const SNAPSHOT_VIEWS = ['html', 'md', 'pdf', 'json'] as const
export type SnapshotView = (typeof SNAPSHOT_VIEWS)[number]

export type SnapshotDocument =
  | { kind: 'body'; body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> }
  /** The PDF is not rendered (yet): the page says why. */
  | { kind: 'no-pdf'; status: string }
  /** The PDF is rendered but its file is not on this instance (a replica): ask the primary. */
  | { kind: 'elsewhere' }

const PRIVATE = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' }

function attachment(name: string) {
  return `attachment; filename="${name}"`
}

/** A snapshot as HTML (inline, sandboxed), Markdown, PDF or its stored JSON (downloads). */
export async function snapshotDocument(
  projectId: string,
  partnerRef: string | undefined,
  snapshotId: string | undefined,
  view: string | undefined,
  audience: Audience,
): Promise<SnapshotDocument> {
  if (!SNAPSHOT_VIEWS.includes(view as SnapshotView))
    throw new ReportError('A report is served as html, md, pdf or json.', 404)
  const partner = await partnerIn(projectId, partnerRef)
  const { row, report, meta } = await requireSnapshot(partner.id, snapshotId)
  const day = meta.createdAt.slice(0, 10)
  const name = `readiness-${partner.slug}-${day}-${row.id.slice(-8)}${audience === 'partner' ? '-partner' : ''}`
  switch (view as SnapshotView) {
    case 'html':
      return {
        kind: 'body',
        body: renderReportHtml(report, { audience, snapshot: meta }),
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy':
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox",
          ...PRIVATE,
        },
      }
    case 'md':
      return {
        kind: 'body',
        body: renderReportMarkdown(report, { audience, snapshot: meta }),
        headers: {
          'Content-Type': 'text/markdown; charset=utf-8',
          'Content-Disposition': attachment(`${name}.md`),
          ...PRIVATE,
        },
      }
    case 'json':
      // The stored canonical JSON as it is: its SHA-256 is the snapshot's content hash.
      return {
        kind: 'body',
        body: row.content,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': attachment(`readiness-${partner.slug}-${day}-${row.id}.json`),
          ...PRIVATE,
        },
      }
    case 'pdf': {
      if (row.pdfStatus !== 'ready') return { kind: 'no-pdf', status: row.pdfStatus }
      const bytes = await readSnapshotPdf(row, audience)
      if (!bytes) {
        if (!(await getInstance()).currentIsPrimary) return { kind: 'elsewhere' }
        throw new ReportError(
          'The PDF file is missing from the server: render it again from the report page.',
          404,
        )
      }
      return {
        kind: 'body',
        body: bytes,
        headers: {
          'Content-Type': 'application/pdf',
          'Content-Length': String(bytes.byteLength),
          'Content-Disposition': attachment(`${name}.pdf`),
          ...PRIVATE,
        },
      }
    }
  }
}

/** "Generate report" on the page, and POST on the API. */
export async function generateReport(
  projectId: string,
  partnerRef: string | undefined,
  origin: { trigger: 'manual' | 'api'; actor: Actor },
) {
  const partner = await partnerIn(projectId, partnerRef)
  const { snapshot } = await generateSnapshot(partner.id, origin)
  return { partner, snapshot }
}

export async function renderPdfAgain(
  projectId: string,
  partnerRef: string | undefined,
  snapshotId: string | undefined,
  actor: Actor,
) {
  const partner = await partnerIn(projectId, partnerRef)
  const { row } = await requireSnapshot(partner.id, snapshotId)
  return { partner, queued: await requeuePdf(partner.id, row.id, actor) }
}

/** The CI API: the live report (not a snapshot) of a partner project of the token's project. */
export async function liveReadiness(projectId: string, partnerRef: string | undefined) {
  const partner = await partnerIn(projectId, partnerRef)
  // Plan rules are judged again on the primary only (a replica's database is read-only).
  const refreshPlan = (await getInstance()).currentIsPrimary
  return readinessForCi(await buildReadiness(partner.id, { refreshPlan }))
}
