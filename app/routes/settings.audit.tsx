/**
 * The audit trail of the organisation: filters (a GET form), keyset pages newest first,
 * CSV/JSON exports of the whole filtered trail (`?format=csv|json`), and "Verify chain"
 * (a POST, or GET `?verify=1`). Owners and admins only ('audit:read').
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
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

const BASE = '/settings/audit'
const EXPORT_PATH = '/settings/audit/export'

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

/** The page's data (the loader's other answer is an export download). */
type Data = ReturnType<typeof useLoaderData<typeof pageData>>
type Verification = NonNullable<Data['verification']>

/** 2026-12-03 09:28:11 UTC: the same text on the server and in the browser. */
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`

export default function AuditTrailPage() {
  const loaded = useLoaderData<typeof pageData>()
  const actionData = useActionData<typeof action>()
  const verification = actionData?.verification ?? loaded.verification
  const { page, filtered, projects } = loaded
  const projectNames = new Map(projects.map((project) => [project.id, project.name]))
  return (
    <>
      <p className="max-w-3xl text-sm text-slate-600">
        Every security-relevant action in {loaded.organization.name}: sign-ins, role and permission
        changes, tokens and secrets, single sign-on, exports and deletions. The trail is append-only
        and hash-chained: removing or editing an entry breaks the chain, and “Verify chain” says
        where.
      </p>
      <ChainPanel head={loaded.head} verification={verification} />
      <Panel title="Filter">
        <Filters data={loaded} />
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
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="audit-table">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">Time (UTC)</th>
                  <th className="py-2 pr-3">Actor</th>
                  <th className="py-2 pr-3">Action</th>
                  <th className="py-2 pr-3">Target</th>
                  <th className="py-2 pr-3">IP</th>
                  <th className="py-2">Details</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {page.entries.map((entry) => (
                  <tr key={entry.id} data-testid="audit-row">
                    <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs text-slate-700">
                      {utc(entry.createdAt)}
                    </td>
                    <td className="break-all py-2 pr-3">
                      {entry.actorEmail || (
                        <span className="text-slate-500">
                          {entry.actorUserId ? 'deleted user' : 'system'}
                        </span>
                      )}
                    </td>
                    <td className="py-2 pr-3 font-mono text-xs">{entry.action}</td>
                    <td className="break-all py-2 pr-3 text-xs">
                      {entry.targetType ? (
                        <>
                          <span className="text-slate-500">{entry.targetType}</span>{' '}
                          <span className="font-mono">{entry.targetId}</span>
                        </>
                      ) : (
                        '—'
                      )}
                      {entry.projectId ? (
                        <div className="text-slate-500">
                          {`in ${projectNames.get(entry.projectId) ?? entry.projectId}`}
                        </div>
                      ) : null}
                    </td>
                    <td className="whitespace-nowrap py-2 pr-3 font-mono text-xs">
                      {entry.ip || '—'}
                    </td>
                    <td className="py-2">
                      <details>
                        <summary className="cursor-pointer text-indigo-700">
                          {entry.seq ? `#${entry.seq}` : 'Details'}
                        </summary>
                        <dl className="mt-2 space-y-2 text-xs">
                          {entry.before !== null ? (
                            <div>
                              <dt className="font-semibold text-slate-700">Before</dt>
                              <dd>
                                <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                                  {entry.before}
                                </pre>
                              </dd>
                            </div>
                          ) : null}
                          {entry.after !== null ? (
                            <div>
                              <dt className="font-semibold text-slate-700">After</dt>
                              <dd>
                                <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                                  {entry.after}
                                </pre>
                              </dd>
                            </div>
                          ) : null}
                          {entry.details !== null ? (
                            <div>
                              <dt className="font-semibold text-slate-700">Metadata</dt>
                              <dd>
                                <pre className="max-w-md overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">
                                  {entry.details}
                                </pre>
                              </dd>
                            </div>
                          ) : null}
                          {entry.userAgent ? (
                            <div>
                              <dt className="font-semibold text-slate-700">User agent</dt>
                              <dd className="break-all">{entry.userAgent}</dd>
                            </div>
                          ) : null}
                          <div>
                            <dt className="font-semibold text-slate-700">Chain</dt>
                            <dd className="break-all font-mono">
                              {entry.seq ? `#${entry.seq} ${entry.hash}` : 'not linked yet'}
                            </dd>
                          </div>
                        </dl>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination data={loaded} />
        </Panel>
      )}
    </>
  )
}

function ChainPanel({
  head,
  verification,
}: {
  head: Data['head']
  verification: Verification | null | undefined
}) {
  return (
    <Panel
      title="Chain"
      actions={
        <Form method="post" action={BASE}>
          <input type="hidden" name="intent" value="verify" />
          <SubmitButton variant="secondary" pendingText="Verifying…">
            Verify chain
          </SubmitButton>
        </Form>
      }
    >
      <p className="text-sm text-slate-600">
        {head ? (
          <>
            {head.seq.toLocaleString('en-GB')} linked entries; head{' '}
            <span className="break-all font-mono text-xs">
              #{head.seq} {head.hash}
            </span>
          </>
        ) : (
          'No linked entries yet.'
        )}
      </p>
      {verification ? (
        <div className="mt-3" data-testid="verification">
          {verification.ok ? (
            <Notice tone="success">
              {`Chain intact: ${verification.count.toLocaleString('en-GB')} entries${
                verification.head
                  ? `, head #${verification.head.seq} hash ${verification.head.hash.slice(0, 12)}…`
                  : ''
              }`}
            </Notice>
          ) : (
            <div
              role="alert"
              className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
            >
              <p className="font-semibold" data-testid="first-break">
                {verification.firstBreak?.message}
              </p>
              <p className="mt-1">
                Entries were changed outside the app. Keep the database file and your latest export
                for investigation.
              </p>
            </div>
          )}
        </div>
      ) : null}
    </Panel>
  )
}

function Filters({ data }: { data: Data }) {
  const { values, actions, projects, filtered } = data
  const navigation = useNavigation()
  const filtering =
    navigation.state === 'loading' &&
    navigation.formMethod === 'GET' &&
    navigation.location.pathname === BASE
  const label = 'block text-sm font-medium text-slate-800'
  return (
    <Form method="get" action={BASE} className="space-y-4" aria-label="Filter the audit trail">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-action" className={label}>
            Action
          </label>
          <input
            id="filter-action"
            name="action"
            type="text"
            list="audit-actions"
            maxLength={200}
            defaultValue={values.action}
            placeholder="e.g. member. or auth.signed_in"
            aria-describedby="filter-action-hint"
            className={`${inputClass} mt-1`}
          />
          <datalist id="audit-actions">
            {actions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <p id="filter-action-hint" className="mt-1 text-xs text-slate-500">
            Actions starting with this text.
          </p>
        </div>
        <div>
          <label htmlFor="filter-actor" className={label}>
            Actor email
          </label>
          <input
            id="filter-actor"
            name="actor"
            type="text"
            maxLength={200}
            defaultValue={values.actor}
            placeholder="e.g. alice@ or example.com"
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-target-type" className={label}>
            Target type
          </label>
          <input
            id="filter-target-type"
            name="targetType"
            type="text"
            maxLength={200}
            defaultValue={values.targetType}
            placeholder="e.g. membership"
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-target-id" className={label}>
            Target id
          </label>
          <input
            id="filter-target-id"
            name="targetId"
            type="text"
            maxLength={200}
            defaultValue={values.targetId}
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-project" className={label}>
            Project
          </label>
          <select
            id="filter-project"
            name="project"
            defaultValue={values.project}
            className={`${inputClass} mt-1`}
          >
            <option value="">All projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className={label}>
            From (UTC)
          </label>
          <input
            id="filter-from"
            name="from"
            type="date"
            defaultValue={values.from}
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-to" className={label}>
            To (UTC, inclusive)
          </label>
          <input
            id="filter-to"
            name="to"
            type="date"
            defaultValue={values.to}
            className={`${inputClass} mt-1`}
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          className={buttonClass('primary')}
          aria-disabled={filtering || undefined}
        >
          {filtering ? 'Filtering…' : 'Apply filters'}
        </button>
        {filtered ? (
          <Link to={BASE} className="text-sm font-medium text-indigo-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

function Pagination({ data }: { data: Data }) {
  const { filterQuery: query, page } = data
  const to = (extra: Record<string, string>) => {
    const params = new URLSearchParams([...new URLSearchParams(query), ...Object.entries(extra)])
    const text = params.toString()
    return text ? `${BASE}?${text}` : BASE
  }
  if (!page.newer && !page.older) return null
  const link = 'font-medium text-indigo-700 hover:underline'
  return (
    <nav
      aria-label="Audit trail pages"
      className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm"
    >
      <div className="flex gap-4">
        {page.newer ? (
          <>
            <Link to={to({})} className={link}>
              ⇤ Newest
            </Link>
            <Link to={to({ after: page.newer })} className={link} rel="prev">
              ← Newer entries
            </Link>
          </>
        ) : null}
      </div>
      {page.older ? (
        <Link to={to({ before: page.older })} className={link} rel="next">
          Older entries →
        </Link>
      ) : null}
    </nav>
  )
}
