import type { SerializeFrom } from '@remix-run/node'
import { Form, Link, useRevalidator } from '@remix-run/react'
import { type ReactNode, useEffect, useState } from 'react'
import { RunProgress, RunStatus, VerdictBadge, VERDICT_LABELS } from '~/components/tests/badges'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { EmptyState, Panel } from '~/components/ui/panel'
import type { RunCounts } from '~/server/testkit/model.server'
import type { RunPageData } from '~/server/testkit/views.server'
import { VERDICT_FILTERS } from '~/shared/run-filters'
import { formatDateTime } from '~/shared/format'
import { CATEGORIES, CATEGORY_LABELS } from '~/shared/golden-templates'

type LiveCase = { verdict: string; durationMs: number | null; reason: string | null }

/** Follows the run's events (SSE) while it is not finished: verdicts, counts and status change in place. */
function useLiveRun(
  base: string,
  initial: { status: string; counts: RunCounts; finished: boolean; lastEventId: number },
) {
  const revalidator = useRevalidator()
  const [status, setStatus] = useState(initial.status)
  const [counts, setCounts] = useState(initial.counts)
  const [cases, setCases] = useState<Record<number, LiveCase>>({})
  useEffect(() => {
    setStatus(initial.status)
    setCounts(initial.counts)
  }, [initial.status, initial.counts])
  useEffect(() => {
    if (initial.finished || typeof EventSource === 'undefined') return
    const source = new EventSource(`${base}/events?after=${initial.lastEventId}`)
    source.addEventListener('case', (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as LiveCase & { seq: number }
      setCases((current) => ({ ...current, [update.seq]: update }))
    })
    source.addEventListener('progress', (event) =>
      setCounts(JSON.parse((event as MessageEvent<string>).data) as RunCounts),
    )
    source.addEventListener('status', (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as {
        status: string
        counts: RunCounts
      }
      setStatus(update.status)
      setCounts(update.counts)
    })
    source.addEventListener('end', () => {
      source.close()
      revalidator.revalidate()
    })
    return () => source.close()
    // The stream is opened once per run page; revalidation brings the final state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, initial.finished])
  return { status, counts, cases }
}

/**
 * A run with live progress (SSE at `${base}/events`), its cases filtered by
 * verdict and category, exports and cancel / run again when allowed.
 * `base` is the run's URL in the vendor's pages or the partner portal.
 */
export function RunView({
  data,
  base,
  allRunsHref,
  canWrite,
  exports = true,
  assistant,
}: {
  data: SerializeFrom<RunPageData>
  base: string
  allRunsHref: string
  canWrite: boolean
  exports?: boolean
  /** The assistant's panel about this run, below its cases. */
  assistant?: ReactNode
}) {
  const { run, filter, cases, matching, nextFrom, lastEventId, previousRunId } = data
  const live = useLiveRun(base, {
    status: run.status,
    counts: run.counts,
    finished: run.finished,
    lastEventId,
  })
  const running = live.status === 'queued' || live.status === 'running'
  const link = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams()
    const merged = { verdict: filter.verdict, category: filter.category, ...changes }
    for (const [key, value] of Object.entries(merged)) if (value) params.set(key, value)
    const query = params.toString()
    return query ? `${base}?${query}` : base
  }
  return (
    <div className="space-y-6">
      {running ? (
        // Without JavaScript the page reloads itself until the run finishes.
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link to={allRunsHref} className="text-sm text-indigo-700 hover:underline">
            ← All runs
          </Link>
          <h2 className="mt-1 flex flex-wrap items-center gap-3 text-xl font-bold text-slate-900">
            {run.spec} on {run.environment} <RunStatus status={live.status} />
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Queued {formatDateTime(run.createdAt)} UTC
            {run.partner ? ` · for ${run.partner}` : ''}
            {run.categories.length
              ? ` · ${run.categories.map((category) => CATEGORY_LABELS[category as keyof typeof CATEGORY_LABELS] ?? category).join(', ')}`
              : ' · all categories'}
            {run.finishedAt ? ` · finished ${formatDateTime(run.finishedAt)} UTC` : ''}
          </p>
          {run.error ? <p className="mt-1 text-sm text-red-700">{run.error}</p> : null}
        </div>
        <div className="flex flex-wrap gap-2">
          {canWrite && running ? (
            <Form method="post">
              <input type="hidden" name="intent" value="cancel" />
              <SubmitButton variant="danger" pendingText="Cancelling…">
                Cancel run
              </SubmitButton>
            </Form>
          ) : null}
          {canWrite && !running ? (
            <Form method="post">
              <input type="hidden" name="intent" value="rerun" />
              <SubmitButton variant="secondary" pendingText="Queueing…">
                Run again
              </SubmitButton>
            </Form>
          ) : null}
        </div>
      </div>

      <Panel title="Progress">
        <RunProgress counts={live.counts} />
        {!running && exports ? (
          <div className="mt-4 flex flex-wrap gap-2 text-sm">
            <a className={buttonClass('secondary')} href={`${base}/export/junit.xml`} download>
              Download JUnit XML
            </a>
            <a className={buttonClass('secondary')} href={`${base}/export/results.json`} download>
              Download JSON
            </a>
            <a className={buttonClass('secondary')} href={`${base}/export/failures.txt`} download>
              Download failure log
            </a>
            {previousRunId ? (
              <Link className={buttonClass('ghost')} to={`${base}/diff?against=${previousRunId}`}>
                Compare with the previous run
              </Link>
            ) : null}
          </div>
        ) : null}
      </Panel>

      <Panel
        title={`Cases${filter.verdict ? `: ${VERDICT_LABELS[filter.verdict]}` : ''}${filter.category ? ` in ${CATEGORY_LABELS[filter.category]}` : ''} (${matching})`}
        actions={
          <Form method="get" className="flex items-center gap-2 text-sm">
            {filter.verdict ? <input type="hidden" name="verdict" value={filter.verdict} /> : null}
            <label htmlFor="category" className="sr-only">
              Category
            </label>
            <select
              id="category"
              name="category"
              defaultValue={filter.category ?? ''}
              className="rounded-md border-0 py-1 text-sm ring-1 ring-slate-300"
            >
              <option value="">All categories</option>
              {CATEGORIES.map((category) => (
                <option key={category} value={category}>
                  {CATEGORY_LABELS[category]}
                </option>
              ))}
            </select>
            <button type="submit" className={buttonClass('secondary', '!py-1')}>
              Filter
            </button>
          </Form>
        }
      >
        <nav aria-label="Filter by verdict" className="mb-3 flex flex-wrap gap-1 text-sm">
          {[null, ...VERDICT_FILTERS].map((verdict) => (
            <Link
              key={verdict ?? 'all'}
              to={link({ verdict, from: null })}
              preventScrollReset
              aria-current={filter.verdict === verdict ? 'page' : undefined}
              className={`rounded px-2 py-1 ${filter.verdict === verdict ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {verdict ? VERDICT_LABELS[verdict] : 'All'}
            </Link>
          ))}
        </nav>
        {cases.length === 0 ? (
          <EmptyState
            title={run.counts.total === 0 && running ? 'Waiting for a worker' : 'No case matches'}
          >
            {run.counts.total === 0 && running
              ? 'The run is queued; its cases appear as soon as a worker starts it.'
              : 'Try another filter.'}
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Cases of the run in order</caption>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="w-12 py-2">#</th>
                <th className="py-2">Case</th>
                <th className="py-2">Category</th>
                <th className="py-2">Level</th>
                <th className="py-2">Verdict</th>
                <th className="py-2 text-right">Time</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {cases.map((entry) => {
                const update = live.cases[entry.seq]
                const verdict = update?.verdict ?? entry.verdict
                const reason = update?.reason ?? entry.reason
                const duration = update?.durationMs ?? entry.durationMs
                return (
                  <tr
                    key={entry.seq}
                    className="align-top"
                    data-testid="case-row"
                    data-verdict={verdict}
                  >
                    <td className="py-2 text-slate-400">{entry.seq}</td>
                    <td className="py-2">
                      <Link
                        to={`${base}/cases/${entry.seq}`}
                        className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                      >
                        {entry.title}
                      </Link>
                      {reason && verdict !== 'passed' ? (
                        <p className="text-xs text-slate-500">{reason}</p>
                      ) : null}
                    </td>
                    <td className="py-2 text-slate-600">
                      {CATEGORY_LABELS[entry.category as keyof typeof CATEGORY_LABELS] ??
                        entry.category}
                    </td>
                    <td className="py-2 text-slate-600">{entry.level}</td>
                    <td className="py-2">
                      <VerdictBadge verdict={verdict} />
                    </td>
                    <td className="py-2 text-right text-xs text-slate-500">
                      {duration !== null && duration !== undefined ? `${duration} ms` : ''}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
        {filter.from > 1 || nextFrom ? (
          <nav aria-label="Case pages" className="mt-3 flex justify-between text-sm">
            {filter.from > 1 ? (
              <Link to={link({ from: null })} className="text-indigo-700 hover:underline">
                ← First cases
              </Link>
            ) : (
              <span />
            )}
            {nextFrom ? (
              <Link
                to={link({ from: String(nextFrom) })}
                className="text-indigo-700 hover:underline"
              >
                Next cases →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Panel>

      {assistant}
    </div>
  )
}
