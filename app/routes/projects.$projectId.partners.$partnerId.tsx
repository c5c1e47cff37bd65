import { useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { InviteForm } from '~/components/invite-form'
import { LegalHoldBadge, LegalHoldPanel } from '~/components/legal-hold-panel'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import {
  invitePartnerUser,
  listPartnerPeople,
  PartnerInviteError,
  removePartnerMember,
  resendPartnerInvite,
  revokePartnerInvite,
} from '~/server/partners/invites.server'
import { partnerProjectOr404 } from '~/server/partners/partners.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'

const InviteSchema = z.object({
  intent: z.literal('invite'),
  email: z.email('Enter the email address to invite.').max(254, 'That email address is too long.'),
})
const InviteRefSchema = z.object({
  intent: z.enum(['resend', 'revoke']),
  inviteId: z.string().min(1).max(100),
})
const RemoveSchema = z.object({
  intent: z.literal('remove'),
  membershipId: z.string().min(1).max(100),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const partner = await partnerProjectOr404(project.id, params.partnerId)
  const canManage = can(access, 'partner:manage')
  const people = await listPartnerPeople(partner.id)
  return {
    projectId: project.id,
    partner: { id: partner.id, name: partner.name, slug: partner.slug },
    canManage,
    hold: {
      held: partner.legalHold,
      reason: partner.legalHoldReason,
      setAt: partner.legalHoldSetAt?.toISOString() ?? null,
    },
    canHold: can(access, 'project:manage'),
    members: people.members.map((member) => ({
      id: member.id,
      name: member.user.name,
      email: member.user.email,
      since: member.createdAt.toISOString(),
    })),
    invites: canManage
      ? people.invites.map((invite) => ({
          id: invite.id,
          email: invite.email,
          expiresAt: invite.expiresAt.toISOString(),
          expired: invite.expired,
          invitedBy: invite.invitedBy,
        }))
      : [],
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'partner:manage')
  const partner = await partnerProjectOr404(access.project.id, params.partnerId)
  const scope = {
    organization: access.organization,
    project: access.project,
    partnerProject: partner,
  }
  const actor = pageActor(access, request)
  const base = `/projects/${access.project.id}/partners/${partner.id}`
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  try {
    switch (intent) {
      case 'invite': {
        const submission = parseWithZod(formData, { schema: InviteSchema })
        if (submission.status !== 'success')
          return data({ invite: submission.reply(), inviteLink: null }, { status: 400 })
        try {
          const { invite, link } = await invitePartnerUser(
            scope,
            { email: submission.value.email, baseUrl: appOrigin(request) },
            actor,
          )
          return data({
            invite: submission.reply({ resetForm: true }),
            inviteLink: { email: invite.email, link },
          })
        } catch (error) {
          if (error instanceof PartnerInviteError)
            return data(
              {
                invite: submission.reply({ fieldErrors: { email: [error.message] } }),
                inviteLink: null,
              },
              { status: error.status },
            )
          throw error
        }
      }
      case 'resend': {
        const value = InviteRefSchema.parse(Object.fromEntries(formData))
        const { invite, link } = await resendPartnerInvite(
          scope,
          { inviteId: value.inviteId, baseUrl: appOrigin(request) },
          actor,
        )
        return data({ invite: null, inviteLink: { email: invite.email, link } })
      }
      case 'revoke': {
        const value = InviteRefSchema.parse(Object.fromEntries(formData))
        const invite = await revokePartnerInvite(scope, value.inviteId, actor)
        return redirectWithToast(base, {
          type: 'success',
          message: `Invitation for ${invite.email} revoked: its link no longer works.`,
        })
      }
      case 'remove': {
        const value = RemoveSchema.parse(Object.fromEntries(formData))
        const membership = await removePartnerMember(scope, value.membershipId, actor)
        return redirectWithToast(base, {
          type: 'success',
          message: `${membership.user.email} removed from ${partner.name}.`,
        })
      }
    }
  } catch (error) {
    if (error instanceof PartnerInviteError)
      return redirectWithToast(base, { type: 'error', message: error.message })
    if (error instanceof z.ZodError)
      throw new Response('That request was malformed. Reload the page and try again.', {
        status: 400,
      })
    throw error
  }
  throw new Response(`Unknown action "${intent}".`, { status: 400 })
}

export default function PartnerPeople() {
  const { projectId, partner, canManage, members, invites, hold, canHold } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'invite-partner',
    lastResult: actionData?.invite,
    constraint: getZodConstraint(InviteSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
  })
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <Link
            to={`/projects/${projectId}/partners`}
            className="text-sm text-indigo-700 hover:underline"
          >
            ← All partners
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <h2 className="text-xl font-bold text-slate-900">{partner.name}</h2>
            <LegalHoldBadge hold={hold} />
          </div>
          <p className="font-mono text-xs text-slate-500">{partner.slug}</p>
        </div>
        <nav aria-label={`${partner.name} pages`} className="flex flex-wrap gap-2">
          <Link
            to={`/projects/${projectId}/plan/${partner.id}`}
            className={buttonClass('secondary', '!py-1')}
          >
            Onboarding plan
          </Link>
          <Link
            to={`/projects/${projectId}/reports/${partner.id}`}
            className={buttonClass('secondary', '!py-1')}
          >
            Readiness report
          </Link>
          <Link
            to={`/projects/${projectId}/traces?partner=${encodeURIComponent(partner.slug)}`}
            className={buttonClass('secondary', '!py-1')}
          >
            Traces
          </Link>
        </nav>
      </div>

      {canManage ? (
        <Panel title="Invite a partner user">
          <InviteForm
            form={form}
            email={fields.email}
            emailHint={`They join ${partner.name} only: the partner portal, never your vendor pages.`}
            className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start"
            pendingFor={['intent', 'invite']}
            inviteLink={actionData?.inviteLink}
          />
        </Panel>
      ) : null}

      <Panel title={`Members (${members.length})`}>
        {members.length === 0 ? (
          <p className="text-sm text-slate-600">
            Nobody from {partner.name} has joined yet.
            {canManage ? ' Invite someone above.' : ''}
          </p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th className="py-2">Email</th>
                <th className="py-2">Since</th>
                {canManage ? <th className="py-2 text-right">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.map((member) => (
                <tr key={member.id}>
                  <td className="py-3 font-medium text-slate-900">{member.name}</td>
                  <td className="py-3 text-slate-600">{member.email}</td>
                  <td className="py-3 text-slate-600">{formatDate(member.since)}</td>
                  {canManage ? (
                    <td className="py-3 text-right">
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="membershipId" value={member.id} />
                        <SubmitButton
                          variant="danger"
                          className="!py-1"
                          pendingFor={['membershipId', member.id]}
                          pendingText="Removing…"
                        >
                          Remove<span className="sr-only"> {member.email}</span>
                        </SubmitButton>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>

      {canManage ? (
        <Panel title="Pending invitations">
          {invites.length === 0 ? (
            <p className="text-sm text-slate-600">No pending invitations.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {invites.map((invite) => (
                <li
                  key={invite.id}
                  className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm"
                >
                  <span>
                    {invite.email} ·{' '}
                    {invite.expired ? (
                      <span className="font-medium text-amber-700">
                        expired {formatDate(invite.expiresAt)}
                      </span>
                    ) : (
                      <>expires {formatDate(invite.expiresAt)}</>
                    )}
                    {invite.invitedBy ? ` · sent by ${invite.invitedBy}` : ''}
                  </span>
                  <Form method="post" className="flex gap-2">
                    <input type="hidden" name="inviteId" value={invite.id} />
                    <SubmitButton
                      variant="secondary"
                      className="!py-1"
                      name="intent"
                      value="resend"
                      pendingFor={['inviteId', invite.id]}
                      pendingText="Sending…"
                    >
                      Resend<span className="sr-only"> invitation for {invite.email}</span>
                    </SubmitButton>
                    <SubmitButton
                      variant="danger"
                      className="!py-1"
                      name="intent"
                      value="revoke"
                      pendingFor={['inviteId', invite.id]}
                      pendingText="Revoking…"
                    >
                      Revoke<span className="sr-only"> invitation for {invite.email}</span>
                    </SubmitButton>
                  </Form>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      ) : null}

      <LegalHoldPanel
        action={`/projects/${projectId}/partners/${partner.id}/legal-hold`}
        partnerName={partner.name}
        hold={hold}
        canHold={canHold}
      />
    </div>
  )
}
