/** A mock's request log: all requests or only those answered 4xx/5xx, newest first, by pages. */
import { Link } from '@remix-run/react'
import { EmptyState, Panel } from '~/components/ui/panel'
import { formatTime } from '~/shared/format'
import type { MockDetailView } from './mock-settings-form'
import { LogPages, RequestLogEntry } from './request-log-entry'

export function MockRequestLogPanel({
  page,
  log,
  requests,
  proxyUrl,
}: {
  /** The mock's page, which the filter and page links point to. */
  page: string
  log: MockDetailView['log']
  requests: MockDetailView['requests']
  proxyUrl: string
}) {
  const logLink = (params: Record<string, string>) => {
    const search = new URLSearchParams(params).toString()
    return search ? `${page}?${search}` : page
  }
  const filter: Record<string, string> = log.problemsOnly ? { problems: '1' } : {}
  return (
    <Panel
      title={log.problemsOnly ? 'Requests answered 4xx/5xx' : 'Recent requests'}
      actions={
        <nav aria-label="Request log filter" className="flex gap-1 text-sm">
          {[
            { label: 'All', to: logLink({}), current: !log.problemsOnly },
            { label: 'Problems only', to: logLink({ problems: '1' }), current: log.problemsOnly },
          ].map((tab) => (
            <Link
              key={tab.label}
              to={tab.to}
              preventScrollReset
              aria-current={tab.current ? 'page' : undefined}
              className={`rounded px-2 py-1 ${tab.current ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
      }
    >
      {requests.length === 0 ? (
        log.problemsOnly ? (
          <EmptyState title="No problems logged">
            No request in the log was answered with a 4xx or 5xx status.
          </EmptyState>
        ) : (
          <EmptyState title="No requests yet">
            Call {proxyUrl} and the requests appear here.
          </EmptyState>
        )
      ) : (
        <ul
          aria-label="Requests, newest first (times in UTC)"
          className="divide-y divide-slate-100 text-sm"
        >
          {requests.map((entry) => (
            <li key={entry.id}>
              <RequestLogEntry
                entry={entry}
                formatAt={formatTime}
                violationsText={(count) => `${count} violation(s)`}
                labelled={false}
              />
            </li>
          ))}
        </ul>
      )}
      <LogPages
        newestHref={log.paged ? logLink(filter) : null}
        olderHref={log.older ? logLink({ ...filter, before: log.older }) : null}
      />
    </Panel>
  )
}
