import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { ensurePrimary } from '~/server/litefs.server'
import { snapshotDocument } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'

/**
 * One of the partner's reports in the partner version (no internal notes):
 * html (shown, sandboxed), md or pdf. The stored JSON is the vendor's record
 * and is not served here.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  if (!['html', 'md', 'pdf'].includes(params.view ?? ''))
    throw new Response('A report is served as html, md or pdf.', { status: 404 })
  const document = await snapshotDocument(
    access.project.id,
    access.partnerProject.id,
    params.snapshotId,
    params.view,
    'partner',
  ).catch((error: unknown) => {
    if (error instanceof ReportError) throw new Response(error.message, { status: error.status })
    throw error
  })
  if (document.kind === 'elsewhere') {
    await ensurePrimary()
    throw new Response('The PDF file is missing from the server.', { status: 404 })
  }
  if (document.kind === 'no-pdf') throw new Response('This report has no PDF yet.', { status: 404 })
  return new Response(document.body, { headers: document.headers })
}
