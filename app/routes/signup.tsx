import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, HoneypotField } from '~/components/ui/forms'
import { requireAnonymous } from '~/server/auth.server'
import { PASSWORD_MIN_LENGTH } from '~/shared/roles'
import { assertNotBot } from '~/server/honeypot.server'
import { appOrigin, safeRedirectPath } from '~/server/http.server'
import { invitationInPath } from '~/server/orgs/members.server'
import { emailTaken, registerUser } from '~/server/orgs/organizations.server'
import { passwordProblem } from '~/server/passwords.server'
import { passwordMinLengthForSignUp } from '~/server/security/password-policy.server'
import { redirectWithSession } from '~/server/session.server'

export const meta: MetaFunction = () => [{ title: 'Create an account · Integration Copilot' }]

const SignupSchema = z.object({
  name: z
    .string({ error: 'Enter your name.' })
    .trim()
    .min(1, 'Enter your name.')
    .max(100, 'Keep your name under 100 characters.'),
  email: z.email('Enter a valid email address.').max(254, 'That email address is too long.'),
  password: z
    .string({ error: `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.` })
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(200, 'Use at most 200 characters.'),
  organizationName: z
    .string()
    .trim()
    .max(100, 'Keep the organisation name under 100 characters.')
    .optional(),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  const redirectTo = new URL(request.url).searchParams.get('redirectTo') ?? ''
  return {
    acceptingInvite: await invitationInPath(redirectTo),
    // The inviting organisation's minimum when the person signs up to accept an invitation.
    passwordMinLength: await passwordMinLengthForSignUp(redirectTo),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const formData = await request.formData()
  assertNotBot(formData)
  const submission = await parseWithZod(formData, {
    async: true,
    schema: SignupSchema.superRefine(async (value, ctx) => {
      const problem = passwordProblem(
        value.password,
        await passwordMinLengthForSignUp(value.redirectTo),
      )
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem })
      if (await emailTaken(value.email)) {
        ctx.addIssue({
          code: 'custom',
          path: ['email'],
          message: 'An account with this email already exists. Sign in instead.',
        })
      }
    }),
  })
  if (submission.status !== 'success')
    return data(submission.reply({ hideFields: ['password'] }), { status: 400 })
  const user = await registerUser(submission.value, {
    acceptingInvite: await invitationInPath(submission.value.redirectTo),
  })
  return redirectWithSession(
    user.id,
    request,
    safeRedirectPath(submission.value.redirectTo, '/projects', appOrigin(request)),
  )
}

export default function SignupPage() {
  const { acceptingInvite, passwordMinLength } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const redirectTo = searchParams.get('redirectTo') ?? ''
  const [form, fields] = useForm({
    id: 'signup',
    lastResult,
    constraint: getZodConstraint(SignupSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
  })
  return (
    <AuthLayout
      title="Create your account"
      subtitle={
        <>
          Already have one?{' '}
          <Link
            to={`/login${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ''}`}
            className="font-semibold text-indigo-600 hover:underline"
          >
            Sign in
          </Link>
        </>
      }
    >
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field
          label="Your name"
          meta={fields.name}
          inputProps={{ autoComplete: 'name', autoFocus: true }}
        />
        <Field
          label="Work email"
          type="email"
          meta={fields.email}
          inputProps={{ autoComplete: 'email' }}
        />
        <Field
          label="Password"
          type="password"
          meta={fields.password}
          hint={`At least ${passwordMinLength} characters; not a commonly used password.`}
          inputProps={{ autoComplete: 'new-password', minLength: passwordMinLength }}
        />
        <Field
          label="Organisation name"
          meta={fields.organizationName}
          hint={
            acceptingInvite
              ? 'Optional: leave it empty to join only what you are invited to.'
              : 'Optional. You become its owner; you can invite your team later.'
          }
          inputProps={{ autoComplete: 'organization' }}
        />
        <SubmitButton className="w-full" pendingText="Creating account…">
          Create account
        </SubmitButton>
        <HoneypotField />
        <input type="hidden" name="redirectTo" value={redirectTo} />
      </Form>
    </AuthLayout>
  )
}
