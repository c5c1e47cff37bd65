/**
 * POST /sso/<slug>/acs: the SAML Assertion Consumer Service. The IdP's page posts here
 * cross-site, so this path is exempt from the same-origin check (web-security.server.ts):
 * what authenticates the post is the signed assertion and its InResponseTo, bound to this
 * browser's flow cookie.
 */
import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { useActionData } from '@remix-run/react'
import { SsoFailurePage } from '~/components/sso-failure'
import { BodyTooLargeError, readBodyLimited } from '~/server/http.server'
import { finishSamlSignIn } from '~/server/sso/flow.server'
import { SAML_RESPONSE_MAX_BYTES } from '~/server/sso/saml.server'

export const meta: MetaFunction = () => [{ title: 'Single sign-on · Integration Copilot' }]

/** A GET here is a person who followed a link: the ACS only takes the IdP's POST. */
export function loader() {
  return redirect('/sso')
}

function refused(status: number, message: string, hint: string) {
  return data({ failure: { message, hint, organizationName: null } }, { status })
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded'))
    return refused(
      415,
      'The SAML response must be posted as a form (HTTP-POST binding).',
      'Start again from the single sign-on page.',
    )
  let body: Uint8Array
  try {
    body = await readBodyLimited(request, SAML_RESPONSE_MAX_BYTES + 16 * 1024)
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return refused(
        413,
        'The SAML response is too large.',
        'Start again from the single sign-on page.',
      )
    throw error
  }
  const form = new URLSearchParams(new TextDecoder().decode(body))
  const result = await finishSamlSignIn(params.orgSlug ?? '', request, {
    samlResponse: form.get('SAMLResponse') ?? '',
    relayState: form.get('RelayState') ?? '',
  })
  if ('response' in result) return result.response
  return data(
    { failure: result.failure },
    { status: result.failure.status, headers: { 'Set-Cookie': result.clearCookie } },
  )
}

export default function SsoAcsPage() {
  const result = useActionData<typeof action>()
  return (
    <SsoFailurePage
      failure={
        result?.failure ?? {
          message: 'This address only receives SAML responses.',
          hint: 'Start again from the single sign-on page.',
          organizationName: null,
        }
      }
    />
  )
}
