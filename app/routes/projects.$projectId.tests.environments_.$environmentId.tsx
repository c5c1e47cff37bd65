import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { EnvironmentForm } from '~/components/tests/environment-form'
import {
  PartnerCredentialsForm,
  PartnerVariablesForm,
} from '~/components/tests/partner-settings-forms'
import { SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { FormErrors, inputClass } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import {
  partnersOfEnvironment,
  savePartnerCredentials,
  savePartnerVariables,
} from '~/server/environments/partner-settings.server'
import { listReceipts } from '~/server/environments/receiver.server'
import {
  deleteEnvironment,
  EnvironmentError,
  environmentView,
  getEnvironment,
  readOptions,
  rotateReceiverSecret,
  updateEnvironment,
} from '~/server/environments/service.server'
import { appOrigin } from '~/server/http.server'
import { redirectWithToast } from '~/server/toast.server'
import {
  authFromForm,
  environmentFormSchema,
  optionsFromForm,
  parseVariableLines,
} from '~/shared/environment-schemas'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.environment.name ?? 'Environment'} · Integration Copilot` },
]

async function load(projectId: string, environmentId: string) {
  try {
    return await getEnvironment(projectId, environmentId)
  } catch (error) {
    if (error instanceof EnvironmentError) throw new Response(error.message, { status: 404 })
    throw error
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const row = await load(project.id, params.environmentId ?? '')
  const { stored } = readOptions(row)
  const partners = await partnersOfEnvironment(project.id, row.id)
  const receipts = await listReceipts(row.id)
  return {
    projectId: project.id,
    canWrite: can(access, 'project:write'),
    environment: environmentView(row, appOrigin(request)),
    variables: Object.entries(stored.variables ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    partners,
    receipts: receipts.map((receipt) => ({
      id: receipt.id,
      at: receipt.receivedAt.toISOString(),
      signed: receipt.signed,
      verified: receipt.verified,
      reason: receipt.verifyReason,
      eventName: receipt.eventName,
      valid: receipt.valid,
    })),
  }
}

type Reply = {
  edit?: SubmissionResult<string[]> | null
  revealedSecret?: string | null
  formError?: string | null
  partnerError?: string | null
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const projectId = access.project.id
  const row = await load(projectId, params.environmentId ?? '')
  const actor = pageActor(access, request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const back = `/projects/${projectId}/tests/environments/${row.id}`
  const hideFields = ['bearerToken', 'apiKeyValue', 'basicPassword', 'oauthClientSecret']
  try {
    switch (intent) {
      case 'update': {
        const submission = parseWithZod(formData, { schema: environmentFormSchema('edit') })
        if (submission.status !== 'success')
          return data<Reply>({ edit: submission.reply({ hideFields }) }, { status: 400 })
        const form = submission.value
        const { stored } = readOptions(row)
        await updateEnvironment(
          projectId,
          row.id,
          {
            name: form.name,
            ...(form.baseUrl ? { baseUrl: form.baseUrl } : {}),
            auth: authFromForm(form),
            allowPrivateNetwork: form.allowPrivateNetwork ?? false,
            options: optionsFromForm(form, stored),
            webhook: { scheme: form.webhookScheme, header: form.webhookHeader },
          },
          actor,
        )
        return redirectWithToast(back, { type: 'success', message: 'Environment saved.' })
      }
      case 'variables': {
        const parsed = parseVariableLines(String(formData.get('variables') ?? ''))
        if (parsed.errors.length)
          return data<Reply>({ formError: parsed.errors.join(' ') }, { status: 400 })
        const { stored } = readOptions(row)
        await updateEnvironment(
          projectId,
          row.id,
          { options: { ...stored, variables: parsed.variables } },
          actor,
        )
        return redirectWithToast(back, { type: 'success', message: 'Test variables saved.' })
      }
      case 'rotate-secret':
        return data<Reply>({ revealedSecret: await rotateReceiverSecret(projectId, row.id, actor) })
      case 'delete':
        await deleteEnvironment(projectId, row.id, actor)
        return redirectWithToast(`/projects/${projectId}/tests/environments`, {
          type: 'success',
          message: `“${row.name}” deleted.`,
        })
      case 'partner-auth':
      case 'partner-variables': {
        const result =
          intent === 'partner-auth'
            ? await savePartnerCredentials(projectId, row.id, formData, actor)
            : await savePartnerVariables(projectId, formData, actor)
        if (!result.ok) return data<Reply>({ partnerError: result.error }, { status: 400 })
        return redirectWithToast(back, { type: 'success', message: result.message })
      }
      default:
        throw new Response(`Unknown action "${intent}".`, { status: 400 })
    }
  } catch (error) {
    if (error instanceof EnvironmentError)
      return data<Reply>({ formError: error.message }, { status: 400 })
    throw error
  }
}

export default function EnvironmentPage() {
  const { projectId, canWrite, environment, variables, partners, receipts } =
    useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const options = environment.options
  const defaults: Record<string, string | undefined> = {
    name: environment.name,
    baseUrl: environment.baseUrl ?? undefined,
    authType: 'keep',
    apiKeyIn: 'header',
    allowPrivateNetwork: environment.allowPrivateNetwork ? 'on' : undefined,
    timeoutMs: String(options.timeoutMs),
    concurrency: String(options.concurrency),
    requestsPerSecond: String(options.requestsPerSecond),
    latencyBudgetMs: String(options.latencyBudgetMs),
    webhookWaitMs: String(options.webhookWaitMs),
    burstEnabled: options.rateLimitBurst.enabled ? 'on' : undefined,
    burstMax: String(options.rateLimitBurst.maxRequests),
    webhookScheme: environment.webhook.scheme,
    webhookHeader: environment.webhook.header ?? undefined,
  }
  const mock = environment.kind === 'mock'
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${projectId}/tests/environments`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All environments
        </Link>
        <h2 className="mt-1 text-xl font-bold text-slate-900">{environment.name}</h2>
        <p className="text-sm text-slate-600">
          {mock ? 'Mock' : environment.kind === 'uat' ? 'UAT' : 'Sandbox'} ·{' '}
          {environment.baseUrl ?? 'the mock’s own URL'} · credentials: {environment.auth}
        </p>
      </div>
      {reply && 'formError' in reply && reply.formError ? (
        <FormErrors errors={[reply.formError]} />
      ) : null}

      <Panel title="Webhook receiver">
        <div className="space-y-3 text-sm">
          <p className="text-slate-600">
            Point the {mock ? 'mock’s' : 'sandbox’s'} webhooks at this URL. Deliveries are verified
            ({environment.webhook.scheme} scheme), matched to the spec’s events and judged by the
            webhook templates of the runs they follow.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-slate-100 px-2 py-1 text-xs">
              {environment.webhook.url}
            </code>
            <CopyButton text={environment.webhook.url} />
          </div>
          <p>
            Signing secret:{' '}
            <code className="rounded bg-slate-100 px-1 text-xs">
              {environment.webhook.secret ?? 'none'}
            </code>
          </p>
          {reply && 'revealedSecret' in reply && reply.revealedSecret ? (
            <div
              role="status"
              className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900"
            >
              <p className="font-semibold">
                New signing secret: copy it now, it is shown this once.
              </p>
              <div className="mt-1 flex flex-wrap items-center gap-2">
                <code className="break-all font-mono text-xs" data-testid="receiver-secret">
                  {reply.revealedSecret}
                </code>
                <CopyButton text={reply.revealedSecret} />
              </div>
            </div>
          ) : null}
          {canWrite ? (
            <Form method="post">
              <input type="hidden" name="intent" value="rotate-secret" />
              <SubmitButton variant="secondary" className="!py-1 !text-xs" pendingText="Rotating…">
                Rotate and show a new secret
              </SubmitButton>
            </Form>
          ) : null}
          {receipts.length ? (
            <table className="w-full text-left text-xs">
              <caption className="mb-1 text-left text-sm font-semibold text-slate-800">
                Latest deliveries (UTC)
              </caption>
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1">When</th>
                  <th className="py-1">Signature</th>
                  <th className="py-1">Event</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {receipts.map((receipt) => (
                  <tr key={receipt.id}>
                    <td className="py-1">{formatDateTime(receipt.at)}</td>
                    <td
                      className={`py-1 ${receipt.verified ? 'text-emerald-700' : 'text-red-700'}`}
                    >
                      {receipt.verified
                        ? 'verified'
                        : `not verified: ${receipt.reason ?? 'unsigned'}`}
                    </td>
                    <td className="py-1">
                      {receipt.eventName ?? 'no documented event'}
                      {receipt.valid === false ? ' (invalid payload)' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-xs text-slate-500">No delivery received yet.</p>
          )}
        </div>
      </Panel>

      <Panel title="Test variables">
        <p className="mb-3 text-sm text-slate-600">
          Values for <code>{'{{ name }}'}</code> in requests: the ids of existing resources the
          suite cannot create (e.g. <code>accountId=acc_123</code>), and{' '}
          <code>forbidden_credential</code> (a valid credential without permission, for the 403
          checks). One <code>name=value</code> per line; a partner’s own variables override these.
        </p>
        {canWrite ? (
          <Form method="post" className="space-y-2">
            <input type="hidden" name="intent" value="variables" />
            <label htmlFor="variables" className="sr-only">
              Test variables
            </label>
            <textarea
              id="variables"
              name="variables"
              rows={4}
              defaultValue={variables}
              className={`${inputClass} font-mono`}
              placeholder="accountId=acc_123"
            />
            <SubmitButton variant="secondary" pendingText="Saving…">
              Save variables
            </SubmitButton>
          </Form>
        ) : (
          <pre className="rounded bg-slate-100 p-2 text-xs">{variables || 'None.'}</pre>
        )}
      </Panel>

      {!mock && canWrite ? (
        <Panel title="Settings">
          <EnvironmentForm
            mode="edit"
            lastResult={
              reply && 'edit' in reply ? (reply.edit as SubmissionResult<string[]> | null) : null
            }
            defaults={defaults}
            storedAuth={environment.auth}
          />
        </Panel>
      ) : null}

      {partners.length ? (
        <Panel title="Partners’ own credentials and variables">
          {reply && 'partnerError' in reply && reply.partnerError ? (
            <FormErrors errors={[reply.partnerError]} />
          ) : null}
          <ul className="space-y-4">
            {partners.map((partner) => (
              <li key={partner.id} className="rounded-md border border-slate-200 p-3">
                <h3 className="font-semibold text-slate-900">{partner.name}</h3>
                <p className="text-xs text-slate-600">
                  {partner.hasCredentials
                    ? 'Has its own credentials (sealed).'
                    : 'Uses the environment’s credentials.'}
                </p>
                {canWrite ? (
                  <div className="mt-2 grid gap-4 lg:grid-cols-2">
                    <PartnerCredentialsForm partnerProjectId={partner.id} />
                    <PartnerVariablesForm
                      partnerProjectId={partner.id}
                      plain={partner.plain}
                      secrets={partner.secrets}
                    />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}

      {canWrite && !mock ? (
        <div className="flex justify-end">
          <Form method="post">
            <ConfirmAction
              label="Delete environment"
              confirmLabel={`Delete ${environment.name}`}
              value="delete"
            >
              Its runs, their results and its received webhooks are deleted too.
            </ConfirmAction>
          </Form>
        </div>
      ) : null}
    </div>
  )
}
