/** Project-level roles: a member's role on this project, replacing their organisation role here. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import {
  assignProjectRole,
  listProjectRoles,
  ProjectRoleError,
  removeProjectRole,
} from '~/server/orgs/project-roles.server'
import { grantableRoleOptions } from '~/server/orgs/roles.server'
import { redirectWithToast } from '~/server/toast.server'
import { parseRoleValue } from '~/shared/roles'

export const meta: MetaFunction = () => [{ title: 'Access · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const canManage = can(access, 'project:manage')
  // Only those who manage the project see who has which role on it.
  const [members, roleOptions] = canManage
    ? await Promise.all([
        listProjectRoles(access.project),
        grantableRoleOptions(access.organization.id, access, { owner: false }),
      ])
    : [[], []]
  return {
    projectId: access.project.id,
    projectName: access.project.name,
    canManage,
    currentMembershipId: access.membership.id,
    roleOptions,
    members,
  }
}

const AssignSchema = z.object({
  intent: z.literal('assign'),
  membershipId: z.string().min(1).max(64),
  role: z.string().max(80),
})
const RemoveSchema = z.object({
  intent: z.literal('remove'),
  membershipId: z.string().min(1).max(64),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:manage')
  const formData = await request.formData()
  const base = `/projects/${access.project.id}/settings/access`
  const common = {
    actor: pageActor(access, request),
    actorPermissions: access.permissions,
    actorMembershipId: access.membership.id,
    project: access.project,
  }
  try {
    const intent = formData.get('intent')
    if (intent === 'assign') {
      const value = AssignSchema.safeParse(Object.fromEntries(formData))
      const choice = value.success ? parseRoleValue(value.data.role) : null
      if (!value.success || !choice)
        return redirectWithToast(base, {
          type: 'error',
          message: 'Choose a role from the list, then save.',
        })
      const { after } = await assignProjectRole({
        ...common,
        membershipId: value.data.membershipId,
        choice,
      })
      return redirectWithToast(base, {
        type: 'success',
        message: `Role on this project set to ${after?.label ?? 'the new role'}.`,
      })
    }
    if (intent === 'remove') {
      const value = RemoveSchema.safeParse(Object.fromEntries(formData))
      if (!value.success)
        throw new Response('That request was malformed. Reload the page and try again.', {
          status: 400,
        })
      await removeProjectRole({ ...common, membershipId: value.data.membershipId })
      return redirectWithToast(base, {
        type: 'success',
        message: 'Project role removed: their organisation role applies here again.',
      })
    }
    throw new Response(`Unknown action "${String(intent).slice(0, 40)}".`, { status: 400 })
  } catch (error) {
    if (error instanceof ProjectRoleError)
      return redirectWithToast(base, { type: 'error', message: error.message })
    throw error
  }
}

export default function ProjectAccess() {
  const { projectId, projectName, canManage, currentMembershipId, roleOptions, members } =
    useLoaderData<typeof loader>()
  if (!canManage) {
    return (
      <Panel title="Access">
        <p className="text-sm text-slate-600">
          Only owners and admins can see and change who has which role on this project.
        </p>
      </Panel>
    )
  }
  const others = members.filter((member) => member.membershipId !== currentMembershipId)
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link
          to={`/projects/${projectId}/settings`}
          className="font-medium text-indigo-700 hover:underline"
        >
          ← Settings
        </Link>
      </p>
      <Panel title="Roles on this project">
        <p className="text-sm text-slate-600">
          A member’s role here replaces their organisation role on “{projectName}” only: lower it (a
          vendor who only reads this project) or raise it (a viewer who works on it). Owners keep
          every permission everywhere. Define custom roles in{' '}
          <Link to="/settings/roles" className="font-medium text-indigo-700 hover:underline">
            Settings → Roles
          </Link>
          .
        </p>
        {others.length === 0 ? (
          <div className="mt-4">
            <EmptyState title="Nobody else in the organisation yet">
              Invite members in{' '}
              <Link to="/settings/members" className="font-medium text-indigo-700 hover:underline">
                Settings → Members
              </Link>
              , then give them a role on this project here.
            </EmptyState>
          </div>
        ) : (
          <table className="mt-4 w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Member</th>
                <th className="py-2">Organisation role</th>
                <th className="py-2">Role on this project</th>
                <th className="py-2 text-right">Override</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {others.map((member) => (
                <tr key={member.membershipId} className="align-top">
                  <td className="py-3 pr-4">
                    <span className="font-medium text-slate-900">{member.user.name}</span>
                    <span className="block text-xs text-slate-600">{member.user.email}</span>
                  </td>
                  <td className="py-3 pr-4 text-slate-700">{member.organizationRole}</td>
                  <td className="py-3 pr-4">
                    {member.owner ? (
                      <span className="text-slate-600">Owner (cannot be overridden)</span>
                    ) : (
                      <Form method="post" className="flex flex-wrap items-center gap-2">
                        <input type="hidden" name="intent" value="assign" />
                        <input type="hidden" name="membershipId" value={member.membershipId} />
                        <label className="sr-only" htmlFor={`project-role-${member.membershipId}`}>
                          Role of {member.user.name} on this project
                        </label>
                        <select
                          id={`project-role-${member.membershipId}`}
                          name="role"
                          defaultValue={member.projectRole?.value ?? ''}
                          className={`${inputClass} !w-64 !py-1`}
                        >
                          <option value="" disabled>
                            Same as organisation ({member.organizationRole})
                          </option>
                          {member.projectRole &&
                          !roleOptions.some(
                            (option) => option.value === member.projectRole?.value,
                          ) ? (
                            <option value={member.projectRole.value} disabled>
                              {member.projectRole.label}
                            </option>
                          ) : null}
                          {roleOptions.map((option) => (
                            <option key={option.value} value={option.value}>
                              {option.label}
                              {option.custom ? ' (custom)' : ''}
                            </option>
                          ))}
                        </select>
                        <SubmitButton
                          variant="secondary"
                          className="!py-1"
                          pendingFor={['membershipId', member.membershipId]}
                          pendingText="Saving…"
                        >
                          Save<span className="sr-only"> role of {member.user.name}</span>
                        </SubmitButton>
                      </Form>
                    )}
                  </td>
                  <td className="py-3 text-right">
                    {member.projectRole ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <SubmitButton
                          variant="danger"
                          className="!py-1"
                          name="membershipId"
                          value={member.membershipId}
                          pendingText="Removing…"
                        >
                          Use organisation role
                          <span className="sr-only"> for {member.user.name}</span>
                        </SubmitButton>
                      </Form>
                    ) : (
                      <span className="text-xs text-slate-500">None</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  )
}
