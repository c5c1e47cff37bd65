import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { buttonClass } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Notice, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { appOrigin } from '~/server/http.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import {
  hasFilters,
  listTraces,
  operationCatalogue,
  parseTraceFilters,
  SCAN_BUDGET,
  TRACE_PAGE_SIZE,
  UNMATCHED,
} from '~/server/traces/query.server'
import { formatDate, formatDateTime, formatTime, plural } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Traces · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const search = new URL(request.url).searchParams
  const [partners, catalogue] = await Promise.all([
    listPartnerProjects(project.id),
    operationCatalogue(project.id),
  ])
  const { filters, values, problems } = parseTraceFilters(search, partners)
  const page = await listTraces(project.id, filters, {
    before: search.get('before'),
    after: search.get('after'),
  })
  const filterQuery = new URLSearchParams(
    Object.entries(values).filter(([, value]) => value !== ''),
  ).toString()
  return {
    projectId: project.id,
    endpoint: `${appOrigin(request)}/api/v1/traces`,
    partners: partners.map(({ id, name, slug }) => ({ id, name, slug })),
    specs: catalogue.map((spec) => ({
      specName: spec.specName,
      versionNumber: spec.versionNumber,
      operations: spec.operations.map(({ key, method, path }) => ({ key, method, path })),
    })),
    values,
    filtered: hasFilters(filters),
    filterQuery,
    // Constants of server modules reach the browser through the loader (its bundle has no server code).
    unmatchedValue: UNMATCHED,
    pageSize: TRACE_PAGE_SIZE,
    scanBudget: SCAN_BUDGET,
    // Where a trace's page links back to: this very page.
    listQuery: new URLSearchParams([
      ...new URLSearchParams(filterQuery),
      ...(page.paged && search.get('before') ? [['before', search.get('before')!]] : []),
    ]).toString(),
    problems: page.cursorIgnored
      ? [
          ...problems,
          'The page link was not understood (it may be old or cut short): the newest traces are shown.',
        ]
      : problems,
    page,
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>

function StatusCode({ status }: { status: number }) {
  const tone =
    status >= 500
      ? 'text-red-700'
      : status >= 400
        ? 'text-amber-700'
        : status >= 300
          ? 'text-sky-700'
          : 'text-emerald-700'
  return <span className={`font-mono font-semibold ${tone}`}>{status}</span>
}

function VerifiedBadge({ verified, source }: { verified: boolean; source: string }) {
  return verified ? (
    <span className="inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
      Verified
    </span>
  ) : (
    <span
      className="inline-block rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
      title={source === 'upload' ? 'Uploaded on this tab: no partner signature' : undefined}
    >
      {source === 'upload' ? 'Uploaded' : 'Not verified'}
    </span>
  )
}

function ValidityBadge({
  valid,
  matched,
  violationCount,
  firstViolation,
}: {
  valid: boolean
  matched: boolean
  violationCount: number
  firstViolation: string | null
}) {
  if (!matched)
    return (
      <span
        className="inline-block rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
        title={firstViolation ?? undefined}
      >
        No operation
      </span>
    )
  if (valid)
    return (
      <span className="inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
        Valid
      </span>
    )
  return (
    <span
      className="inline-block rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800"
      title={firstViolation ?? undefined}
    >
      {plural(violationCount, 'violation')}
    </span>
  )
}

function Filters({ data }: { data: Data }) {
  const { projectId, partners, specs, values, filtered, unmatchedValue } = data
  const navigation = useNavigation()
  const base = `/projects/${projectId}/traces`
  const filtering =
    navigation.state === 'loading' &&
    navigation.formMethod === 'GET' &&
    navigation.location.pathname === base
  const known = specs.some((spec) =>
    spec.operations.some((operation) => operation.key === values.operation),
  )
  const label = 'block text-sm font-medium text-slate-800'
  return (
    <Form method="get" action={base} className="space-y-4" aria-label="Filter traces">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-partner" className={label}>
            Partner
          </label>
          <select
            id="filter-partner"
            name="partner"
            defaultValue={values.partner}
            className={`${inputClass} mt-1`}
          >
            <option value="">All partners</option>
            {partners.map((partner) => (
              <option key={partner.id} value={partner.id}>
                {partner.name}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="filter-operation" className={label}>
            Operation
          </label>
          <select
            id="filter-operation"
            name="operation"
            defaultValue={values.operation}
            className={`${inputClass} mt-1`}
          >
            <option value="">All operations</option>
            <option value={unmatchedValue}>No operation matched</option>
            {values.operation && values.operation !== unmatchedValue && !known ? (
              <option value={values.operation}>{values.operation} (not in the latest spec)</option>
            ) : null}
            {specs.map((spec) => (
              <optgroup key={spec.specName} label={`${spec.specName} v${spec.versionNumber}`}>
                {spec.operations.map((operation) => (
                  <option key={operation.key} value={operation.key}>
                    {operation.method} {operation.path}
                    {operation.key !== `${operation.method} ${operation.path}`
                      ? ` (${operation.key})`
                      : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-status" className={label}>
            Status
          </label>
          <input
            id="filter-status"
            name="status"
            type="text"
            inputMode="numeric"
            defaultValue={values.status}
            placeholder="e.g. 404 or 4xx"
            aria-describedby="filter-status-hint"
            className={`${inputClass} mt-1`}
          />
          <p id="filter-status-hint" className="mt-1 text-xs text-slate-500">
            A code, or a class: 2xx, 4xx, 5xx.
          </p>
        </div>
        <div>
          <label htmlFor="filter-verified" className={label}>
            Signature
          </label>
          <select
            id="filter-verified"
            name="verified"
            defaultValue={values.verified}
            className={`${inputClass} mt-1`}
          >
            <option value="">Any</option>
            <option value="yes">Verified (signed by the partner)</option>
            <option value="no">Not verified (uploads)</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-valid" className={label}>
            Validity
          </label>
          <select
            id="filter-valid"
            name="valid"
            defaultValue={values.valid}
            className={`${inputClass} mt-1`}
          >
            <option value="">Any</option>
            <option value="yes">Valid against the spec</option>
            <option value="no">With violations</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className={label}>
            Received from (UTC)
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
            Received to (UTC, inclusive)
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
          <Link to={base} className="text-sm font-medium text-indigo-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

function NoTracesYet({ projectId, endpoint }: { projectId: string; endpoint: string }) {
  return (
    <EmptyState title="No traces yet">
      <div className="mx-auto max-w-2xl space-y-2 text-left">
        <p>
          Traces are the requests a partner’s integration really sent and the answers it got. Each
          is matched to an operation of your spec and checked against it.
        </p>
        <ol className="list-decimal space-y-1 pl-5">
          <li>
            <Link
              to={`/projects/${projectId}/traces/partners`}
              className="font-semibold text-indigo-700 hover:underline"
            >
              Create a trace secret
            </Link>{' '}
            for the partner and hand it over (it is shown once).
          </li>
          <li>
            The partner POSTs batches to <code className="break-all">{endpoint}</code>, signed with
            HMAC-SHA256: headers <code>X-Copilot-Partner</code>, <code>X-Copilot-Timestamp</code>{' '}
            and <code>X-Copilot-Signature</code>. The signing recipe is on the{' '}
            <Link
              to={`/projects/${projectId}/traces/partners#how-partners-send`}
              className="font-semibold text-indigo-700 hover:underline"
            >
              Secrets and uploads
            </Link>{' '}
            page and in the README, section “Traces”.
          </li>
          <li>
            No integration yet? Export a HAR file from the browser’s developer tools and{' '}
            <Link
              to={`/projects/${projectId}/traces/partners#upload`}
              className="font-semibold text-indigo-700 hover:underline"
            >
              upload it
            </Link>{' '}
            (stored as not verified).
          </li>
        </ol>
      </div>
    </EmptyState>
  )
}

function Pagination({ data }: { data: Data }) {
  const { projectId, filterQuery, page } = data
  const base = `/projects/${projectId}/traces`
  const to = (extra: Record<string, string>) => {
    const query = new URLSearchParams([
      ...new URLSearchParams(filterQuery),
      ...Object.entries(extra),
    ])
    const text = query.toString()
    return text ? `${base}?${text}` : base
  }
  if (!page.paged && !page.older) return null
  const link = 'font-medium text-indigo-700 hover:underline'
  return (
    <nav
      aria-label="Trace pages"
      className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm"
    >
      <div className="flex gap-4">
        {page.paged ? (
          <Link to={to({})} className={link}>
            ⇤ Newest
          </Link>
        ) : null}
        {page.newer ? (
          <Link to={to({ after: page.newer })} className={link} rel="prev">
            ← Newer
          </Link>
        ) : null}
      </div>
      {page.older ? (
        <Link to={to({ before: page.older })} className={link} rel="next">
          {page.searchedBack ? 'Search older traces →' : 'Older →'}
        </Link>
      ) : null}
    </nav>
  )
}

export default function TracesList() {
  const data = useLoaderData<typeof loader>()
  const { projectId, partners, page, filtered, problems, listQuery, endpoint } = data
  const base = `/projects/${projectId}/traces`
  const partnerNames = new Map(partners.map((partner) => [partner.id, partner.name]))
  const operations = new Map(
    data.specs.flatMap((spec) =>
      spec.operations.map((operation) => [operation.key, operation] as const),
    ),
  )
  const empty = page.traces.length === 0
  if (empty && !filtered && !page.paged && problems.length === 0)
    return <NoTracesYet projectId={projectId} endpoint={endpoint} />
  const shown = `${page.traces.length.toLocaleString('en-GB')} ${page.traces.length === 1 ? 'trace' : 'traces'}`
  const summary =
    page.matching !== null
      ? `${page.matching.toLocaleString('en-GB')} matching ${page.matching === 1 ? 'trace' : 'traces'}, newest first${page.older ? ` (${data.pageSize} a page)` : ''}`
      : !page.older && !page.paged
        ? `${shown}, newest first`
        : page.older
          ? `${shown} on this page, newest first; older ones on the next`
          : `${shown} on this page: the oldest`
  return (
    <div className="space-y-6">
      {problems.length ? (
        <Notice tone="warning">
          <ul className="space-y-1">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <Panel title="Filter">
        <Filters data={data} />
      </Panel>
      <Panel title="Traces">
        {empty ? (
          <div className="py-6 text-center text-sm text-slate-600">
            <p className="font-semibold text-slate-900">
              {page.searchedBack
                ? 'No matching trace in this stretch'
                : 'No trace matches these filters'}
            </p>
            {page.searchedBack ? (
              <p className="mt-1">
                Searched the traces received since {formatDateTime(page.searchedBack)}. Older ones
                may match: use “Search older traces” below.
              </p>
            ) : (
              <p className="mt-1">
                Loosen a filter, or{' '}
                <Link to={base} className="font-medium text-indigo-700 hover:underline">
                  clear them all
                </Link>
                .
              </p>
            )}
          </div>
        ) : (
          <>
            <p className="mb-3 text-sm text-slate-600" data-testid="traces-summary">
              {summary}. Times in UTC.
            </p>
            <div className="overflow-x-auto">
              <table className="w-full min-w-[48rem] text-left text-sm">
                <caption className="sr-only">Traces, newest first (times in UTC)</caption>
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3">
                      Received
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      Partner
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      Request
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      Operation
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      Status
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      Signature
                    </th>
                    <th scope="col" className="py-2">
                      Validity
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.traces.map((trace) => {
                    const operation = operations.get(trace.operationKey)
                    return (
                      <tr key={trace.id} className="align-top">
                        <td className="whitespace-nowrap py-2 pr-3 text-slate-700">
                          {formatDate(trace.receivedAt)}{' '}
                          <span className="text-slate-500">{formatTime(trace.receivedAt)}</span>
                        </td>
                        <td
                          className="max-w-[10rem] truncate py-2 pr-3 text-slate-700"
                          title={partnerNames.get(trace.partnerProjectId)}
                        >
                          {partnerNames.get(trace.partnerProjectId) ?? '—'}
                        </td>
                        <td className="py-2 pr-3">
                          <Link
                            to={`${base}/${encodeURIComponent(trace.id)}${listQuery ? `?from=${encodeURIComponent(listQuery)}` : ''}`}
                            className="group flex min-w-0 items-center gap-2"
                          >
                            <MethodBadge method={trace.method} />
                            <span
                              className="block max-w-[22rem] truncate font-mono text-xs text-indigo-700 group-hover:underline"
                              title={trace.url}
                            >
                              {trace.url}
                              {trace.urlCut ? '…' : ''}
                            </span>
                          </Link>
                        </td>
                        <td className="py-2 pr-3">
                          {trace.operationKey ? (
                            <span
                              className="block max-w-[12rem] truncate font-mono text-xs text-slate-800"
                              title={
                                operation
                                  ? `${operation.method} ${operation.path}`
                                  : `${trace.operationKey} (not in the latest spec version)`
                              }
                            >
                              {trace.operationKey}
                            </span>
                          ) : (
                            <span className="text-xs text-slate-500">—</span>
                          )}
                        </td>
                        <td className="py-2 pr-3">
                          <StatusCode status={trace.status} />
                        </td>
                        <td className="py-2 pr-3">
                          <VerifiedBadge verified={trace.verified} source={trace.source} />
                        </td>
                        <td className="py-2">
                          <ValidityBadge
                            valid={trace.valid}
                            matched={trace.operationKey !== ''}
                            violationCount={trace.violationCount}
                            firstViolation={trace.firstViolation}
                          />
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            {page.searchedBack ? (
              <p className="mt-3 text-sm text-slate-600">
                The search stopped at the traces received at {formatDateTime(page.searchedBack)} (a
                page searches up to {data.scanBudget.toLocaleString('en-GB')} traces). Older ones
                may match too.
              </p>
            ) : null}
          </>
        )}
        <Pagination data={data} />
      </Panel>
    </div>
  )
}
