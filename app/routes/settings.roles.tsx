/** Custom roles: named sets of the existing permissions (settings tab, member:manage). */
import { getCollectionProps, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { ErrorList, Field, FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import { getClientIp } from '~/server/http.server'
import {
  createCustomRole,
  deleteCustomRole,
  listCustomRoles,
  RoleError,
  updateCustomRole,
  type RoleActor,
} from '~/server/orgs/roles.server'
import { redirectWithToast } from '~/server/toast.server'
import {
  ACTION_TABLE,
  ACTIONS,
  builtInActions,
  CUSTOM_ROLE_DESCRIPTION_MAX,
  CustomRoleSchema,
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  ROLES,
  type Action,
} from '~/shared/roles'

export const meta: MetaFunction = () => [{ title: 'Roles · Integration Copilot' }]

const BASE = '/settings/roles'
const RoleIdSchema = z.string().min(1).max(64)

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:manage')
  const roles = await listCustomRoles(access.organization.id)
  const editId = new URL(request.url).searchParams.get('edit')
  const editing = roles.find((role) => role.id === editId) ?? null
  return {
    organizationName: access.organization.name,
    held: ACTIONS.filter((action) => access.permissions.has(action)),
    roles: roles.map((role) => ({
      id: role.id,
      name: role.name,
      description: role.description,
      permissions: role.permissions,
      memberCount: role.memberCount,
      projectAssignmentCount: role.projectAssignmentCount,
    })),
    editing: editing
      ? {
          id: editing.id,
          name: editing.name,
          description: editing.description,
          permissions: editing.permissions,
        }
      : null,
  }
}

function actorOf(
  access: Awaited<ReturnType<typeof requireOrgAccess>>,
  request: Request,
): RoleActor {
  return {
    userId: access.user.id,
    organizationId: access.organization.id,
    permissions: access.permissions,
    ip: getClientIp(request),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:manage')
  const formData = await request.formData()
  const intent = formData.get('intent')
  const actor = actorOf(access, request)

  if (intent === 'create' || intent === 'update') {
    const submission = parseWithZod(formData, { schema: CustomRoleSchema })
    if (submission.status !== 'success') return data({ form: submission.reply() }, { status: 400 })
    try {
      if (intent === 'create') {
        const role = await createCustomRole(actor, submission.value)
        return redirectWithToast(BASE, {
          type: 'success',
          message: `Role “${role.name}” created. Give it to members in Members or on a project.`,
        })
      }
      const roleId = RoleIdSchema.safeParse(formData.get('roleId'))
      if (!roleId.success) throw new Response('Which role? Reload the page.', { status: 400 })
      const role = await updateCustomRole(actor, roleId.data, submission.value)
      return redirectWithToast(BASE, { type: 'success', message: `Role “${role.name}” saved.` })
    } catch (error) {
      if (!(error instanceof RoleError)) throw error
      return data(
        {
          form: submission.reply(
            error.field
              ? { fieldErrors: { [error.field]: [error.message] } }
              : { formErrors: [error.message] },
          ),
        },
        { status: 400 },
      )
    }
  }
  if (intent === 'delete') {
    const roleId = RoleIdSchema.safeParse(formData.get('roleId'))
    if (!roleId.success) throw new Response('Which role? Reload the page.', { status: 400 })
    try {
      const role = await deleteCustomRole(actor, roleId.data)
      return redirectWithToast(BASE, { type: 'success', message: `Role “${role.name}” deleted.` })
    } catch (error) {
      if (!(error instanceof RoleError)) throw error
      return redirectWithToast(BASE, { type: 'error', message: error.message })
    }
  }
  throw new Response(`Unknown action "${String(intent).slice(0, 40)}".`, { status: 400 })
}

function PermissionList({ permissions }: { permissions: readonly Action[] }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {permissions.map((action) => (
        <li
          key={action}
          title={ACTION_TABLE[action].description}
          className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700"
        >
          {ACTION_TABLE[action].label}
        </li>
      ))}
    </ul>
  )
}

function RoleForm({
  editing,
  held,
  lastResult,
}: {
  editing: { id: string; name: string; description: string; permissions: Action[] } | null
  held: readonly Action[]
  lastResult: ReturnType<typeof useActionData<typeof action>>
}) {
  const [form, fields] = useForm({
    id: editing ? `role-${editing.id}` : 'create-role',
    lastResult: lastResult?.form,
    constraint: getZodConstraint(CustomRoleSchema),
    shouldRevalidate: 'onBlur',
    defaultValue: editing
      ? { name: editing.name, description: editing.description, permissions: editing.permissions }
      : { permissions: ['project:read', 'member:read'] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CustomRoleSchema }),
  })
  const checkboxes = getCollectionProps(fields.permissions, {
    type: 'checkbox',
    options: [...ACTIONS],
  })
  return (
    <Form
      method="post"
      action={editing ? `${BASE}?edit=${editing.id}` : BASE}
      className="space-y-4"
      {...getFormProps(form)}
    >
      <input type="hidden" name="intent" value={editing ? 'update' : 'create'} />
      {editing ? <input type="hidden" name="roleId" value={editing.id} /> : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          meta={fields.name}
          hint="Up to 50 characters, e.g. “Release manager”."
        />
        <div>
          <label
            htmlFor={fields.description.id}
            className="block text-sm font-medium text-slate-800"
          >
            Description <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <textarea
            {...getTextareaProps(fields.description)}
            key={fields.description.key}
            rows={2}
            maxLength={CUSTOM_ROLE_DESCRIPTION_MAX}
            className={`${inputClass} mt-1`}
          />
          <ErrorList id={fields.description.errorId} errors={fields.description.errors} />
        </div>
      </div>
      <fieldset aria-describedby={fields.permissions.errorId}>
        <legend className="text-sm font-medium text-slate-800">Permissions</legend>
        <p className="text-xs text-slate-500">
          You can give only permissions you hold yourself; the others are greyed out.
        </p>
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {checkboxes.map((props) => {
            const action = props.value as Action
            const mine = held.includes(action)
            return (
              <li key={props.key ?? action}>
                <label
                  className={`flex gap-2 rounded-md border border-slate-200 p-2 text-sm ${mine ? '' : 'opacity-60'}`}
                >
                  <input {...props} key={props.key} disabled={!mine} className="mt-0.5" />
                  <span>
                    <span className="font-medium text-slate-900">{ACTION_TABLE[action].label}</span>
                    <span className="block text-xs text-slate-600">
                      {ACTION_TABLE[action].description}
                    </span>
                  </span>
                </label>
              </li>
            )
          })}
        </ul>
        <ErrorList id={fields.permissions.errorId} errors={fields.permissions.errors} />
      </fieldset>
      <div className="flex items-center gap-3">
        <SubmitButton pendingText="Saving…">{editing ? 'Save role' : 'Create role'}</SubmitButton>
        {editing ? (
          <Link to={BASE} className="text-sm text-slate-600 hover:underline">
            Cancel
          </Link>
        ) : null}
      </div>
    </Form>
  )
}

export default function RolesPage() {
  const { organizationName, roles, editing, held } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <>
      <p className="text-sm text-slate-600">
        Custom roles of {organizationName}: named sets of permissions you give to members (in
        Members) or to a member on one project (in the project’s Settings → Access).
      </p>

      <Panel title={editing ? `Edit “${editing.name}”` : 'Create a role'}>
        <RoleForm
          key={editing?.id ?? 'new'}
          editing={editing}
          held={held}
          lastResult={actionData}
        />
      </Panel>

      <Panel title={`Custom roles (${roles.length})`}>
        {roles.length === 0 ? (
          <EmptyState title="No custom roles yet">
            The built-in roles below cover most teams. Create one above when someone needs a
            different set, e.g. a viewer who may also manage partner users.
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Role</th>
                <th className="py-2">Permissions</th>
                <th className="py-2">Used by</th>
                <th className="py-2 text-right">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {roles.map((role) => (
                <tr key={role.id} className="align-top">
                  <td className="py-3 pr-4">
                    <span className="font-medium text-slate-900">{role.name}</span>
                    {role.description ? (
                      <span className="block text-xs text-slate-600">{role.description}</span>
                    ) : null}
                  </td>
                  <td className="py-3 pr-4">
                    <PermissionList permissions={role.permissions} />
                  </td>
                  <td className="py-3 pr-4 text-slate-600">
                    {role.memberCount} {role.memberCount === 1 ? 'member' : 'members'}
                    {role.projectAssignmentCount > 0
                      ? `, ${role.projectAssignmentCount} on projects`
                      : ''}
                  </td>
                  <td className="py-3">
                    <div className="flex justify-end gap-2">
                      <Link
                        to={`?edit=${role.id}`}
                        className={buttonClass('secondary', '!py-1')}
                        aria-label={`Edit ${role.name}`}
                      >
                        Edit
                      </Link>
                      <Form method="post">
                        <input type="hidden" name="roleId" value={role.id} />
                        <ConfirmAction
                          label={
                            <>
                              Delete<span className="sr-only"> {role.name}</span>
                            </>
                          }
                          confirmLabel="Delete role"
                          value="delete"
                          pendingFor={['roleId', role.id]}
                        >
                          Delete “{role.name}”? Members or projects still using it must get another
                          role first.
                        </ConfirmAction>
                      </Form>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>

      <Panel title="Built-in roles">
        <table className="w-full text-left text-sm">
          <tbody className="divide-y divide-slate-100">
            {ROLES.map((role) => (
              <tr key={role} className="align-top">
                <td className="py-3 pr-4">
                  <span className="font-medium text-slate-900">{ROLE_LABELS[role]}</span>
                  <span className="block text-xs text-slate-600">{ROLE_DESCRIPTIONS[role]}</span>
                </td>
                <td className="py-3">
                  <PermissionList permissions={builtInActions(role)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  )
}
