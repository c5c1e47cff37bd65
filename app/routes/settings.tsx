/** Organisation administration: one layout, one tab per area, each tab its own route. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Outlet, useLoaderData } from '@remix-run/react'
import { SETTINGS_TABS } from '~/components/settings-tabs'
import { can, requireOrgAccess } from '~/server/access.server'
import { TabNav } from '~/components/ui/tab-nav'

export const meta: MetaFunction = () => [{ title: 'Settings · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(
    request,
    SETTINGS_TABS.map((tab) => tab.action),
  )
  return {
    organization: { id: access.organization.id, name: access.organization.name },
    role: access.roleLabel,
    tabs: SETTINGS_TABS.filter((tab) => can(access, tab.action)).map(({ slug, label }) => ({
      slug,
      label,
    })),
  }
}

export default function SettingsLayout() {
  const { organization, role, tabs } = useLoaderData<typeof loader>()
  return (
    <main className="mx-auto max-w-6xl px-6 py-8">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold text-slate-900">{organization.name} settings</h1>
        <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700">
          Your role: {role.toLowerCase()}
        </span>
      </div>
      <TabNav
        label="Settings sections"
        className="mt-6"
        tabs={tabs.map((tab) => ({ to: `/settings/${tab.slug}`, label: tab.label }))}
      />
      <div className="mt-6 space-y-6">
        <Outlet />
      </div>
    </main>
  )
}
