/** Settings → Connectors: Slack, Jira and outgoing webhooks, each with its delivery log. Works without JavaScript. */
import { Form, Link } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, inputClass } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '~/shared/connector-events'

type Attempt = { at: string; status: number | null; error: string | null; durationMs: number }
type Delivery = {
  id: string
  type: string
  title: string
  status: string
  createdAt: string
  lastError: string | null
  attempts: Attempt[]
}
type Connector = {
  id: string
  kind: 'slack' | 'jira' | 'webhook'
  name: string
  enabled: boolean
  events: EventType[]
  target: string
  details: Record<string, string | boolean>
  deliveries: Delivery[]
}
type Result =
  | { ok: true; message: string; newSecret?: { name: string; value: string } }
  | { ok: false; form: string; errors: Record<string, string[]>; status: number }

function errorsFor(result: Result | null, form: string, field: string) {
  return result && !result.ok && result.form === form ? (result.errors[field] ?? null) : null
}

function TextInput({
  label,
  name,
  form,
  result,
  defaultValue,
  type = 'text',
  placeholder,
  hint,
}: {
  label: string
  name: string
  form: string
  result: Result | null
  defaultValue?: string
  type?: string
  placeholder?: string
  hint?: string
}) {
  const id = `${form}-${name}`
  const errors = errorsFor(result, form, name)
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        placeholder={placeholder}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={`${inputClass} mt-1`}
        autoComplete="off"
      />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

function EventToggles({
  form,
  chosen,
  result,
}: {
  form: string
  chosen: EventType[]
  result: Result | null
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">Events</legend>
      <div className="mt-1 grid gap-1 sm:grid-cols-3">
        {EVENT_TYPES.map((type) => (
          <label key={type} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="events"
              value={type}
              defaultChecked={chosen.length === 0 || chosen.includes(type)}
            />
            {EVENT_LABELS[type]}
          </label>
        ))}
      </div>
      <ErrorList errors={errorsFor(result, form, 'events')} />
    </fieldset>
  )
}

function DeliveryLog({ deliveries }: { deliveries: Delivery[] }) {
  if (deliveries.length === 0)
    return <p className="mt-3 text-sm text-slate-500">No deliveries yet.</p>
  return (
    <table className="mt-3 w-full text-left text-sm" data-testid="delivery-log">
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          <th className="py-1">Event</th>
          <th className="py-1">Status</th>
          <th className="py-1">Attempts</th>
          <th className="py-1 text-right">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {deliveries.map((delivery) => (
          <tr key={delivery.id}>
            <td className="py-1">
              <span className="font-mono text-xs text-slate-500">{delivery.type}</span>
              <br />
              {delivery.title}
            </td>
            <td className="py-1">
              {delivery.status === 'failed' ? (
                <span className="font-medium text-red-700">dead letter</span>
              ) : (
                delivery.status
              )}
              {delivery.lastError ? (
                <p className="text-xs text-slate-500">{delivery.lastError}</p>
              ) : null}
            </td>
            <td className="py-1 text-xs text-slate-600">
              {delivery.attempts.map((attempt, index) => (
                <div key={index}>
                  {attempt.at.slice(0, 19).replace('T', ' ')}: {attempt.status ?? '—'}
                  {attempt.error ? ` (${attempt.error})` : ''} · {attempt.durationMs} ms
                </div>
              ))}
            </td>
            <td className="py-1 text-right">
              {delivery.status === 'failed' ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="retry" />
                  <SubmitButton
                    variant="secondary"
                    className="!py-1"
                    name="deliveryId"
                    value={delivery.id}
                  >
                    Retry
                  </SubmitButton>
                </Form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function ConnectorActions({ connector, testLabel }: { connector: Connector; testLabel: string }) {
  return (
    <div className="mt-3 flex flex-wrap gap-2">
      <Form method="post">
        <input type="hidden" name="intent" value="test" />
        <SubmitButton
          variant="secondary"
          name="connectorId"
          value={connector.id}
          pendingText="Queuing…"
        >
          {testLabel}
        </SubmitButton>
      </Form>
      <Form method="post">
        <input type="hidden" name="intent" value="delete" />
        <SubmitButton
          variant="danger"
          name="connectorId"
          value={connector.id}
          pendingText="Removing…"
        >
          Remove<span className="sr-only"> {connector.name}</span>
        </SubmitButton>
      </Form>
    </div>
  )
}

export function ConnectorsPage({
  projectId,
  canManage,
  connectors,
  result,
}: {
  projectId: string
  canManage: boolean
  connectors: Connector[]
  result: Result | null
}) {
  if (!canManage)
    return (
      <Panel title="Connectors">
        <p className="text-sm text-slate-600">
          Only owners and admins can see and change connectors.
        </p>
      </Panel>
    )
  const slack = connectors.find((connector) => connector.kind === 'slack')
  const jira = connectors.find((connector) => connector.kind === 'jira')
  const webhooks = connectors.filter((connector) => connector.kind === 'webhook')
  const formErrors = result && !result.ok ? (result.errors.form ?? null) : null
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link to={`/projects/${projectId}/settings`} className="text-indigo-700 hover:underline">
          ← Settings
        </Link>
      </p>
      {formErrors ? (
        <Notice tone="warning">
          <ErrorList errors={formErrors} />
        </Notice>
      ) : null}
      {result?.ok && result.newSecret ? (
        <Notice tone="success">
          {result.message}
          <input
            readOnly
            aria-label="Signing secret"
            data-testid="webhook-secret"
            value={result.newSecret.value}
            className={`${inputClass} mt-2 font-mono text-xs`}
          />
        </Notice>
      ) : null}

      <Panel title="Slack">
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="save-slack" />
          <TextInput
            label="Incoming-webhook URL"
            name="webhookUrl"
            form="slack"
            result={result}
            type="url"
            placeholder={slack ? slack.target : 'https://hooks.slack.com/services/…'}
            hint={
              slack
                ? `Stored: ${slack.target}. Leave blank to keep it.`
                : 'Slack → Apps → Incoming Webhooks.'
            }
          />
          <EventToggles form="slack" chosen={slack?.events ?? []} result={result} />
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="enabled" defaultChecked={slack?.enabled ?? true} /> Enabled
          </label>
          <SubmitButton pendingText="Saving…">Save Slack</SubmitButton>
        </Form>
        {slack ? (
          <>
            <ConnectorActions connector={slack} testLabel="Send test message" />
            <DeliveryLog deliveries={slack.deliveries} />
          </>
        ) : null}
      </Panel>

      <Panel title="Jira">
        <Form method="post" className="grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="save-jira" />
          <TextInput
            label="Base URL"
            name="baseUrl"
            form="jira"
            result={result}
            type="url"
            defaultValue={jira?.target}
            placeholder="https://your-site.atlassian.net"
          />
          <TextInput
            label="Email"
            name="email"
            form="jira"
            result={result}
            type="email"
            defaultValue={String(jira?.details.email ?? '')}
          />
          <TextInput
            label="API token"
            name="apiToken"
            form="jira"
            result={result}
            type="password"
            hint={
              jira ? `Stored: ${String(jira.details.apiToken)}. Leave blank to keep it.` : undefined
            }
          />
          <TextInput
            label="Project key"
            name="projectKey"
            form="jira"
            result={result}
            defaultValue={String(jira?.details.projectKey ?? '')}
            placeholder="PAY"
          />
          <TextInput
            label="Issue type"
            name="issueType"
            form="jira"
            result={result}
            defaultValue={String(jira?.details.issueType ?? 'Bug')}
          />
          <div className="space-y-2 text-sm text-slate-700">
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                name="autoCreate"
                defaultChecked={Boolean(jira?.details.autoCreate)}
              />{' '}
              Open an issue automatically for each newly failing Required case
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" name="enabled" defaultChecked={jira?.enabled ?? true} />{' '}
              Enabled
            </label>
          </div>
          <ErrorList errors={errorsFor(result, 'jira', 'form')} />
          <div className="sm:col-span-2">
            <SubmitButton pendingText="Saving…">Save Jira</SubmitButton>
          </div>
        </Form>
        {jira ? (
          <>
            <ConnectorActions connector={jira} testLabel="Test connection" />
            <DeliveryLog deliveries={jira.deliveries} />
          </>
        ) : null}
      </Panel>

      <Panel title="Outgoing webhooks">
        <p className="text-sm text-slate-600">
          Each delivery is a JSON POST <code>{'{type, id, createdAt, data}'}</code> signed per
          Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
          <code>webhook-signature</code>).
        </p>
        <ul className="mt-4 space-y-6">
          {webhooks.map((webhook) => (
            <li key={webhook.id} className="rounded border border-slate-200 p-3">
              <p className="text-sm font-medium text-slate-900">
                {webhook.name}{' '}
                <span className="font-mono text-xs text-slate-500">{webhook.target}</span>
              </p>
              <p className="text-xs text-slate-500">
                Secret {String(webhook.details.secret ?? '')} ·{' '}
                {webhook.events.length === 0
                  ? 'every event'
                  : webhook.events.map((type) => EVENT_LABELS[type] ?? type).join(', ')}
              </p>
              <ConnectorActions connector={webhook} testLabel="Send test event" />
              <DeliveryLog deliveries={webhook.deliveries} />
            </li>
          ))}
        </ul>
        <Form method="post" className="mt-4 space-y-4">
          <input type="hidden" name="intent" value="add-webhook" />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput
              label="URL"
              name="url"
              form="webhook"
              result={result}
              type="url"
              placeholder="https://example.com/hooks/copilot"
            />
            <TextInput label="Name (optional)" name="name" form="webhook" result={result} />
          </div>
          <EventToggles form="webhook" chosen={[]} result={result} />
          <SubmitButton pendingText="Adding…">Add webhook</SubmitButton>
        </Form>
      </Panel>
    </div>
  )
}
