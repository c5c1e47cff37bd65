import type { ActionFunctionArgs } from '@remix-run/node'
import { requireApiToken } from '~/server/api-tokens.server'
import { apiActor } from '~/server/audit/log.server'
import { BodyTooLargeError, jsonError, readBodyLimited } from '~/server/http.server'
import { SpecImportError } from '~/server/specs/problems.server'
import { MAX_SPEC_BYTES } from '~/server/specs/source.server'
import { importSpecVersion } from '~/server/workflows/import-spec.server'

const ACCEPTED =
  /^(application\/(json|yaml|x-yaml|zip|x-zip-compressed|octet-stream)|text\/(yaml|x-yaml|plain))\b/i

export async function loader() {
  return jsonError(
    405,
    'Method not allowed. POST the spec text (JSON, YAML or a .zip) as the body.',
  )
}

/** POST /api/v1/projects/:projectId/specs?name=&root= with the spec as the body. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return jsonError(405, 'Method not allowed. Use POST.')
  const auth = await requireApiToken(request, params.projectId)
  const contentType = request.headers.get('content-type') ?? ''
  if (!ACCEPTED.test(contentType)) {
    return jsonError(
      415,
      'Send the spec with Content-Type application/json, application/yaml or application/zip.',
    )
  }
  let raw: Uint8Array
  try {
    raw = await readBodyLimited(request, MAX_SPEC_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return jsonError(413, `The spec is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MB.`)
    throw error
  }
  const url = new URL(request.url)
  try {
    const { spec, version, created, analyzed, mock } = await importSpecVersion(
      {
        name: url.searchParams.get('name') ?? undefined,
        root: url.searchParams.get('root') ?? undefined,
        raw,
        sourceKind: 'api',
        sourceName:
          url.searchParams.get('filename') ??
          (/json/.test(contentType) ? 'openapi.json' : 'openapi.yaml'),
      },
      apiActor(auth, request),
    )
    return Response.json(
      {
        specId: spec.id,
        mockId: mock?.id ?? null,
        versionId: version.id,
        version: version.number,
        title: version.title,
        openapiVersion: version.openapiVersion,
        operationCount: version.operationCount,
        capabilities: analyzed.summary.capabilities,
        warnings: analyzed.warnings,
      },
      { status: created ? 201 : 200 },
    )
  } catch (error) {
    if (error instanceof SpecImportError) {
      const status = error.status === 400 || error.status === 413 ? error.status : 422
      return jsonError(status, error.problems[0]?.message ?? 'The spec is invalid.', {
        problems: error.problems,
      })
    }
    throw error
  }
}
