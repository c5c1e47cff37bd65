import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { EnvironmentForm } from '~/components/tests/environment-form'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import {
  createEnvironment,
  EnvironmentError,
  environmentView,
  listEnvironments,
  webhookUrlOf,
} from '~/server/environments/service.server'
import { appOrigin } from '~/server/http.server'
import { authFromForm, environmentFormSchema, optionsFromForm } from '~/shared/environment-schemas'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const rows = await listEnvironments(project.id)
  return {
    projectId: project.id,
    canWrite: can(access, 'project:write'),
    environments: rows.map((row) => environmentView(row, appOrigin(request))),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: environmentFormSchema('create') })
  // Credentials typed into the form never travel back to the page.
  const hideFields = ['bearerToken', 'apiKeyValue', 'basicPassword', 'oauthClientSecret']
  if (submission.status !== 'success')
    return data({ result: submission.reply({ hideFields }), created: null }, { status: 400 })
  const form = submission.value
  try {
    const { environment, webhookSecret } = await createEnvironment(
      access.project.id,
      {
        kind: form.kind as 'sandbox' | 'uat',
        name: form.name,
        baseUrl: form.baseUrl!,
        auth: authFromForm(form) ?? undefined,
        allowPrivateNetwork: form.allowPrivateNetwork ?? false,
        options: optionsFromForm(form),
        webhook: { scheme: form.webhookScheme, header: form.webhookHeader },
      },
      pageActor(access, request),
    )
    return data({
      result: submission.reply({ resetForm: true }),
      created: {
        id: environment.id,
        name: environment.name,
        webhookUrl: webhookUrlOf(environment.id, appOrigin(request)),
        webhookSecret,
      },
    })
  } catch (error) {
    if (error instanceof EnvironmentError)
      return data(
        { result: submission.reply({ formErrors: [error.message], hideFields }), created: null },
        { status: 400 },
      )
    throw error
  }
}

export default function Environments() {
  const { projectId, canWrite, environments } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const base = `/projects/${projectId}/tests/environments`
  return (
    <div className="space-y-6">
      {actionData?.created ? (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
        >
          <p className="font-semibold">
            “{actionData.created.name}” created. Point your sandbox’s webhooks at its receiver,
            signed with this secret: copy it now, it is shown this once.
          </p>
          <dl className="mt-2 grid gap-1 sm:grid-cols-[8rem_1fr_auto] sm:items-center">
            <dt>Receiver URL</dt>
            <dd className="break-all font-mono text-xs">{actionData.created.webhookUrl}</dd>
            <dd>
              <CopyButton text={actionData.created.webhookUrl} />
            </dd>
            <dt>Signing secret</dt>
            <dd className="break-all font-mono text-xs" data-testid="receiver-secret">
              {actionData.created.webhookSecret}
            </dd>
            <dd>
              <CopyButton text={actionData.created.webhookSecret} />
            </dd>
          </dl>
          <Link
            to={`${base}/${actionData.created.id}`}
            className="mt-2 inline-block font-semibold text-indigo-700 hover:underline"
          >
            Open the environment →
          </Link>
        </div>
      ) : null}
      <Panel title="Environments">
        {environments.length === 0 ? (
          <EmptyState title="Only the mock so far">
            Every spec can run against its mock. Add the Sandbox and UAT your partners certify on.
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th className="py-2">Kind</th>
                <th className="py-2">Base URL</th>
                <th className="py-2">Credentials</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {environments.map((environment) => (
                <tr key={environment.id} className="align-top">
                  <td className="py-2">
                    <Link
                      to={`${base}/${environment.id}`}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {environment.name}
                    </Link>
                  </td>
                  <td className="py-2 text-slate-700">
                    {environment.kind === 'uat'
                      ? 'UAT'
                      : environment.kind === 'mock'
                        ? 'Mock'
                        : 'Sandbox'}
                  </td>
                  <td className="break-all py-2 font-mono text-xs text-slate-700">
                    {environment.baseUrl ?? 'the mock’s own URL'}
                  </td>
                  <td className="py-2 text-xs text-slate-700">{environment.auth}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {canWrite ? (
        <Panel title="Add a Sandbox or UAT">
          <EnvironmentForm
            mode="create"
            lastResult={actionData?.result}
            defaults={{
              kind: 'sandbox',
              authType: 'bearer',
              apiKeyIn: 'header',
              webhookScheme: 'standard',
            }}
          />
        </Panel>
      ) : null}
    </div>
  )
}
