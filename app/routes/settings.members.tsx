import { getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { InviteForm } from '~/components/invite-form'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, inputClass } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { can, missingPermissions, requireOrgAccess } from '~/server/access.server'
import { parseRoleValue, ROLE_LABELS, roleLabel, ROLES, roleValue } from '~/shared/roles'
import { audit } from '~/server/audit/log.server'
import { appOrigin, getClientIp } from '~/server/http.server'
import {
  changeMemberRole,
  inviteMember,
  listMembers,
  listPendingInvites,
  memberPermissions,
  MembershipError,
  removeMember,
  revokeInvite,
} from '~/server/orgs/members.server'
import { grantableRoleOptions } from '~/server/orgs/roles.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Members · Integration Copilot' }]

const RoleSchema = z.enum(ROLES, { error: 'Choose a role.' })
const InviteSchema = z.object({
  intent: z.literal('invite'),
  email: z.email('Enter the email address to invite.').max(254),
  role: RoleSchema,
})
/** A built-in role or `custom:<id>` (a custom role of this organisation, checked by the server). */
const ChangeRoleSchema = z.object({
  intent: z.literal('change-role'),
  membershipId: z.string().max(64),
  role: z
    .string()
    .max(80)
    .transform((value, ctx) => {
      const choice = parseRoleValue(value)
      if (!choice) {
        ctx.addIssue({ code: 'custom', message: 'Choose a role.' })
        return z.NEVER
      }
      return choice
    }),
})
const RemoveSchema = z.object({ intent: z.literal('remove'), membershipId: z.string() })
const RevokeInviteSchema = z.object({ intent: z.literal('revoke-invite'), inviteId: z.string() })

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:read')
  const canManage = can(access, 'member:manage')
  const [members, invites, roleOptions] = await Promise.all([
    listMembers(access.organization.id),
    canManage ? listPendingInvites(access.organization.id) : [],
    canManage ? grantableRoleOptions(access.organization.id, access, { owner: true }) : [],
  ])
  return {
    organization: { id: access.organization.id, name: access.organization.name },
    canManage,
    /** Invitations carry a built-in role; only an owner grants the owner role. */
    grantableRoles: ROLES.filter((role) => roleOptions.some((option) => option.value === role)),
    /** Built-in and custom roles this member may hand out (never more than they hold). */
    roleOptions,
    currentUserId: access.user.id,
    members: members.map((member) => ({
      id: member.id,
      role: roleValue(member.role, member.customRoleId),
      roleLabel: roleLabel(member.role, member.customRole),
      /** Whether this member may change that one (owners by owners; nobody above themselves). */
      changeable:
        canManage &&
        (member.role !== 'OWNER' || access.role === 'OWNER') &&
        missingPermissions(access.permissions, memberPermissions(member)).length === 0,
      user: member.user,
    })),
    invites: invites.map((invite) => ({
      id: invite.id,
      email: invite.email,
      role: invite.role,
      expiresAt: invite.expiresAt.toISOString(),
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:manage')
  const formData = await request.formData()
  const intent = formData.get('intent')
  const organizationId = access.organization.id
  const context = { actorUserId: access.user.id, organizationId, ip: getClientIp(request) }
  try {
    if (intent === 'invite') {
      const submission = parseWithZod(formData, { schema: InviteSchema })
      if (submission.status !== 'success')
        return data({ invite: submission.reply(), inviteLink: null }, { status: 400 })
      const baseUrl = appOrigin(request)
      const { invite, link } = await inviteMember({
        organizationId,
        organizationName: access.organization.name,
        email: submission.value.email,
        role: submission.value.role,
        invitedById: access.user.id,
        actorRole: access.role,
        actorPermissions: access.permissions,
        baseUrl,
      })
      await audit({
        ...context,
        action: 'member.invited',
        targetType: 'invite',
        targetId: invite.id,
        metadata: { email: invite.email, role: invite.role },
      })
      return data({
        invite: submission.reply({ resetForm: true }),
        inviteLink: { email: invite.email, link },
      })
    }
    if (intent === 'change-role') {
      const value = ChangeRoleSchema.parse(Object.fromEntries(formData))
      const membership = await changeMemberRole({
        organizationId,
        membershipId: value.membershipId,
        role: value.role.role,
        customRoleId: 'customRoleId' in value.role ? value.role.customRoleId : null,
        actorRole: access.role,
        actorPermissions: access.permissions,
      })
      await audit({
        ...context,
        action: 'member.role_changed',
        targetType: 'membership',
        targetId: membership.id,
        metadata: { role: membership.role, before: membership.before, after: membership.after },
      })
      return redirectWithToast('/settings/members', {
        type: 'success',
        message: `Role changed to ${membership.after.label}.`,
      })
    }
    if (intent === 'remove') {
      const value = RemoveSchema.parse(Object.fromEntries(formData))
      const membership = await removeMember({
        organizationId,
        membershipId: value.membershipId,
        actorRole: access.role,
        actorPermissions: access.permissions,
      })
      await audit({
        ...context,
        action: 'member.removed',
        targetType: 'membership',
        targetId: membership.id,
      })
      return redirectWithToast('/settings/members', { type: 'success', message: 'Member removed.' })
    }
    if (intent === 'revoke-invite') {
      const value = RevokeInviteSchema.parse(Object.fromEntries(formData))
      await revokeInvite(organizationId, value.inviteId)
      await audit({
        ...context,
        action: 'invite.revoked',
        targetType: 'invite',
        targetId: value.inviteId,
      })
      return redirectWithToast('/settings/members', {
        type: 'success',
        message: 'Invitation revoked.',
      })
    }
  } catch (error) {
    if (error instanceof MembershipError) {
      return redirectWithToast('/settings/members', { type: 'error', message: error.message })
    }
    if (error instanceof z.ZodError)
      throw new Response('That request was malformed. Reload the page and try again.', {
        status: 400,
      })
    throw error
  }
  throw new Response(`Unknown action "${String(intent)}".`, { status: 400 })
}

export default function MembersPage() {
  const { organization, members, invites, canManage, grantableRoles, roleOptions, currentUserId } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'invite',
    lastResult: actionData?.invite,
    constraint: getZodConstraint(InviteSchema),
    shouldRevalidate: 'onBlur',
    defaultValue: { role: 'VENDOR' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
  })
  return (
    <>
      <p className="text-sm text-slate-600">People in {organization.name} and what they can do.</p>
      {canManage ? (
        <Panel title="Invite a member">
          <InviteForm
            form={form}
            email={fields.email}
            className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
            inviteLink={actionData?.inviteLink}
          >
            <div>
              <label htmlFor={fields.role.id} className="block text-sm font-medium text-slate-800">
                Role
              </label>
              <select
                {...getSelectProps(fields.role)}
                key={fields.role.key}
                className={`${inputClass} mt-1`}
              >
                {grantableRoles.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
              <ErrorList id={fields.role.errorId} errors={fields.role.errors} />
            </div>
          </InviteForm>
        </Panel>
      ) : null}

      <Panel title={`Members (${members.length})`}>
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2">Name</th>
              <th className="py-2">Email</th>
              <th className="py-2">Role</th>
              {canManage ? <th className="py-2 text-right">Actions</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((member) => (
              <tr key={member.id}>
                <td className="py-3 font-medium text-slate-900">
                  {member.user.name}
                  {member.user.id === currentUserId ? (
                    <span className="ml-2 text-xs text-slate-500">(you)</span>
                  ) : null}
                </td>
                <td className="py-3 text-slate-600">{member.user.email}</td>
                <td className="py-3">
                  {member.changeable ? (
                    <Form method="post" className="flex items-center gap-2">
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="membershipId" value={member.id} />
                      <label className="sr-only" htmlFor={`role-${member.id}`}>
                        Role of {member.user.name}
                      </label>
                      <select
                        id={`role-${member.id}`}
                        name="role"
                        defaultValue={member.role}
                        className={`${inputClass} !w-44 !py-1`}
                      >
                        {roleOptions.some((option) => option.value === member.role) ? null : (
                          <option value={member.role} disabled>
                            {member.roleLabel}
                          </option>
                        )}
                        <optgroup label="Built-in roles">
                          {roleOptions
                            .filter((option) => !option.custom)
                            .map((option) => (
                              <option key={option.value} value={option.value}>
                                {option.label}
                              </option>
                            ))}
                        </optgroup>
                        {roleOptions.some((option) => option.custom) ? (
                          <optgroup label="Custom roles">
                            {roleOptions
                              .filter((option) => option.custom)
                              .map((option) => (
                                <option key={option.value} value={option.value}>
                                  {option.label}
                                </option>
                              ))}
                          </optgroup>
                        ) : null}
                      </select>
                      <SubmitButton
                        variant="secondary"
                        className="!py-1"
                        name="membershipId"
                        value={member.id}
                        pendingText="Saving…"
                      >
                        Save
                      </SubmitButton>
                    </Form>
                  ) : (
                    member.roleLabel
                  )}
                </td>
                {canManage ? (
                  <td className="py-3 text-right">
                    {member.changeable ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <SubmitButton
                          variant="danger"
                          className="!py-1"
                          name="membershipId"
                          value={member.id}
                          pendingText="Removing…"
                        >
                          Remove<span className="sr-only"> {member.user.name}</span>
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>

      {canManage ? (
        <Panel title="Pending invitations">
          {invites.length === 0 ? (
            <p className="text-sm text-slate-600">No pending invitations.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {invites.map((invite) => (
                <li key={invite.id} className="flex items-center justify-between py-2 text-sm">
                  <span>
                    {invite.email} · {roleLabel(invite.role)} · expires{' '}
                    {formatDate(invite.expiresAt)}
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke-invite" />
                    <SubmitButton
                      variant="danger"
                      className="!py-1"
                      name="inviteId"
                      value={invite.id}
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
    </>
  )
}
