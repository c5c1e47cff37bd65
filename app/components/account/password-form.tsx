/** Account security: setting or changing the account's password. */
import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { PASSWORD_MIN_LENGTH } from '~/shared/roles'
import type { SecurityActionData } from './two-factor-forms'

/** The shape of the Password form; length (the organisations' minimum) and common passwords are checked on the server. */
const PASSWORD_MAX = 200
const tooLong = `Use at most ${PASSWORD_MAX} characters.`
export function passwordSchema(hasPassword: boolean) {
  return z
    .object({
      intent: z.literal('password'),
      currentPassword: hasPassword
        ? z.string({ error: 'Enter your current password.' }).max(PASSWORD_MAX, tooLong)
        : z.string().max(PASSWORD_MAX, tooLong).optional(),
      newPassword: z
        .string({ error: 'Choose a new password.' })
        .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
        .max(PASSWORD_MAX, tooLong),
      confirmPassword: z
        .string({ error: 'Enter the new password again.' })
        .max(PASSWORD_MAX, tooLong),
    })
    .superRefine((value, ctx) => {
      if (value.confirmPassword !== value.newPassword)
        ctx.addIssue({
          code: 'custom',
          path: ['confirmPassword'],
          message: 'This does not match the new password.',
        })
      if (hasPassword && value.currentPassword === value.newPassword)
        ctx.addIssue({
          code: 'custom',
          path: ['newPassword'],
          message: 'The new password is your current one: choose a different one.',
        })
    })
}

export function PasswordForm({
  email,
  hasPassword,
  minLength,
  actionData,
}: {
  email: string
  hasPassword: boolean
  minLength: number
  actionData: SecurityActionData | undefined
}) {
  const schema = passwordSchema(hasPassword)
  const [form, fields] = useForm({
    id: `password-${hasPassword ? 'change' : 'set'}`,
    lastResult: actionData?.intent === 'password' ? actionData.result : undefined,
    constraint: getZodConstraint(schema),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const passwordInput = { maxLength: PASSWORD_MAX, spellCheck: false, autoCapitalize: 'none' }
  return (
    <Form method="post" className="max-w-sm space-y-3" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="password" />
      {/* Lets password managers tie the new password to the account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      {hasPassword ? (
        <Field
          label="Current password"
          type="password"
          meta={fields.currentPassword}
          inputProps={{ ...passwordInput, autoComplete: 'current-password' }}
        />
      ) : null}
      <Field
        label="New password"
        type="password"
        meta={fields.newPassword}
        hint={`At least ${minLength} characters; not a commonly used password.`}
        inputProps={{ ...passwordInput, autoComplete: 'new-password', minLength }}
      />
      <Field
        label="Confirm new password"
        type="password"
        meta={fields.confirmPassword}
        inputProps={{ ...passwordInput, autoComplete: 'new-password', minLength }}
      />
      <SubmitButton pendingFor={['intent', 'password']} pendingText="Saving…">
        {hasPassword ? 'Change password' : 'Set password'}
      </SubmitButton>
    </Form>
  )
}
