/** Settings → Single sign-on: the panels around the connection form. */
import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { CopyButton } from '~/components/copy-button'
import { SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { FormErrors } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import type { ServiceProviderUrls } from '~/server/sso/urls.server'
import { formatDate } from '~/shared/format'
import type { SsoConnectionView } from './sso-connection-form'

type SsoOrganization = { name: string; slug: string; requireSso: boolean }

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

/** Whether single sign-on is on, and where members start it. */
export function SsoStatusPanel({
  organization,
  connection,
  serviceProvider,
}: {
  organization: SsoOrganization
  connection: SsoConnectionView
  serviceProvider: ServiceProviderUrls
}) {
  return (
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
        Members sign in at <code className="text-xs">{serviceProvider.startUrl}</code>, or from the
        sign-in page with “Sign in with single sign-on” and their work email.
      </p>
    </Panel>
  )
}

/** The service provider's URLs to register with the identity provider. */
export function SsoServiceProviderPanel({
  serviceProvider,
}: {
  serviceProvider: ServiceProviderUrls
}) {
  return (
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
  )
}

/** "Require SSO for members" (possible once a connection is enabled). */
export function RequireSsoPanel({
  organization,
  connection,
  requireError,
}: {
  organization: SsoOrganization
  connection: SsoConnectionView
  requireError: string | null | undefined
}) {
  return (
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
  )
}

/** Removing the connection, after a confirmation. */
export function RemoveSsoConnectionPanel() {
  return (
    <Panel title="Remove the connection">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <p className="text-sm text-slate-600">
          Members linked through it keep their accounts and memberships but can no longer sign in
          with single sign-on.
        </p>
        <Form method="post">
          <ConfirmAction label="Remove connection" confirmLabel="Remove for good" value="remove">
            The connection and its links to members’ identities are deleted. Members without a
            password will need one (or a new connection) to sign in.
          </ConfirmAction>
        </Form>
      </div>
    </Panel>
  )
}
