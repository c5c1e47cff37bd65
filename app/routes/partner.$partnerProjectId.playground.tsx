import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { PartnerRouteError } from '~/components/partner-route-error'
import { Playground } from '~/components/playground/playground'
import {
  PARTNER_PERMISSIONS,
  type PartnerAccess,
  requirePartnerAccess,
} from '~/server/access.server'
import { playgroundPost } from '~/server/playground/actions.server'
import { playgroundPage } from '~/server/playground/page.server'
import type { PlaygroundScope } from '~/server/playground/scope.server'

export const meta: MetaFunction = () => [
  { title: 'Playground · Partner portal · Integration Copilot' },
]

const scopeOf = (access: PartnerAccess): PlaygroundScope => ({
  projectId: access.project.id,
  partnerProjectId: access.partnerProject.id,
  userId: access.user.id,
})
const baseOf = (access: PartnerAccess) => `/partner/${access.partnerProject.id}/playground`

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  return playgroundPage(scopeOf(access), request, {
    base: baseOf(access),
    canSend: PARTNER_PERMISSIONS['partner:write'].includes(access.role),
  })
}

/** Send, save as template, delete a saved request: intent=send | save-template | delete-saved. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  return playgroundPost(scopeOf(access), request, { base: baseOf(access) })
}

export default function PartnerPlaygroundPage() {
  const view = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <Page
      title="Playground"
      description="Try any operation you can see against the mock, Sandbox or UAT. Every request and answer is checked against the spec."
    >
      <Playground view={view} actionData={actionData} />
    </Page>
  )
}

export function ErrorBoundary() {
  return <PartnerRouteError section="playground" label="Back to the playground" />
}
