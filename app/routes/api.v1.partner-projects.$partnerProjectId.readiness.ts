import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { requireApiTokenProject } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { jsonError } from '~/server/http.server'
import { generateReport, liveReadiness } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'

function failure(error: unknown) {
  if (error instanceof ReportError)
    return jsonError(
      error.status,
      error.status === 404 ? 'Partner project not found.' : error.message,
    )
  throw error
}

/**
 * GET /api/v1/partner-projects/:id/readiness (id or slug, project token): the readiness
 * computed now, for CI: {verdict: "go"|"no-go", score, blockers, phases, generatedAt}.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiTokenProject(request)
  try {
    return Response.json(await liveReadiness(project.id, params.partnerProjectId))
  } catch (error) {
    return failure(error)
  }
}

/** POST: generates and keeps a report snapshot (trigger "api"); 201 with its id and hash. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use GET or POST.')
  const auth = await requireApiTokenProject(request)
  try {
    const { snapshot } = await generateReport(auth.project.id, params.partnerProjectId, {
      trigger: 'api',
      actor: apiActor(auth, request),
    })
    return Response.json(
      {
        snapshotId: snapshot.id,
        createdAt: snapshot.createdAt.toISOString(),
        verdict: snapshot.verdict,
        score: snapshot.score,
        contentHash: snapshot.contentHash,
        chain: { seq: snapshot.chainSeq, hash: snapshot.chainHash },
        pdfStatus: snapshot.pdfStatus,
      },
      { status: 201 },
    )
  } catch (error) {
    return failure(error)
  }
}
