import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { PasswordForm, passwordSchema } from '~/components/account/password-form'
import { RecoveryCodes } from '~/components/account/recovery-codes'
import {
  CODE_SCHEMAS as SCHEMAS,
  type CodeIntent,
  type SecurityActionData as ActionData,
} from '~/components/account/two-factor-forms'
import { TwoFactorPanel } from '~/components/account/two-factor-panel'
import { Page } from '~/components/page'
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

export const meta: MetaFunction = () => [{ title: 'Account security · Integration Copilot' }]

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

      <TwoFactorPanel
        enabledAt={enabledAt}
        pending={pending}
        remaining={remaining}
        total={total}
        requiring={requiring}
        actionData={actionData}
      />

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
