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

export function formatUptime(startedAt: string | null, status: string): string {
  if (!startedAt || status !== 'up') return '—'
  const seconds = Math.max(0, Math.floor((Date.now() - new Date(startedAt).getTime()) / 1000))
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
}
