/**
 * /sso: "Sign in with single sign-on". A work email (its domain) or the organisation's slug
 * finds the organisation; the page then continues to /sso/<slug>/start, which redirects to
 * the identity provider. The continue step is its own page (a link, a meta refresh, and with
 * JavaScript an immediate navigation) rather than a redirect chain from the form post: the
 * CSP's form-action 'self' would refuse a form submission that ends on the IdP's origin.
 */
import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useEffect } from 'react'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { appOrigin, getClientIp, safeRedirectPath } from '~/server/http.server'
import { findEnabledConnection, findSignInTarget } from '~/server/sso/connections.server'

const LookupSchema = z.object({
  identifier: z
    .string({ error: 'Enter your work email or your organisation’s slug.' })
    .trim()
    .min(1, 'Enter your work email or your organisation’s slug.')
    .max(254, 'That is longer than an email address can be.'),
  redirectTo: z.string().max(2000).optional(),
})

function withRedirect(path: string, redirectTo: string) {
  if (!redirectTo) return path
  return `${path}${path.includes('?') ? '&' : '?'}redirectTo=${encodeURIComponent(redirectTo)}`
}

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'), '', appOrigin(request))
  const slug = url.searchParams.get('org')
  if (slug) {
    const found = await findEnabledConnection(slug)
    if (found)
      return {
        redirectTo,
        continueTo: withRedirect(`/sso/${found.organization.slug}/start`, redirectTo),
        organizationName: found.organization.name,
        unknownOrg: false,
      }
    return { redirectTo, continueTo: null, organizationName: null, unknownOrg: true }
  }
  return { redirectTo, continueTo: null, organizationName: null, unknownOrg: false }
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData }) => [
  { title: 'Single sign-on · Integration Copilot' },
  ...(loaderData?.continueTo
    ? [{ httpEquiv: 'refresh', content: `0;url=${loaderData.continueTo}` } as const]
    : []),
]

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: LookupSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  const target = await findSignInTarget(submission.value.identifier, getClientIp(request))
  if (!target.ok)
    return data(submission.reply({ fieldErrors: { identifier: [target.message] } }), {
      status: target.status ?? 400,
    })
  const redirectTo = safeRedirectPath(submission.value.redirectTo, '', appOrigin(request))
  return redirect(withRedirect(`/sso?org=${encodeURIComponent(target.slug)}`, redirectTo))
}

export default function SsoPage() {
  const { continueTo, organizationName, redirectTo, unknownOrg } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'sso-lookup',
    lastResult,
    constraint: getZodConstraint(LookupSchema),
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LookupSchema }),
  })
  useEffect(() => {
    if (continueTo) window.location.assign(continueTo)
  }, [continueTo])

  if (continueTo)
    return (
      <AuthLayout title="Single sign-on" subtitle={`Signing in to ${organizationName}`}>
        <p className="text-sm text-slate-700" role="status">
          Taking you to {organizationName}’s identity provider…
        </p>
        <a
          href={continueTo}
          className="mt-4 inline-block text-sm font-semibold text-indigo-600 hover:underline"
        >
          Continue to sign in
        </a>
      </AuthLayout>
    )

  return (
    <AuthLayout
      title="Sign in with single sign-on"
      subtitle={
        <>
          Your organisation signs you in through its identity provider (Okta, Entra ID, Google
          Workspace…).
        </>
      }
    >
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        {unknownOrg ? (
          <FormErrors
            errors={[
              'That organisation does not offer single sign-on. Enter your work email or its slug.',
            ]}
          />
        ) : null}
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field
          label="Work email or organisation slug"
          meta={fields.identifier}
          hint="For example ada@acme.example, or acme."
          inputProps={{ autoComplete: 'email', autoFocus: true, spellCheck: false }}
        />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <SubmitButton className="w-full" pendingText="Finding your organisation…">
          Continue
        </SubmitButton>
      </Form>
      <p className="mt-4 border-t border-slate-200 pt-4 text-center text-sm">
        <Link
          to={`/login${redirectTo ? `?redirectTo=${encodeURIComponent(redirectTo)}` : ''}`}
          className="font-semibold text-indigo-600 hover:underline"
        >
          Sign in with a password instead
        </Link>
      </p>
    </AuthLayout>
  )
}
