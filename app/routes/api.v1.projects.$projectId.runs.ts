import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { jsonError, readJsonBody } from '~/server/http.server'
import { listRuns, RunError, startRun } from '~/server/testkit/runs.server'
import { runSummary } from '~/server/testkit/views.server'
import { CATEGORIES } from '~/shared/golden-templates'

const StartRun = z.object({
  specId: z.string().min(1).max(100),
  environment: z.string().min(1).max(100),
  partnerProjectId: z.string().min(1).max(100).optional(),
  categories: z.array(z.enum(CATEGORIES)).max(CATEGORIES.length).optional(),
})

/** GET /api/v1/projects/:projectId/runs?before=<runId>: runs, newest first, 20 a page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const { runs, older } = await listRuns(project.id, {
    before: new URL(request.url).searchParams.get('before'),
  })
  return Response.json({ runs: runs.map(runSummary), older })
}

/** POST /api/v1/projects/:projectId/runs {specId, environment, partnerProjectId?, categories?} -> 202 {runId}. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use GET or POST.')
  const auth = await requireApiToken(request, params.projectId)
  const body = await readJsonBody(
    request,
    16 * 1024,
    '{"specId": "...", "environment": "mock"|"sandbox"|"uat"|"<environmentId>", "partnerProjectId"?: "...", "categories"?: [...]}',
  )
  if ('error' in body) return body.error
  const parsed = StartRun.safeParse(body.value)
  if (!parsed.success)
    return jsonError(400, 'Invalid run request.', {
      problems: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    })
  try {
    const run = await startRun(auth.project.id, parsed.data, apiActor(auth, request))
    return Response.json(
      {
        runId: run.id,
        status: run.status,
        events: `/api/v1/runs/${run.id}/events`,
        junit: `/api/v1/runs/${run.id}/junit.xml`,
      },
      { status: 202 },
    )
  } catch (error) {
    if (error instanceof RunError) return jsonError(error.status, error.message)
    throw error
  }
}
