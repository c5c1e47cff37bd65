import type { ActionFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { putConnector } from '~/server/connectors/api.server'
import { jsonError, readJsonBody } from '~/server/http.server'

/** PUT /api/v1/projects/:projectId/connectors/{slack,jira,webhooks}: see docs/readme-drafts/connectors.md. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'PUT') return jsonError(405, 'Use PUT.', { allow: 'PUT' })
  const auth = await requireApiToken(request, params.projectId)
  const body = await readJsonBody(request, 16 * 1024, 'a JSON object with the connector settings')
  if ('error' in body) return body.error
  return putConnector(auth.project.id, params.kind ?? '', body.value, apiActor(auth, request))
}

export function loader() {
  return jsonError(405, 'Use PUT.', { allow: 'PUT' })
}
