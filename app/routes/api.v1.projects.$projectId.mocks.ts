import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { appOrigin, jsonError, readJsonBody } from '~/server/http.server'
import { mockJson } from '~/server/mocks/api.server'
import { createMock, findVersionToMock, listMocks, MockError } from '~/server/mocks/service.server'

const CreateMock = z.object({
  specId: z.string().min(1),
  versionId: z.string().min(1).optional(),
  stateful: z.boolean().optional(),
})

function origin(request: Request) {
  return appOrigin(request)
}

/** GET /api/v1/projects/:projectId/mocks */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireApiToken(request, params.projectId)
  const mocks = await listMocks(project.id)
  return Response.json({ mocks: mocks.map((mock) => mockJson(mock, origin(request))) })
}

/** POST /api/v1/projects/:projectId/mocks {specId, versionId?, stateful?} */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const auth = await requireApiToken(request, params.projectId)
  const { project } = auth
  const body = await readJsonBody(
    request,
    10_000,
    '{"specId": "...", "versionId": "...", "stateful": true}',
  )
  if ('error' in body) return body.error
  const parsed = CreateMock.safeParse(body.value)
  if (!parsed.success)
    return jsonError(400, 'Invalid body.', {
      problems: parsed.error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    })
  const version = await findVersionToMock(project.id, parsed.data.specId, parsed.data.versionId)
  if (!version) return jsonError(404, 'Spec or version not found in this project.')
  try {
    const mock = await createMock(
      project.id,
      version.id,
      parsed.data.stateful === undefined ? {} : { stateful: parsed.data.stateful },
      apiActor(auth, request),
    )
    return Response.json(mockJson(mock, origin(request)), { status: 201 })
  } catch (error) {
    if (error instanceof MockError) return jsonError(422, error.message)
    throw error
  }
}
