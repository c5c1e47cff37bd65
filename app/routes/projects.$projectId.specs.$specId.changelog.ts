import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireProjectAccess } from '~/server/access.server'
import { comparisonFromUrl } from '~/server/specs/compare.server'

/** The Markdown changelog between two versions (?from=&to=, numbers or ids). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const found = await comparisonFromUrl(project.id, params.specId ?? '', new URL(request.url))
  if (!found)
    throw new Response('That spec or version does not exist in this project.', { status: 404 })
  const { comparison } = found
  return new Response(comparison.changelog, {
    headers: {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="changelog-v${comparison.from.number}-v${comparison.to.number}.md"`,
      'Cache-Control': 'private, no-store',
    },
  })
}
