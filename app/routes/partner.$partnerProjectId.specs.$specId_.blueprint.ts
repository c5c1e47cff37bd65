import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { markdownDownload, partnerBlueprint } from '~/server/partners/portal-specs.server'

/** The blueprint of a shared spec's newest version (or `?v=<number>`) as a Markdown download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  return markdownDownload(
    await partnerBlueprint(
      { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
      params.specId,
      new URL(request.url).searchParams,
    ),
  )
}
