import type { LoaderFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { markdownDownload, partnerChangelog } from '~/server/partners/portal-specs.server'

/** What changed from the previous version to the newest one (or to `?v=<number>`), as Markdown. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  return markdownDownload(
    await partnerChangelog(
      { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
      params.specId,
      new URL(request.url).searchParams,
    ),
  )
}
