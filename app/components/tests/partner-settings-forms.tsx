/**
 * A partner project's own credentials for an environment and its test
 * variables: posted as intent=partner-auth / partner-variables by the
 * vendor's environment page and the partner's Tests page alike
 * (app/server/environments/partner-settings.server.ts handles both).
 */
import { Form } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'

export function PartnerCredentialsForm({
  partnerProjectId,
  environmentId,
}: {
  partnerProjectId: string
  /** Set when the page holds several environments' forms. */
  environmentId?: string
}) {
  return (
    <Form method="post" className="space-y-2 text-sm">
      <input type="hidden" name="intent" value="partner-auth" />
      {environmentId ? <input type="hidden" name="environmentId" value={environmentId} /> : null}
      <input type="hidden" name="partnerProjectId" value={partnerProjectId} />
      <label
        htmlFor={`auth-${partnerProjectId}${environmentId ?? ''}`}
        className="block font-medium text-slate-800"
      >
        Credentials
      </label>
      <select
        id={`auth-${partnerProjectId}${environmentId ?? ''}`}
        name="authType"
        defaultValue="bearer"
        className={inputClass}
      >
        <option value="bearer">Bearer token</option>
        <option value="apiKey">API key (header)</option>
        <option value="basic">Basic</option>
        <option value="none">Remove (use the environment’s)</option>
      </select>
      <input
        type="password"
        name="bearerToken"
        autoComplete="off"
        placeholder="Bearer token"
        aria-label="Bearer token"
        className={inputClass}
      />
      <div className="grid grid-cols-2 gap-2">
        <input
          type="text"
          name="apiKeyName"
          placeholder="Key header name"
          aria-label="API key header name"
          className={inputClass}
        />
        <input
          type="password"
          name="apiKeyValue"
          autoComplete="off"
          placeholder="API key"
          aria-label="API key"
          className={inputClass}
        />
        <input
          type="text"
          name="basicUsername"
          autoComplete="off"
          placeholder="Username"
          aria-label="Username"
          className={inputClass}
        />
        <input
          type="password"
          name="basicPassword"
          autoComplete="off"
          placeholder="Password"
          aria-label="Password"
          className={inputClass}
        />
      </div>
      <SubmitButton
        variant="secondary"
        pendingText="Saving…"
        pendingFor={
          environmentId ? ['environmentId', environmentId] : ['partnerProjectId', partnerProjectId]
        }
      >
        Save credentials
      </SubmitButton>
    </Form>
  )
}

export function PartnerVariablesForm({
  partnerProjectId,
  plain,
  secrets,
}: {
  partnerProjectId: string
  plain: string
  secrets: { name: string; value: string }[]
}) {
  return (
    <Form method="post" className="space-y-2 text-sm">
      <input type="hidden" name="intent" value="partner-variables" />
      <input type="hidden" name="partnerProjectId" value={partnerProjectId} />
      <label htmlFor={`plain-${partnerProjectId}`} className="block font-medium text-slate-800">
        Variables (name=value)
      </label>
      <textarea
        id={`plain-${partnerProjectId}`}
        name="plain"
        rows={3}
        defaultValue={plain}
        className={`${inputClass} font-mono`}
      />
      <label htmlFor={`secrets-${partnerProjectId}`} className="block font-medium text-slate-800">
        Secret variables (sealed; shown masked:{' '}
        {secrets.map((secret) => `${secret.name} ${secret.value}`).join(', ') || 'none'})
      </label>
      <textarea
        id={`secrets-${partnerProjectId}`}
        name="secrets"
        rows={2}
        className={`${inputClass} font-mono`}
        placeholder="forbidden_credential=… (name= removes one)"
      />
      <SubmitButton
        variant="secondary"
        pendingText="Saving…"
        pendingFor={['partnerProjectId', partnerProjectId]}
      >
        Save variables
      </SubmitButton>
    </Form>
  )
}
