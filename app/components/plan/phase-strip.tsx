import {
  PHASE_LABELS,
  type Phase,
  PHASES,
  ITEM_STATUS_LABELS,
  type ItemStatus,
} from '~/shared/plan'

type PhaseState = { total: number; done: number; complete: boolean }

/** Five segments, one per phase: done, current, to come. */
export function PhaseStrip({
  phases,
  current,
  compact = false,
}: {
  phases: Record<Phase, PhaseState>
  current: Phase | null
  compact?: boolean
}) {
  return (
    <ol
      className={`grid grid-cols-5 gap-1 ${compact ? 'text-[11px]' : 'text-xs'}`}
      aria-label="Onboarding phases"
    >
      {PHASES.map((phase, index) => {
        const state = phases[phase]
        const isCurrent = phase === current
        const tone = state.complete
          ? 'border-emerald-500 bg-emerald-50 text-emerald-900'
          : isCurrent
            ? 'border-indigo-500 bg-indigo-50 text-indigo-900'
            : 'border-slate-200 bg-white text-slate-500'
        return (
          <li
            key={phase}
            className={`rounded border-t-4 px-2 py-1 ${tone}`}
            aria-current={isCurrent ? 'step' : undefined}
            data-phase={phase}
            data-complete={state.complete || undefined}
          >
            <span className="block truncate font-semibold" title={PHASE_LABELS[phase]}>
              {index + 1}. {PHASE_LABELS[phase]}
            </span>
            {compact ? null : (
              <span className="block">
                {state.complete ? 'Complete' : `${state.done}/${state.total} required done`}
              </span>
            )}
          </li>
        )
      })}
    </ol>
  )
}

const STATUS_STYLES: Record<ItemStatus, string> = {
  open: 'bg-slate-100 text-slate-700',
  in_progress: 'bg-sky-100 text-sky-800',
  blocked: 'bg-red-100 text-red-800',
  done: 'bg-emerald-100 text-emerald-800',
}

export function ItemStatusBadge({ status }: { status: ItemStatus }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${STATUS_STYLES[status]}`}
      data-status={status}
    >
      {ITEM_STATUS_LABELS[status]}
    </span>
  )
}
