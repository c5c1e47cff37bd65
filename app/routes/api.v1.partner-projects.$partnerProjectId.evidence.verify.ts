import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiTokenProject } from '~/server/api-tokens.server'
import { apiActor, auditAs } from '~/server/audit/log.server'
import { verifyEvidence } from '~/server/evidence/verify.server'
import { jsonError } from '~/server/http.server'
import { ensurePrimary } from '~/server/litefs.server'
import { PartnerProjectError, requirePartnerProject } from '~/server/partners/partners.server'

/** GET /api/v1/partner-projects/:id/evidence/verify (id or slug, project token): the chain recomputed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireApiTokenProject(request)
  const { project } = auth
  try {
    const partner = await requirePartnerProject(project.id, params.partnerProjectId)
    const verification = await verifyEvidence(partner.id)
    // Verifying is audited: this GET writes, so it runs on the primary.
    await ensurePrimary()
    await auditAs(
      apiActor(auth, request),
      'evidence.verified',
      { type: 'partner_project', id: partner.id },
      {
        ok: verification.ok,
        entries: verification.entries,
        firstBreak: verification.firstBreak?.message ?? null,
      },
    )
    return Response.json({ partnerProjectId: partner.id, ...verification })
  } catch (error) {
    if (error instanceof PartnerProjectError) return jsonError(404, 'Partner project not found.')
    throw error
  }
}

export function action() {
  return jsonError(405, 'Method not allowed. Use GET.')
}
