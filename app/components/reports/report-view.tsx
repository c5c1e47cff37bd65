/**
 * A stored readiness report in the app: the verdict and its reasons, the
 * score, every blocker with a link to where it can be fixed, the scores per
 * golden category and per phase, the latest runs, trace coverage, open plan
 * items, notes (internal ones marked) and the evidence chain's state.
 */
import { Link } from '@remix-run/react'
import { RunStatus } from '~/components/tests/badges'
import { Panel } from '~/components/ui/panel'
import type { ReadinessReport } from '~/server/reports/readiness.server'
import { formatDate, formatDateTime } from '~/shared/format'
import { BLOCKER_KIND_LABELS, ReadinessVerdict, ScoreBar } from './badges'

const n = (value: number) => value.toLocaleString('en-GB')

type Blocker = ReadinessReport['blockers'][number]

function blockerHref(projectId: string, partnerId: string, blocker: Blocker): string | null {
  if (blocker.kind === 'case' && blocker.runId)
    return blocker.seq
      ? `/projects/${projectId}/tests/runs/${blocker.runId}/cases/${blocker.seq}`
      : `/projects/${projectId}/tests/runs/${blocker.runId}`
  if (blocker.kind === 'plan-item' && blocker.itemId)
    return `/projects/${projectId}/plan/${partnerId}#item-${blocker.itemId}`
  if (blocker.kind === 'evidence') return `/projects/${projectId}/plan/${partnerId}/evidence`
  if (blocker.kind === 'run') return `/projects/${projectId}/tests`
  return null
}

export function VerdictCard({ report }: { report: ReadinessReport }) {
  const go = report.verdict === 'go'
  return (
    <section
      aria-label="Verdict"
      className={`rounded-lg border-2 p-5 ${go ? 'border-emerald-400 bg-emerald-50' : 'border-red-300 bg-red-50'}`}
      data-testid="report-verdict"
    >
      <div className="flex flex-wrap items-start gap-6">
        <div className="min-w-[9rem]">
          <ReadinessVerdict verdict={report.verdict} size="lg" />
          <p
            className="mt-2 text-3xl font-bold tabular-nums text-slate-900"
            data-testid="report-score"
          >
            {report.score}
            <span className="text-base font-medium text-slate-500">/100</span>
          </p>
          <p className="text-sm text-slate-600">
            {report.blockerCount === 0
              ? 'No blocker'
              : `${n(report.blockerCount)} blocker${report.blockerCount === 1 ? '' : 's'}`}
          </p>
        </div>
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-slate-900">
            {go ? 'Why it may go live' : 'Why it may not go live yet'}
          </h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800">
            {report.reasons.map((reason, index) => (
              <li key={index} className="break-words">
                {reason}
              </li>
            ))}
          </ul>
          <p className="mt-3 text-xs text-slate-500">
            Score: golden categories {report.scoreParts.categories ?? 'n/a'}
            {report.scoreParts.categories === null ? '' : '%'} × 50, plan phases{' '}
            {report.scoreParts.phases ?? 'n/a'}
            {report.scoreParts.phases === null ? '' : '%'} × 30, Required-operation traffic{' '}
            {report.scoreParts.traces ?? 'n/a'}
            {report.scoreParts.traces === null ? '' : '%'} × 20 (parts marked n/a are left out).
          </p>
        </div>
      </div>
    </section>
  )
}

export function BlockerList({ report, projectId }: { report: ReadinessReport; projectId: string }) {
  if (report.blockers.length === 0)
    return <p className="text-sm text-slate-600">Nothing blocks the go-live.</p>
  return (
    <ul className="divide-y divide-slate-100" data-testid="blockers">
      {report.blockers.map((blocker, index) => {
        const href = blockerHref(projectId, report.partner.id, blocker)
        return (
          <li
            key={`${blocker.ref}-${index}`}
            className="flex flex-wrap gap-x-3 gap-y-1 py-2 text-sm"
          >
            <span className="w-36 shrink-0 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {BLOCKER_KIND_LABELS[blocker.kind] ?? blocker.kind}
            </span>
            <span className="min-w-0 flex-1 break-words text-slate-800">
              {blocker.reason}
              {blocker.templateId || blocker.operationId ? (
                <span className="ml-2 break-all font-mono text-xs text-slate-500">
                  {[blocker.templateId, blocker.operationId].filter(Boolean).join(' · ')}
                </span>
              ) : null}
            </span>
            {href ? (
              <Link to={href} className="shrink-0 text-indigo-700 hover:underline">
                Open
                <span className="sr-only"> {BLOCKER_KIND_LABELS[blocker.kind]}</span>
              </Link>
            ) : null}
          </li>
        )
      })}
    </ul>
  )
}

function ScoreTable({
  caption,
  rows,
}: {
  caption: string
  rows: { key: string; label: string; detail: string; percent: number | null; extra?: string }[]
}) {
  return (
    <table className="min-w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row" className="py-1.5 pr-3 font-medium text-slate-800">
              <span className="break-words">{row.label}</span>
              {row.extra ? (
                <span className="ml-1 text-xs font-normal text-slate-500">{row.extra}</span>
              ) : null}
            </th>
            <td className="whitespace-nowrap py-1.5 pr-3 text-right tabular-nums text-slate-600">
              {row.detail}
            </td>
            <td className="whitespace-nowrap py-1.5">
              <ScoreBar value={row.percent} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ReportBody({ report, projectId }: { report: ReadinessReport; projectId: string }) {
  const coverage = report.traceCoverage
  return (
    <div className="space-y-6">
      <VerdictCard report={report} />
      <Panel title={`Blockers (${n(report.blockerCount)})`}>
        <BlockerList report={report} projectId={projectId} />
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Golden categories">
          <p className="mb-2 text-xs text-slate-500">
            {report.certification
              ? `Required cases passed in the certification run (latest ${report.certification.environmentLabel} run).`
              : 'No certification run yet: every category is unproven.'}
          </p>
          <ScoreTable
            caption="Score per golden category"
            rows={report.categories.map((category) => ({
              key: category.category,
              label: category.label,
              detail:
                category.requiredTotal > 0
                  ? `${n(category.requiredPassed)}/${n(category.requiredTotal)}`
                  : '—',
              percent: category.percent,
            }))}
          />
        </Panel>
        <Panel title="Plan phases">
          <p className="mb-2 text-xs text-slate-500">Required items done per phase.</p>
          <ScoreTable
            caption="Score per phase"
            rows={report.phases.map((phase) => ({
              key: phase.phase,
              label: phase.label,
              extra: phase.complete
                ? 'complete'
                : report.currentPhase === phase.phase
                  ? 'current'
                  : undefined,
              detail:
                phase.requiredTotal > 0
                  ? `${n(phase.requiredDone)}/${n(phase.requiredTotal)}`
                  : '—',
              percent: phase.percent,
            }))}
          />
        </Panel>
      </div>
      <Panel title="Latest runs">
        {report.runs.length === 0 ? (
          <p className="text-sm text-slate-600">
            The golden suite has not run to a verdict for this partner yet.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">Environment</th>
                  <th className="py-2 pr-3">Status</th>
                  <th className="py-2 pr-3">Finished</th>
                  <th className="py-2 pr-3">Spec</th>
                  <th className="py-2 pr-3 text-right">Required passed</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {report.runs.map((run) => (
                  <tr key={run.environmentKind}>
                    <td className="py-2 pr-3">
                      <Link
                        to={`/projects/${projectId}/tests/runs/${run.runId}`}
                        className="font-medium text-indigo-700 hover:underline"
                      >
                        {run.environmentLabel}
                      </Link>
                      {run.certification ? (
                        <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-800">
                          certification
                        </span>
                      ) : null}
                      <span
                        className="block max-w-xs truncate text-xs text-slate-500"
                        title={run.environmentName}
                      >
                        {run.environmentName}
                      </span>
                    </td>
                    <td className="py-2 pr-3">
                      <RunStatus status={run.status} />
                    </td>
                    <td className="whitespace-nowrap py-2 pr-3 text-slate-600">
                      {run.finishedAt ? formatDateTime(run.finishedAt) : '—'}
                    </td>
                    <td className="max-w-xs break-words py-2 pr-3 text-slate-700">{run.spec}</td>
                    <td className="py-2 pr-3 text-right tabular-nums">
                      {n(run.requiredPassed)}/{n(run.requiredTotal)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      <Panel title="Trace coverage">
        <p className="text-sm text-slate-700">
          {n(coverage.covered)} of {n(coverage.requiredTotal)} Required operations have verified,
          valid traffic{coverage.percent === null ? '' : ` (${coverage.percent}%)`}.{' '}
          {n(coverage.total)} traces received, {n(coverage.verifiedValid)} verified and valid,{' '}
          {n(coverage.unmatched)} matching no operation.
        </p>
        {coverage.operations.length > 0 ? (
          <details className="mt-3">
            <summary className="cursor-pointer text-sm font-medium text-indigo-700">
              Required operations ({n(coverage.operations.length)})
            </summary>
            <div className="mt-2 overflow-x-auto">
              <table className="min-w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-2 pr-3">Operation</th>
                    <th className="py-2 pr-3 text-right">Traces</th>
                    <th className="py-2 pr-3 text-right">Verified &amp; valid</th>
                    <th className="py-2 pr-3">Last</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {coverage.operations.map((operation) => (
                    <tr key={operation.operationId}>
                      <td className="break-all py-1.5 pr-3 font-mono text-xs">
                        {operation.method} {operation.path}
                      </td>
                      <td className="py-1.5 pr-3 text-right tabular-nums">{n(operation.total)}</td>
                      <td
                        className={`py-1.5 pr-3 text-right tabular-nums ${operation.verifiedValid > 0 ? 'text-emerald-700' : 'font-semibold text-red-700'}`}
                      >
                        {n(operation.verifiedValid)}
                      </td>
                      <td className="whitespace-nowrap py-1.5 pr-3 text-slate-600">
                        {operation.lastAt ? formatDate(operation.lastAt) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        ) : null}
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title={`Open plan items (${n(report.openItems.length)})`}>
          {report.openItems.length === 0 ? (
            <p className="text-sm text-slate-600">Every plan item is done.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {report.openItems.map((item) => (
                <li key={item.id} className="py-2">
                  <p className="break-words font-medium text-slate-800">
                    {item.title}
                    {item.required ? null : (
                      <span className="ml-1 text-xs font-normal text-slate-500">(optional)</span>
                    )}
                  </p>
                  <p className="text-xs text-slate-500">
                    {item.phaseLabel}
                    {item.owner ? ` · ${item.owner}` : ''}
                    {item.due ? ` · due ${formatDate(item.due)}` : ''}
                    {item.overdue ? (
                      <span className="font-semibold text-red-700"> · overdue</span>
                    ) : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Evidence chain">
          {report.evidence.ok ? (
            <p className="text-sm text-emerald-800">
              Verifies: {n(report.evidence.entries)}{' '}
              {report.evidence.entries === 1 ? 'entry' : 'entries'}, each record as it was recorded.
            </p>
          ) : (
            <p className="text-sm font-semibold text-red-800" role="alert">
              Broken: {report.evidence.firstBreak?.message}
            </p>
          )}
          {report.evidence.head ? (
            <p className="mt-2 break-all font-mono text-xs text-slate-600">
              Head: #{report.evidence.head.seq} {report.evidence.head.hash}
            </p>
          ) : null}
          <p className="mt-2 text-xs text-slate-500">
            Checked {formatDateTime(report.evidence.checkedAt)}.
          </p>
        </Panel>
      </div>
      {report.notes.length > 0 ? (
        <Panel title="Notes">
          <p className="mb-2 text-xs text-slate-500">
            Notes marked internal stay out of the partner version.
          </p>
          <div className="space-y-4">
            {report.notes.map((item) => (
              <div key={item.itemId}>
                <h3 className="break-words text-sm font-semibold text-slate-900">
                  {item.itemTitle}{' '}
                  <span className="font-normal text-slate-500">· {item.phaseLabel}</span>
                </h3>
                <ul className="mt-1 space-y-2">
                  {item.notes.map((note, index) => (
                    <li
                      key={index}
                      className={`border-l-4 pl-3 text-sm ${note.internal ? 'border-amber-400' : 'border-slate-200'}`}
                    >
                      <p className="text-xs text-slate-500">
                        {note.author || 'Someone'}, {formatDateTime(note.createdAt)}
                        {note.internal ? (
                          <span className="ml-1 font-semibold text-amber-800">internal</span>
                        ) : null}
                      </p>
                      <p className="whitespace-pre-wrap break-words text-slate-800">{note.body}</p>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </Panel>
      ) : null}
    </div>
  )
}
