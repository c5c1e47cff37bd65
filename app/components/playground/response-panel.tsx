/** The answer of a send: status, timing, headers, body with its violations per line, or why nothing came back. */
import { Panel } from '~/components/ui/panel'
import type { SendOutcome } from '~/shared/playground'
import { BodyLines } from './body-lines'
import { ViolationList } from './violations'

function statusTone(status: number) {
  if (status < 300) return 'bg-emerald-100 text-emerald-800'
  if (status < 400) return 'bg-sky-100 text-sky-800'
  if (status < 500) return 'bg-amber-100 text-amber-800'
  return 'bg-red-100 text-red-800'
}

export function ResponsePanel({ outcome }: { outcome: SendOutcome }) {
  const requestCount = outcome.request.body.violations.length + outcome.request.other.length
  if (!outcome.sent)
    return (
      <Panel title="Not sent">
        <p role="alert" className="text-sm text-red-800">
          The body is not valid JSON, so the request was not sent. The error is marked on its line
          above; fix it and send again.
        </p>
      </Panel>
    )
  const response = outcome.response
  return (
    <Panel title="Response">
      <div className="space-y-4" aria-live="polite">
        <p className="break-all font-mono text-xs text-slate-600">
          {outcome.method} {outcome.url} · {outcome.environmentLabel}
          {outcome.credential ? ` · ${outcome.credential} (added on the server)` : ''}
        </p>
        <p className="text-sm text-slate-700">
          {requestCount === 0
            ? 'The request matched the spec.'
            : `The request had ${requestCount} violation${requestCount === 1 ? '' : 's'} (shown in the form); it was sent anyway.`}
        </p>
        {outcome.error ? (
          <p
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
          >
            No answer: {outcome.error}
          </p>
        ) : null}
        {response ? (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <span
                data-testid="response-status"
                className={`rounded px-2 py-0.5 font-mono text-sm font-bold ${statusTone(response.status)}`}
              >
                {response.status}
              </span>
              <span className="text-sm text-slate-600">
                {response.durationMs} ms
                <span className="text-slate-400"> (headers after {response.headersMs} ms)</span>
              </span>
              <span className="text-sm text-slate-700">
                {response.body.violations.length + response.other.length === 0
                  ? 'The response matches the spec.'
                  : `${response.body.violations.length + response.other.length} response violation(s).`}
              </span>
            </div>
            <ViolationList violations={response.other} title="Response violations" />
            <details>
              <summary className="cursor-pointer text-sm font-medium text-slate-800">
                Headers ({response.headers.length})
              </summary>
              <dl className="mt-2 divide-y divide-slate-100 rounded-md font-mono text-xs ring-1 ring-slate-200">
                {response.headers.map(([name, value]) => (
                  <div key={name} className="grid gap-x-3 px-3 py-1 sm:grid-cols-[14rem_1fr]">
                    <dt className="break-all text-slate-500">{name}</dt>
                    <dd className="break-all text-slate-900">{value}</dd>
                  </div>
                ))}
              </dl>
            </details>
            <div className="space-y-1">
              <h3 className="text-sm font-semibold text-slate-800">Body</h3>
              {response.truncated ? (
                <p className="text-xs text-amber-800">
                  The body was longer than 1 MB: it is cut there and its shape was not checked.
                </p>
              ) : null}
              <BodyLines body={response.body} label="Response body" />
              <ViolationList violations={response.body.violations} title="Body violations" />
            </div>
          </>
        ) : null}
      </div>
    </Panel>
  )
}
