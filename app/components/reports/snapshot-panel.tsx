/**
 * A snapshot's views (HTML, Markdown, PDF, in the vendor and the partner
 * version), its content hash with how to re-verify it, and its PDF state;
 * and the history list of a partner's snapshots with the compare form.
 */
import { Form, Link } from '@remix-run/react'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { formatDateTime } from '~/shared/format'
import { PdfState, ReadinessVerdict, TRIGGER_LABELS } from './badges'

export type SnapshotEntry = {
  id: string
  createdAt: string
  trigger: string
  verdict: 'go' | 'no-go'
  score: number
  contentHash: string
  pdfStatus: string
  pdfError: string | null
  createdBy: string | null
}

const linkClass = 'text-indigo-700 underline-offset-2 hover:underline'

/** Downloads and views of one snapshot; `base` is the snapshot's URL. */
export function SnapshotViews({
  base,
  snapshot,
  canWrite,
}: {
  base: string
  snapshot: SnapshotEntry
  canWrite: boolean
}) {
  const pdfReady = snapshot.pdfStatus === 'ready'
  const retry =
    canWrite && (snapshot.pdfStatus === 'failed' || snapshot.pdfStatus === 'unavailable')
  return (
    <Panel title="Views and downloads">
      <div className="grid gap-4 text-sm md:grid-cols-2">
        <div>
          <h3 className="font-semibold text-slate-900">Vendor version</h3>
          <p className="text-xs text-slate-500">With the internal notes.</p>
          <ul className="mt-2 space-y-1">
            <li>
              <a href={`${base}/html`} className={linkClass} data-testid="view-html">
                HTML view
              </a>
            </li>
            <li>
              <a href={`${base}/md`} className={linkClass} download>
                Markdown download
              </a>
            </li>
            <li>
              {pdfReady ? (
                <a href={`${base}/pdf`} className={linkClass}>
                  PDF download
                </a>
              ) : (
                <span className="text-slate-500">PDF download (not ready)</span>
              )}
            </li>
          </ul>
        </div>
        <div>
          <h3 className="font-semibold text-slate-900">Partner version</h3>
          <p className="text-xs text-slate-500">Without the notes marked internal.</p>
          <ul className="mt-2 space-y-1">
            <li>
              <a href={`${base}/html?audience=partner`} className={linkClass}>
                HTML view
              </a>
            </li>
            <li>
              <a href={`${base}/md?audience=partner`} className={linkClass} download>
                Markdown download
              </a>
            </li>
            <li>
              {pdfReady ? (
                <a href={`${base}/pdf?audience=partner`} className={linkClass}>
                  PDF download
                </a>
              ) : (
                <span className="text-slate-500">PDF download (not ready)</span>
              )}
            </li>
          </ul>
        </div>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4 text-sm">
        <PdfState status={snapshot.pdfStatus} />
        {snapshot.pdfStatus === 'queued' ? (
          <span className="text-slate-600">
            Chromium prints the PDF in the background; reload in a moment.
          </span>
        ) : null}
        {snapshot.pdfError ? (
          <span className="min-w-0 flex-1 break-words text-slate-700" data-testid="pdf-error">
            {snapshot.pdfError}
          </span>
        ) : null}
        {retry ? (
          <Form method="post" action={base}>
            <input type="hidden" name="intent" value="render-pdf" />
            <SubmitButton variant="secondary" pendingText="Queuing…">
              Render the PDF again
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      <div className="mt-4 border-t border-slate-100 pt-4">
        <h3 className="text-sm font-semibold text-slate-900">Content hash</h3>
        <p className="mt-1 break-all font-mono text-xs text-slate-800" data-testid="content-hash">
          {snapshot.contentHash}
        </p>
        <p className="mt-1 text-xs text-slate-500">
          SHA-256 of the report’s canonical JSON (RFC 8785), as stored. To re-verify, download{' '}
          <a href={`${base}/json`} className={linkClass}>
            the report JSON
          </a>{' '}
          and compare its <code>sha256sum</code> with this value.
        </p>
      </div>
    </Panel>
  )
}

/** The partner's snapshots, newest first, and a GET form choosing two to compare. */
export function SnapshotHistory({
  snapshots,
  snapshotHref,
  compareAction,
  currentId,
}: {
  snapshots: SnapshotEntry[]
  snapshotHref: (id: string) => string
  compareAction: string
  currentId?: string
}) {
  const label = (snapshot: SnapshotEntry) =>
    `${formatDateTime(snapshot.createdAt)} · ${snapshot.verdict === 'go' ? 'Go' : 'No-go'} · ${snapshot.score}`
  return (
    <Panel title={`History (${snapshots.length.toLocaleString('en-GB')})`}>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm" data-testid="snapshot-history">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-3">Generated</th>
              <th className="py-2 pr-3">How</th>
              <th className="py-2 pr-3">Verdict</th>
              <th className="py-2 pr-3 text-right">Score</th>
              <th className="py-2 pr-3">PDF</th>
              <th className="py-2">Hash</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {snapshots.map((snapshot) => (
              <tr key={snapshot.id} aria-current={snapshot.id === currentId ? 'true' : undefined}>
                <td className="whitespace-nowrap py-2 pr-3">
                  <Link to={snapshotHref(snapshot.id)} className={linkClass}>
                    {formatDateTime(snapshot.createdAt)}
                  </Link>
                  {snapshot.id === currentId ? (
                    <span className="ml-2 text-xs text-slate-500">(shown)</span>
                  ) : null}
                </td>
                <td className="py-2 pr-3 text-slate-600">
                  {TRIGGER_LABELS[snapshot.trigger] ?? snapshot.trigger}
                  {snapshot.createdBy ? (
                    <span
                      className="block max-w-[12rem] truncate text-xs"
                      title={snapshot.createdBy}
                    >
                      {snapshot.createdBy}
                    </span>
                  ) : null}
                </td>
                <td className="py-2 pr-3">
                  <ReadinessVerdict verdict={snapshot.verdict} />
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{snapshot.score}</td>
                <td className="py-2 pr-3">
                  <PdfState status={snapshot.pdfStatus} />
                </td>
                <td className="py-2 font-mono text-xs text-slate-500" title={snapshot.contentHash}>
                  {snapshot.contentHash.slice(0, 12)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {snapshots.length >= 2 ? (
        <Form
          method="get"
          action={compareAction}
          className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4"
        >
          <div className="min-w-0 flex-1">
            <label htmlFor="compare-a" className="block text-sm font-medium text-slate-800">
              Compare (A, before)
            </label>
            <select
              id="compare-a"
              name="a"
              defaultValue={snapshots[1]!.id}
              className={`mt-1 ${inputClass}`}
            >
              {snapshots.map((snapshot) => (
                <option key={snapshot.id} value={snapshot.id}>
                  {label(snapshot)}
                </option>
              ))}
            </select>
          </div>
          <div className="min-w-0 flex-1">
            <label htmlFor="compare-b" className="block text-sm font-medium text-slate-800">
              With (B, after)
            </label>
            <select
              id="compare-b"
              name="b"
              defaultValue={snapshots[0]!.id}
              className={`mt-1 ${inputClass}`}
            >
              {snapshots.map((snapshot) => (
                <option key={snapshot.id} value={snapshot.id}>
                  {label(snapshot)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={buttonClass('secondary')}>
            Compare
          </button>
        </Form>
      ) : (
        <p className="mt-4 border-t border-slate-100 pt-4 text-sm text-slate-600">
          Two reports are needed to compare them side by side: generate another one later.
        </p>
      )}
    </Panel>
  )
}
