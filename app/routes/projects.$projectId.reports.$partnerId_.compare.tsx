import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { BLOCKER_KIND_LABELS, ReadinessVerdict } from '~/components/reports/badges'
import { buttonClass } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { comparePage } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Compare reports · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const url = new URL(request.url)
  const page = await comparePage(project.id, params.partnerId, {
    a: url.searchParams.get('a'),
    b: url.searchParams.get('b'),
  }).catch((error: unknown) => {
    if (error instanceof ReportError) throw new Response(error.message, { status: error.status })
    throw error
  })
  return { projectId: project.id, ...page }
}

type Change = 'improved' | 'regressed' | 'unchanged' | 'n/a'

const CHANGE_STYLES: Record<Change, [string, string]> = {
  improved: ['▲ Improved', 'text-emerald-700'],
  regressed: ['▼ Regressed', 'text-red-700'],
  unchanged: ['Unchanged', 'text-slate-500'],
  'n/a': ['Not comparable', 'text-slate-500'],
}

function ChangeLabel({ change }: { change: Change }) {
  const [label, tone] = CHANGE_STYLES[change]
  return (
    <span className={`whitespace-nowrap font-medium ${tone}`} data-change={change}>
      {label}
    </span>
  )
}

const pct = (value: number | null) => (value === null ? 'n/a' : `${value}%`)

type Row = {
  key: string
  label: string
  a: number | null
  b: number | null
  aDetail: string
  bDetail: string
  change: Change
}

function CompareTable({ title, rows }: { title: string; rows: Row[] }) {
  return (
    <Panel title={title}>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid={`compare-${title}`}>
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-3">
                <span className="sr-only">Measure</span>
              </th>
              <th className="py-2 pr-3 text-right">A</th>
              <th className="py-2 pr-3 text-right">B</th>
              <th className="py-2">Change</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.key} data-row={row.key}>
                <th scope="row" className="py-1.5 pr-3 font-medium text-slate-800">
                  {row.label}
                </th>
                <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums">
                  {pct(row.a)} <span className="text-xs text-slate-500">({row.aDetail})</span>
                </td>
                <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums">
                  {pct(row.b)} <span className="text-xs text-slate-500">({row.bDetail})</span>
                </td>
                <td className="py-1.5">
                  <ChangeLabel change={row.change} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  )
}

export default function CompareReports() {
  const { projectId, partner, snapshots, a, b, comparison } = useLoaderData<typeof loader>()
  const base = `/projects/${projectId}/reports/${partner.id}`
  const option = (snapshot: (typeof snapshots)[number]) =>
    `${formatDateTime(snapshot.createdAt)} · ${snapshot.verdict === 'go' ? 'Go' : 'No-go'} · ${snapshot.score}`
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link to={`/projects/${projectId}/reports`} className="hover:underline">
            Reports
          </Link>{' '}
          /{' '}
          <Link to={base} className="break-words hover:underline">
            {partner.name}
          </Link>{' '}
          /
        </p>
        <h2 className="text-xl font-semibold text-slate-900">Compare two reports</h2>
      </div>
      {snapshots.length < 2 || !comparison || !a || !b ? (
        <EmptyState title="Two reports are needed to compare">
          {snapshots.length === 0 ? 'No report yet: ' : 'Only one report so far: '}
          <Link to={base} className="text-indigo-700 hover:underline">
            generate {snapshots.length === 0 ? 'one' : 'another'}
          </Link>
          .
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="flex flex-wrap items-end gap-3">
            <div className="min-w-0 flex-1">
              <label htmlFor="a" className="block text-sm font-medium text-slate-800">
                A (before)
              </label>
              <select
                id="a"
                name="a"
                defaultValue={a.id}
                key={a.id}
                className={`mt-1 ${inputClass}`}
              >
                {snapshots.map((snapshot) => (
                  <option key={snapshot.id} value={snapshot.id}>
                    {option(snapshot)}
                  </option>
                ))}
              </select>
            </div>
            <div className="min-w-0 flex-1">
              <label htmlFor="b" className="block text-sm font-medium text-slate-800">
                B (after)
              </label>
              <select
                id="b"
                name="b"
                defaultValue={b.id}
                key={b.id}
                className={`mt-1 ${inputClass}`}
              >
                {snapshots.map((snapshot) => (
                  <option key={snapshot.id} value={snapshot.id}>
                    {option(snapshot)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className={buttonClass('secondary')}>
              Compare
            </button>
          </Form>
          <div className="grid gap-4 md:grid-cols-2">
            {(
              [
                ['A', a],
                ['B', b],
              ] as const
            ).map(([name, entry]) => (
              <Panel key={name} title={`${name}: ${formatDateTime(entry.createdAt)}`}>
                <div className="flex flex-wrap items-center gap-3">
                  <ReadinessVerdict verdict={entry.verdict} size="lg" />
                  <span className="text-2xl font-bold tabular-nums">{entry.score}/100</span>
                  <Link
                    to={`${base}/snapshots/${entry.id}`}
                    className="text-sm text-indigo-700 hover:underline"
                  >
                    Open report {name}
                  </Link>
                </div>
              </Panel>
            ))}
          </div>
          <Panel title="Summary">
            <ul className="space-y-1 text-sm" data-testid="compare-summary">
              <li>
                Verdict:{' '}
                {comparison.verdict.changed
                  ? `changed from ${comparison.verdict.a === 'go' ? 'go' : 'no-go'} to ${comparison.verdict.b === 'go' ? 'go' : 'no-go'}.`
                  : `unchanged (${comparison.verdict.b === 'go' ? 'go' : 'no-go'}).`}
              </li>
              <li>
                Score: {comparison.score.a} → {comparison.score.b} (
                {comparison.score.delta > 0 ? '+' : ''}
                {comparison.score.delta}) <ChangeLabel change={comparison.score.change} />
              </li>
              <li>
                Blockers: {comparison.blockersAdded.length.toLocaleString('en-GB')} added,{' '}
                {comparison.blockersRemoved.length.toLocaleString('en-GB')} removed,{' '}
                {comparison.blockersKept.toLocaleString('en-GB')} still open.
              </li>
            </ul>
          </Panel>
          <CompareTable title="Golden categories" rows={comparison.categories} />
          <CompareTable title="Plan phases" rows={comparison.phases} />
          <CompareTable title="Traffic evidence" rows={[comparison.traces]} />
          <div className="grid gap-6 lg:grid-cols-2">
            {(
              [
                ['Blockers added', comparison.blockersAdded, 'added'],
                ['Blockers removed', comparison.blockersRemoved, 'removed'],
              ] as const
            ).map(([title, list, key]) => (
              <Panel key={key} title={`${title} (${list.length.toLocaleString('en-GB')})`}>
                {list.length === 0 ? (
                  <p className="text-sm text-slate-600">None.</p>
                ) : (
                  <ul className="divide-y divide-slate-100 text-sm" data-testid={`blockers-${key}`}>
                    {list.map((blocker, index) => (
                      <li key={`${blocker.ref}-${index}`} className="py-2">
                        <span className="block text-xs font-semibold uppercase tracking-wide text-slate-500">
                          {BLOCKER_KIND_LABELS[blocker.kind] ?? blocker.kind}
                        </span>
                        <span className="break-words text-slate-800">{blocker.reason}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </Panel>
            ))}
          </div>
        </>
      )}
    </div>
  )
}
