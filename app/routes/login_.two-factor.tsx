import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { requireAnonymous } from '~/server/auth.server'
import { readPendingSignIn } from '~/server/security/pending-sign-in.server'
import {
  abandonSecondFactor,
  EXPIRED_MESSAGE,
  restartSignIn,
  submitSecondFactor,
} from '~/server/security/second-factor.server'
import { codeField } from '~/shared/security-policy'

export const meta: MetaFunction = () => [{ title: 'Two-factor code · Integration Copilot' }]

const CodeSchema = z.object({
  intent: z.literal('verify'),
  code: codeField('Enter the 6-digit code from your authenticator app, or a recovery code.'),
})
const CancelSchema = z.object({ intent: z.literal('cancel') })
const IntentSchema = z.discriminatedUnion('intent', [CodeSchema, CancelSchema])

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  if (!(await readPendingSignIn(request))) throw await restartSignIn(EXPIRED_MESSAGE)
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: IntentSchema })
  if (submission.status !== 'success')
    return data(submission.reply({ hideFields: ['code'] }), { status: 400 })
  if (submission.value.intent === 'cancel') return abandonSecondFactor(request)
  const outcome = await submitSecondFactor(request, submission.value.code)
  if ('response' in outcome) return outcome.response
  return data(submission.reply({ formErrors: [outcome.error], hideFields: ['code'] }), {
    status: outcome.status,
    headers: outcome.retryAfterSeconds
      ? { 'Retry-After': String(outcome.retryAfterSeconds) }
      : undefined,
  })
}

export default function TwoFactorPage() {
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'two-factor',
    lastResult,
    constraint: getZodConstraint(CodeSchema),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: IntentSchema }),
  })
  return (
    <AuthLayout
      title="Enter your code"
      subtitle="Your account is protected by a second factor. Open your authenticator app."
    >
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="verify" />
        <Field
          label="Code"
          meta={fields.code}
          hint="The 6-digit code from your app. Lost your device? Enter one of your recovery codes instead (each works once)."
          inputProps={{
            autoComplete: 'one-time-code',
            autoFocus: true,
            inputMode: 'text',
            spellCheck: false,
            autoCapitalize: 'none',
            maxLength: 32,
          }}
        />
        <SubmitButton
          className="w-full"
          pendingFor={['intent', 'verify']}
          pendingText="Checking the code…"
        >
          Verify and sign in
        </SubmitButton>
      </Form>
      <Form method="post" className="mt-4 border-t border-slate-200 pt-4">
        <input type="hidden" name="intent" value="cancel" />
        <SubmitButton
          variant="ghost"
          className="w-full"
          pendingFor={['intent', 'cancel']}
          pendingText="Cancelling…"
        >
          Cancel and sign in as someone else
        </SubmitButton>
      </Form>
      <p className="mt-4 text-xs text-slate-500">
        No device and no recovery code left? Nobody in your organisation can read your codes: ask
        the operators of this installation to reset your second factor.
      </p>
    </AuthLayout>
  )
}
