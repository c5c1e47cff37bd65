import { getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '~/components/auth-layout'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, Field, FormErrors, HoneypotField, inputClass } from '~/components/ui/forms'
import { assertNotBot } from '~/server/honeypot.server'
import { appOrigin, BodyTooLargeError, getClientIp, readBodyLimited } from '~/server/http.server'
import {
  findJoinableProject,
  hitJoinLimit,
  submitAccessRequest,
} from '~/server/partners/access-requests.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data?.project
      ? `Become a partner of ${data.project.name} · Integration Copilot`
      : 'Not available · Integration Copilot',
  },
]

/** One line of text: no control characters (a newline in a name would end up in an email subject). */
const line = (label: string, min: number, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(min, min > 1 ? `Use at least ${min} characters for ${label}.` : `Enter ${label}.`)
    .max(max, `Keep ${label} under ${max} characters.`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, `Write ${label} on one line, without control characters.`)

const JoinSchema = z.object({
  companyName: line('the company name', 2, 100),
  contactName: line('your name', 1, 100),
  email: z.email('Enter a valid email address.').max(254, 'That email address is too long.'),
  message: z
    .string()
    .trim()
    .max(1000, 'Keep the message under 1000 characters.')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'Remove the control characters.')
    .optional(),
})

/** A public form is small: anything larger is refused before it is read in full. */
const MAX_FORM_BYTES = 16 * 1024

async function readSmallForm(request: Request): Promise<FormData | { error: string }> {
  let bytes: Uint8Array
  try {
    bytes = await readBodyLimited(request, MAX_FORM_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { error: 'That request is too large. Shorten the message and send it again.' }
    throw error
  }
  try {
    return await new Request(request.url, {
      method: 'POST',
      headers: { 'Content-Type': request.headers.get('Content-Type') ?? '' },
      body: Buffer.from(bytes),
    }).formData()
  } catch {
    return { error: 'The form could not be read. Reload the page and send it again.' }
  }
}

const formError = (message: string) =>
  parseWithZod(new FormData(), { schema: z.object({}) }).reply({ formErrors: [message] })

/**
 * Deliberately public (no sign-in): the self-registration page a company uses to ask for
 * access. It exists only while the project's admins have self-registration on (else 404),
 * is honeypot- and rate-limited, and creates nothing but a pending request an admin decides.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const project = await findJoinableProject(params.projectId)
  if (!project) return data({ project: null, sent: null }, { status: 404 })
  const sent = new URL(request.url).searchParams.get('sent')
  return {
    project: { id: project.id, name: project.name, organizationName: project.organization.name },
    sent: sent === 'again' ? ('again' as const) : sent ? ('new' as const) : null,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const project = await findJoinableProject(params.projectId)
  if (!project) return data({ unavailable: true, result: null }, { status: 404 })
  const ip = getClientIp(request)
  const limit = hitJoinLimit(ip)
  if (!limit.allowed) {
    const minutes = Math.ceil(limit.retryAfterSeconds / 60)
    return data(
      {
        unavailable: false,
        result: formError(
          `Too many requests from your network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        ),
      },
      { status: 429, headers: { 'Retry-After': String(limit.retryAfterSeconds) } },
    )
  }
  const formData = await readSmallForm(request)
  if (!(formData instanceof FormData))
    return data({ unavailable: false, result: formError(formData.error) }, { status: 413 })
  assertNotBot(formData)
  const submission = parseWithZod(formData, { schema: JoinSchema })
  if (submission.status !== 'success')
    return data({ unavailable: false, result: submission.reply() }, { status: 400 })
  const { duplicate } = await submitAccessRequest(project, submission.value, {
    ip,
    baseUrl: appOrigin(request),
  })
  return redirect(`/join/${project.id}?sent=${duplicate ? 'again' : '1'}`)
}

export default function JoinPage() {
  const { project, sent } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'join',
    lastResult: actionData?.result,
    constraint: getZodConstraint(JoinSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: JoinSchema }),
  })
  if (!project || actionData?.unavailable) {
    return (
      <AuthLayout title="This page is not available">
        <p className="text-sm text-slate-700">
          This project does not take partner requests here (the link is wrong, or the vendor has
          turned requests off). Ask your contact at the vendor for an invitation.
        </p>
      </AuthLayout>
    )
  }
  if (sent) {
    return (
      <AuthLayout title="Request received">
        <p className="text-sm text-slate-700" data-testid="join-sent">
          {sent === 'again'
            ? `We already have a request from this address for ${project.name}; it is waiting for ${project.organizationName} to answer. You do not need to send it again.`
            : `Thank you. ${project.organizationName} will review your request to join ${project.name}. If it is approved, you receive an invitation by email.`}
        </p>
      </AuthLayout>
    )
  }
  return (
    <AuthLayout
      title={`Become a partner of ${project.name}`}
      subtitle={`Ask ${project.organizationName} for access to its integration portal. Someone there reviews each request.`}
    >
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field
          label="Company name"
          meta={fields.companyName}
          inputProps={{ autoComplete: 'organization', autoFocus: true }}
        />
        <Field label="Your name" meta={fields.contactName} inputProps={{ autoComplete: 'name' }} />
        <Field
          label="Work email"
          type="email"
          meta={fields.email}
          hint="The invitation goes to this address."
          inputProps={{ autoComplete: 'email' }}
        />
        <div>
          <label htmlFor={fields.message.id} className="block text-sm font-medium text-slate-800">
            Message (optional)
          </label>
          <textarea
            {...getTextareaProps(fields.message)}
            key={fields.message.key}
            rows={4}
            className={`${inputClass} mt-1`}
          />
          <ErrorList id={fields.message.errorId} errors={fields.message.errors} />
        </div>
        <SubmitButton className="w-full" pendingText="Sending…">
          Request access
        </SubmitButton>
        <HoneypotField />
      </Form>
    </AuthLayout>
  )
}
