import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, Field, FormErrors } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import { getClientIp } from '~/server/http.server'
import {
  PolicyError,
  securityPolicyOverview,
  updateSecurityPolicy,
} from '~/server/security/policy.server'
import { redirectWithToast } from '~/server/toast.server'
import { roleLabel } from '~/shared/roles'
import { SecurityPolicySchema } from '~/shared/security-policy'

export const meta: MetaFunction = () => [{ title: 'Security · Settings · Integration Copilot' }]

const SHOWN_WITHOUT_2FA = 25

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const overview = await securityPolicyOverview(access.organization.id)
  return {
    organizationName: access.organization.name,
    policy: overview.policy,
    memberCount: overview.memberCount,
    without2faCount: overview.without2fa.length,
    without2fa: overview.without2fa.slice(0, SHOWN_WITHOUT_2FA).map((membership) => ({
      id: membership.user.id,
      name: membership.user.name,
      email: membership.user.email,
      role: roleLabel(membership.role),
    })),
    youHave2fa: Boolean(access.user.totpEnabledAt),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: SecurityPolicySchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  try {
    const { changed } = await updateSecurityPolicy({
      organizationId: access.organization.id,
      actor: {
        userId: access.user.id,
        has2fa: Boolean(access.user.totpEnabledAt),
        ip: getClientIp(request),
      },
      value: submission.value,
    })
    return redirectWithToast('/settings/security', {
      type: changed.length ? 'success' : 'info',
      message: changed.length ? 'Security policy saved.' : 'Nothing changed.',
    })
  } catch (error) {
    if (error instanceof PolicyError)
      return data(submission.reply({ formErrors: [error.message] }), { status: 400 })
    throw error
  }
}

export default function SecuritySettingsPage() {
  const { organizationName, policy, memberCount, without2faCount, without2fa, youHave2fa } =
    useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'security-policy',
    lastResult,
    constraint: getZodConstraint(SecurityPolicySchema),
    shouldRevalidate: 'onBlur',
    defaultValue: {
      sessionTtlHours: String(policy.sessionTtlHours),
      idleTimeoutMinutes: String(policy.idleTimeoutMinutes),
      passwordMinLength: String(policy.passwordMinLength),
      require2fa: policy.require2fa ? 'on' : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecurityPolicySchema }),
  })
  const checkbox = getInputProps(fields.require2fa, { type: 'checkbox' })
  return (
    <>
      <p className="text-sm text-slate-600">
        How members of {organizationName} sign in and how long their sessions last. The rules apply
        when a member opens this organisation&apos;s pages.
      </p>
      <Panel title="Security policy">
        <Form method="post" className="space-y-5" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <div className="grid gap-5 sm:grid-cols-3">
            <Field
              label="Session lifetime (hours)"
              type="number"
              meta={fields.sessionTtlHours}
              hint="1 to 720. A session older than this is ended and the member signs in again."
              inputProps={{ min: 1, max: 720, step: 1, inputMode: 'numeric' }}
            />
            <Field
              label="Idle timeout (minutes)"
              type="number"
              meta={fields.idleTimeoutMinutes}
              hint="0 = off, else 5 to 1440. Ends a session unused for this long."
              inputProps={{ min: 0, max: 1440, step: 1, inputMode: 'numeric' }}
            />
            <Field
              label="Minimum password length"
              type="number"
              meta={fields.passwordMinLength}
              hint="10 to 128. Applies to people who accept an invitation and to password changes."
              inputProps={{ min: 10, max: 128, step: 1, inputMode: 'numeric' }}
            />
          </div>
          <div>
            <div className="flex items-start gap-3">
              <input
                {...checkbox}
                key={checkbox.key}
                className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
              />
              <label htmlFor={fields.require2fa.id} className="text-sm text-slate-800">
                <span className="font-medium">Require two-factor authentication</span>
                <span className="block text-slate-600">
                  Members without it are sent to set it up before they can open this
                  organisation&apos;s pages.
                </span>
              </label>
            </div>
            <ErrorList id={fields.require2fa.errorId} errors={fields.require2fa.errors} />
            {!youHave2fa ? (
              <p className="mt-2 text-xs text-amber-800">
                Turn it on for your own account first in{' '}
                <Link to="/account/security" className="font-semibold underline">
                  Account security
                </Link>
                .
              </p>
            ) : null}
          </div>
          <p className="text-xs text-slate-500">
            Requiring single sign-on is set in{' '}
            <Link to="/settings/sso" className="font-semibold text-indigo-600 hover:underline">
              Single sign-on
            </Link>{' '}
            (currently {policy.requireSso ? 'required' : 'not required'}).
          </p>
          <SubmitButton pendingText="Saving…">Save policy</SubmitButton>
        </Form>
      </Panel>

      <Panel title="Two-factor authentication among members">
        {without2faCount === 0 ? (
          <Notice tone="success">
            All {memberCount} {memberCount === 1 ? 'member has' : 'members have'} two-factor
            authentication on.
          </Notice>
        ) : (
          <>
            <p className="text-sm text-slate-700">
              <strong>{without2faCount}</strong> of {memberCount}{' '}
              {memberCount === 1 ? 'member does' : 'members do'} not have two-factor authentication
              on.
              {policy.require2fa
                ? ' They are asked to set it up the next time they open a page.'
                : ' Requiring it sends them to set it up the next time they open a page.'}
            </p>
            <ul className="mt-3 divide-y divide-slate-100 text-sm">
              {without2fa.map((member) => (
                <li key={member.id} className="flex justify-between py-2">
                  <span className="font-medium text-slate-900">{member.name}</span>
                  <span className="text-slate-600">
                    {member.email} · {member.role}
                  </span>
                </li>
              ))}
            </ul>
            {without2faCount > without2fa.length ? (
              <p className="mt-2 text-xs text-slate-500">
                And {without2faCount - without2fa.length} more.
              </p>
            ) : null}
          </>
        )}
      </Panel>
    </>
  )
}
