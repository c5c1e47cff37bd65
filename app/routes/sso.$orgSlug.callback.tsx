/** GET /sso/<slug>/callback: the OpenID Connect provider's answer. It writes (user, session): primary only. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { SsoFailurePage } from '~/components/sso-failure'
import { ensurePrimary } from '~/server/litefs.server'
import { finishOidcSignIn } from '~/server/sso/flow.server'

export const meta: MetaFunction = () => [{ title: 'Single sign-on · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await ensurePrimary()
  const result = await finishOidcSignIn(params.orgSlug ?? '', request)
  if ('response' in result) return result.response
  return data(
    { failure: result.failure },
    { status: result.failure.status, headers: { 'Set-Cookie': result.clearCookie } },
  )
}

export default function SsoCallbackPage() {
  const { failure } = useLoaderData<typeof loader>()
  return <SsoFailurePage failure={failure} />
}
