import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiTokenProject } from '~/server/api-tokens.server'
import { jsonError } from '~/server/http.server'
import { junitXml } from '~/server/testkit/exports.server'
import { exportRun, RunError } from '~/server/testkit/runs.server'

/** GET /api/v1/runs/:runId/junit.xml: the run as JUnit XML for CI. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiTokenProject(request)
  try {
    const exported = await exportRun(project.id, params.runId ?? '')
    return new Response(junitXml(exported.run, exported.cases), {
      headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    })
  } catch (error) {
    if (error instanceof RunError) return jsonError(404, 'Run not found.')
    throw error
  }
}
