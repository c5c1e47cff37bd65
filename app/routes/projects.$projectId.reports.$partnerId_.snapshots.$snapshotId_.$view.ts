import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { ensurePrimary } from '~/server/litefs.server'
import { snapshotDocument } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'
import { redirectWithToast } from '~/server/toast.server'

const PDF_STATES: Record<string, string> = {
  queued: 'The PDF is still being rendered: try again in a moment.',
  failed: 'The PDF could not be rendered: see why below, and render it again.',
  unavailable: 'The PDF cannot be rendered on this server: see below.',
  none: 'This report has no PDF.',
}

/**
 * A stored report as `html` (shown, sandboxed), `md`, `pdf` or `json` (downloads);
 * `?audience=partner` leaves out the internal notes.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const audience =
    new URL(request.url).searchParams.get('audience') === 'partner' ? 'partner' : 'vendor'
  const document = await snapshotDocument(
    project.id,
    params.partnerId,
    params.snapshotId,
    params.view,
    audience,
  ).catch((error: unknown) => {
    if (error instanceof ReportError) throw new Response(error.message, { status: error.status })
    throw error
  })
  if (document.kind === 'elsewhere') {
    // The PDF lives on the primary's disk: Fly replays this request there.
    await ensurePrimary()
    throw new Response('The PDF file is missing from the server.', { status: 404 })
  }
  if (document.kind === 'no-pdf')
    return redirectWithToast(
      `/projects/${project.id}/reports/${params.partnerId}/snapshots/${params.snapshotId}`,
      { type: 'info', message: PDF_STATES[document.status] ?? PDF_STATES.none! },
    )
  return new Response(document.body, { headers: document.headers })
}
