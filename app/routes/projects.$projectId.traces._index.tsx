import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { TraceFilterForm } from '~/components/traces/trace-filters'
import { NoTracesYet, TracePagination, TraceTable } from '~/components/traces/trace-list'
import { Notice, Panel } from '~/components/ui/panel'
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
import { formatDateTime } from '~/shared/format'

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

export default function TracesList() {
  const data = useLoaderData<typeof loader>()
  const { projectId, partners, page, filtered, problems, listQuery, endpoint } = data
  const base = `/projects/${projectId}/traces`
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
        <TraceFilterForm data={data} />
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
            <TraceTable
              traces={page.traces}
              partners={partners}
              specs={data.specs}
              base={base}
              listQuery={listQuery}
            />
            {page.searchedBack ? (
              <p className="mt-3 text-sm text-slate-600">
                The search stopped at the traces received at {formatDateTime(page.searchedBack)} (a
                page searches up to {data.scanBudget.toLocaleString('en-GB')} traces). Older ones
                may match too.
              </p>
            ) : null}
          </>
        )}
        <TracePagination data={data} />
      </Panel>
    </div>
  )
}
