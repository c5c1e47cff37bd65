import type { SerializeFrom } from '@remix-run/node'
import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { CopyButton } from '~/components/copy-button'
import { MethodBadge } from '~/components/method-badge'
import { Panel } from '~/components/ui/panel'
import type {
  PlacedViolation,
  SideView,
  TraceDetail,
  TraceViolation,
} from '~/server/traces/query.server'
import { formatDate, formatTime, plural } from '~/shared/format'

type Side = 'request' | 'response'

const when = (iso: string) => `${formatDate(iso)} ${formatTime(iso)} UTC`

function Constraint({ violation }: { violation: TraceViolation }) {
  return violation.constraint ? (
    <span className="ml-1 text-xs text-red-700/80">({violation.constraint})</span>
  ) : null
}

const PLACES: Record<string, string> = {
  status: 'status',
  header: 'header (absent)',
  query: 'query string',
  path: 'path',
  cookie: 'cookie',
}

/** Where a violation is shown on the page, for the list at the top. */
type Located = { violation: TraceViolation; anchor: string; place: string }

function locate(side: Side, view: SideView): Located[] {
  const located: Located[] = []
  for (const violation of view.other)
    located.push({
      violation,
      anchor: `${side}-summary`,
      place: PLACES[violation.location.split(/[./]/)[0] ?? ''] ?? violation.location,
    })
  view.headers.forEach((header, index) => {
    for (const violation of header.violations)
      located.push({ violation, anchor: `${side}-header-${index}`, place: 'header' })
  })
  for (const violation of view.body.violations)
    located.push({
      violation,
      anchor: violation.line ? `${side}-line-${violation.line}` : `${side}-body`,
      place: violation.line
        ? `body, line ${violation.line}${violation.exact ? '' : ' (the member is absent: its parent)'}`
        : 'body',
    })
  return located
}

function ViolationList({ side, view }: { side: Side; view: SideView }) {
  const located = locate(side, view)
  if (located.length === 0) return null
  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-800">
        {side === 'request' ? 'Request' : 'Response'} ({located.length})
      </h3>
      <ul className="mt-1 space-y-1 text-sm">
        {located.map(({ violation, anchor, place }, index) => (
          <li key={index} className="flex flex-wrap items-baseline gap-x-2">
            <a
              href={`#${anchor}`}
              className="shrink-0 font-mono text-xs text-indigo-700 hover:underline"
            >
              {place}
            </a>
            <span className="break-all font-mono text-xs text-slate-600">{violation.location}</span>
            <span className="break-words text-slate-900">
              {violation.message}
              <Constraint violation={violation} />
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}

function InlineViolations({ violations }: { violations: TraceViolation[] }) {
  if (violations.length === 0) return null
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-red-800">
      {violations.map((violation, index) => (
        <li key={index} className="break-words">
          <span aria-hidden>⚠ </span>
          <span className="font-mono">{violation.location}</span> {violation.message}
          <Constraint violation={violation} />
        </li>
      ))}
    </ul>
  )
}

function Headers({ side, view }: { side: Side; view: SideView }) {
  if (view.headers.length === 0) return <p className="text-xs text-slate-500">No headers.</p>
  return (
    <dl className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
      {view.headers.map((header, index) => (
        <div
          key={`${header.name}-${index}`}
          id={`${side}-header-${index}`}
          className={`grid scroll-mt-4 gap-x-3 px-3 py-1 font-mono text-xs target:ring-2 target:ring-indigo-500 sm:grid-cols-[minmax(8rem,14rem)_1fr] ${header.violations.length ? 'border-l-4 border-red-500 bg-red-50' : ''}`}
        >
          <dt className="break-all text-slate-500">{header.name}</dt>
          <dd className="break-all text-slate-900">
            {header.value}
            <InlineViolations violations={header.violations} />
          </dd>
        </div>
      ))}
    </dl>
  )
}

function BodyView({
  side,
  view,
  maxBodyLines,
}: {
  side: Side
  view: SideView
  maxBodyLines: number
}) {
  const { body } = view
  const notes: ReactNode[] = []
  if (view.bodyTruncated)
    notes.push('The body was longer than 64 KB: it was cut when stored, so it ends early.')
  if (body.kind === 'text' && body.violations.length)
    notes.push('Not JSON: shown as received. Its violations are listed above, without a line.')
  if (view.hiddenLines)
    notes.push(
      `Only the first ${maxBodyLines.toLocaleString('en-GB')} lines are shown (${view.hiddenLines.toLocaleString('en-GB')} more). Violations further down are listed above with their line.`,
    )
  if (body.kind === 'empty')
    return (
      <div id={`${side}-body`}>
        <p className="text-xs text-slate-500">No body.</p>
        {body.violations.length ? <InlineViolations violations={body.violations} /> : null}
      </div>
    )
  const byLine = new Map<number, PlacedViolation[]>()
  for (const violation of body.violations)
    if (violation.line)
      byLine.set(violation.line, [...(byLine.get(violation.line) ?? []), violation])
  const lines = body.text.split('\n')
  return (
    <div id={`${side}-body`} className="space-y-1">
      {notes.map((note, index) => (
        <p key={index} className="text-xs text-amber-800">
          {note}
        </p>
      ))}
      <div className="max-h-[40rem] overflow-auto rounded-md bg-slate-50 ring-1 ring-slate-200">
        <ol
          className="min-w-full py-2 font-mono text-xs"
          aria-label={`${side === 'request' ? 'Request' : 'Response'} body, ${plural(lines.length, 'line')}`}
        >
          {lines.map((text, index) => {
            const number = index + 1
            const marks = byLine.get(number)
            return (
              <li
                key={number}
                id={marks ? `${side}-line-${number}` : undefined}
                className={`grid scroll-mt-4 grid-cols-[3.5rem_1fr] target:ring-2 target:ring-inset target:ring-indigo-500 ${marks ? 'border-l-4 border-red-500 bg-red-50' : 'border-l-4 border-transparent'}`}
              >
                <span aria-hidden className="select-none pr-3 text-right text-slate-400">
                  {number}
                </span>
                <span className="whitespace-pre-wrap break-all text-slate-900">{text || ' '}</span>
                {marks ? (
                  <ul className="col-start-2 mb-1 space-y-0.5 font-sans text-xs text-red-800">
                    {marks.map((violation, markIndex) => (
                      <li key={markIndex} className="break-words">
                        <span aria-hidden>⚠ </span>
                        <span className="font-mono">{violation.location}</span> {violation.message}
                        <Constraint violation={violation} />
                        {violation.exact ? null : (
                          <span className="text-red-700/80"> (absent: shown at its parent)</span>
                        )}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            )
          })}
        </ol>
      </div>
    </div>
  )
}

/**
 * One trace: verification and validity, what it matched, the violations placed
 * on the headers and body lines they concern. `operationHref` links the matched
 * operation in the vendor's or the partner's spec pages.
 */
export function TraceDetailView({
  trace,
  back,
  operationHref,
  maxBodyLines,
  assistant,
}: {
  trace: SerializeFrom<TraceDetail>
  back: string
  operationHref: string | null
  maxBodyLines: number
  /** The assistant's panel about this trace, below its violations. */
  assistant?: ReactNode
}) {
  const placedCount = trace.violationCount - trace.operationViolations.length
  return (
    <div className="space-y-6">
      <div>
        <Link to={back} className="text-sm text-indigo-700 hover:underline">
          ← Traces
        </Link>
        <h2 className="mt-2 flex flex-wrap items-center gap-3 text-lg font-bold text-slate-900">
          <MethodBadge method={trace.method} />
          <span className="min-w-0 break-all font-mono text-base font-semibold">{trace.url}</span>
          <span className="font-mono">→ {trace.status}</span>
        </h2>
        <div className="mt-2 flex flex-wrap gap-2 text-xs font-medium">
          {trace.verified ? (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-emerald-800">
              Verified: signed by the partner
            </span>
          ) : (
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-700">
              Not verified{trace.source === 'upload' ? ': uploaded on this tab' : ''}
            </span>
          )}
          {trace.valid ? (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-emerald-800">
              Valid against the spec
            </span>
          ) : trace.operationKey ? (
            <span className="rounded-full bg-red-100 px-2 py-0.5 text-red-800">
              {plural(placedCount, 'violation')}
            </span>
          ) : (
            <span className="rounded-full bg-amber-100 px-2 py-0.5 text-amber-900">
              No operation matched
            </span>
          )}
        </div>
      </div>

      {trace.operationViolations.length ? (
        <div
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
        >
          <p className="font-semibold">This request is not an operation of the spec.</p>
          {trace.operationViolations.map((violation, index) => (
            <p key={index} className="mt-1 break-words">
              {violation.message}
            </p>
          ))}
          <p className="mt-1">
            It is kept as evidence but counts as no operation’s traffic. Check the URL against the
            spec’s paths and servers, or import the spec version the partner calls.
          </p>
        </div>
      ) : null}

      <Panel title="About this trace">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">Partner</dt>
          <dd className="text-slate-900">
            {trace.partner.name} <span className="text-slate-500">({trace.partner.slug})</span>
          </dd>
          <dt className="text-slate-500">Operation</dt>
          <dd className="text-slate-900">
            {trace.operation && operationHref ? (
              <>
                <Link to={operationHref} className="font-mono text-indigo-700 hover:underline">
                  {trace.operation.method} {trace.operation.path}
                </Link>
                <span className="text-slate-500">
                  {' '}
                  · {trace.operation.key} · {trace.operation.specName} v
                  {trace.operation.versionNumber}
                </span>
                {trace.operation.summary ? (
                  <span className="block text-slate-600">{trace.operation.summary}</span>
                ) : null}
              </>
            ) : trace.operationKey ? (
              <span className="font-mono">
                {trace.operationKey}{' '}
                <span className="font-sans text-slate-500">
                  (its spec version is no longer in this project)
                </span>
              </span>
            ) : (
              <span className="text-slate-500">None matched</span>
            )}
          </dd>
          <dt className="text-slate-500">Received</dt>
          <dd className="text-slate-900">{when(trace.receivedAt)}</dd>
          <dt className="text-slate-500">Happened</dt>
          <dd className="text-slate-900">
            {when(trace.occurredAt)}
            <span className="text-slate-500"> (as the partner reported it)</span>
          </dd>
          <dt className="text-slate-500">Duration</dt>
          <dd className="text-slate-900">
            {trace.durationMs !== null
              ? `${trace.durationMs.toLocaleString('en-GB')} ms`
              : 'not reported'}
          </dd>
          <dt className="text-slate-500">Came in</dt>
          <dd className="text-slate-900">
            {trace.source === 'upload'
              ? 'Uploaded as a file on the Traces tab'
              : 'Signed batch sent to the API'}
          </dd>
          <dt className="text-slate-500">Trace id</dt>
          <dd className="flex flex-wrap items-center gap-2">
            <code className="break-all text-xs text-slate-900">{trace.id}</code>
            <CopyButton text={trace.id} label="Copy id" />
          </dd>
        </dl>
        <p className="mt-3 text-xs text-slate-500">
          Credentials in headers, query strings and bodies were redacted before the trace was
          stored.
        </p>
      </Panel>

      {placedCount > 0 ? (
        <Panel title={`Violations (${placedCount})`}>
          <div className="space-y-4">
            <ViolationList side="request" view={trace.request} />
            <ViolationList side="response" view={trace.response} />
          </div>
        </Panel>
      ) : null}

      {assistant}

      <Panel title="Request">
        <div className="space-y-3">
          <div id="request-summary">
            <p className="break-all font-mono text-xs text-slate-900">
              {trace.method} {trace.url}
            </p>
            <InlineViolations violations={trace.request.other} />
          </div>
          <h3 className="text-sm font-semibold text-slate-800">Headers</h3>
          <Headers side="request" view={trace.request} />
          <h3 className="text-sm font-semibold text-slate-800">Body</h3>
          <BodyView side="request" view={trace.request} maxBodyLines={maxBodyLines} />
        </div>
      </Panel>

      <Panel title="Response">
        <div className="space-y-3">
          <div id="response-summary">
            <p className="font-mono text-xs text-slate-900">HTTP {trace.status}</p>
            <InlineViolations violations={trace.response.other} />
          </div>
          <h3 className="text-sm font-semibold text-slate-800">Headers</h3>
          <Headers side="response" view={trace.response} />
          <h3 className="text-sm font-semibold text-slate-800">Body</h3>
          <BodyView side="response" view={trace.response} maxBodyLines={maxBodyLines} />
        </div>
      </Panel>
    </div>
  )
}
