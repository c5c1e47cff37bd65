/**
 * Settings → Single sign-on (owners): the organisation's one OIDC or SAML connection, what
 * to give the identity provider, "Test connection", and "Require SSO for members".
 */
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import {
  JIT_ROLES,
  SsoConnectionForm,
  type SsoTestResult as TestResult,
} from '~/components/settings/sso-connection-form'
import {
  RemoveSsoConnectionPanel,
  RequireSsoPanel,
  SsoServiceProviderPanel,
  SsoStatusPanel,
} from '~/components/settings/sso-panels'
import { Panel } from '~/components/ui/panel'
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

export const meta: MetaFunction = () => [
  { title: 'Single sign-on · Settings · Integration Copilot' },
]

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

export default function SsoSettingsPage() {
  const { organization, connection, serviceProvider, allowHttp, metadataMaxKb } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()

  return (
    <>
      <p className="text-sm text-slate-600">
        Let members of {organization.name} sign in through your identity provider (Okta, Microsoft
        Entra ID, Google Workspace, or any OpenID Connect or SAML 2.0 provider).
      </p>

      <SsoStatusPanel
        organization={organization}
        connection={connection}
        serviceProvider={serviceProvider}
      />

      <SsoServiceProviderPanel serviceProvider={serviceProvider} />

      <Panel title="Connection">
        <SsoConnectionForm
          connection={connection}
          allowHttp={allowHttp}
          metadataMaxKb={metadataMaxKb}
          lastResult={actionData?.save}
          test={actionData?.test}
        />
      </Panel>

      <RequireSsoPanel
        organization={organization}
        connection={connection}
        requireError={actionData?.require}
      />

      {connection ? <RemoveSsoConnectionPanel /> : null}
    </>
  )
}
