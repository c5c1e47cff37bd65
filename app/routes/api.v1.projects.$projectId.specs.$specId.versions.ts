import type { ActionFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { impactPath } from '~/server/drift/impact.server'
import { PushError, pushSpecVersion } from '~/server/drift/push.server'
import { BodyTooLargeError, jsonError, readBodyLimited } from '~/server/http.server'
import { SpecImportError } from '~/server/specs/problems.server'
import { MAX_SPEC_BYTES } from '~/server/specs/source.server'

const ACCEPTED = /^(application\/(json|yaml|x-yaml)|text\/(yaml|x-yaml|plain))\b/i

export async function loader() {
  return jsonError(405, 'Method not allowed. POST the spec text (JSON or YAML) as the body.')
}

/**
 * POST /api/v1/projects/:projectId/specs/:specId/versions with the spec
 * (JSON or YAML) as the body: a new version from CI. 201 for a new version,
 * 200 with the existing one when the text is unchanged; errors as
 * POST /api/v1/projects/:projectId/specs answers them.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const auth = await requireApiToken(request, params.projectId)
  const contentType = request.headers.get('content-type') ?? ''
  if (!ACCEPTED.test(contentType))
    return jsonError(415, 'Send the spec with Content-Type application/json or application/yaml.')
  let raw: Uint8Array
  try {
    raw = await readBodyLimited(request, MAX_SPEC_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return jsonError(413, `The spec is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`)
    throw error
  }
  try {
    const { spec, version, created } = await pushSpecVersion(
      apiActor(auth, request),
      params.specId ?? '',
      raw,
      /json/i.test(contentType) ? 'openapi.json' : 'openapi.yaml',
    )
    const base = `/api/v1/projects/${auth.project.id}/specs/${spec.id}/versions/${version.number}`
    return Response.json(
      {
        version: version.number,
        versionId: version.id,
        specId: spec.id,
        created,
        impactUrl: `${base}/impact`,
        impactPage: impactPath(auth.project.id, spec.id, version.id),
      },
      { status: created ? 201 : 200 },
    )
  } catch (error) {
    if (error instanceof PushError) return jsonError(error.status, error.message)
    if (error instanceof SpecImportError) {
      const status = error.status === 400 || error.status === 413 ? error.status : 422
      return jsonError(status, error.problems[0]?.message ?? 'The spec is invalid.', {
        problems: error.problems,
      })
    }
    throw error
  }
}
