const METHOD_COLOURS: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-800',
  POST: 'bg-emerald-100 text-emerald-800',
  PUT: 'bg-amber-100 text-amber-800',
  PATCH: 'bg-violet-100 text-violet-800',
  DELETE: 'bg-red-100 text-red-800',
}

/** `GET`, `POST`… in the colour of their kind. */
export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-block w-16 shrink-0 rounded px-2 py-0.5 text-center font-mono text-xs font-bold ${METHOD_COLOURS[method] ?? 'bg-slate-100 text-slate-800'}`}
    >
      {method}
    </span>
  )
}
