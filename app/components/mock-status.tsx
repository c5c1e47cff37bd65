const STYLES: Record<string, string> = {
  up: 'bg-emerald-100 text-emerald-800',
  starting: 'bg-sky-100 text-sky-800',
  restarting: 'bg-amber-100 text-amber-800',
  stopped: 'bg-slate-200 text-slate-700',
  failed: 'bg-red-100 text-red-800',
}

export function MockStatus({ status }: { status: string }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STYLES[status] ?? STYLES.stopped}`}
    >
      {status}
    </span>
  )
}
