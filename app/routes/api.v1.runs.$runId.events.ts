import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiTokenProject } from '~/server/api-tokens.server'
import { jsonError } from '~/server/http.server'
import { runEventStream } from '~/server/testkit/live.server'
import { getRun, RunError } from '~/server/testkit/runs.server'

/** GET /api/v1/runs/:runId/events: server-sent events (case, progress, status), resumable with Last-Event-ID. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiTokenProject(request)
  try {
    const run = await getRun(project.id, params.runId ?? '')
    return runEventStream(request, run.id)
  } catch (error) {
    if (error instanceof RunError) return jsonError(404, 'Run not found.')
    throw error
  }
}
