import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { getSpecVersion } from '~/server/specs/store.server'

/** The spec exactly as uploaded. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const version = await getSpecVersion(project.id, params.specId ?? '', params.versionId ?? '')
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const zip = version.rawFormat === 'zip'
  const base = version.spec.name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'spec'
  const extension = zip ? 'zip' : /\.json$/i.test(version.rootFile) ? 'json' : 'yaml'
  return new Response(version.raw, {
    headers: {
      'Content-Type': zip
        ? 'application/zip'
        : extension === 'json'
          ? 'application/json; charset=utf-8'
          : 'application/yaml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${base}-v${version.number}.${extension}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
