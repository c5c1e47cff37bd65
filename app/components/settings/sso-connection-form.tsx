/**
 * Settings → Single sign-on: the form of the organisation's one OIDC or SAML connection,
 * with "Test connection" (OIDC discovery). Validated on the server only.
 */
import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import type { SerializeFrom } from '@remix-run/node'
import { Form } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, Field, FormErrors, inputClass } from '~/components/ui/forms'
import { Notice } from '~/components/ui/panel'
import type { connectionView } from '~/server/sso/connections.server'
import { formatDate } from '~/shared/format'
import { ROLE_LABELS } from '~/shared/roles'

/** Built-in roles a just-in-time member may get (never OWNER). */
export const JIT_ROLES = ['ADMIN', 'VENDOR', 'VIEWER'] as const

/** The fields of the connection form (the action's schema checks them). */
export type SsoConnectionFields = {
  intent: 'save'
  protocol: 'oidc' | 'saml'
  enabled?: boolean
  discoveryUrl?: string
  clientId?: string
  clientSecret?: string
  samlMetadata?: string
  allowedDomains?: string
  defaultRole: (typeof JIT_ROLES)[number]
}

/** What "Test connection" found: the discovery document's endpoints, or why it failed. */
export type SsoTestResult =
  | {
      ok: true
      issuer: string
      authorizationEndpoint: string
      tokenEndpoint: string
      jwksUri: string
      userinfoEndpoint: string
    }
  | { ok: false; error: string }

/** The saved connection as the page shows it (null while there is none). */
export type SsoConnectionView = SerializeFrom<typeof connectionView>

export function SsoConnectionForm({
  connection,
  allowHttp,
  metadataMaxKb,
  lastResult,
  test,
}: {
  connection: SsoConnectionView
  allowHttp: boolean
  metadataMaxKb: number
  lastResult: SubmissionResult<string[]> | null | undefined
  test: SsoTestResult | null | undefined
}) {
  const [form, fields] = useForm<SsoConnectionFields>({
    id: 'sso-connection',
    lastResult: lastResult ?? undefined,
    shouldValidate: 'onSubmit',
    defaultValue: {
      protocol: connection?.protocol ?? 'oidc',
      discoveryUrl: connection?.discoveryUrl ?? '',
      clientId: connection?.clientId ?? '',
      allowedDomains: connection?.allowedDomains.join(', ') ?? '',
      defaultRole: connection?.defaultRole ?? 'VIEWER',
    },
  })
  const [protocol, setProtocol] = useState<string>(connection?.protocol ?? 'oidc')
  // Without JavaScript both protocol sections show; with it, only the chosen one.
  const [hydrated, setHydrated] = useState(false)
  useEffect(() => setHydrated(true), [])

  return (
    <Form method="post" className="space-y-6" {...getFormProps(form)} noValidate>
      <FormErrors id={form.errorId} errors={form.errors} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Protocol</legend>
        <div className="mt-2 flex flex-wrap gap-6 text-sm text-slate-700">
          {(
            [
              ['oidc', 'OpenID Connect'],
              ['saml', 'SAML 2.0'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2">
              <input
                type="radio"
                name={fields.protocol.name}
                value={value}
                defaultChecked={(connection?.protocol ?? 'oidc') === value}
                onChange={() => setProtocol(value)}
              />
              {label}
            </label>
          ))}
        </div>
        <ErrorList id={fields.protocol.errorId} errors={fields.protocol.errors} />
      </fieldset>

      <fieldset
        className="space-y-4 rounded-md border border-slate-200 p-4"
        hidden={hydrated && protocol !== 'oidc'}
      >
        <legend className="px-1 text-sm font-semibold text-slate-900">OpenID Connect</legend>
        <Field
          label="Discovery URL"
          type="url"
          meta={fields.discoveryUrl}
          hint={`The issuer, or its /.well-known/openid-configuration. ${allowHttp ? 'http is allowed here (OUTBOUND_ALLOW_PRIVATE).' : 'Must be https.'}`}
          inputProps={{ placeholder: 'https://acme.okta.com/.well-known/openid-configuration' }}
        />
        <Field label="Client id" meta={fields.clientId} inputProps={{ autoComplete: 'off' }} />
        <Field
          label="Client secret"
          type="password"
          meta={fields.clientSecret}
          hint={
            connection?.clientSecretMask
              ? `Stored: ${connection.clientSecretMask}. Leave blank to keep it.`
              : 'Stored encrypted; shown afterwards only masked.'
          }
          inputProps={{ autoComplete: 'new-password' }}
        />
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton
            variant="secondary"
            name="intent"
            value="test"
            pendingText="Testing…"
            formNoValidate
          >
            Test connection
          </SubmitButton>
          <span className="text-xs text-slate-500">
            Fetches the discovery document (from the field above, or the saved URL).
          </span>
        </div>
        {test ? (
          test.ok ? (
            <Notice tone="success">
              <p className="font-medium">Discovery document OK.</p>
              <dl className="mt-2 grid gap-x-3 gap-y-1 text-xs sm:grid-cols-[10rem_1fr]">
                <dt>Issuer</dt>
                <dd className="break-all">{test.issuer}</dd>
                <dt>Authorization</dt>
                <dd className="break-all">{test.authorizationEndpoint}</dd>
                <dt>Token</dt>
                <dd className="break-all">{test.tokenEndpoint}</dd>
                <dt>JWKS</dt>
                <dd className="break-all">{test.jwksUri}</dd>
                <dt>UserInfo</dt>
                <dd className="break-all">{test.userinfoEndpoint || '—'}</dd>
              </dl>
            </Notice>
          ) : (
            <FormErrors errors={[`Test failed: ${test.error}`]} />
          )
        ) : null}
      </fieldset>

      <fieldset
        className="space-y-4 rounded-md border border-slate-200 p-4"
        hidden={hydrated && protocol !== 'saml'}
      >
        <legend className="px-1 text-sm font-semibold text-slate-900">SAML 2.0</legend>
        {connection?.samlEntityId ? (
          <div className="space-y-1 text-sm text-slate-700">
            <p>
              IdP entity id: <code className="text-xs">{connection.samlEntityId}</code>
            </p>
            <p>
              Sign-in URL (HTTP-Redirect):{' '}
              <code className="break-all text-xs">{connection.samlSsoUrl}</code>
            </p>
            <ul className="space-y-0.5 text-xs text-slate-600">
              {connection.certificates.map((cert) => (
                <li key={cert.fingerprint}>
                  Signing certificate {cert.subject} · SHA-256 {cert.fingerprint.slice(0, 23)}… ·{' '}
                  {cert.expired ? 'EXPIRED' : 'valid until'} {formatDate(cert.validTo)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div>
          <label
            htmlFor={fields.samlMetadata.id}
            className="block text-sm font-medium text-slate-800"
          >
            IdP metadata XML
          </label>
          <textarea
            id={fields.samlMetadata.id}
            name={fields.samlMetadata.name}
            rows={8}
            spellCheck={false}
            aria-invalid={fields.samlMetadata.errors ? true : undefined}
            aria-describedby={`${fields.samlMetadata.id}-hint ${fields.samlMetadata.errorId}`}
            className={`${inputClass} mt-1 font-mono text-xs`}
            placeholder={
              '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="…">'
            }
          />
          <p id={`${fields.samlMetadata.id}-hint`} className="mt-1 text-xs text-slate-500">
            Paste the XML your identity provider offers (at most {metadataMaxKb} KB).
            {connection?.hasSamlMetadata ? ' Leave blank to keep the metadata saved.' : ''}
          </p>
          <ErrorList id={fields.samlMetadata.errorId} errors={fields.samlMetadata.errors} />
        </div>
      </fieldset>

      <Field
        label="Allowed email domains"
        meta={fields.allowedDomains}
        hint="Comma separated, e.g. acme.com, acme.co.uk. Only these addresses may sign in through this connection. Empty allows any address your identity provider vouches for."
      />
      <div>
        <label htmlFor={fields.defaultRole.id} className="block text-sm font-medium text-slate-800">
          Role of new members
        </label>
        <select
          id={fields.defaultRole.id}
          name={fields.defaultRole.name}
          defaultValue={connection?.defaultRole ?? 'VIEWER'}
          aria-describedby={`${fields.defaultRole.id}-hint`}
          className={`${inputClass} mt-1 sm:max-w-xs`}
        >
          {JIT_ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
        <p id={`${fields.defaultRole.id}-hint`} className="mt-1 text-xs text-slate-500">
          Someone who signs in for the first time becomes a member with this role (an invitation
          waiting for them decides instead).
        </p>
        <ErrorList id={fields.defaultRole.errorId} errors={fields.defaultRole.errors} />
      </div>
      <div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            name={fields.enabled.name}
            defaultChecked={connection?.enabled ?? true}
          />
          Enabled
        </label>
        <ErrorList id={fields.enabled.errorId} errors={fields.enabled.errors} />
      </div>
      <SubmitButton name="intent" value="save" pendingText="Saving…">
        {connection ? 'Save changes' : 'Save connection'}
      </SubmitButton>
    </Form>
  )
}
