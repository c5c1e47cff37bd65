/** A mock's webhooks: the signing secret, the target, test events and the deliveries. */
import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { Field } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { formatTime } from '~/shared/format'
import { WebhookTargetSchema } from '~/shared/mock-forms'
import type { MockDetailView } from './mock-settings-form'

export function MockWebhooksPanel({
  webhooks,
  canControl,
  revealedSecret,
  lastResult,
}: {
  webhooks: NonNullable<MockDetailView['webhooks']>
  canControl: boolean
  revealedSecret: string | null | undefined
  lastResult: SubmissionResult<string[]> | null | undefined
}) {
  const [webhookForm, webhook] = useForm({
    id: 'webhook-target',
    lastResult,
    constraint: getZodConstraint(WebhookTargetSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: WebhookTargetSchema }),
  })
  return (
    <Panel title="Webhooks and callbacks">
      <div className="space-y-4 text-sm">
        <p className="text-slate-600">
          Events are POSTed as JSON, signed with HMAC-SHA256 over <code>id.timestamp.body</code> in{' '}
          <code>Webhook-Id</code>, <code>Webhook-Timestamp</code> and <code>Webhook-Signature</code>{' '}
          (<code>v1,&lt;base64&gt;</code>), retried with backoff on failure.
        </p>
        {revealedSecret ? (
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
              {revealedSecret}
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
              <SubmitButton variant="secondary" className="!py-1 !text-xs" pendingText="Rotating…">
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
  )
}
