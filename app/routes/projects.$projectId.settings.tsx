import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { ApiTokenSchema, ProjectNameSchema } from '~/shared/project-schemas'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, inputClass } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess, type Action } from '~/server/access.server'
import { createApiToken, listApiTokens, revokeApiToken } from '~/server/api-tokens.server'
import { audit } from '~/server/audit/log.server'
import { getClientIp } from '~/server/http.server'
import { updateProject } from '~/server/projects.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate, formatDateTime } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const canManageTokens = can(access, 'token:manage')
  const tokens = canManageTokens ? await listApiTokens(project.id) : []
  return {
    project: {
      id: project.id,
      name: project.name,
      description: project.description,
      archived: Boolean(project.archivedAt),
    },
    canManage: can(access, 'project:manage'),
    canManageTokens,
    tokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      createdBy: token.createdBy?.name ?? '—',
      createdAt: token.createdAt.toISOString(),
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    })),
  }
}

const INTENT_PERMISSIONS: Record<string, Action> = {
  rename: 'project:manage',
  archive: 'project:manage',
  unarchive: 'project:manage',
  'create-token': 'token:manage',
  'revoke-token': 'token:manage',
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireProjectAccess(request, params.projectId, 'project:write')
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const permission = INTENT_PERMISSIONS[intent]
  if (!permission) throw new Response(`Unknown action "${intent}".`, { status: 400 })
  const { project, organization, user } = await requireProjectAccess(
    request,
    params.projectId,
    permission,
  )
  const base = `/projects/${project.id}/settings`
  const context = {
    actorUserId: user.id,
    organizationId: organization.id,
    projectId: project.id,
    ip: getClientIp(request),
  }

  if (intent === 'rename') {
    const submission = parseWithZod(formData, { schema: ProjectNameSchema })
    if (submission.status !== 'success')
      return data({ rename: submission.reply(), token: null, newToken: null }, { status: 400 })
    await updateProject(organization.id, project.id, {
      name: submission.value.name,
      description: submission.value.description ?? '',
    })
    await audit({
      ...context,
      action: 'project.renamed',
      targetType: 'project',
      targetId: project.id,
      metadata: { from: project.name, to: submission.value.name },
    })
    return redirectWithToast(base, { type: 'success', message: 'Project details saved.' })
  }
  if (intent === 'archive' || intent === 'unarchive') {
    await updateProject(organization.id, project.id, {
      archivedAt: intent === 'archive' ? new Date() : null,
    })
    await audit({
      ...context,
      action: `project.${intent}d`,
      targetType: 'project',
      targetId: project.id,
    })
    return redirectWithToast(intent === 'archive' ? '/projects?archived=1' : base, {
      type: 'success',
      message:
        intent === 'archive'
          ? `“${project.name}” archived. Restore it from its settings.`
          : 'Project restored.',
    })
  }
  if (intent === 'create-token') {
    const submission = parseWithZod(formData, { schema: ApiTokenSchema })
    if (submission.status !== 'success')
      return data({ rename: null, token: submission.reply(), newToken: null }, { status: 400 })
    const { token, record } = await createApiToken({
      projectId: project.id,
      name: submission.value.name,
      createdById: user.id,
    })
    await audit({
      ...context,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: record.id,
      metadata: { name: record.name },
    })
    return data({
      rename: null,
      token: submission.reply({ resetForm: true }),
      newToken: { name: record.name, value: token },
    })
  }
  const tokenId = String(formData.get('tokenId') ?? '')
  if (!(await revokeApiToken(project.id, tokenId))) {
    return redirectWithToast(base, {
      type: 'error',
      message: 'That token was already revoked or does not exist.',
    })
  }
  await audit({
    ...context,
    action: 'api_token.revoked',
    targetType: 'api_token',
    targetId: tokenId,
  })
  return redirectWithToast(base, {
    type: 'success',
    message: 'Token revoked. Requests using it now get 401.',
  })
}

export default function ProjectSettings() {
  const { project, canManage, canManageTokens, tokens } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [renameForm, renameFields] = useForm({
    id: 'rename-project',
    lastResult: actionData?.rename,
    constraint: getZodConstraint(ProjectNameSchema),
    defaultValue: { name: project.name, description: project.description },
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProjectNameSchema }),
  })
  const [tokenForm, tokenFields] = useForm({
    id: 'create-token',
    lastResult: actionData?.token,
    constraint: getZodConstraint(ApiTokenSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApiTokenSchema }),
  })
  if (!canManage && !canManageTokens) {
    return (
      <Panel title="Settings">
        <p className="text-sm text-slate-600">
          Only owners and admins can change this project’s settings.
        </p>
      </Panel>
    )
  }
  return (
    <div className="space-y-6">
      {canManage ? (
        <Panel title="Connectors">
          <p className="text-sm text-slate-600">
            Slack messages, Jira issues and signed outgoing webhooks for this project’s events.{' '}
            <Link to="connectors" className="font-medium text-indigo-700 hover:underline">
              Manage connectors
            </Link>
          </p>
        </Panel>
      ) : null}
      {canManage ? (
        <Panel title="Access">
          <p className="text-sm text-slate-600">
            Give a member a different role on this project than in the organisation.{' '}
            <Link to="access" className="font-medium text-indigo-700 hover:underline">
              Manage project roles
            </Link>
          </p>
        </Panel>
      ) : null}
      {canManage ? (
        <Panel title="Project details">
          <Form
            method="post"
            className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
            {...getFormProps(renameForm)}
          >
            <input type="hidden" name="intent" value="rename" />
            <FormErrors errors={renameForm.errors} id={renameForm.errorId} />
            <Field label="Project name" meta={renameFields.name} />
            <Field label="Description" meta={renameFields.description} />
            <SubmitButton className="sm:mt-6" pendingText="Saving…">
              Save
            </SubmitButton>
          </Form>
        </Panel>
      ) : null}

      {canManageTokens ? (
        <Panel title="API tokens">
          <p className="text-sm text-slate-600">
            Tokens let CI pipelines call{' '}
            <code className="rounded bg-slate-100 px-1">/api/v1/projects/{project.id}</code> with{' '}
            <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code>.
            A token is shown once.
          </p>
          {actionData?.newToken ? (
            <div className="mt-4">
              <Notice tone="success">
                Token “{actionData.newToken.name}” created. Copy it now: it will not be shown again.
                <input
                  readOnly
                  aria-label="New API token"
                  data-testid="new-token"
                  value={actionData.newToken.value}
                  className={`${inputClass} mt-2 font-mono text-xs`}
                />
              </Notice>
            </div>
          ) : null}
          <Form
            method="post"
            className="mt-4 grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start"
            {...getFormProps(tokenForm)}
          >
            <input type="hidden" name="intent" value="create-token" />
            <FormErrors errors={tokenForm.errors} id={tokenForm.errorId} />
            <Field
              label="Token name"
              meta={tokenFields.name}
              hint="Where it will be used, e.g. “GitHub Actions”."
            />
            <SubmitButton className="sm:mt-6" pendingText="Creating…">
              Create token
            </SubmitButton>
          </Form>
          {tokens.length === 0 ? (
            <p className="mt-4 text-sm text-slate-600">No tokens yet.</p>
          ) : (
            <table className="mt-4 w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2">Name</th>
                  <th className="py-2">Token</th>
                  <th className="py-2">Created</th>
                  <th className="py-2">Last used</th>
                  <th className="py-2 text-right">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => (
                  <tr key={token.id}>
                    <td className="py-2 font-medium text-slate-900">{token.name}</td>
                    <td className="py-2 font-mono text-xs text-slate-600">{token.prefix}…</td>
                    <td className="py-2 text-slate-600">
                      {formatDate(token.createdAt)} by {token.createdBy}
                    </td>
                    <td className="py-2 text-slate-600">
                      {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}
                    </td>
                    <td className="py-2 text-right">
                      {token.revokedAt ? (
                        <span className="text-xs text-slate-500">Revoked</span>
                      ) : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke-token" />
                          <SubmitButton
                            variant="danger"
                            className="!py-1"
                            name="tokenId"
                            value={token.id}
                            pendingText="Revoking…"
                          >
                            Revoke<span className="sr-only"> {token.name}</span>
                          </SubmitButton>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      ) : null}

      {canManage ? (
        <Panel title={project.archived ? 'Restore project' : 'Archive project'}>
          <Form method="post" className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-sm text-slate-600">
              {project.archived
                ? 'This project is archived. Restore it to list it among active projects again.'
                : 'Archiving hides the project from the list. Nothing is deleted; you can restore it.'}
            </p>
            <SubmitButton
              variant={project.archived ? 'secondary' : 'danger'}
              name="intent"
              value={project.archived ? 'unarchive' : 'archive'}
              pendingText="Saving…"
            >
              {project.archived ? 'Restore project' : 'Archive project'}
            </SubmitButton>
          </Form>
        </Panel>
      ) : null}
    </div>
  )
}
