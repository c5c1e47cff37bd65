/**
 * "Who sees this": shared with every partner project of the project, or only
 * with chosen ones. `VisibilityForm` is a resource page's form
 * (`intent=visibility`); `NewResourceVisibilityFields` is the same choice
 * inside the import and new-mock forms. Both work without JavaScript.
 */
import { getCollectionProps, getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form, Link } from '@remix-run/react'
import type { InputHTMLAttributes, ReactNode } from 'react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors } from '~/components/ui/forms'
import {
  describeVisibility,
  type ShareableType,
  type SharePartner,
  type ShareStateView,
  VISIBILITY_INTENT,
  VisibilitySchema,
  type Visibility,
} from '~/shared/visibility-forms'

/** What a route's action answers when the visibility form is refused. */
export type VisibilityActionResult = {
  resourceType: ShareableType | null
  reply: SubmissionResult<string[]>
}

type InputAttrs = InputHTMLAttributes<HTMLInputElement> & { key?: string }

const CHOICES: { value: Visibility; label: string }[] = [
  { value: 'all', label: 'Shared with every partner' },
  { value: 'restricted', label: 'Only these partners' },
]

function Choices({
  legend,
  partners,
  radio,
  checkbox,
  partnersLink,
  describedBy,
}: {
  legend: ReactNode
  partners: SharePartner[]
  radio: (value: Visibility) => InputAttrs
  checkbox: (partnerId: string) => InputAttrs
  partnersLink?: string
  describedBy?: string
}) {
  return (
    <fieldset className="space-y-2" aria-describedby={describedBy}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {CHOICES.map((choice) => {
        const { key, ...props } = radio(choice.value)
        return (
          <label
            key={key ?? choice.value}
            className="flex items-center gap-2 text-sm text-slate-800"
          >
            <input {...props} className="h-4 w-4 border-slate-300" />
            {choice.label}
          </label>
        )
      })}
      {partners.length > 0 ? (
        <fieldset className="ml-6">
          <legend className="text-xs text-slate-500">Partners (with “Only these partners”)</legend>
          <ul className="mt-1 grid gap-1 sm:grid-cols-2">
            {partners.map((partner) => {
              const { key, ...props } = checkbox(partner.id)
              return (
                <li key={key ?? partner.id}>
                  <label className="flex items-center gap-2 text-sm text-slate-800">
                    <input {...props} className="h-4 w-4 rounded border-slate-300" />
                    {partner.name}
                  </label>
                </li>
              )
            })}
          </ul>
        </fieldset>
      ) : (
        <p className="ml-6 text-xs text-slate-500">
          No partners in this project yet
          {partnersLink ? (
            <>
              {' '}
              (add them on the{' '}
              <Link to={partnersLink} className="text-indigo-700 hover:underline">
                Partners tab
              </Link>
              )
            </>
          ) : null}
          . “Only these partners” with none chosen hides it from every partner.
        </p>
      )}
    </fieldset>
  )
}

/** One resource's sharing: the state in words, and for writers the form that changes it. */
export function VisibilityForm({
  resourceType,
  title,
  description,
  state,
  partners,
  canEdit,
  result,
  partnersLink,
}: {
  resourceType: ShareableType
  title?: string
  description?: ReactNode
  state: ShareStateView
  partners: SharePartner[]
  canEdit: boolean
  /** The action's answer to a refused visibility form, if any. */
  result?: VisibilityActionResult | null
  partnersLink?: string
}) {
  const lastResult =
    result && (result.resourceType === resourceType || result.resourceType === null)
      ? result.reply
      : undefined
  const [form, fields] = useForm({
    id: `visibility-${resourceType}`,
    lastResult,
    constraint: getZodConstraint(VisibilitySchema),
    defaultValue: {
      resourceType,
      visibility: state.visibility,
      partnerProjectIds: state.partnerProjectIds,
    },
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VisibilitySchema }),
  })
  const summaryId = `${form.id}-summary`
  const summary = describeVisibility(state, partners)
  const radios = getCollectionProps(fields.visibility, {
    type: 'radio',
    options: ['all', 'restricted'],
  })
  const boxes = getCollectionProps(fields.partnerProjectIds, {
    type: 'checkbox',
    options: partners.map((partner) => partner.id),
  })
  return (
    <section className="space-y-3" aria-label={title ?? 'Who sees it'}>
      {title ? <h3 className="text-sm font-semibold text-slate-900">{title}</h3> : null}
      {description ? <p className="text-xs text-slate-500">{description}</p> : null}
      <p
        id={summaryId}
        className="text-sm font-medium text-slate-800"
        data-testid={`visibility-${resourceType}`}
      >
        {summary}
      </p>
      {canEdit ? (
        <Form method="post" className="space-y-3" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <input type="hidden" name="intent" value={VISIBILITY_INTENT} />
          <input type="hidden" name="resourceType" value={resourceType} />
          <Choices
            legend="Who sees it"
            partners={partners}
            radio={(value) => radios.find((props) => props.value === value)!}
            checkbox={(id) => boxes.find((props) => props.value === id)!}
            partnersLink={partnersLink}
            describedBy={summaryId}
          />
          <ErrorList id={fields.visibility.errorId} errors={fields.visibility.errors} />
          <ErrorList
            id={fields.partnerProjectIds.errorId}
            errors={fields.partnerProjectIds.errors}
          />
          <SubmitButton
            variant="secondary"
            pendingText="Saving…"
            pendingFor={['resourceType', resourceType]}
          >
            Save who sees it
          </SubmitButton>
        </Form>
      ) : (
        <p className="text-xs text-slate-500">
          Only vendors, admins and owners change who sees it.
        </p>
      )}
    </section>
  )
}

/**
 * The same choice inside a form that creates a resource (the Specs tab's
 * import, the new mock). Render it only when the project has partners:
 * without the fields the new resource is shared with every partner.
 */
export function NewResourceVisibilityFields({
  idPrefix,
  partners,
  legend = 'Who sees it',
  hint,
}: {
  idPrefix: string
  partners: SharePartner[]
  legend?: ReactNode
  hint?: ReactNode
}) {
  const hintId = hint ? `${idPrefix}-visibility-hint` : undefined
  return (
    <div>
      <Choices
        legend={legend}
        partners={partners}
        radio={(value) => ({
          id: `${idPrefix}-visibility-${value}`,
          type: 'radio',
          name: 'visibility',
          value,
          defaultChecked: value === 'all',
        })}
        checkbox={(id) => ({
          id: `${idPrefix}-partner-${id}`,
          type: 'checkbox',
          name: 'partnerProjectIds',
          value: id,
        })}
        describedBy={hintId}
      />
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

/** The small mark on restricted resources in the Specs and Mocks lists. */
export function RestrictedBadge({ label = 'Restricted' }: { label?: string }) {
  return (
    <span
      className="inline-flex rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800"
      title="Shared only with chosen partners"
    >
      {label}
    </span>
  )
}
