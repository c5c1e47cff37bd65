import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import {
  attachmentHeaders,
  EvidenceFileError,
  readEvidenceFile,
} from '~/server/evidence/files.server'

/** An evidence file of the partner's own project, always as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  try {
    const { file, bytes } = await readEvidenceFile(access.partnerProject.id, params.fileId ?? '')
    return new Response(bytes, { headers: attachmentHeaders(file) })
  } catch (error) {
    if (error instanceof EvidenceFileError) return new Response(error.message, { status: 404 })
    throw error
  }
}
