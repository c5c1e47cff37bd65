import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { versionImpact } from '~/server/drift/read.server'
import { jsonError } from '~/server/http.server'

/**
 * GET /api/v1/projects/:projectId/specs/:specId/versions/:version/impact
 * (version = number): the version's (potentially) breaking changes and the
 * partners each affects, with evidence; 202 {status: "computing"} until the
 * impact job has run.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  if (!/^v?\d{1,9}$/i.test(params.version ?? ''))
    return jsonError(400, 'The version is its number (1, 2, ...).')
  const found = await versionImpact(project.id, params.specId ?? '', params.version!)
  if (!found) return jsonError(404, 'Spec or version not found in this project.')
  const { state, version } = found
  if (state.status === 'failed')
    return jsonError(500, 'Computing the impact failed.', {
      status: 'failed',
      version: version.number,
    })
  if (state.status !== 'ready' && state.status !== 'first')
    return Response.json({ status: 'computing', version: version.number }, { status: 202 })
  return Response.json({
    version: version.number,
    changes: (state.status === 'ready' ? state.changes : []).map((change) => ({
      ruleId: change.ruleId,
      severity: change.severity,
      location: change.location,
      message: change.message,
      partners: change.partners.map(({ partnerProjectId, name, evidence }) => ({
        partnerProjectId,
        name,
        evidence,
      })),
    })),
  })
}
