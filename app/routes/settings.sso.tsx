/**
 * Settings → Single sign-on (owners): the organisation's one OIDC or SAML connection, what
 * to give the identity provider, "Test connection", and "Require SSO for members".
 */
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useEffect, useState, type ReactNode } from 'react'
import { z } from 'zod'
import { CopyButton } from '~/components/copy-button'
import { SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { ErrorList, Field, FormErrors, inputClass } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import { userAgentOf } from '~/server/audit/log.server'
import { getEnv } from '~/server/env.server'
import { appOrigin, BodyTooLargeError, getClientIp, readBodyLimited } from '~/server/http.server'
import {
  connectionView,
  getConnection,
  removeConnection,
  saveConnection,
  setRequireSso,
} from '~/server/sso/connections.server'
import { SsoError, SsoSettingsError } from '~/server/sso/errors.server'
import { METADATA_MAX_BYTES } from '~/server/sso/metadata.server'
import { checkDiscoveryUrl, testDiscovery } from '~/server/sso/oidc.server'
import { serviceProviderUrls } from '~/server/sso/urls.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'
import { ROLE_LABELS } from '~/shared/roles'

export const meta: MetaFunction = () => [
  { title: 'Single sign-on · Settings · Integration Copilot' },
]

/** Built-in roles a just-in-time member may get (never OWNER). */
const JIT_ROLES = ['ADMIN', 'VENDOR', 'VIEWER'] as const
/** The whole form, pasted metadata included, with room for its encoding. */
const FORM_MAX_BYTES = 3 * METADATA_MAX_BYTES

const SaveSchema = z.object({
  intent: z.literal('save'),
  protocol: z.enum(['oidc', 'saml'], { error: 'Choose OpenID Connect or SAML 2.0.' }),
  enabled: z.boolean().optional(),
  discoveryUrl: z
    .string()
    .max(2000, 'The discovery URL is longer than 2,000 characters.')
    .optional(),
  clientId: z.string().max(500, 'The client id is longer than 500 characters.').optional(),
  clientSecret: z
    .string()
    .max(2000, 'The client secret is longer than 2,000 characters.')
    .optional(),
  samlMetadata: z.string().optional(),
  allowedDomains: z.string().max(5000, 'List fewer domains.').optional(),
  defaultRole: z.enum(JIT_ROLES, { error: 'Choose the role new members get.' }),
})
const TestSchema = z.object({ intent: z.literal('test'), discoveryUrl: z.string().optional() })
const RequireSchema = z.object({ intent: z.literal('require'), requireSso: z.boolean().optional() })

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const connection = await getConnection(access.organization.id)
  return {
    organization: {
      name: access.organization.name,
      slug: access.organization.slug,
      requireSso: access.organization.requireSso,
    },
    connection: connectionView(connection),
    serviceProvider: serviceProviderUrls(appOrigin(request), access.organization.slug),
    allowHttp: getEnv().OUTBOUND_ALLOW_PRIVATE,
    metadataMaxKb: METADATA_MAX_BYTES / 1024,
  }
}

type TestResult =
  | {
      ok: true
      issuer: string
      authorizationEndpoint: string
      tokenEndpoint: string
      jwksUri: string
      userinfoEndpoint: string
    }
  | { ok: false; error: string }

/** Reads the urlencoded form with a cap (pasted metadata can be large; a huge body is refused unread). */
async function readForm(request: Request): Promise<FormData | null> {
  try {
    const body = await readBodyLimited(request, FORM_MAX_BYTES)
    const form = new FormData()
    for (const [key, value] of new URLSearchParams(new TextDecoder().decode(body)))
      form.append(key, value)
    return form
  } catch (error) {
    if (error instanceof BodyTooLargeError) return null
    throw error
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const formData = await readForm(request)
  if (!formData)
    return data(
      {
        save: {
          status: 'error' as const,
          error: {
            '': [
              `The form is larger than ${FORM_MAX_BYTES / 1024} KB. IdP metadata may be at most ${METADATA_MAX_BYTES / 1024} KB.`,
            ],
          },
        },
        test: null,
        require: null,
      },
      { status: 413 },
    )
  const actor = {
    userId: access.user.id,
    ip: getClientIp(request),
    userAgent: userAgentOf(request),
  }
  const intent = formData.get('intent')

  if (intent === 'test') {
    const submission = parseWithZod(formData, { schema: TestSchema })
    if (submission.status !== 'success') throw new Response('Malformed request.', { status: 400 })
    const connection = await getConnection(access.organization.id)
    let test: TestResult
    try {
      const url = checkDiscoveryUrl(submission.value.discoveryUrl || connection?.discoveryUrl || '')
      test = { ok: true, ...(await testDiscovery(url)) }
    } catch (error) {
      if (!(error instanceof SsoSettingsError) && !(error instanceof SsoError)) throw error
      test = { ok: false, error: error.message }
    }
    return data({ save: null, test, require: null }, { status: test.ok ? 200 : 400 })
  }

  if (intent === 'require') {
    const submission = parseWithZod(formData, { schema: RequireSchema })
    if (submission.status !== 'success') throw new Response('Malformed request.', { status: 400 })
    const required = submission.value.requireSso === true
    try {
      await setRequireSso({ organization: access.organization, actor, required })
    } catch (error) {
      if (!(error instanceof SsoSettingsError)) throw error
      return data({ save: null, test: null, require: error.message }, { status: 400 })
    }
    return redirectWithToast('/settings/sso', {
      type: 'success',
      message: required
        ? 'Members must now sign in with single sign-on (owners keep their password).'
        : 'Members may sign in with a password again.',
    })
  }

  if (intent === 'remove') {
    try {
      const removed = await removeConnection({ organization: access.organization, actor })
      return redirectWithToast('/settings/sso', {
        type: removed ? 'success' : 'info',
        message: removed
          ? 'Single sign-on connection removed.'
          : 'There was no connection to remove.',
      })
    } catch (error) {
      if (!(error instanceof SsoSettingsError)) throw error
      return redirectWithToast('/settings/sso', { type: 'error', message: error.message })
    }
  }

  if (intent !== 'save') throw new Response(`Unknown action "${String(intent)}".`, { status: 400 })
  const submission = parseWithZod(formData, { schema: SaveSchema })
  if (submission.status !== 'success')
    return data(
      { save: submission.reply({ hideFields: ['clientSecret'] }), test: null, require: null },
      { status: 400 },
    )
  try {
    const { created } = await saveConnection({
      organization: access.organization,
      actor,
      settings: { ...submission.value, enabled: submission.value.enabled === true },
    })
    return redirectWithToast('/settings/sso', {
      type: 'success',
      message: created ? 'Single sign-on connection saved.' : 'Single sign-on settings saved.',
    })
  } catch (error) {
    if (!(error instanceof SsoSettingsError)) throw error
    const reply =
      error.field === 'form'
        ? submission.reply({ formErrors: [error.message], hideFields: ['clientSecret'] })
        : submission.reply({
            fieldErrors: { [error.field]: [error.message] },
            hideFields: ['clientSecret'],
          })
    return data({ save: reply, test: null, require: null }, { status: 400 })
  }
}

function CopyRow({ label, value, hint }: { label: string; value: string; hint?: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[14rem_1fr_auto] sm:items-center sm:gap-3">
      <dt className="text-sm font-medium text-slate-800">{label}</dt>
      <dd className="min-w-0">
        <code className="block break-all rounded bg-slate-50 px-2 py-1 text-xs text-slate-800">
          {value}
        </code>
        {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      </dd>
      <dd>
        <CopyButton text={value} />
      </dd>
    </div>
  )
}

export default function SsoSettingsPage() {
  const { organization, connection, serviceProvider, allowHttp, metadataMaxKb } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm<z.input<typeof SaveSchema>>({
    id: 'sso-connection',
    lastResult: actionData?.save ?? undefined,
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
  const test = actionData?.test
  const requireError = actionData?.require

  return (
    <>
      <p className="text-sm text-slate-600">
        Let members of {organization.name} sign in through your identity provider (Okta, Microsoft
        Entra ID, Google Workspace, or any OpenID Connect or SAML 2.0 provider).
      </p>

      <Panel title="Status">
        {connection ? (
          <Notice tone={connection.enabled ? 'success' : 'warning'}>
            {connection.protocol === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'} connection{' '}
            {connection.enabled ? 'enabled' : 'saved but turned off'} · updated{' '}
            {formatDate(connection.updatedAt)}.{' '}
            {organization.requireSso
              ? 'Members must sign in with single sign-on.'
              : 'Members may also sign in with a password.'}
          </Notice>
        ) : (
          <Notice>
            No single sign-on yet. Register this app with your identity provider using the values
            below, then fill in the connection.
          </Notice>
        )}
        <p className="mt-3 text-sm text-slate-600">
          Members sign in at <code className="text-xs">{serviceProvider.startUrl}</code>, or from
          the sign-in page with “Sign in with single sign-on” and their work email.
        </p>
      </Panel>

      <Panel title="What to give your identity provider">
        <dl className="divide-y divide-slate-100">
          <CopyRow
            label="OIDC redirect URI"
            value={serviceProvider.redirectUri}
            hint="OpenID Connect: the sign-in redirect (callback) URI of the web application."
          />
          <CopyRow
            label="SAML ACS URL"
            value={serviceProvider.acsUrl}
            hint="SAML: Assertion Consumer Service (Reply URL), HTTP-POST binding."
          />
          <CopyRow
            label="SAML SP entity id"
            value={serviceProvider.entityId}
            hint="SAML: Audience URI / Identifier. Assertions must name it as their audience."
          />
          <CopyRow
            label="SAML SP metadata URL"
            value={serviceProvider.metadataUrl}
            hint="For providers that import service-provider metadata."
          />
        </dl>
      </Panel>

      <Panel title="Connection">
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
                      Signing certificate {cert.subject} · SHA-256 {cert.fingerprint.slice(0, 23)}…
                      · {cert.expired ? 'EXPIRED' : 'valid until'} {formatDate(cert.validTo)}
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
            <label
              htmlFor={fields.defaultRole.id}
              className="block text-sm font-medium text-slate-800"
            >
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
      </Panel>

      <Panel title="Require SSO for members">
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="require" />
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="requireSso"
              className="mt-0.5"
              defaultChecked={organization.requireSso}
              disabled={!connection?.enabled && !organization.requireSso}
            />
            <span>
              Members must sign in through single sign-on to open {organization.name}’s pages. A
              session opened with a password (or GitHub, Google) is sent to the identity provider
              first. Owners keep password sign-in as a break-glass way in.
            </span>
          </label>
          {!connection?.enabled && !organization.requireSso ? (
            <p className="text-xs text-slate-500">Save and enable a connection first.</p>
          ) : null}
          {requireError ? <FormErrors errors={[requireError]} /> : null}
          <SubmitButton variant="secondary" pendingText="Saving…">
            Save requirement
          </SubmitButton>
        </Form>
      </Panel>

      {connection ? (
        <Panel title="Remove the connection">
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-sm text-slate-600">
              Members linked through it keep their accounts and memberships but can no longer sign
              in with single sign-on.
            </p>
            <Form method="post">
              <ConfirmAction
                label="Remove connection"
                confirmLabel="Remove for good"
                value="remove"
              >
                The connection and its links to members’ identities are deleted. Members without a
                password will need one (or a new connection) to sign in.
              </ConfirmAction>
            </Form>
          </div>
        </Panel>
      ) : null}
    </>
  )
}
