/** Small pieces the report pages share: the verdict, the score, the trend, the PDF state. */

export const BLOCKER_KIND_LABELS: Record<string, string> = {
  case: 'Failing case',
  run: 'Certification run',
  traces: 'Traffic evidence',
  'plan-item': 'Plan item',
  evidence: 'Evidence chain',
}

export const TRIGGER_LABELS: Record<string, string> = {
  manual: 'By hand',
  schedule: 'Scheduled',
  api: 'API',
}

export const SCHEDULE_OPTIONS = ['off', 'daily', 'weekly'] as const

export const SCHEDULE_LABELS: Record<(typeof SCHEDULE_OPTIONS)[number], string> = {
  off: 'Off',
  daily: 'Daily (06:00 UTC)',
  weekly: 'Weekly (Mondays, 06:00 UTC)',
}

export function ReadinessVerdict({
  verdict,
  size = 'sm',
}: {
  verdict: 'go' | 'no-go'
  size?: 'sm' | 'lg'
}) {
  const tone =
    verdict === 'go'
      ? 'bg-emerald-100 text-emerald-800 ring-emerald-300'
      : 'bg-red-100 text-red-800 ring-red-300'
  const scale = size === 'lg' ? 'px-3 py-1 text-lg' : 'px-2 py-0.5 text-xs'
  return (
    <span
      className={`inline-block whitespace-nowrap rounded font-bold uppercase tracking-wide ring-1 ring-inset ${tone} ${scale}`}
      data-verdict={verdict}
    >
      {verdict === 'go' ? 'Go' : 'No-go'}
    </span>
  )
}

/** A score out of 100 with a bar; the number is the text, the bar decoration. */
export function ScoreBar({ value, label }: { value: number | null; label?: string }) {
  if (value === null) return <span className="text-xs text-slate-500">n/a</span>
  const width = Math.max(0, Math.min(100, value))
  const tone = width >= 80 ? 'bg-emerald-500' : width >= 50 ? 'bg-amber-500' : 'bg-red-500'
  return (
    <span className="inline-flex items-center gap-2">
      <span aria-hidden className="inline-block h-1.5 w-20 overflow-hidden rounded bg-slate-200">
        <span className={`block h-full ${tone}`} style={{ width: `${width}%` }} />
      </span>
      <span className="tabular-nums">{label ?? `${width}%`}</span>
    </span>
  )
}

export function TrendLabel({
  trend,
  previousScore,
}: {
  trend: 'up' | 'down' | 'same' | 'first'
  previousScore: number | null
}) {
  if (trend === 'first') return <span className="text-slate-500">First report</span>
  const words = {
    up: ['▲', 'Up', 'text-emerald-700'],
    down: ['▼', 'Down', 'text-red-700'],
    same: ['■', 'Same', 'text-slate-600'],
  }[trend]
  return (
    <span className={`whitespace-nowrap ${words[2]}`} data-trend={trend}>
      <span aria-hidden>{words[0]}</span> {words[1]}
      {previousScore !== null ? (
        <span className="text-slate-500"> (from {previousScore})</span>
      ) : null}
    </span>
  )
}

const PDF_STATES: Record<string, [string, string]> = {
  none: ['No PDF', 'bg-slate-100 text-slate-600'],
  queued: ['PDF rendering…', 'bg-sky-100 text-sky-800'],
  ready: ['PDF ready', 'bg-emerald-100 text-emerald-800'],
  failed: ['PDF failed', 'bg-red-100 text-red-800'],
  unavailable: ['PDF unavailable', 'bg-amber-100 text-amber-800'],
}

export function PdfState({ status }: { status: string }) {
  const [label, tone] = PDF_STATES[status] ?? PDF_STATES.none!
  return (
    <span
      className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${tone}`}
      data-pdf-status={status}
    >
      {label}
    </span>
  )
}
