import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { annotationsForSpec } from '~/server/annotations/annotations.server'
import { blueprintMarkdown } from '~/server/specs/blueprint.server'
import { getSpecVersion, readNormalized } from '~/server/specs/store.server'

/** The blueprint of a spec version as a Markdown download, with the vendor's notes under their operations. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const version = await getSpecVersion(project.id, params.specId ?? '', params.versionId ?? '')
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const filename = `${version.spec.name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'spec'}-v${version.number}-blueprint.md`
  const annotations = await annotationsForSpec(version.specId)
  return new Response(blueprintMarkdown(readNormalized(version), annotations), {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
