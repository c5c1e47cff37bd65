/**
 * The operation browser of a spec version: its groups (tags) on the left, the
 * chosen group's operations on the right. Only the chosen group's rows are
 * sent, so the largest specs stay small. Pages pass their own links.
 */
import type { ReactNode } from 'react'
import { Link } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { plural } from '~/shared/format'

type Group = { name: string; count: number }
type OperationRow = {
  id: string
  method: string
  path: string
  kind: string
  deprecated: boolean
  summary?: string
}

export function OperationBrowser<Row extends OperationRow>({
  groups,
  group,
  operations,
  groupHref,
  operationHref,
  groupExtra,
  rowExtra,
}: {
  groups: Group[]
  group: string | null
  operations: Row[]
  groupHref: (name: string) => string
  operationHref: (id: string) => string
  /** Shown under the group's heading (its capabilities, for instance). */
  groupExtra?: ReactNode
  /** Shown at the end of an operation's row (the vendor's count of notes on it, for instance). */
  rowExtra?: (operation: Row) => ReactNode
}) {
  return (
    <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
      <nav aria-label="API groups" className="space-y-1">
        <h3 className="text-xs font-semibold uppercase text-slate-500">Groups</h3>
        <ul className="max-h-[32rem] space-y-0.5 overflow-auto">
          {groups.map((entry) => (
            <li key={entry.name}>
              <Link
                to={groupHref(entry.name)}
                aria-current={entry.name === group ? 'page' : undefined}
                className={`flex justify-between rounded px-2 py-1 text-sm ${entry.name === group ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-slate-700 hover:bg-slate-100'}`}
              >
                <span className="truncate">{entry.name}</span>
                <span className="text-xs text-slate-500">{entry.count}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-label="Operations" className="space-y-3">
        {group ? (
          <>
            <h3 className="text-lg font-semibold text-slate-900">
              {group}{' '}
              <span className="text-sm font-normal text-slate-500">
                {plural(operations.length, 'operation')}
              </span>
            </h3>
            {groupExtra}
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
              {operations.map((operation) => (
                <li key={`${operation.kind}:${operation.id}`}>
                  <Link
                    to={operationHref(operation.id)}
                    className="flex items-center gap-3 px-4 py-2 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500"
                  >
                    <MethodBadge method={operation.method} />
                    <span className="font-mono text-sm text-slate-900">{operation.path}</span>
                    <span className="truncate text-sm text-slate-500">{operation.summary}</span>
                    {operation.kind !== 'operation' ? (
                      <span className="rounded bg-slate-100 px-2 text-xs">{operation.kind}</span>
                    ) : null}
                    {operation.deprecated ? (
                      <span className="rounded bg-amber-100 px-2 text-xs text-amber-800">
                        deprecated
                      </span>
                    ) : null}
                    {rowExtra?.(operation)}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="text-sm text-slate-600">This spec has no operations.</p>
        )}
      </section>
    </div>
  )
}
