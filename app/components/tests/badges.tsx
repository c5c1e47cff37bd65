import type { RunCounts } from '~/server/testkit/model.server'

const VERDICT_STYLES: Record<string, string> = {
  passed: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  errored: 'bg-orange-100 text-orange-800',
  skipped: 'bg-slate-100 text-slate-600',
  needs_config: 'bg-amber-100 text-amber-800',
  pending: 'bg-sky-50 text-sky-700',
}

export const VERDICT_LABELS: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  errored: 'errored',
  skipped: 'skipped',
  needs_config: 'needs configuration',
  pending: 'pending',
}

export function VerdictBadge({ verdict }: { verdict: string }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${VERDICT_STYLES[verdict] ?? VERDICT_STYLES.skipped}`}
      data-verdict={verdict}
    >
      {VERDICT_LABELS[verdict] ?? verdict}
    </span>
  )
}

const STATUS_STYLES: Record<string, string> = {
  queued: 'bg-sky-100 text-sky-800',
  running: 'bg-indigo-100 text-indigo-800',
  passed: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  incomplete: 'bg-amber-100 text-amber-800',
  errored: 'bg-orange-100 text-orange-800',
  cancelled: 'bg-slate-200 text-slate-700',
  interrupted: 'bg-slate-200 text-slate-700',
}

export function RunStatus({ status }: { status: string }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLES[status] ?? STATUS_STYLES.cancelled}`}
      data-testid="run-status"
    >
      {status}
    </span>
  )
}

/** Counts and a progress bar whose segments are the verdicts. */
export function RunProgress({ counts, compact = false }: { counts: RunCounts; compact?: boolean }) {
  const total = Math.max(1, counts.total)
  const segments: [string, number, string][] = [
    ['passed', counts.passed, 'bg-emerald-500'],
    ['failed', counts.failed, 'bg-red-500'],
    ['errored', counts.errored, 'bg-orange-400'],
    ['needs configuration', counts.needs_config, 'bg-amber-400'],
    ['skipped', counts.skipped, 'bg-slate-300'],
  ]
  const percent = Math.round((counts.done / total) * 100)
  const bar = (
    <div
      className={`flex ${compact ? 'h-2' : 'h-3'} w-full overflow-hidden rounded-full bg-slate-100`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={counts.total}
      aria-valuenow={counts.done}
      aria-label={`${counts.done} of ${counts.total} cases finished`}
    >
      {segments.map(([label, value, color]) =>
        value > 0 ? (
          <div key={label} className={color} style={{ width: `${(value / total) * 100}%` }} />
        ) : null,
      )}
    </div>
  )
  if (compact)
    return (
      <div>
        {bar}
        <p className="mt-1 text-xs text-slate-600">
          {counts.passed} passed ·{' '}
          <span className={counts.failed ? 'font-semibold text-red-700' : ''}>
            {counts.failed} failed
          </span>
          {counts.errored ? ` · ${counts.errored} errored` : ''}
          {counts.needs_config ? ` · ${counts.needs_config} need config` : ''} · {counts.done}/
          {counts.total}
        </p>
      </div>
    )
  return (
    <div>
      {bar}
      <p
        className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700"
        data-testid="run-counts"
      >
        <span>
          <strong>{counts.done}</strong> of {counts.total} done ({percent}%)
        </span>
        <span className="text-emerald-700">{counts.passed} passed</span>
        <span className="text-red-700">{counts.failed} failed</span>
        <span className="text-orange-700">{counts.errored} errored</span>
        <span className="text-amber-700">{counts.needs_config} need configuration</span>
        <span className="text-slate-500">{counts.skipped} skipped</span>
        {counts.requiredFailed > 0 ? (
          <span className="font-semibold text-red-800">
            {counts.requiredFailed} Required failing
          </span>
        ) : null}
      </p>
    </div>
  )
}
