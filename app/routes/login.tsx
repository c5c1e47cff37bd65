import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, HoneypotField } from '~/components/ui/forms'
import { AuthError, getAuthenticator, requireAnonymous } from '~/server/auth.server'
import { isGitHubEnabled, isGoogleEnabled } from '~/server/env.server'
import { assertNotBot } from '~/server/honeypot.server'
import { appOrigin, getClientIp, safeRedirectPath } from '~/server/http.server'
import { loginThrottle, tooManyAttemptsMessage } from '~/server/login-limit.server'
import { auditSignIn } from '~/server/audit/sign-in.server'
import { completeSignIn } from '~/server/security/sign-in.server'

export const meta: MetaFunction = () => [{ title: 'Sign in · Integration Copilot' }]

const LoginSchema = z.object({
  email: z.email('Enter a valid email address.').max(254),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  return { githubEnabled: isGitHubEnabled(), googleEnabled: isGoogleEnabled() }
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAnonymous(request)
  const formData = await request.clone().formData()
  assertNotBot(formData)
  const submission = parseWithZod(formData, { schema: LoginSchema })
  if (submission.status !== 'success')
    return data(submission.reply({ hideFields: ['password'] }), { status: 400 })

  const address = getClientIp(request)
  const email = submission.value.email.trim().toLowerCase()
  const throttle = loginThrottle()
  const verdict = throttle.check(address, email)
  if (!verdict.allowed) {
    return data(
      submission.reply({
        formErrors: [tooManyAttemptsMessage(verdict.retryAfterSeconds)],
        hideFields: ['password'],
      }),
      { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
    )
  }
  try {
    const user = await getAuthenticator(new URL(request.url).origin).authenticate('form', request)
    throttle.recordSuccess(address, email)
    return completeSignIn(user, request, {
      method: 'password',
      redirectTo: safeRedirectPath(submission.value.redirectTo, '/projects', appOrigin(request)),
    })
  } catch (error) {
    if (error instanceof AuthError) {
      throttle.recordFailure(address, email)
      await auditSignIn({ user: null, email, method: 'password', outcome: 'failure', request })
      return data(submission.reply({ formErrors: [error.message], hideFields: ['password'] }), {
        status: 400,
      })
    }
    throw error
  }
}

export default function LoginPage() {
  const { githubEnabled, googleEnabled } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const redirectTo = searchParams.get('redirectTo') ?? ''
  const [form, fields] = useForm({
    id: 'login',
    lastResult,
    constraint: getZodConstraint(LoginSchema),
    // Errors change only on submit: clearing the banner on blur would move the button under the pointer.
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  })
  return (
    <AuthLayout
      title="Sign in"
      subtitle={
        <>
          New here?{' '}
          <Link
            to={`/signup${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ''}`}
            className="font-semibold text-indigo-600 hover:underline"
          >
            Create an account
          </Link>
        </>
      }
    >
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field
          label="Email"
          type="email"
          meta={fields.email}
          inputProps={{ autoComplete: 'email', autoFocus: true }}
        />
        <Field
          label="Password"
          type="password"
          meta={fields.password}
          inputProps={{ autoComplete: 'current-password' }}
        />
        <SubmitButton className="w-full" pendingText="Signing in…">
          Sign in
        </SubmitButton>
        <HoneypotField />
        <input type="hidden" name="redirectTo" value={redirectTo} />
      </Form>
      {githubEnabled ? (
        <Form
          method="post"
          action="/auth/github"
          reloadDocument
          className="mt-4 border-t border-slate-200 pt-4"
        >
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <SubmitButton variant="secondary" className="w-full" pendingText="Redirecting to GitHub…">
            Sign in with GitHub
          </SubmitButton>
        </Form>
      ) : null}
      {googleEnabled ? (
        <Form
          method="post"
          action="/auth/google"
          reloadDocument
          className={githubEnabled ? 'mt-2' : 'mt-4 border-t border-slate-200 pt-4'}
        >
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <SubmitButton variant="secondary" className="w-full" pendingText="Redirecting to Google…">
            Sign in with Google
          </SubmitButton>
        </Form>
      ) : null}
      <p className="mt-4 border-t border-slate-200 pt-4 text-center text-sm">
        <Link
          to={`/sso${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ''}`}
          className="font-semibold text-indigo-600 hover:underline"
        >
          Sign in with single sign-on
        </Link>
      </p>
    </AuthLayout>
  )
}
