/** GET /sso/<slug>/start: sends the browser to the organisation's identity provider. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { SsoFailurePage } from '~/components/sso-failure'
import { startSsoSignIn } from '~/server/sso/flow.server'

export const meta: MetaFunction = () => [{ title: 'Single sign-on · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const result = await startSsoSignIn(params.orgSlug ?? '', request)
  if (result instanceof Response) return result
  return data({ failure: result }, { status: result.status })
}

export default function SsoStartPage() {
  const { failure } = useLoaderData<typeof loader>()
  return <SsoFailurePage failure={failure} />
}
