import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import {
  attachmentHeaders,
  EvidenceFileError,
  readEvidenceFile,
} from '~/server/evidence/files.server'
import { PartnerProjectError, requirePartnerProject } from '~/server/partners/partners.server'

/** An evidence file, always as a download (never rendered by the browser). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  try {
    const partner = await requirePartnerProject(project.id, params.partnerId)
    const { file, bytes } = await readEvidenceFile(partner.id, params.fileId ?? '')
    return new Response(bytes, { headers: attachmentHeaders(file) })
  } catch (error) {
    if (error instanceof EvidenceFileError || error instanceof PartnerProjectError)
      return new Response(error.message, { status: 404 })
    throw error
  }
}
