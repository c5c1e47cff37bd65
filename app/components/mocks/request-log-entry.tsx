/**
 * One request of a mock's log: a summary line (time, method, path, status,
 * duration, validation outcome) that opens to the violations and the
 * redacted request and response.
 */
import { Link } from '@remix-run/react'
import { formatDateTime, plural } from '~/shared/format'

export type RequestLogItem = {
  at: string
  method: string
  path: string
  query?: string
  status: number
  durationMs: number
  operationId: string
  violations: { location: string; message: string }[]
  request: unknown
  response: unknown
}

const violationCount = (count: number) => plural(count, 'violation')

/** What the log can say about validation: only requests that reached an operation were validated. */
export function ValidationOutcome({
  entry,
  countText = violationCount,
}: {
  entry: Pick<RequestLogItem, 'violations' | 'operationId'>
  /** How the number of violations reads: "2 violations" unless told. */
  countText?: (count: number) => string
}) {
  if (entry.violations.length)
    return <span className="text-xs text-red-700">{countText(entry.violations.length)}</span>
  if (!entry.operationId)
    return <span className="text-xs text-slate-500">no matching operation</span>
  return <span className="text-xs text-emerald-700">valid</span>
}

export function RequestLogEntry({
  entry,
  formatAt = formatDateTime,
  violationsText,
  labelled = true,
}: {
  entry: RequestLogItem
  /** How the request's time reads: date and time unless told (a page of today's log may say only the time). */
  formatAt?: (at: string) => string
  /** How the number of violations reads, as ValidationOutcome's `countText`. */
  violationsText?: (count: number) => string
  /** Whether the request and response say what they are above them. */
  labelled?: boolean
}) {
  return (
    <details>
      <summary className="flex cursor-pointer flex-wrap items-center gap-3 py-2">
        <span className="font-mono text-xs text-slate-500">{formatAt(entry.at)}</span>
        <span className="font-mono font-semibold">{entry.method}</span>
        <span className="font-mono">{entry.path}</span>
        {entry.query ? (
          <span className="-ml-3 max-w-xs truncate font-mono text-slate-500">?{entry.query}</span>
        ) : null}
        <span
          className={`rounded px-2 text-xs font-semibold ${entry.status >= 400 ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800'}`}
        >
          {entry.status}
        </span>
        <span className="text-xs text-slate-500">{entry.durationMs} ms</span>
        <ValidationOutcome entry={entry} countText={violationsText} />
      </summary>
      <div className="grid gap-3 pb-3 lg:grid-cols-2">
        {entry.violations.length ? (
          <ul className="list-disc pl-5 text-xs text-red-800 lg:col-span-2">
            {entry.violations.map((violation, index) => (
              <li key={index}>
                <span className="font-mono">{violation.location}</span> {violation.message}
              </li>
            ))}
          </ul>
        ) : null}
        <Json label={labelled ? 'Request (credentials redacted)' : null} value={entry.request} />
        <Json label={labelled ? 'Response' : null} value={entry.response} />
      </div>
    </details>
  )
}

function Json({ label, value }: { label: string | null; value: unknown }) {
  const pre = (
    <pre className="max-h-80 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
      {JSON.stringify(value, null, 2)}
    </pre>
  )
  if (!label) return pre
  return (
    <div>
      <p className="text-xs font-semibold text-slate-600">{label}</p>
      {pre}
    </div>
  )
}

/** Links to the newest page of a log and to the page after this one, when there are such pages. */
export function LogPages({
  newestHref,
  olderHref,
}: {
  /** Set when this page is not the newest. */
  newestHref: string | null
  olderHref: string | null
}) {
  if (!newestHref && !olderHref) return null
  return (
    <nav aria-label="Request log pages" className="mt-3 flex justify-between text-sm">
      {newestHref ? (
        <Link to={newestHref} className="text-indigo-700 hover:underline">
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {olderHref ? (
        <Link to={olderHref} className="text-indigo-700 hover:underline">
          Older requests →
        </Link>
      ) : null}
    </nav>
  )
}
