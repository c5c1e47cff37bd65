/**
 * The audit trail of the organisation: filters (a GET form), keyset pages newest first,
 * CSV/JSON exports of the whole filtered trail (`?format=csv|json`), and "Verify chain"
 * (a POST, or GET `?verify=1`). Owners and admins only ('audit:read').
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { AuditChainPanel } from '~/components/settings/audit-chain-panel'
import { AuditEntriesTable, AuditPagination } from '~/components/settings/audit-entries'
import { AuditFilters } from '~/components/settings/audit-filters'
import {
  AUDIT_EXPORT_PATH as EXPORT_PATH,
  AUDIT_PATH as BASE,
} from '~/components/settings/audit-paths'
import { buttonClass } from '~/components/ui/button'
import { EmptyState, Notice, Panel } from '~/components/ui/panel'
import { requireOrgAccess, type OrgAccess } from '~/server/access.server'
import { userAgentOf } from '~/server/audit/log.server'
import {
  auditActions,
  auditProjects,
  filterQuery,
  hasAuditFilters,
  listAuditEntries,
  parseAuditFilters,
} from '~/server/audit/query.server'
import { auditChainHead, verifyAndRecord } from '~/server/audit/verify.server'
import { getClientIp } from '~/server/http.server'
import { ensurePrimary } from '~/server/litefs.server'

export const meta: MetaFunction = () => [{ title: 'Audit trail · Integration Copilot' }]

function actorOf(access: OrgAccess, request: Request) {
  return { userId: access.user.id, ip: getClientIp(request), userAgent: userAgentOf(request) }
}

function verify(access: OrgAccess, request: Request) {
  return verifyAndRecord({
    organizationId: access.organization.id,
    actor: actorOf(access, request),
  })
}

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'audit:read')
  const organizationId = access.organization.id
  const url = new URL(request.url)
  const projects = await auditProjects(organizationId)
  const { filters, values, problems } = parseAuditFilters(url.searchParams, projects)

  // Downloads are a resource route: a page's loader cannot answer a document request with a file.
  if (url.searchParams.has('format')) throw redirect(`${EXPORT_PATH}${url.search}`)

  let verification = null
  if (url.searchParams.get('verify') === '1') {
    await ensurePrimary()
    verification = await verify(access, request)
  }
  return pageData(access, url, { projects, values, problems, filters, verification })
}

async function pageData(
  access: OrgAccess,
  url: URL,
  parsed: Pick<ReturnType<typeof parseAuditFilters>, 'values' | 'problems' | 'filters'> & {
    projects: Awaited<ReturnType<typeof auditProjects>>
    verification: Awaited<ReturnType<typeof verify>> | null
  },
) {
  const organizationId = access.organization.id
  const [page, actions, head] = await Promise.all([
    listAuditEntries(organizationId, parsed.filters, {
      before: url.searchParams.get('before'),
      after: url.searchParams.get('after'),
    }),
    auditActions(organizationId),
    auditChainHead(organizationId),
  ])
  return {
    organization: { name: access.organization.name },
    projects: parsed.projects,
    actions,
    values: parsed.values,
    problems: parsed.problems,
    filtered: hasAuditFilters(parsed.filters),
    filterQuery: filterQuery(parsed.values).toString(),
    page,
    head,
    verification: parsed.verification,
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'audit:read')
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  if (intent !== 'verify')
    throw new Response(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 })
  return data({ verification: await verify(access, request) })
}

export default function AuditTrailPage() {
  // The page's data (the loader's other answer is an export download).
  const loaded = useLoaderData<typeof pageData>()
  const actionData = useActionData<typeof action>()
  const verification = actionData?.verification ?? loaded.verification
  const { page, filtered, projects } = loaded
  return (
    <>
      <p className="max-w-3xl text-sm text-slate-600">
        Every security-relevant action in {loaded.organization.name}: sign-ins, role and permission
        changes, tokens and secrets, single sign-on, exports and deletions. The trail is append-only
        and hash-chained: removing or editing an entry breaks the chain, and “Verify chain” says
        where.
      </p>
      <AuditChainPanel head={loaded.head} verification={verification} />
      <Panel title="Filter">
        <AuditFilters data={loaded} />
      </Panel>
      {loaded.problems.length ? (
        <Notice tone="warning">
          <ul className="space-y-0.5" data-testid="filter-problems">
            {loaded.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {page.cursorIgnored ? (
        <Notice tone="warning">
          That page link could not be read: the newest entries are shown.
        </Notice>
      ) : null}
      {page.entries.length === 0 ? (
        filtered ? (
          <EmptyState title="No entries match these filters">
            <p>
              Widen the dates or clear a filter.{' '}
              <Link to={BASE} className="font-medium text-indigo-700 hover:underline">
                Clear filters
              </Link>
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No entries yet">
            <p>Sign-ins, member and role changes, tokens and secrets will be recorded here.</p>
          </EmptyState>
        )
      ) : (
        <Panel
          title="Entries"
          actions={
            <div className="flex gap-2 text-sm">
              {(['csv', 'json'] as const).map((format) => (
                <a
                  key={format}
                  href={`${EXPORT_PATH}?${new URLSearchParams([...new URLSearchParams(loaded.filterQuery), ['format', format]]).toString()}`}
                  className={buttonClass('secondary', '!py-1')}
                  download
                >
                  Export {format.toUpperCase()}
                </a>
              ))}
            </div>
          }
        >
          <AuditEntriesTable entries={page.entries} projects={projects} />
          <AuditPagination data={loaded} />
        </Panel>
      )}
    </>
  )
}
