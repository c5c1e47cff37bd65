import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { MockStatus } from '~/components/mock-status'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { audit } from '~/server/audit/log.server'
import { maskSecret } from '~/server/crypto.server'
import { db } from '~/server/db.server'
import { getEnv } from '~/server/env.server'
import { getClientIp } from '~/server/http.server'
import {
  getMock,
  MockError,
  mockUrls,
  sendTestEvent,
  updateMockConfig,
} from '~/server/mocks/service.server'
import {
  maskUrl,
  setWebhookTarget,
  webhookEvents,
  webhookSecret,
  webhookTarget,
} from '~/server/mocks/webhooks.server'
import { getSupervisor, readMockConfig } from '~/server/mocks/supervisor.server'
import { readNormalized } from '~/server/specs/store.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatTime, formatUptime } from '~/shared/format'

const LOG_PAGE = 50
const LIVE_REFRESH_MS = 3000

/**
 * A page of the request log, newest first: `?problems=1` keeps 4xx/5xx answers,
 * `?before=<entry id>` continues after that entry.
 */
async function readRequestLog(mockId: string, search: URLSearchParams) {
  const problemsOnly = search.get('problems') === '1'
  const before = search.get('before')
  const cursor = before
    ? await db.mockRequestLog.findFirst({ where: { id: before, mockId }, select: { at: true } })
    : null
  const entries = await db.mockRequestLog.findMany({
    where: {
      mockId,
      ...(problemsOnly ? { status: { gte: 400 } } : {}),
      ...(cursor
        ? { OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: before! } }] }
        : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: LOG_PAGE + 1,
  })
  const more = entries.length > LOG_PAGE
  const page = entries.slice(0, LOG_PAGE)
  return {
    problemsOnly,
    paged: Boolean(cursor),
    older: more ? page[page.length - 1]!.id : null,
    entries: page,
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, role } = await requireProjectAccess(request, params.projectId, 'project:read')
  const mock = await getMock(project.id, params.mockId ?? '')
  if (!mock) throw new Response('That mock does not exist in this project.', { status: 404 })
  const version = await db.specVersion.findUniqueOrThrow({
    where: { id: mock.specVersionId },
    select: { normalized: true },
  })
  const schemes = Object.values(readNormalized(version).securitySchemes).filter(
    (scheme) => scheme.kind !== 'mutualTLS',
  )
  const config = readMockConfig(mock.config)
  const log = await readRequestLog(mock.id, new URL(request.url).searchParams)
  const memory = getSupervisor().memoryOf(mock.id)
  const spec = readNormalized(version)
  const events = webhookEvents(spec).map((event) => event.name)
  const deliveries = events.length
    ? await db.webhookDelivery.findMany({
        where: { mockId: mock.id },
        orderBy: { createdAt: 'desc' },
        take: 20,
      })
    : []
  const target = events.length ? await webhookTarget(mock.id) : null
  return {
    projectId: project.id,
    /** The server's clock, so uptimes render the same on the server and in the browser. */
    now: Date.now(),
    canControl: can(role, 'project:write'),
    mock: {
      id: mock.id,
      spec: `${mock.specVersion.spec.name} v${mock.specVersion.number}`,
      status: mock.status,
      lastError: mock.lastError,
      startedAt: mock.startedAt?.toISOString() ?? null,
      requestCount: mock.requestCount,
      memoryMb: memory ? Math.round(memory / 1024 / 1024) : null,
      ...mockUrls(mock, getEnv().APP_URL ?? new URL(request.url).origin),
    },
    config: {
      stateful: config.stateful,
      rateLimit: config.rateLimit,
      latency: config.latency,
      errorRatePercent: Math.round(config.errorRate * 100),
      credentials: schemes.map((scheme) => ({
        scheme: scheme.name,
        kind: scheme.kind,
        masked: config.credentials[scheme.name]
          ? maskSecret(config.credentials[scheme.name]!)
          : null,
      })),
    },
    webhooks: events.length
      ? {
          events,
          target: target ? maskUrl(target) : null,
          secret: await webhookSecret(mock.id),
          deliveries: deliveries.map((delivery) => ({
            id: delivery.id,
            event: delivery.event,
            target: delivery.target,
            status: delivery.status,
            createdAt: delivery.createdAt.toISOString(),
            attempts: JSON.parse(delivery.attempts) as {
              at: string
              status: number | null
              error: string | null
              durationMs: number
            }[],
          })),
        }
      : null,
    log: { problemsOnly: log.problemsOnly, older: log.older, paged: log.paged },
    requests: log.entries.map((entry) => logEntryView(entry)),
  }
}

function logEntryView(entry: Awaited<ReturnType<typeof readRequestLog>>['entries'][number]) {
  const request = JSON.parse(entry.request) as { query?: unknown }
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    durationMs: entry.durationMs,
    operationId: entry.operationId,
    query: typeof request.query === 'string' ? request.query : '',
    violations: JSON.parse(entry.violations) as { location: string; message: string }[],
    request,
    response: JSON.parse(entry.response) as unknown,
  }
}

const wholeNumber = (max: number) =>
  z
    .number({ error: 'Enter a whole number (0 or more).' })
    .int('Use a whole number.')
    .min(0, 'Use 0 or more.')
    .max(max, `Use at most ${max.toLocaleString('en-GB')}.`)
const SettingsSchema = z.object({
  stateful: z.boolean().default(false),
  rateLimitRequests: wholeNumber(1_000_000),
  rateLimitWindow: wholeNumber(86_400),
  latencyFixed: wholeNumber(60_000),
  latencyRandom: wholeNumber(60_000),
  errorRatePercent: wholeNumber(100),
})
const WebhookTargetSchema = z.object({
  targetUrl: z
    .string()
    .trim()
    .max(2000, 'Use a URL of at most 2000 characters.')
    .refine(
      (url) => url === '' || /^https?:\/\/\S+$/i.test(url),
      'Enter an http(s) URL, or leave it empty to remove the target.',
    )
    .optional(),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { project, user, organization } = await requireProjectAccess(
    request,
    params.projectId,
    'project:write',
  )
  const mock = await getMock(project.id, params.mockId ?? '')
  if (!mock) throw new Response('That mock does not exist in this project.', { status: 404 })
  const formData = await request.formData()
  const back = `/projects/${project.id}/mocks/${mock.id}`
  const intent = String(formData.get('intent') ?? 'settings')
  if (intent === 'webhook-target') {
    const submission = parseWithZod(formData, { schema: WebhookTargetSchema })
    if (submission.status !== 'success')
      return data({ settings: null, webhook: submission.reply() }, { status: 400 })
    const url = submission.value.targetUrl ?? ''
    await setWebhookTarget(mock.id, url || null)
    return redirectWithToast(back, {
      type: 'success',
      message: url ? 'Webhook target saved.' : 'Webhook target removed.',
    })
  }
  if (intent === 'send-event') {
    try {
      await sendTestEvent(project.id, mock.id, String(formData.get('event') ?? ''))
      return redirectWithToast(back, {
        type: 'success',
        message: 'Test event sent: see Deliveries.',
      })
    } catch (error) {
      if (error instanceof MockError)
        return redirectWithToast(back, { type: 'error', message: error.message })
      throw error
    }
  }
  const submission = parseWithZod(formData, { schema: SettingsSchema })
  if (submission.status !== 'success')
    return data(
      {
        // Credentials typed into the form never travel back to the page.
        settings: submission.reply({
          hideFields: [...formData.keys()].filter((key) => key.startsWith('credential:')),
        }),
        webhook: null,
      },
      { status: 400 },
    )
  const current = readMockConfig(mock.config)
  const credentials = { ...current.credentials }
  for (const [key, value] of formData) {
    const scheme = /^credential:(.+)$/.exec(key)?.[1]
    if (!scheme || typeof value !== 'string') continue
    if (formData.get(`clear:${scheme}`) === 'on') delete credentials[scheme]
    else if (value.trim()) credentials[scheme] = value.trim().slice(0, 500)
  }
  const values = submission.value
  await updateMockConfig(project.id, mock.id, {
    stateful: values.stateful,
    rateLimit:
      values.rateLimitRequests > 0 && values.rateLimitWindow > 0
        ? { requests: values.rateLimitRequests, windowSeconds: values.rateLimitWindow }
        : null,
    latency: { fixedMs: values.latencyFixed, randomMs: values.latencyRandom },
    errorRate: values.errorRatePercent / 100,
    credentials,
  })
  await audit({
    action: 'mock.configured',
    actorUserId: user.id,
    organizationId: organization.id,
    projectId: project.id,
    targetType: 'mock',
    targetId: mock.id,
    ip: getClientIp(request),
  })
  return redirectWithToast(`/projects/${project.id}/mocks/${mock.id}`, {
    type: 'success',
    message: 'Mock settings saved and applied.',
  })
}

export default function MockDetail() {
  const { projectId, mock, config, requests, log, canControl, webhooks, now } =
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
      rateLimitRequests: String(config.rateLimit?.requests ?? 0),
      rateLimitWindow: String(config.rateLimit?.windowSeconds ?? 60),
      latencyFixed: String(config.latency.fixedMs),
      latencyRandom: String(config.latency.randomMs),
      errorRatePercent: String(config.errorRatePercent),
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

      {webhooks ? (
        <Panel title="Webhooks and callbacks">
          <div className="space-y-4 text-sm">
            <p className="text-slate-600">
              Events are POSTed as JSON, signed with HMAC-SHA256 over <code>id.timestamp.body</code>{' '}
              in <code>Webhook-Id</code>, <code>Webhook-Timestamp</code> and{' '}
              <code>Webhook-Signature</code> (<code>v1,&lt;base64&gt;</code>), retried with backoff
              on failure. Signing secret:{' '}
              <code className="rounded bg-slate-100 px-1" data-testid="webhook-secret">
                {webhooks.secret}
              </code>
            </p>
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
                <details>
                  <summary className="flex cursor-pointer flex-wrap items-center gap-3 py-2">
                    <span className="font-mono text-xs text-slate-500">{formatTime(entry.at)}</span>
                    <span className="font-mono font-semibold">{entry.method}</span>
                    <span className="font-mono">{entry.path}</span>
                    {entry.query ? (
                      <span className="-ml-3 max-w-xs truncate font-mono text-slate-500">
                        ?{entry.query}
                      </span>
                    ) : null}
                    <span
                      className={`rounded px-2 text-xs font-semibold ${entry.status >= 400 ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800'}`}
                    >
                      {entry.status}
                    </span>
                    <span className="text-xs text-slate-500">{entry.durationMs} ms</span>
                    <ValidationOutcome entry={entry} />
                  </summary>
                  <div className="grid gap-3 pb-3 lg:grid-cols-2">
                    {entry.violations.length ? (
                      <ul className="list-disc pl-5 text-xs text-red-800 lg:col-span-2">
                        {entry.violations.map((violation, index) => (
                          <li key={index}>
                            <span className="font-mono">{violation.location}</span>{' '}
                            {violation.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <pre className="max-h-80 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                      {JSON.stringify(entry.request, null, 2)}
                    </pre>
                    <pre className="max-h-80 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                      {JSON.stringify(entry.response, null, 2)}
                    </pre>
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
        {log.paged || log.older ? (
          <nav aria-label="Request log pages" className="mt-3 flex justify-between text-sm">
            {log.paged ? (
              <Link to={logLink(filter)} className="text-indigo-700 hover:underline">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {log.older ? (
              <Link
                to={logLink({ ...filter, before: log.older })}
                className="text-indigo-700 hover:underline"
              >
                Older requests →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Panel>
    </div>
  )
}

/** What the request log can say about validation: only requests that reached an operation were validated. */
function ValidationOutcome({ entry }: { entry: { violations: unknown[]; operationId: string } }) {
  if (entry.violations.length)
    return <span className="text-xs text-red-700">{entry.violations.length} violation(s)</span>
  if (!entry.operationId)
    return <span className="text-xs text-slate-500">no matching operation</span>
  return <span className="text-xs text-emerald-700">valid</span>
}
