import type { SerializeFrom } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { RunProgress, RunStatus } from '~/components/tests/badges'
import type { runSummary } from '~/server/testkit/views.server'
import { formatDateTime } from '~/shared/format'

/** Runs, newest first: when, status, spec, environment and results; each links to `${runsBase}/<id>`. */
export function RunTable({
  runs,
  runsBase,
}: {
  runs: SerializeFrom<ReturnType<typeof runSummary>>[]
  runsBase: string
}) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Runs, newest first (times in UTC)</caption>
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          <th className="py-2">Run</th>
          <th className="py-2">Status</th>
          <th className="py-2">Spec</th>
          <th className="py-2">Environment</th>
          <th className="py-2">Results</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {runs.map((run) => (
          <tr key={run.id} className="align-top">
            <td className="py-2">
              <Link
                to={`${runsBase}/${run.id}`}
                className="font-medium text-indigo-700 hover:underline"
              >
                {formatDateTime(run.createdAt)}
              </Link>
              {run.partner ? <div className="text-xs text-slate-500">for {run.partner}</div> : null}
            </td>
            <td className="py-2">
              <RunStatus status={run.status} />
            </td>
            <td className="py-2 text-slate-700">{run.spec}</td>
            <td className="py-2 text-slate-700">{run.environment}</td>
            <td className="w-72 py-2">
              {run.counts.total > 0 ? (
                <RunProgress counts={run.counts} compact />
              ) : (
                <span className="text-slate-500">{run.error ?? '—'}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
