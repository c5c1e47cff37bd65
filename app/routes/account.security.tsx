import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { CopyButton } from '~/components/copy-button'
import { QrCode } from '~/components/qr-code'
import { Page } from '~/components/page'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { requireUser } from '~/server/auth.server'
import {
  confirmEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  TwoFactorError,
  twoFactorOverview,
} from '~/server/security/account-security.server'
import {
  changePassword,
  PasswordChangeError,
  passwordOverview,
} from '~/server/security/password-change.server'
import { organizationsRequiring2fa } from '~/server/security/policy.server'
import { cancelTotpEnrolment, startTotpEnrolment, TotpError } from '~/server/security/totp.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'
import { PASSWORD_MIN_LENGTH } from '~/shared/roles'
import { codeField } from '~/shared/security-policy'

export const meta: MetaFunction = () => [{ title: 'Account security · Integration Copilot' }]

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
const SCHEMAS = { confirm: ConfirmSchema, regenerate: RegenerateSchema, disable: DisableSchema }
type CodeIntent = keyof typeof SCHEMAS

/** The shape of the Password form; length (the organisations' minimum) and common passwords are checked on the server. */
const PASSWORD_MAX = 200
const tooLong = `Use at most ${PASSWORD_MAX} characters.`
function passwordSchema(hasPassword: boolean) {
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
const PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword']

const PATH = '/account/security'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const required = new URL(request.url).searchParams.get('required') === '1'
  const [overview, requiring, password] = await Promise.all([
    twoFactorOverview(user),
    organizationsRequiring2fa(user.id),
    passwordOverview(user),
  ])
  return { ...overview, required, requiring: requiring.map((org) => org.name), password }
}

function back(request: Request) {
  const search = new URL(request.url).search
  return `${PATH}${search}`
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const formData = await request.formData()
  const intent = formData.get('intent')
  if (intent === 'password') {
    const submission = parseWithZod(formData, {
      schema: passwordSchema(user.passwordHash !== null),
    })
    if (submission.status !== 'success')
      return data(
        {
          intent: 'password' as const,
          result: submission.reply({ hideFields: PASSWORD_FIELDS }),
          codes: null,
        },
        { status: 400 },
      )
    try {
      await changePassword(user, submission.value, request)
    } catch (error) {
      if (!(error instanceof PasswordChangeError)) throw error
      return data(
        {
          intent: 'password' as const,
          result: submission.reply({
            hideFields: PASSWORD_FIELDS,
            ...(error.field
              ? { fieldErrors: { [error.field]: [error.message] } }
              : { formErrors: [error.message] }),
          }),
          codes: null,
        },
        { status: error.status },
      )
    }
    return redirectWithToast(back(request), {
      type: 'success',
      message: 'Password changed. Other sessions were signed out.',
    })
  }
  try {
    if (intent === 'start') {
      await startTotpEnrolment(user.id)
      return redirect(back(request))
    }
    if (intent === 'cancel') {
      await cancelTotpEnrolment(user.id)
      return redirectWithToast(back(request), {
        type: 'info',
        message: 'Set-up cancelled. Remove the entry from your app if you added it.',
      })
    }
    if (typeof intent === 'string' && intent in SCHEMAS) {
      const name = intent as CodeIntent
      const submission = parseWithZod(formData, { schema: SCHEMAS[name] })
      if (submission.status !== 'success')
        return data(
          { intent: name, result: submission.reply({ hideFields: ['code'] }), codes: null },
          { status: 400 },
        )
      const code = submission.value.code
      if (name === 'disable') {
        await disableTwoFactor(user, code, request)
        return redirectWithToast(PATH, {
          type: 'success',
          message:
            'Two-factor authentication is off, and your recovery codes no longer work. Turn it on again at any time.',
        })
      }
      const codes =
        name === 'confirm'
          ? await confirmEnrolment(user, code, request)
          : await regenerateRecoveryCodes(user, code, request)
      return data({ intent: name, result: submission.reply({ resetForm: true }), codes })
    }
  } catch (error) {
    if (error instanceof TwoFactorError && typeof intent === 'string' && intent in SCHEMAS) {
      const submission = parseWithZod(formData, { schema: SCHEMAS[intent as CodeIntent] })
      return data(
        {
          intent: intent as CodeIntent,
          result: submission.reply({ formErrors: [error.message], hideFields: ['code'] }),
          codes: null,
        },
        { status: error.status },
      )
    }
    if (error instanceof TotpError)
      return redirectWithToast(back(request), { type: 'error', message: error.message })
    throw error
  }
  throw new Response(`Unknown action "${String(intent).slice(0, 40)}".`, { status: 400 })
}

type ActionData = {
  intent: CodeIntent | 'password'
  result: SubmissionResult<string[]>
  codes: string[] | null
}

function CodeForm({
  intent,
  actionData,
  label,
  hint,
  submit,
  pendingText,
  variant = 'primary',
}: {
  intent: CodeIntent
  actionData: ActionData | undefined
  label: string
  hint: string
  submit: string
  pendingText: string
  variant?: 'primary' | 'danger' | 'secondary'
}) {
  const schema = SCHEMAS[intent]
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

function PasswordForm({
  email,
  hasPassword,
  minLength,
  actionData,
}: {
  email: string
  hasPassword: boolean
  minLength: number
  actionData: ActionData | undefined
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

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Panel
      title="Your recovery codes"
      actions={<CopyButton text={codes.join('\n')} label="Copy all" />}
    >
      <Notice tone="warning">
        Save these codes now (a password manager, or printed): they are shown only this once. Each
        one signs you in once if you lose your device.
      </Notice>
      <ul className="mt-4 grid grid-cols-2 gap-2 font-mono text-sm sm:grid-cols-5">
        {codes.map((code) => (
          <li key={code} className="rounded bg-slate-100 px-2 py-1 text-center text-slate-900">
            {code}
          </li>
        ))}
      </ul>
      <p className="mt-4 text-sm">
        <Link to="/projects" className="font-semibold text-indigo-600 hover:underline">
          I saved them: continue to your projects
        </Link>
      </p>
    </Panel>
  )
}

export default function AccountSecurityPage() {
  const { enabledAt, pending, remaining, total, required, requiring, email, password } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const newCodes = actionData?.codes ?? null
  return (
    <Page title="Account security" description={`Sign-in protection for ${email}.`}>
      {required && !enabledAt ? (
        <Notice tone="warning">
          {requiring.length
            ? `${requiring.join(', ')} ${requiring.length === 1 ? 'requires' : 'require'} two-factor authentication.`
            : 'Your organisation requires two-factor authentication.'}{' '}
          Set it up below to open its pages again.
        </Notice>
      ) : null}
      {newCodes ? <RecoveryCodes codes={newCodes} /> : null}

      <Panel title="Two-factor authentication">
        {enabledAt ? (
          <div className="space-y-6">
            <p className="text-sm text-slate-700">
              <span className="mr-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800">
                On
              </span>
              Since {formatDate(enabledAt)}. Each sign-in asks for the code from your authenticator
              app.
            </p>
            <div>
              <h3 className="text-sm font-semibold text-slate-900">Recovery codes</h3>
              <p className="mt-1 text-sm text-slate-600">
                {remaining} of {total} unused.{' '}
                {remaining <= 3
                  ? 'Running low: generate a new set.'
                  : 'Generating a new set makes the old codes stop working.'}
              </p>
              <div className="mt-3">
                <CodeForm
                  intent="regenerate"
                  actionData={actionData}
                  label="Current code from your app"
                  hint="Proves it is you before new codes are shown."
                  submit="Generate new recovery codes"
                  pendingText="Generating…"
                  variant="secondary"
                />
              </div>
            </div>
            <div className="border-t border-slate-200 pt-4">
              <h3 className="text-sm font-semibold text-slate-900">Turn off</h3>
              <p className="mt-1 text-sm text-slate-600">
                Your account will be protected by its password only.
                {requiring.length
                  ? ` ${requiring.join(', ')} will ask you to set it up again before you can open ${requiring.length === 1 ? 'its' : 'their'} pages.`
                  : ''}
              </p>
              <div className="mt-3">
                <CodeForm
                  intent="disable"
                  actionData={actionData}
                  label="Code from your app, or a recovery code"
                  hint="Lost your device? A recovery code works here too."
                  submit="Turn off two-factor authentication"
                  pendingText="Turning off…"
                  variant="danger"
                />
              </div>
            </div>
          </div>
        ) : pending ? (
          <ol className="list-decimal space-y-6 pl-5 text-sm text-slate-700">
            <li>
              <p>
                In your authenticator app (1Password, Google Authenticator, Authy, …) scan this
                code, or add an account by pasting the link or typing the key.
              </p>
              <div className="mt-3">
                <QrCode
                  value={pending.uri}
                  label="QR code of the setup link for your authenticator app"
                />
              </div>
              <dl className="mt-3 space-y-3">
                <div>
                  <dt className="text-xs font-medium uppercase text-slate-500">Setup key</dt>
                  <dd className="mt-1 flex flex-wrap items-center gap-2">
                    <code className="select-all break-all rounded bg-slate-100 px-2 py-1 font-mono text-slate-900">
                      {pending.secret.replace(/(.{4})/g, '$1 ').trim()}
                    </code>
                    <CopyButton text={pending.secret} label="Copy key" />
                  </dd>
                </div>
                <div>
                  <dt className="text-xs font-medium uppercase text-slate-500">
                    Setup link (otpauth)
                  </dt>
                  <dd className="mt-1 flex flex-wrap items-center gap-2">
                    <code className="select-all break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs text-slate-900">
                      {pending.uri}
                    </code>
                    <CopyButton text={pending.uri} label="Copy link" />
                  </dd>
                </div>
              </dl>
            </li>
            <li>
              <p className="mb-3">Enter the code the app shows to finish.</p>
              <CodeForm
                intent="confirm"
                actionData={actionData}
                label="6-digit code"
                hint="Codes change every 30 seconds."
                submit="Turn on two-factor authentication"
                pendingText="Checking…"
              />
            </li>
            <li className="list-none">
              <Form method="post">
                <input type="hidden" name="intent" value="cancel" />
                <SubmitButton
                  variant="ghost"
                  pendingFor={['intent', 'cancel']}
                  pendingText="Cancelling…"
                >
                  Cancel set-up
                </SubmitButton>
              </Form>
            </li>
          </ol>
        ) : (
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              <span className="mr-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-700">
                Off
              </span>
              A second factor keeps your account closed to someone who learns your password: each
              sign-in also asks for a code from an authenticator app on your phone or computer.
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="start" />
              <SubmitButton pendingFor={['intent', 'start']} pendingText="Preparing…">
                Set up two-factor authentication
              </SubmitButton>
            </Form>
          </div>
        )}
      </Panel>

      <Panel title="Password">
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            {password.hasPassword
              ? `${password.changedAt ? `Last changed ${formatDate(password.changedAt)}. ` : ''}Changing it signs you out everywhere else; this browser stays signed in.`
              : 'You sign in through GitHub, Google or single sign-on, so your account has no password yet. Set one to also sign in with your email and password; your other sessions are signed out.'}
          </p>
          <PasswordForm
            email={email}
            hasPassword={password.hasPassword}
            minLength={password.minLength}
            actionData={actionData}
          />
        </div>
      </Panel>
    </Page>
  )
}
