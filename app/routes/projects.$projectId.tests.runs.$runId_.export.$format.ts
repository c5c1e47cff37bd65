import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { failureLog, junitXml, resultsJson } from '~/server/testkit/exports.server'
import { exportRun, RunError } from '~/server/testkit/runs.server'

const FORMATS = {
  'junit.xml': { type: 'application/xml; charset=utf-8', render: junitXml },
  'results.json': { type: 'application/json; charset=utf-8', render: resultsJson },
  'failures.txt': { type: 'text/plain; charset=utf-8', render: failureLog },
} as const

/** A run's results as JUnit XML, JSON or a failure log, as a download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const format = FORMATS[params.format as keyof typeof FORMATS]
  if (!format)
    throw new Response('Download junit.xml, results.json or failures.txt.', { status: 404 })
  const exported = await exportRun(project.id, params.runId ?? '').catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  return new Response(format.render(exported.run, exported.cases), {
    headers: {
      'Content-Type': format.type,
      'Content-Disposition': `attachment; filename="run-${exported.run.id}-${params.format}"`,
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
