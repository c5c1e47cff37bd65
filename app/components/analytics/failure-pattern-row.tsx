import { Form, Link } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { ANNOTATION_TYPE_LABELS, type AnnotationType } from '~/shared/annotations'

export type PatternRowData = {
  specId: string
  specName: string
  templateId: string
  templateTitle: string
  operationId: string
  operation: { method: string; path: string } | null
  failedPartners: number
  ranPartners: number
  vendor: 'failed' | 'passed' | null
  trend: { week: string; failed: number }[]
  topReason: string | null
  topReasonCount: number
  suggestion: { type: AnnotationType; fieldPath: string; body: string } | null
  annotated: boolean
  operationHref: string | null
}

type ActionData =
  | { ok: true; kind: 'accepted'; message: string }
  | {
      ok: true
      kind: 'drafted'
      key: string
      suggestion: PatternRowData['suggestion']
      source: string
    }
  | { ok: false; status: number; message: string; key: string | null }
  | null

/** Inline bars, one per week (oldest first), with the numbers for screen readers and titles. */
export function TrendBars({ trend }: { trend: PatternRowData['trend'] }) {
  const max = Math.max(1, ...trend.map((point) => point.failed))
  const text = trend.map((point) => `${point.week}: ${point.failed}`).join(', ')
  return (
    <span className="inline-flex h-6 items-end gap-0.5" title={text} data-testid="trend">
      <span className="sr-only">Partners failing per week: {text}</span>
      {trend.map((point) => (
        <span
          key={point.week}
          aria-hidden
          className={`w-1.5 rounded-sm ${point.failed ? 'bg-red-500' : 'bg-slate-200'}`}
          style={{ height: `${Math.max(8, Math.round((point.failed / max) * 100))}%` }}
        />
      ))}
    </span>
  )
}

export function FailurePatternRow({
  pattern,
  canWrite,
  canDraft,
  actionData,
}: {
  pattern: PatternRowData
  canWrite: boolean
  canDraft: boolean
  actionData: ActionData
}) {
  const key = `${pattern.specId}|${pattern.templateId}|${pattern.operationId}`
  const draft =
    actionData?.ok && actionData.kind === 'drafted' && actionData.key === key ? actionData : null
  const error = actionData && !actionData.ok && actionData.key === key ? actionData.message : null
  const suggestion = draft?.suggestion ?? pattern.suggestion
  const label = pattern.operation
    ? `${pattern.operation.method} ${pattern.operation.path}`
    : pattern.operationId || 'The whole API'
  return (
    <tr data-testid="failure-pattern" className="align-top">
      <td className="px-3 py-3">
        <div className="font-medium text-slate-900">{pattern.templateTitle}</div>
        <code className="text-xs text-slate-500">{pattern.templateId}</code>
      </td>
      <td className="px-3 py-3">
        {pattern.operation ? (
          <span className="inline-flex items-center gap-2">
            <MethodBadge method={pattern.operation.method} />
            {pattern.operationHref ? (
              <Link to={pattern.operationHref} className="font-mono text-xs hover:underline">
                {pattern.operation.path}
              </Link>
            ) : (
              <span className="font-mono text-xs">{pattern.operation.path}</span>
            )}
          </span>
        ) : (
          <span className="text-xs text-slate-600">{label}</span>
        )}
        <div className="mt-1 text-xs text-slate-500">{pattern.specName}</div>
      </td>
      <td className="px-3 py-3 whitespace-nowrap">
        <span className="font-semibold text-red-700">
          {pattern.failedPartners} of {pattern.ranPartners} partners
        </span>
        {pattern.vendor ? (
          <div className="text-xs text-slate-500">
            Vendor run: {pattern.vendor === 'failed' ? 'fails too' : 'passes'}
          </div>
        ) : null}
      </td>
      <td className="px-3 py-3">
        <TrendBars trend={pattern.trend} />
      </td>
      <td className="max-w-xs px-3 py-3 text-xs text-slate-700">
        {pattern.topReason ? (
          <>
            {pattern.topReason}
            {pattern.topReasonCount > 1 ? (
              <span className="text-slate-500"> ({pattern.topReasonCount}×)</span>
            ) : null}
          </>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="min-w-64 px-3 py-3 text-xs">
        {pattern.annotated ? (
          <div className="space-y-1">
            <span className="inline-block rounded-full bg-emerald-50 px-2 py-0.5 font-semibold text-emerald-800 ring-1 ring-emerald-200">
              Annotated
            </span>
            {pattern.operationHref ? (
              <div>
                <Link
                  to={`${pattern.operationHref}#notes`}
                  className="text-indigo-700 hover:underline"
                >
                  See the note on {label}
                </Link>
              </div>
            ) : null}
          </div>
        ) : !suggestion ? (
          <span className="text-slate-500">
            No operation to annotate (a check of the whole API).
          </span>
        ) : !pattern.operationHref ? (
          <span className="text-slate-500">
            The operation is gone from the spec’s latest version.
          </span>
        ) : (
          <Form method="post" className="space-y-2">
            <input type="hidden" name="specId" value={pattern.specId} />
            <input type="hidden" name="templateId" value={pattern.templateId} />
            <input type="hidden" name="operationId" value={pattern.operationId} />
            <input type="hidden" name="type" value={suggestion.type} />
            <input type="hidden" name="fieldPath" value={suggestion.fieldPath} />
            <details open={draft ? true : undefined}>
              <summary className="cursor-pointer text-slate-700">
                {ANNOTATION_TYPE_LABELS[suggestion.type]} note
                {draft
                  ? draft.source === 'model'
                    ? ' (drafted by the assistant)'
                    : ' (the assistant could not draft it)'
                  : ''}
              </summary>
              <label className="mt-2 block">
                <span className="sr-only">Suggested note for {label}</span>
                <textarea
                  key={draft ? `draft-${draft.suggestion?.body.length}` : 'rules'}
                  name="body"
                  rows={8}
                  defaultValue={suggestion.body}
                  readOnly={!canWrite}
                  className={`${inputClass} font-mono text-xs`}
                />
              </label>
            </details>
            {error ? (
              <p role="alert" className="text-red-700">
                {error}
              </p>
            ) : null}
            {canWrite ? (
              <div className="flex flex-wrap gap-2">
                <SubmitButton
                  name="intent"
                  value="accept"
                  pendingText="Adding…"
                  pendingFor={['operationId', pattern.operationId]}
                  aria-label={`Accept the suggested note for ${pattern.templateId} on ${label}`}
                >
                  Accept
                </SubmitButton>
                {canDraft ? (
                  <SubmitButton
                    name="intent"
                    value="draft"
                    variant="secondary"
                    pendingText="Drafting…"
                    pendingFor={['operationId', pattern.operationId]}
                  >
                    Draft with the assistant
                  </SubmitButton>
                ) : null}
              </div>
            ) : null}
          </Form>
        )}
      </td>
    </tr>
  )
}
