import { getFormProps, getSelectProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, Field, FormErrors, inputClass } from '~/components/ui/forms'
import {
  type EnvironmentForm as EnvironmentFormValues,
  environmentFormSchema,
} from '~/shared/environment-schemas'

type Defaults = Record<string, string | undefined>

const AUTH_LABELS: Record<string, string> = {
  keep: 'Keep the stored credentials',
  none: 'None',
  bearer: 'Bearer token',
  apiKey: 'API key',
  basic: 'Basic (username and password)',
  oauth2: 'OAuth2 client credentials',
}

/**
 * Create or edit a Sandbox/UAT environment. Every credential field is a
 * password input that is never filled back; on edit, leaving the type on
 * "keep" keeps what is stored. Without JavaScript all credential fields show,
 * and only those of the chosen type are used.
 */
export function EnvironmentForm({
  mode,
  lastResult,
  defaults,
  storedAuth,
}: {
  mode: 'create' | 'edit'
  lastResult?: SubmissionResult<string[]> | null
  defaults: Defaults
  storedAuth?: string
}) {
  const schema = environmentFormSchema(mode)
  const [form, fields] = useForm<EnvironmentFormValues>({
    id: `environment-${mode}`,
    lastResult,
    constraint: getZodConstraint(schema),
    defaultValue: defaults,
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const [authType, setAuthType] = useState(defaults.authType ?? 'none')
  // Before hydration (and without JavaScript) every credential field shows.
  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])
  const show = (type: string) => !hydrated || authType === type
  const authTypes =
    mode === 'edit'
      ? ['keep', 'none', 'bearer', 'apiKey', 'basic', 'oauth2']
      : ['none', 'bearer', 'apiKey', 'basic', 'oauth2']
  const secret = { type: 'password' as const, inputProps: { autoComplete: 'off' } }
  return (
    <Form method="post" className="space-y-6" {...getFormProps(form)}>
      <input type="hidden" name="intent" value={mode === 'create' ? 'create' : 'update'} />
      <FormErrors errors={form.errors} id={form.errorId} />
      <div className="grid gap-4 md:grid-cols-3">
        {mode === 'create' ? (
          <div>
            <label htmlFor={fields.kind.id} className="block text-sm font-medium text-slate-800">
              Kind
            </label>
            <select
              {...getSelectProps(fields.kind)}
              key={fields.kind.key}
              className={`${inputClass} mt-1`}
            >
              <option value="sandbox">Sandbox</option>
              <option value="uat">UAT</option>
            </select>
            <ErrorList id={fields.kind.errorId} errors={fields.kind.errors} />
          </div>
        ) : null}
        <Field label="Name" meta={fields.name} inputProps={{ placeholder: 'Acme sandbox' }} />
        <Field
          label="Base URL"
          type="url"
          meta={fields.baseUrl}
          hint="With the API's base path (https://sandbox.example.com/v1); a bare host gets the spec's base path."
          inputProps={{ placeholder: 'https://sandbox.example.com/v1' }}
        />
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">
          Credentials{storedAuth ? ` (stored: ${storedAuth})` : ''}
        </legend>
        <div className="max-w-sm">
          <label htmlFor={fields.authType.id} className="block text-sm font-medium text-slate-800">
            How requests authenticate
          </label>
          <select
            {...getSelectProps(fields.authType)}
            key={fields.authType.key}
            className={`${inputClass} mt-1`}
            onChange={(event) => setAuthType(event.currentTarget.value)}
          >
            {authTypes.map((type) => (
              <option key={type} value={type}>
                {AUTH_LABELS[type]}
              </option>
            ))}
          </select>
          <ErrorList id={fields.authType.errorId} errors={fields.authType.errors} />
        </div>
        {show('bearer') ? (
          <div className="grid gap-4 md:grid-cols-2" data-auth="bearer">
            <Field label="Bearer token" meta={fields.bearerToken} {...secret} />
          </div>
        ) : null}
        {show('apiKey') ? (
          <div className="grid gap-4 md:grid-cols-3" data-auth="apiKey">
            <div>
              <label
                htmlFor={fields.apiKeyIn.id}
                className="block text-sm font-medium text-slate-800"
              >
                API key sent in
              </label>
              <select
                {...getSelectProps(fields.apiKeyIn)}
                key={fields.apiKeyIn.key}
                className={`${inputClass} mt-1`}
              >
                <option value="header">a header</option>
                <option value="query">the query</option>
              </select>
            </div>
            <Field
              label="API key name"
              meta={fields.apiKeyName}
              inputProps={{ placeholder: 'X-API-Key' }}
            />
            <Field label="API key" meta={fields.apiKeyValue} {...secret} />
          </div>
        ) : null}
        {show('basic') ? (
          <div className="grid gap-4 md:grid-cols-2" data-auth="basic">
            <Field
              label="Username"
              meta={fields.basicUsername}
              inputProps={{ autoComplete: 'off' }}
            />
            <Field label="Password" meta={fields.basicPassword} {...secret} />
          </div>
        ) : null}
        {show('oauth2') ? (
          <div className="grid gap-4 md:grid-cols-2" data-auth="oauth2">
            <Field label="Token URL" type="url" meta={fields.oauthTokenUrl} />
            <Field
              label="Client id"
              meta={fields.oauthClientId}
              inputProps={{ autoComplete: 'off' }}
            />
            <Field label="Client secret" meta={fields.oauthClientSecret} {...secret} />
            <Field label="Scopes (space-separated, optional)" meta={fields.oauthScopes} />
          </div>
        ) : null}
        {!hydrated ? (
          <p className="text-xs text-slate-500">Only the fields of the chosen kind are used.</p>
        ) : null}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Options</legend>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            name={fields.allowPrivateNetwork.name}
            defaultChecked={defaults.allowPrivateNetwork === 'on'}
            className="h-4 w-4 rounded border-slate-300"
          />
          May reach private addresses (loopback, 10.x, 192.168.x: on-premise or local sandboxes)
        </label>
        <div className="grid gap-4 md:grid-cols-3 lg:grid-cols-6">
          <Field label="Request timeout (ms)" type="number" meta={fields.timeoutMs} />
          <Field label="Concurrency" type="number" meta={fields.concurrency} />
          <Field label="Requests/s (0: unpaced)" type="number" meta={fields.requestsPerSecond} />
          <Field label="Latency budget (ms)" type="number" meta={fields.latencyBudgetMs} />
          <Field label="Wait for webhooks (ms)" type="number" meta={fields.webhookWaitMs} />
          <Field label="Burst size" type="number" meta={fields.burstMax} />
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            name={fields.burstEnabled.name}
            defaultChecked={defaults.burstEnabled === 'on'}
            className="h-4 w-4 rounded border-slate-300"
          />
          Allow rate-limit bursts (the rate-limiting templates send up to “Burst size” requests at
          once, last)
        </label>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Webhook receiver</legend>
        <div className="grid gap-4 md:grid-cols-3">
          <div>
            <label
              htmlFor={fields.webhookScheme.id}
              className="block text-sm font-medium text-slate-800"
            >
              Signature scheme
            </label>
            <select
              {...getSelectProps(fields.webhookScheme)}
              key={fields.webhookScheme.key}
              className={`${inputClass} mt-1`}
            >
              <option value="standard">Standard Webhooks (webhook-signature: v1,…)</option>
              <option value="stripe">Stripe-style (t=…,v1=hex)</option>
              <option value="github">GitHub-style (X-Hub-Signature-256)</option>
              <option value="hmac-header">A named header with hex HMAC-SHA256</option>
            </select>
          </div>
          <Field
            label="Signature header (named-header scheme)"
            meta={fields.webhookHeader}
            inputProps={{ placeholder: 'X-Signature' }}
          />
        </div>
      </fieldset>
      <SubmitButton pendingText="Saving…">
        {mode === 'create' ? 'Create environment' : 'Save changes'}
      </SubmitButton>
    </Form>
  )
}
