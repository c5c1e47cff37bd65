/**
 * The audit trail's downloads: `/settings/audit/export?format=csv|json` with the page's filters
 * (`/settings/audit?format=…` redirects here). A resource route, so the browser gets a file.
 */
import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireOrgAccess } from '~/server/access.server'
import { exportAuditTrail, isExportFormat } from '~/server/audit/export.server'
import { userAgentOf } from '~/server/audit/log.server'
import { auditProjects, parseAuditFilters } from '~/server/audit/query.server'
import { getClientIp } from '~/server/http.server'
import { ensurePrimary } from '~/server/litefs.server'

const plain = (message: string) =>
  new Response(message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'audit:read')
  const url = new URL(request.url)
  const format = url.searchParams.get('format') ?? ''
  if (!isExportFormat(format))
    throw plain(`Unknown export format “${format.slice(0, 40)}”: use ?format=csv or ?format=json.`)
  const projects = await auditProjects(access.organization.id)
  const { filters, values, problems, ignored } = parseAuditFilters(url.searchParams, projects)
  if (ignored)
    throw plain(
      `The export was not made, so that it holds no more than you asked for: ${problems.join(' ')}`,
    )
  // The export is audited: a GET that writes runs on the primary.
  await ensurePrimary()
  return exportAuditTrail({
    organization: { id: access.organization.id, slug: access.organization.slug },
    filters,
    values,
    format: format,
    actor: { userId: access.user.id, ip: getClientIp(request), userAgent: userAgentOf(request) },
  })
}
