import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { AuthLayout } from '~/components/auth-layout'
import { PASSWORD_MIN_LENGTH, roleLabel } from '~/shared/roles'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors } from '~/components/ui/forms'
import { audit } from '~/server/audit/log.server'
import { getOptionalUser, requireUser } from '~/server/auth.server'
import { getClientIp } from '~/server/http.server'
import { acceptInvite, findUsableInvite, MembershipError } from '~/server/orgs/members.server'
import { setActiveOrganization } from '~/server/orgs/organizations.server'
import { getSessionId } from '~/server/session.server'
import { redirectWithToast } from '~/server/toast.server'

export const meta: MetaFunction = () => [{ title: 'Invitation · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await findUsableInvite(params.token ?? '')
  const user = await getOptionalUser(request)
  const path = new URL(request.url).pathname
  if ('error' in found) return { error: found.error, invite: null, user: null, path }
  const { invite } = found
  return {
    error: null,
    path,
    user: user ? { email: user.email } : null,
    invite: {
      email: invite.email,
      organizationName: invite.organization.name,
      role: roleLabel(invite.role),
      /** A new account made to accept this invitation needs the organisation's minimum. */
      passwordMinLength: Math.max(PASSWORD_MIN_LENGTH, invite.organization.passwordMinLength),
      partner: invite.partnerProject
        ? { name: invite.partnerProject.name, projectName: invite.partnerProject.project.name }
        : null,
    },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  try {
    const invite = await acceptInvite(params.token ?? '', user)
    if (invite.partnerProject) {
      // A partner invitation: the partner portal of that partner project, no organisation.
      await audit({
        action: 'partner_invite.accepted',
        actorUserId: user.id,
        organizationId: invite.organizationId,
        projectId: invite.partnerProject.project.id,
        targetType: 'invite',
        targetId: invite.id,
        metadata: { partnerProjectId: invite.partnerProject.id },
        ip: getClientIp(request),
      })
      return redirectWithToast(`/partner/${invite.partnerProject.id}`, {
        type: 'success',
        message: `Welcome: you joined ${invite.partnerProject.name} on ${invite.partnerProject.project.name}.`,
      })
    }
    const sessionId = await getSessionId(request)
    if (sessionId) await setActiveOrganization(sessionId, user.id, invite.organizationId)
    await audit({
      action: 'invite.accepted',
      actorUserId: user.id,
      organizationId: invite.organizationId,
      targetType: 'invite',
      targetId: invite.id,
      ip: getClientIp(request),
    })
    return redirectWithToast('/projects', {
      type: 'success',
      message: 'Welcome aboard: you joined the organisation.',
    })
  } catch (error) {
    if (error instanceof MembershipError) return { error: error.message }
    throw error
  }
}

export default function InvitePage() {
  const { error, invite, user, path } = useLoaderData<typeof loader>()
  if (!invite) {
    return (
      <AuthLayout title="Invitation unavailable">
        <FormErrors errors={[error ?? 'This invitation cannot be used.']} />
        <Link
          to="/projects"
          className="mt-4 inline-block text-sm font-semibold text-indigo-600 hover:underline"
        >
          Go to your projects
        </Link>
      </AuthLayout>
    )
  }
  const redirect = encodeURIComponent(path)
  return (
    <AuthLayout
      title={
        invite.partner
          ? `Join ${invite.partner.name} on ${invite.partner.projectName} (${invite.organizationName})`
          : `Join ${invite.organizationName}`
      }
      subtitle={
        invite.partner
          ? `You are invited as a partner (${invite.email}): you will see what ${invite.organizationName} shares with ${invite.partner.name}.`
          : `You are invited as ${invite.role} (${invite.email}).`
      }
    >
      {user ? (
        <Form method="post" className="space-y-4">
          {user.email !== invite.email ? (
            <FormErrors
              errors={[
                `You are signed in as ${user.email}, but this invitation is for ${invite.email}. Sign out and sign in with that address.`,
              ]}
            />
          ) : null}
          <SubmitButton className="w-full" pendingText="Joining…">
            Accept invitation
          </SubmitButton>
        </Form>
      ) : (
        <div className="space-y-3 text-sm">
          <p className="text-slate-700">
            Sign in or create an account with {invite.email} to accept. A new account&apos;s
            password needs at least {invite.passwordMinLength} characters.
          </p>
          <div className="flex gap-3">
            <Link
              to={`/login?redirectTo=${redirect}`}
              className="font-semibold text-indigo-600 hover:underline"
            >
              Sign in
            </Link>
            <Link
              to={`/signup?redirectTo=${redirect}`}
              className="font-semibold text-indigo-600 hover:underline"
            >
              Create an account
            </Link>
          </div>
        </div>
      )}
    </AuthLayout>
  )
}
