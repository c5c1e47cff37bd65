/**
 * Account security: the forms that take a code from the authenticator app (or a recovery
 * code), validated alike in the browser and by the page's action.
 */
import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { codeField } from '~/shared/security-policy'

const ConfirmSchema = z.object({
  intent: z.literal('confirm'),
  code: codeField('Enter the 6-digit code your authenticator app shows now.'),
})
const RegenerateSchema = z.object({
  intent: z.literal('regenerate'),
  code: codeField('Enter the 6-digit code your authenticator app shows now.'),
})
const DisableSchema = z.object({
  intent: z.literal('disable'),
  code: codeField('Enter the 6-digit code from your app, or one of your recovery codes.'),
})
export const CODE_SCHEMAS = {
  confirm: ConfirmSchema,
  regenerate: RegenerateSchema,
  disable: DisableSchema,
}
export type CodeIntent = keyof typeof CODE_SCHEMAS

/** What the page's action answers (new recovery codes, shown once, or the form's errors). */
export type SecurityActionData = {
  intent: CodeIntent | 'password'
  result: SubmissionResult<string[]>
  codes: string[] | null
}

/** One code form of the two-factor panel (turn on, new recovery codes, turn off). */
export function CodeForm({
  intent,
  actionData,
  label,
  hint,
  submit,
  pendingText,
  variant = 'primary',
}: {
  intent: CodeIntent
  actionData: SecurityActionData | undefined
  label: string
  hint: string
  submit: string
  pendingText: string
  variant?: 'primary' | 'danger' | 'secondary'
}) {
  const schema = CODE_SCHEMAS[intent]
  const [form, fields] = useForm({
    id: `2fa-${intent}`,
    lastResult: actionData?.intent === intent ? actionData.result : undefined,
    constraint: getZodConstraint(schema),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  return (
    <Form method="post" className="max-w-sm space-y-3" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      <Field
        label={label}
        meta={fields.code}
        hint={hint}
        inputProps={{
          autoComplete: 'one-time-code',
          spellCheck: false,
          autoCapitalize: 'none',
          maxLength: 32,
        }}
      />
      <SubmitButton variant={variant} pendingFor={['intent', intent]} pendingText={pendingText}>
        {submit}
      </SubmitButton>
    </Form>
  )
}
