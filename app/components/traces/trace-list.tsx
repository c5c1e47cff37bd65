/** The Traces list: its table, its pages, and what to do while there is no trace yet. */
import { Link } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { EmptyState } from '~/components/ui/panel'
import type { TracePage, TraceRow } from '~/server/traces/query.server'
import { formatDate, formatTime } from '~/shared/format'
import { StatusCode, ValidityBadge, VerifiedBadge } from './trace-badges'
import type { TraceListSpec } from './trace-filters'

/** The traces of one page, newest first; each links to its page (which links back to `listQuery`). */
export function TraceTable({
  traces,
  partners,
  specs,
  base,
  listQuery,
}: {
  traces: TraceRow[]
  partners: { id: string; name: string }[]
  specs: TraceListSpec[]
  base: string
  listQuery: string
}) {
  const partnerNames = new Map(partners.map((partner) => [partner.id, partner.name]))
  const operations = new Map(
    specs.flatMap((spec) =>
      spec.operations.map((operation) => [operation.key, operation] as const),
    ),
  )
  return (
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
          {traces.map((trace) => {
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
  )
}

/** The empty tab: how traces come in (a trace secret, signed batches, or a HAR upload). */
export function NoTracesYet({ projectId, endpoint }: { projectId: string; endpoint: string }) {
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

/** Newest, newer and older pages, keeping the filters. */
export function TracePagination({
  data,
}: {
  data: {
    projectId: string
    filterQuery: string
    page: Pick<TracePage, 'paged' | 'newer' | 'older' | 'searchedBack'>
  }
}) {
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
