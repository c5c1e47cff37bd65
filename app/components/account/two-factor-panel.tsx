/**
 * Account security → Two-factor authentication: on (recovery codes, turn off), being set up
 * (QR code, key, first code), or off.
 */
import { Form } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { QrCode } from '~/components/qr-code'
import { SubmitButton } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'
import { formatDate } from '~/shared/format'
import { CodeForm, type SecurityActionData } from './two-factor-forms'

export function TwoFactorPanel({
  enabledAt,
  pending,
  remaining,
  total,
  requiring,
  actionData,
}: {
  enabledAt: string | null
  pending: { secret: string; uri: string } | null
  remaining: number
  total: number
  requiring: string[]
  actionData: SecurityActionData | undefined
}) {
  return (
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
              In your authenticator app (1Password, Google Authenticator, Authy, …) scan this code,
              or add an account by pasting the link or typing the key.
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
  )
}
