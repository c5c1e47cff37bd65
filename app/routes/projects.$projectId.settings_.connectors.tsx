import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ConnectorsPage } from '~/components/connectors/connectors-page'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { connectorFormAction } from '~/server/connectors/page-form.server'
import { listConnectors } from '~/server/connectors/settings.server'
import { redirectWithToast } from '~/server/toast.server'

export const meta: MetaFunction = () => [{ title: 'Connectors · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const canManage = can(access, 'project:manage')
  // Viewers and vendors learn nothing about the connectors (not even masked settings).
  return {
    projectId: project.id,
    canManage,
    connectors: canManage ? await listConnectors(project.id) : [],
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:manage')
  const result = await connectorFormAction(
    access.project.id,
    await request.formData(),
    pageActor(access, request),
  )
  if (!result.ok) return data(result, { status: result.status })
  if (result.newSecret) return data(result)
  return redirectWithToast(`/projects/${access.project.id}/settings/connectors`, {
    type: 'success',
    message: result.message,
  })
}

export default function ConnectorsRoute() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return <ConnectorsPage {...loaderData} result={actionData ?? null} />
}
