import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiTokenProject } from '~/server/api-tokens.server'
import { jsonError } from '~/server/http.server'
import { runJson } from '~/server/testkit/api.server'
import { RunError } from '~/server/testkit/runs.server'

/** GET /api/v1/runs/:runId: status, counts and every case with its assertions. Another project's run is a 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiTokenProject(request)
  try {
    return Response.json(await runJson(project.id, params.runId ?? ''))
  } catch (error) {
    if (error instanceof RunError) return jsonError(404, 'Run not found.')
    throw error
  }
}
