import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { LogPages, RequestLogEntry } from '~/components/mocks/request-log-entry'
import { MockStatus } from '~/components/mock-status'
import { type VisibilityActionResult, VisibilityForm } from '~/components/sharing/visibility-form'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import { mockDetail } from '~/server/mocks/detail.server'
import {
  configureMock,
  MockError,
  rotateSigningSecret,
  saveWebhookTarget,
  sendTestEvent,
} from '~/server/mocks/service.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import { applyVisibilityForm, shareState } from '~/server/partners/visibility.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatTime, formatUptime } from '~/shared/format'
import { SettingsSchema, WebhookTargetSchema } from '~/shared/mock-forms'
import { parseOriginList } from '~/shared/origins'

const LIVE_REFRESH_MS = 3000

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const detail = await mockDetail(project.id, params.mockId ?? '', {
    search: new URL(request.url).searchParams,
    appOrigin: appOrigin(request),
  })
  if (!detail) throw new Response('That mock does not exist in this project.', { status: 404 })
  const [partners, sharing] = await Promise.all([
    listPartnerProjects(project.id),
    shareState(project.id, 'mock', detail.mock.id),
  ])
  return {
    projectId: project.id,
    /** The server's clock, so uptimes render the same on the server and in the browser. */
    now: Date.now(),
    canControl: can(access, 'project:write'),
    ...detail,
    sharing: { state: sharing, partners: partners.map(({ id, name }) => ({ id, name })) },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { project } = access
  const mockId = params.mockId ?? ''
  const actor = pageActor(access, request)
  const formData = await request.formData()
  const back = `/projects/${project.id}/mocks/${mockId}`
  const intent = String(formData.get('intent') ?? 'settings')
  try {
    switch (intent) {
      case 'webhook-target': {
        const submission = parseWithZod(formData, { schema: WebhookTargetSchema })
        if (submission.status !== 'success')
          return data({ ...NO_REPLY, webhook: submission.reply() }, { status: 400 })
        const url = submission.value.targetUrl || null
        const { newSecret } = await saveWebhookTarget(project.id, mockId, url, actor)
        // A new signing secret is shown in full this once, on this answer only.
        if (newSecret) return data({ ...NO_REPLY, revealedSecret: newSecret })
        return redirectWithToast(back, {
          type: 'success',
          message: url ? 'Webhook target saved.' : 'Webhook target removed.',
        })
      }
      case 'rotate-secret':
        return data({
          ...NO_REPLY,
          revealedSecret: await rotateSigningSecret(project.id, mockId, actor),
        })
      case 'send-event':
        await sendTestEvent(project.id, mockId, String(formData.get('event') ?? ''), actor)
        return redirectWithToast(back, {
          type: 'success',
          message: 'Test event sent: see Deliveries.',
        })
      case 'settings': {
        const submission = parseWithZod(formData, { schema: SettingsSchema })
        const credentialFields = [...formData.keys()].filter((key) => key.startsWith('credential:'))
        if (submission.status !== 'success')
          // Credentials typed into the form never travel back to the page.
          return data(
            { ...NO_REPLY, settings: submission.reply({ hideFields: credentialFields }) },
            { status: 400 },
          )
        const values = submission.value
        const set: Record<string, string> = {}
        const clear: string[] = []
        for (const key of credentialFields) {
          const scheme = key.slice('credential:'.length)
          const value = formData.get(key)
          if (formData.get(`clear:${scheme}`) === 'on') clear.push(scheme)
          else if (typeof value === 'string' && value.trim())
            set[scheme] = value.trim().slice(0, 500)
        }
        await configureMock(
          project.id,
          mockId,
          {
            stateful: values.stateful,
            idempotencyKeyOnPost: values.idempotencyKeyOnPost,
            rateLimit:
              values.rateLimitRequests > 0 && values.rateLimitWindow > 0
                ? { requests: values.rateLimitRequests, windowSeconds: values.rateLimitWindow }
                : null,
            latency: { fixedMs: values.latencyFixed, randomMs: values.latencyRandom },
            errorRate: values.errorRatePercent / 100,
            corsOrigins: parseOriginList(values.corsOrigins).origins ?? [],
            credentials: { set, clear },
          },
          actor,
        )
        return redirectWithToast(back, {
          type: 'success',
          message: 'Mock settings saved and applied.',
        })
      }
      case 'visibility': {
        const shared = await applyVisibilityForm(
          project.id,
          [{ type: 'mock', id: mockId }],
          formData,
          actor,
        )
        if (!shared.ok) return data({ ...NO_REPLY, visibility: shared }, { status: shared.status })
        return redirectWithToast(back, { type: 'success', message: shared.message })
      }
      default:
        throw new Response(`Unknown action "${intent}".`, { status: 400 })
    }
  } catch (error) {
    if (error instanceof MockError)
      return redirectWithToast(back, { type: 'error', message: error.message })
    throw error
  }
}

const NO_REPLY = { settings: null, webhook: null, revealedSecret: null, visibility: null } as {
  settings: SubmissionResult<string[]> | null
  webhook: SubmissionResult<string[]> | null
  revealedSecret: string | null
  visibility: VisibilityActionResult | null
}

export default function MockDetail() {
  const { projectId, mock, config, requests, log, canControl, webhooks, now, sharing } =
    useLoaderData<typeof loader>()
  const page = `/projects/${projectId}/mocks/${mock.id}`
  const logLink = (params: Record<string, string>) => {
    const search = new URLSearchParams(params).toString()
    return search ? `${page}?${search}` : page
  }
  const filter: Record<string, string> = log.problemsOnly ? { problems: '1' } : {}
  // The newest page follows new requests as they arrive; older pages stay put.
  useRevalidateEvery(LIVE_REFRESH_MS, !log.paged)
  const result = useActionData<typeof action>()
  const [settingsForm, settings] = useForm({
    id: 'mock-settings',
    lastResult: result?.settings,
    constraint: getZodConstraint(SettingsSchema),
    defaultValue: {
      stateful: config.stateful ? 'on' : '',
      idempotencyKeyOnPost: config.idempotencyKeyOnPost ? 'on' : '',
      rateLimitRequests: String(config.rateLimit?.requests ?? 0),
      rateLimitWindow: String(config.rateLimit?.windowSeconds ?? 60),
      latencyFixed: String(config.latency.fixedMs),
      latencyRandom: String(config.latency.randomMs),
      errorRatePercent: String(config.errorRatePercent),
      corsOrigins: config.corsOrigins.join(' '),
    },
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema }),
  })
  const [webhookForm, webhook] = useForm({
    id: 'webhook-target',
    lastResult: result?.webhook,
    constraint: getZodConstraint(WebhookTargetSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: WebhookTargetSchema }),
  })
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${projectId}/mocks`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All mocks
        </Link>
        <h2 className="mt-1 flex items-center gap-3 text-xl font-bold text-slate-900">
          {mock.spec} <MockStatus status={mock.status} />
        </h2>
        <p className="font-mono text-xs text-slate-600">{mock.proxyUrl}</p>
        {mock.baseUrl ? (
          <p className="font-mono text-xs text-slate-400">direct: {mock.baseUrl}</p>
        ) : null}
        <p className="mt-1 text-sm text-slate-600">
          Uptime {formatUptime(mock.startedAt, mock.status, now)} · {mock.requestCount} requests
          {mock.memoryMb ? ` · ${mock.memoryMb} MB` : ''}
        </p>
        {mock.lastError ? <p className="text-sm text-red-700">{mock.lastError}</p> : null}
      </div>

      <Panel title="Settings">
        {canControl ? (
          <Form method="post" className="space-y-4" {...getFormProps(settingsForm)}>
            <FormErrors errors={settingsForm.errors} id={settingsForm.errorId} />
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input
                {...getInputProps(settings.stateful, { type: 'checkbox' })}
                key={settings.stateful.key}
                className="h-4 w-4 rounded border-slate-300"
              />
              Stateful: POST stores resources, GET/PUT/PATCH/DELETE use them
            </label>
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input
                {...getInputProps(settings.idempotencyKeyOnPost, { type: 'checkbox' })}
                key={settings.idempotencyKeyOnPost.key}
                className="h-4 w-4 rounded border-slate-300"
              />
              Idempotency-Key on POST: a replay answers the same (409 with another body), even where
              the spec declares no such header
            </label>
            <div className="grid gap-4 sm:grid-cols-5">
              <Field
                type="number"
                label="Rate limit (requests)"
                meta={settings.rateLimitRequests}
                hint="0 = no limit"
              />
              <Field type="number" label="per window (s)" meta={settings.rateLimitWindow} />
              <Field type="number" label="Fixed delay (ms)" meta={settings.latencyFixed} />
              <Field type="number" label="Random delay up to (ms)" meta={settings.latencyRandom} />
              <Field
                type="number"
                label="Error rate (%)"
                meta={settings.errorRatePercent}
                hint="Answered 500 or 503"
              />
            </div>
            <Field
              label="Browser origins allowed with credentials (CORS)"
              meta={settings.corsOrigins}
              hint="Empty: any web page may call the mock (its origin is echoed, without cookies). Listed (https://app.example.com, separated by spaces): only those, with credentials."
            />
            {config.credentials.length > 0 ? (
              <fieldset className="space-y-2">
                <legend className="text-sm font-medium text-slate-800">
                  Accepted credentials (blank: any well-formed credential)
                </legend>
                {config.credentials.map((credential) => (
                  <div
                    key={credential.scheme}
                    className="grid items-center gap-2 sm:grid-cols-[12rem_1fr_auto]"
                  >
                    <label
                      htmlFor={`credential-${credential.scheme}`}
                      className="text-sm text-slate-700"
                    >
                      {credential.scheme} ({credential.kind})
                    </label>
                    <input
                      id={`credential-${credential.scheme}`}
                      name={`credential:${credential.scheme}`}
                      type="password"
                      autoComplete="off"
                      placeholder={
                        credential.masked ??
                        (credential.kind === 'http-basic' ? 'user:password' : 'value')
                      }
                      className={inputClass}
                    />
                    {credential.masked ? (
                      <label className="flex items-center gap-1 text-xs text-slate-600">
                        <input type="checkbox" name={`clear:${credential.scheme}`} /> clear
                      </label>
                    ) : (
                      <span />
                    )}
                  </div>
                ))}
              </fieldset>
            ) : null}
            <SubmitButton pendingText="Saving…">Save and apply</SubmitButton>
          </Form>
        ) : (
          <p className="text-sm text-slate-600">
            Only vendors, admins and owners change mock settings.
          </p>
        )}
      </Panel>

      <Panel title="Who sees this mock">
        <VisibilityForm
          resourceType="mock"
          state={sharing.state}
          partners={sharing.partners}
          canEdit={canControl}
          result={result?.visibility}
          partnersLink={`/projects/${projectId}/partners`}
        />
      </Panel>

      {webhooks ? (
        <Panel title="Webhooks and callbacks">
          <div className="space-y-4 text-sm">
            <p className="text-slate-600">
              Events are POSTed as JSON, signed with HMAC-SHA256 over <code>id.timestamp.body</code>{' '}
              in <code>Webhook-Id</code>, <code>Webhook-Timestamp</code> and{' '}
              <code>Webhook-Signature</code> (<code>v1,&lt;base64&gt;</code>), retried with backoff
              on failure.
            </p>
            {result?.revealedSecret ? (
              <div
                role="status"
                className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900"
              >
                <p className="font-semibold">New signing secret: copy it now</p>
                <p className="mt-1">
                  It is shown this once. Afterwards the page shows only its last characters.
                </p>
                <code
                  className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-slate-900"
                  data-testid="revealed-webhook-secret"
                >
                  {result.revealedSecret}
                </code>
              </div>
            ) : null}
            <div className="flex flex-wrap items-center gap-3 text-slate-700">
              <span>
                Signing secret:{' '}
                <code className="rounded bg-slate-100 px-1" data-testid="webhook-secret">
                  {webhooks.secret ?? 'none yet (created when you save a target)'}
                </code>
              </span>
              {canControl && webhooks.secret ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="rotate-secret" />
                  <SubmitButton
                    variant="secondary"
                    className="!py-1 !text-xs"
                    pendingText="Rotating…"
                  >
                    Rotate and show new secret
                  </SubmitButton>
                </Form>
              ) : null}
            </div>
            {canControl ? (
              <Form
                method="post"
                className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start"
                {...getFormProps(webhookForm)}
              >
                <input type="hidden" name="intent" value="webhook-target" />
                <Field
                  type="url"
                  label="Target URL"
                  meta={webhook.targetUrl}
                  hint="Empty removes the target."
                  inputProps={{
                    placeholder: webhooks.target ?? 'https://partner.example.com/webhooks',
                  }}
                />
                <SubmitButton variant="secondary" className="sm:mt-6" pendingText="Saving…">
                  Save target
                </SubmitButton>
              </Form>
            ) : null}
            <p className="text-slate-600">Current target: {webhooks.target ?? 'none'}</p>
            <ul className="flex flex-wrap gap-2">
              {webhooks.events.map((event) => (
                <li key={event}>
                  <Form method="post">
                    <input type="hidden" name="intent" value="send-event" />
                    <input type="hidden" name="event" value={event} />
                    <SubmitButton
                      variant="secondary"
                      className="!py-1 !text-xs"
                      disabled={!canControl}
                      pendingText="Sending…"
                    >
                      Send test event: {event}
                    </SubmitButton>
                  </Form>
                </li>
              ))}
            </ul>
            {webhooks.deliveries.length ? (
              <table className="w-full text-left text-xs">
                <caption className="mb-1 text-left text-sm font-semibold text-slate-800">
                  Deliveries
                </caption>
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1">When (UTC)</th>
                    <th className="py-1">Event</th>
                    <th className="py-1">Target</th>
                    <th className="py-1">Status</th>
                    <th className="py-1">Attempts</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {webhooks.deliveries.map((delivery) => (
                    <tr key={delivery.id} className="align-top">
                      <td className="py-1">{formatTime(delivery.createdAt)}</td>
                      <td className="py-1">{delivery.event}</td>
                      <td className="py-1 font-mono">{delivery.target}</td>
                      <td className="py-1">{delivery.status}</td>
                      <td className="py-1">
                        {delivery.attempts
                          .map(
                            (entry) =>
                              `${entry.status ?? 'error'}${entry.error ? ` (${entry.error})` : ''}`,
                          )
                          .join(' → ') || '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        </Panel>
      ) : null}

      <Panel
        title={log.problemsOnly ? 'Requests answered 4xx/5xx' : 'Recent requests'}
        actions={
          <nav aria-label="Request log filter" className="flex gap-1 text-sm">
            {[
              { label: 'All', to: logLink({}), current: !log.problemsOnly },
              { label: 'Problems only', to: logLink({ problems: '1' }), current: log.problemsOnly },
            ].map((tab) => (
              <Link
                key={tab.label}
                to={tab.to}
                preventScrollReset
                aria-current={tab.current ? 'page' : undefined}
                className={`rounded px-2 py-1 ${tab.current ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-slate-600 hover:bg-slate-100'}`}
              >
                {tab.label}
              </Link>
            ))}
          </nav>
        }
      >
        {requests.length === 0 ? (
          log.problemsOnly ? (
            <EmptyState title="No problems logged">
              No request in the log was answered with a 4xx or 5xx status.
            </EmptyState>
          ) : (
            <EmptyState title="No requests yet">
              Call {mock.proxyUrl} and the requests appear here.
            </EmptyState>
          )
        ) : (
          <ul
            aria-label="Requests, newest first (times in UTC)"
            className="divide-y divide-slate-100 text-sm"
          >
            {requests.map((entry) => (
              <li key={entry.id}>
                <RequestLogEntry
                  entry={entry}
                  formatAt={formatTime}
                  violationsText={(count) => `${count} violation(s)`}
                  labelled={false}
                />
              </li>
            ))}
          </ul>
        )}
        <LogPages
          newestHref={log.paged ? logLink(filter) : null}
          olderHref={log.older ? logLink({ ...filter, before: log.older }) : null}
        />
      </Panel>
    </div>
  )
}
