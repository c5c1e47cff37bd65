import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { type CoverageCell, traceCoverage, UNMATCHED } from '~/server/traces/query.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Trace coverage · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  return { projectId: project.id, unmatchedValue: UNMATCHED, ...(await traceCoverage(project.id)) }
}

type State = 'covered' | 'partly' | 'none'

function stateOf(cell: CoverageCell | undefined): State {
  if (!cell || cell.total === 0) return 'none'
  return cell.verifiedValid > 0 ? 'covered' : 'partly'
}

const STATE_STYLE: Record<State, { mark: string; label: string; className: string }> = {
  covered: { mark: '✓', label: 'Covered', className: 'bg-emerald-50 text-emerald-900' },
  partly: { mark: '◐', label: 'Partly', className: 'bg-amber-50 text-amber-900' },
  none: { mark: '—', label: 'None', className: 'text-slate-500' },
}

const count = (value: number) => value.toLocaleString('en-GB')

function Cell({ cell, href }: { cell: CoverageCell | undefined; href: string }) {
  const state = stateOf(cell)
  const style = STATE_STYLE[state]
  if (!cell || state === 'none')
    return (
      <td className={`px-3 py-2 text-center text-xs ${style.className}`}>
        <span aria-hidden>{style.mark}</span>
        <span className="sr-only">No trace</span>
      </td>
    )
  return (
    <td className={`px-3 py-2 text-xs ${style.className}`}>
      <Link to={href} className="block hover:underline">
        <span className="font-semibold">
          <span aria-hidden>{style.mark} </span>
          {style.label}
        </span>
        <span className="block">
          {count(cell.verifiedValid)} verified valid of {count(cell.total)}
        </span>
        {cell.lastAt ? (
          <span className="block text-[11px] opacity-80">last {formatDateTime(cell.lastAt)}</span>
        ) : null}
      </Link>
    </td>
  )
}

export default function CoveragePage() {
  const data = useLoaderData<typeof loader>()
  const { projectId, partners, specs, retired, unmatched, covered, operationCount } = data
  const base = `/projects/${projectId}/traces`
  const listHref = (operation: string, partnerId?: string) =>
    `${base}?${new URLSearchParams({ ...(partnerId ? { partner: partnerId } : {}), operation })}`

  if (specs.length === 0)
    return (
      <EmptyState title="No spec to cover">
        Coverage is counted against the operations of each spec’s latest version.{' '}
        <Link
          to={`/projects/${projectId}/specs`}
          className="font-semibold text-indigo-700 hover:underline"
        >
          Import a spec
        </Link>{' '}
        first.
      </EmptyState>
    )
  if (partners.length === 0)
    return (
      <EmptyState title="No partner yet">
        Traces belong to a partner project. Once the project has one, this page shows which
        operations each partner’s integration exercised, and with verified, valid traffic.
      </EmptyState>
    )

  const head = (
    <thead className="bg-slate-50 text-xs text-slate-600">
      <tr>
        <th scope="col" className="px-3 py-2 text-left font-semibold">
          Operation
        </th>
        {partners.map((partner) => (
          <th
            key={partner.id}
            scope="col"
            className="min-w-[9rem] px-3 py-2 text-left font-semibold"
          >
            {partner.name}
          </th>
        ))}
      </tr>
    </thead>
  )

  return (
    <div className="space-y-6">
      <Panel title="Coverage by partner">
        <p className="text-sm text-slate-600">
          An operation is <strong className="text-emerald-800">covered</strong> for a partner when
          at least one of its traces is both verified (signed by the partner) and valid against the
          spec; <strong className="text-amber-800">partly</strong> when it has traffic but none of
          it both verified and valid (uploads are never verified); otherwise it has none. Counted
          over the {count(operationCount)} operations of the latest version of each spec.
        </p>
        <ul className="mt-3 flex flex-wrap gap-3 text-sm" data-testid="coverage-summary">
          {partners.map((partner) => (
            <li key={partner.id} className="rounded-md px-3 py-2 ring-1 ring-slate-200">
              <span className="font-semibold text-slate-900">{partner.name}</span>{' '}
              <span className="text-slate-700">
                {count(covered[partner.id] ?? 0)} of {count(operationCount)} covered
              </span>
            </li>
          ))}
        </ul>
      </Panel>

      {specs.map((spec) => (
        <Panel key={spec.specId} title={`${spec.specName} v${spec.versionNumber}`}>
          {spec.operations.length === 0 ? (
            <p className="text-sm text-slate-600">This version documents no operation.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">
                  Trace coverage of {spec.specName}: operations by partner (times in UTC)
                </caption>
                {head}
                <tbody className="divide-y divide-slate-100">
                  {spec.operations.map((operation) => (
                    <tr key={operation.key} className="align-top">
                      <th scope="row" className="px-3 py-2 text-left font-normal">
                        <Link
                          to={listHref(operation.key)}
                          className="group flex items-center gap-2"
                          title={`Traces of ${operation.key}`}
                        >
                          <MethodBadge method={operation.method} />
                          <span className="break-all font-mono text-xs text-indigo-700 group-hover:underline">
                            {operation.path}
                          </span>
                        </Link>
                        {operation.summary ? (
                          <span className="mt-0.5 block text-xs text-slate-500">
                            {operation.summary}
                          </span>
                        ) : null}
                      </th>
                      {partners.map((partner) => (
                        <Cell
                          key={partner.id}
                          cell={operation.cells[partner.id]}
                          href={listHref(operation.key, partner.id)}
                        />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Panel>
      ))}

      {retired.length ? (
        <Panel title="Operations no longer in the latest spec versions">
          <p className="mb-3 text-sm text-slate-600">
            Traces matched these operations of an earlier version. They do not count towards the
            coverage above.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">Traces of retired operations, by partner</caption>
              {head}
              <tbody className="divide-y divide-slate-100">
                {retired.map((operation) => (
                  <tr key={operation.key} className="align-top">
                    <th scope="row" className="px-3 py-2 text-left font-normal">
                      <Link
                        to={listHref(operation.key)}
                        className="break-all font-mono text-xs text-indigo-700 hover:underline"
                      >
                        {operation.key}
                      </Link>
                    </th>
                    {partners.map((partner) => (
                      <Cell
                        key={partner.id}
                        cell={operation.cells[partner.id]}
                        href={listHref(operation.key, partner.id)}
                      />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      ) : null}

      <Panel title="Traces that matched no operation">
        <ul className="flex flex-wrap gap-3 text-sm" data-testid="unmatched">
          {partners.map((partner) => {
            const cell = unmatched[partner.id]
            return (
              <li key={partner.id} className="rounded-md px-3 py-2 ring-1 ring-slate-200">
                <span className="font-semibold text-slate-900">{partner.name}</span>{' '}
                {cell?.total ? (
                  <Link
                    to={listHref(data.unmatchedValue, partner.id)}
                    className="text-indigo-700 hover:underline"
                  >
                    {count(cell.total)} {cell.total === 1 ? 'trace' : 'traces'}
                  </Link>
                ) : (
                  <span className="text-slate-500">none</span>
                )}
              </li>
            )
          })}
        </ul>
        <p className="mt-2 text-xs text-slate-500">
          A trace matches no operation when its path or method is not in the spec (or its URL
          carries a base path the project does not know).
        </p>
      </Panel>
    </div>
  )
}
