import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { runEventStream } from '~/server/testkit/live.server'
import { getRun, RunError } from '~/server/testkit/runs.server'

/** Live progress of one of the partner's own runs (server-sent events). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const run = await getRun(access.project.id, params.runId ?? '', access.partnerProject.id).catch(
    (error: unknown) => {
      if (error instanceof RunError) throw new Response(error.message, { status: 404 })
      throw error
    },
  )
  return runEventStream(request, run.id)
}
