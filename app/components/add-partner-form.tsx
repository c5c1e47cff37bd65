import {
  getFormProps,
  type FieldMetadata,
  type FormMetadata,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import type { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'

type AddPartnerValues = { name: string; slug?: string; intent?: string }

/** The conform form for AddPartnerSchema (or it with a hidden intent), validated as you type. */
export function useAddPartnerForm(
  schema: z.ZodType<AddPartnerValues>,
  lastResult: SubmissionResult<string[]> | null | undefined,
) {
  return useForm<AddPartnerValues>({
    id: 'add-partner',
    lastResult,
    constraint: getZodConstraint(schema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
}

/** The "Add a partner" panel (company name + optional short name); `intent` adds a hidden field. */
export function AddPartnerPanel({
  form,
  name,
  slug,
  intent,
}: {
  form: FormMetadata<AddPartnerValues, string[]>
  name: FieldMetadata<string | undefined>
  slug: FieldMetadata<string | undefined>
  intent?: string
}) {
  return (
    <Panel title="Add a partner">
      <Form method="post" className="grid gap-4 md:grid-cols-3" {...getFormProps(form)}>
        {intent ? <input type="hidden" name="intent" value={intent} /> : null}
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="Company name" meta={name} />
        <Field
          label="Short name (optional)"
          meta={slug}
          hint="Used in URLs and in the X-Copilot-Partner header; from the name when empty."
        />
        <div className="flex items-end">
          <SubmitButton pendingFor={intent ? ['intent', intent] : undefined} pendingText="Adding…">
            Add partner
          </SubmitButton>
        </div>
      </Form>
    </Panel>
  )
}
