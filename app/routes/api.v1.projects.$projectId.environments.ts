import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import {
  createEnvironment,
  EnvironmentError,
  environmentView,
  listEnvironments,
  webhookUrlOf,
} from '~/server/environments/service.server'
import { appOrigin, jsonError, readJsonBody } from '~/server/http.server'
import { CreateEnvironmentSchema } from '~/shared/environment-schemas'

const EXPECTED =
  '{"kind": "sandbox"|"uat", "name", "baseUrl", "auth": {"type": "bearer", "token"} | …, "allowPrivateNetwork"?, "options"?, "webhook"?}'

/** GET /api/v1/projects/:projectId/environments: every environment, credentials masked. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const rows = await listEnvironments(project.id)
  return Response.json({
    environments: rows.map((row) => environmentView(row, appOrigin(request))),
  })
}

/** POST /api/v1/projects/:projectId/environments: a Sandbox or UAT; the receiver secret is in this answer only. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use GET or POST.')
  const auth = await requireApiToken(request, params.projectId)
  const body = await readJsonBody(request, 64 * 1024, EXPECTED)
  if ('error' in body) return body.error
  const parsed = CreateEnvironmentSchema.safeParse(body.value)
  if (!parsed.success)
    return jsonError(400, 'Invalid environment.', {
      problems: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    })
  try {
    const { environment, webhookSecret } = await createEnvironment(
      auth.project.id,
      parsed.data,
      apiActor(auth, request),
    )
    return Response.json(
      {
        environmentId: environment.id,
        webhookUrl: webhookUrlOf(environment.id, appOrigin(request)),
        webhookSecret,
        environment: environmentView(environment, appOrigin(request)),
      },
      { status: 201 },
    )
  } catch (error) {
    if (error instanceof EnvironmentError) return jsonError(error.status, error.message)
    throw error
  }
}
