/** A mock's settings (stateful, idempotency, rate limit, latency, errors, CORS, credentials). */
import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { SerializeFrom } from '@remix-run/node'
import { Form } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, inputClass } from '~/components/ui/forms'
import type { mockDetail } from '~/server/mocks/detail.server'
import { SettingsSchema } from '~/shared/mock-forms'

/** A mock's page data, as its loader gives it. */
export type MockDetailView = NonNullable<SerializeFrom<typeof mockDetail>>

export function MockSettingsForm({
  config,
  lastResult,
}: {
  config: MockDetailView['config']
  lastResult: SubmissionResult<string[]> | null | undefined
}) {
  const [settingsForm, settings] = useForm({
    id: 'mock-settings',
    lastResult,
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
  return (
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
        Idempotency-Key on POST: a replay answers the same (409 with another body), even where the
        spec declares no such header
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
              <label htmlFor={`credential-${credential.scheme}`} className="text-sm text-slate-700">
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
  )
}
