import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { runEventStream } from '~/server/testkit/live.server'
import { getRun, RunError } from '~/server/testkit/runs.server'

/** Live progress of a run (server-sent events, resumable with Last-Event-ID). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const run = await getRun(project.id, params.runId ?? '').catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  return runEventStream(request, run.id)
}
