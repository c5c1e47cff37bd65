import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { findUnbuiltTab } from '~/components/project-tabs'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'

/** Tabs whose capability is not built yet: a plain panel, no fake data. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireProjectAccess(request, params.projectId, 'project:read')
  const tab = findUnbuiltTab(params.tab)
  if (!tab) throw new Response('Not found', { status: 404 })
  return { label: tab.label }
}

export default function UnbuiltTab() {
  const { label } = useLoaderData<typeof loader>()
  return (
    <Panel title={label}>
      <p className="text-sm text-slate-600" data-testid="not-available">
        {label} is not available yet. This part of Integration Copilot is still being built.
      </p>
    </Panel>
  )
}
