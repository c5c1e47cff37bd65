import { getFormProps, getTextareaProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors, inputClass } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { formatDateTime } from '~/shared/format'
import { LegalHoldSchema, MAX_HOLD_REASON } from '~/shared/retention'

export type HoldView = { held: boolean; reason: string; setAt: string | null }

/** The badge shown beside a partner's name while it is on legal hold. */
export function LegalHoldBadge({ hold }: { hold: HoldView }) {
  if (!hold.held) return null
  return (
    <span
      className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900"
      data-testid="legal-hold-badge"
      title={hold.reason}
    >
      Legal hold
    </span>
  )
}

/**
 * A partner project's legal hold: the reason and since when, and (for owners
 * and admins) the form that sets or releases it, posted to `action`.
 */
export function LegalHoldPanel({
  action,
  partnerName,
  hold,
  canHold,
  lastResult,
}: {
  action: string
  partnerName: string
  hold: HoldView
  canHold: boolean
  lastResult?: SubmissionResult<string[]> | null
}) {
  const [form, fields] = useForm({
    id: 'legal-hold',
    lastResult,
    constraint: getZodConstraint(LegalHoldSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LegalHoldSchema }),
  })
  return (
    <Panel title={hold.held ? 'Legal hold: on' : 'Legal hold'}>
      {hold.held ? (
        <div className="space-y-3 text-sm">
          <p className="text-slate-700">
            {partnerName} is on legal hold
            {hold.setAt ? ` since ${formatDateTime(hold.setAt)}` : ''}: the retention purge keeps
            all its traces, test runs, evidence files and attributed mock requests until the hold is
            released.
          </p>
          <blockquote className="whitespace-pre-line break-words border-l-4 border-amber-300 pl-3 text-slate-800">
            {hold.reason}
          </blockquote>
          {canHold ? (
            <Form method="post" action={action}>
              <SubmitButton
                variant="secondary"
                name="intent"
                value="release"
                pendingText="Releasing…"
              >
                Release the hold
              </SubmitButton>
            </Form>
          ) : null}
        </div>
      ) : canHold ? (
        <Form method="post" action={action} {...getFormProps(form)} className="space-y-3">
          <input type="hidden" name="intent" value="set" />
          <p className="text-sm text-slate-600">
            A hold keeps all of {partnerName}’s data (traces, test runs, evidence files, the mock
            requests attributed to it) whatever the organisation’s retention policy says, until you
            release it.
          </p>
          <FormErrors errors={form.errors} id={form.errorId} />
          <div>
            <label htmlFor={fields.reason.id} className="block text-sm font-medium text-slate-800">
              Reason
            </label>
            <textarea
              {...getTextareaProps(fields.reason, { ariaDescribedBy: `${fields.reason.id}-hint` })}
              key={fields.reason.key}
              rows={3}
              className={`${inputClass} mt-1`}
            />
            <p id={`${fields.reason.id}-hint`} className="mt-1 text-xs text-slate-500">
              Required, up to {MAX_HOLD_REASON} characters: the matter or request it serves.
            </p>
            <ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
          </div>
          <SubmitButton pendingFor={['intent', 'set']} pendingText="Setting the hold…">
            Put on legal hold
          </SubmitButton>
        </Form>
      ) : (
        <p className="text-sm text-slate-600">
          {partnerName} is not on legal hold. Owners and admins can put it on hold.
        </p>
      )}
    </Panel>
  )
}
