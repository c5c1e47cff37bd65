import type { SerializeFrom } from '@remix-run/node'
import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { AnnotationList } from '~/components/annotations/annotation-list'
import { CopyButton } from '~/components/copy-button'
import { VerdictBadge } from '~/components/tests/badges'
import { Panel } from '~/components/ui/panel'
import type { CasePageData } from '~/server/testkit/views.server'
import { formatDateTime } from '~/shared/format'
import { CATEGORY_LABELS } from '~/shared/golden-templates'

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers)
  if (entries.length === 0) return <p className="text-xs text-slate-500">No headers.</p>
  return (
    <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-slate-500">{name}</dt>
          <dd className="break-all text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function Body({ text }: { text: string | null }) {
  if (!text) return <p className="text-xs text-slate-500">No body.</p>
  let shown = text
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    // not JSON: shown as received
  }
  return (
    <pre className="max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
      {shown}
    </pre>
  )
}

/**
 * One case of a run: verdict, the vendor's notes when it failed, assertions
 * (expected vs actual), each exchange with a curl to reproduce it, the
 * template's explanation, its history and the spec excerpt. `runsBase` is the
 * runs' URL in the vendor's pages or the partner portal; `assistant` is the
 * assistant's panel and `children` adds the audience's own panels (the
 * vendor's plan link).
 */
export function CaseView({
  data,
  runsBase,
  assistant,
  children,
}: {
  data: SerializeFrom<CasePageData>
  runsBase: string
  /** The assistant's panel about this case, right below its assertions. */
  assistant?: ReactNode
  children?: ReactNode
}) {
  const { run, entry, template, excerpt, history, notes } = data
  const runPath = `${runsBase}/${run.id}`
  return (
    <div className="space-y-6">
      <div>
        <Link to={runPath} className="text-sm text-indigo-700 hover:underline">
          ← {run.spec} on {run.environment}
        </Link>
        <h2 className="mt-1 flex flex-wrap items-center gap-3 text-xl font-bold text-slate-900">
          #{entry.seq} {entry.title} <VerdictBadge verdict={entry.verdict} />
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {CATEGORY_LABELS[entry.category as keyof typeof CATEGORY_LABELS] ?? entry.category} ·
          template{' '}
          <Link
            to={`/docs/templates#${entry.templateId}`}
            className="font-mono text-indigo-700 hover:underline"
          >
            {entry.templateId}
          </Link>{' '}
          · {entry.level}
          {entry.durationMs !== null ? ` · ${entry.durationMs} ms` : ''}
        </p>
        {entry.reason ? <p className="mt-2 text-sm text-slate-800">{entry.reason}</p> : null}
      </div>

      <AnnotationList annotations={notes} title="Notes from the API team on this operation" />

      <Panel title="Assertions">
        {entry.assertions.length === 0 ? (
          <p className="text-sm text-slate-600">
            No assertion was judged{entry.reason ? ': see the reason above.' : '.'}
          </p>
        ) : (
          <ul className="space-y-3">
            {entry.assertions.map((assertion, index) => (
              <li
                key={index}
                className={`rounded-md border p-3 text-sm ${assertion.passed ? 'border-emerald-200 bg-emerald-50/40' : assertion.severity === 'warning' ? 'border-amber-200 bg-amber-50' : 'border-red-200 bg-red-50'}`}
              >
                <p className="font-semibold text-slate-900">
                  {assertion.passed ? '✓' : assertion.severity === 'warning' ? '⚠' : '✗'}{' '}
                  {assertion.name}
                  {assertion.severity === 'warning' ? (
                    <span className="ml-2 text-xs font-normal text-amber-800">
                      (warning: does not fail the case)
                    </span>
                  ) : null}
                </p>
                <dl className="mt-1 grid grid-cols-[6rem_1fr] gap-x-2 gap-y-1">
                  <dt className="text-slate-500">Expected</dt>
                  <dd className="break-words text-slate-900">{assertion.expected}</dd>
                  <dt className="text-slate-500">Actual</dt>
                  <dd className="break-words text-slate-900">{assertion.actual}</dd>
                  {assertion.pointer ? (
                    <>
                      <dt className="text-slate-500">Spec</dt>
                      <dd className="break-all font-mono text-xs text-slate-700">
                        {assertion.pointer}
                      </dd>
                    </>
                  ) : null}
                </dl>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      {assistant}

      {entry.exchanges.map((exchange, index) => (
        <Panel
          key={index}
          title={`${entry.exchanges.length > 1 ? `Exchange ${index + 1}: ` : 'Exchange: '}${exchange.request.method} → ${exchange.response ? exchange.response.status : 'no answer'} (${exchange.durationMs} ms${exchange.retries ? `, ${exchange.retries} retr${exchange.retries === 1 ? 'y' : 'ies'} after 429` : ''})`}
        >
          <div className="grid gap-4 lg:grid-cols-2">
            <section aria-label="Request" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Request</h3>
              <p className="break-all font-mono text-xs text-slate-900">
                {exchange.request.method} {exchange.request.url}
              </p>
              <Headers headers={exchange.request.headers} />
              <Body text={exchange.request.body} />
            </section>
            <section aria-label="Response" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Response</h3>
              {exchange.response ? (
                <>
                  <p className="font-mono text-xs text-slate-900">
                    HTTP {exchange.response.status}
                    {exchange.response.truncated ? ' (body cut)' : ''}
                  </p>
                  <Headers headers={exchange.response.headers} />
                  <Body text={exchange.response.body} />
                </>
              ) : (
                <p className="text-sm text-red-700">{exchange.error?.message ?? 'No answer.'}</p>
              )}
            </section>
          </div>
          <div className="mt-4">
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-semibold text-slate-800">Reproduce with curl</h3>
              <CopyButton text={exchange.curl} label="Copy curl" />
            </div>
            <pre
              className="mt-1 overflow-auto rounded bg-slate-100 p-3 text-xs text-slate-900"
              data-testid="curl"
            >
              {exchange.curl}
            </pre>
            <p className="mt-1 text-xs text-slate-500">
              Credentials are placeholders: set $API_TOKEN (and the other $VARIABLES) in your shell
              first.
            </p>
          </div>
        </Panel>
      ))}

      <div className="grid gap-6 lg:grid-cols-2">
        {template ? (
          <Panel title={`About “${template.title}”`}>
            <dl className="space-y-2 text-sm">
              <dt className="font-semibold text-slate-800">Checks</dt>
              <dd className="text-slate-700">{template.checks}</dd>
              <dt className="font-semibold text-slate-800">Judged by</dt>
              <dd className="text-slate-700">{template.judgedBy}</dd>
              <dt className="font-semibold text-slate-800">Why it fails and how to fix it</dt>
              <dd className="text-slate-700">{template.fix}</dd>
            </dl>
          </Panel>
        ) : null}
        <Panel title="History of this case">
          {history.length === 0 ? (
            <p className="text-sm text-slate-600">First run of this case.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {history.map((row) => (
                <li key={row.runId} className="flex flex-wrap items-center gap-2">
                  <VerdictBadge verdict={row.verdict} />
                  <Link
                    to={`${runsBase}/${row.runId}/cases/${row.seq}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {formatDateTime(row.at)}
                  </Link>
                  <span className="text-slate-500">
                    v{row.version} · {row.environment}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>

      {children}

      {excerpt ? (
        <Panel title="The spec it was judged against">
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {excerpt}
          </pre>
        </Panel>
      ) : null}
    </div>
  )
}
