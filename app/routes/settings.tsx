/** Organisation administration: one layout, one tab per area, each tab its own route. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { SETTINGS_TABS } from '~/components/settings-tabs'
import { can, requireOrgAccess } from '~/server/access.server'
import { roleLabel } from '~/shared/roles'

export const meta: MetaFunction = () => [{ title: 'Settings · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:read')
  return {
    organization: { id: access.organization.id, name: access.organization.name },
    role: access.role,
    tabs: SETTINGS_TABS.filter((tab) => can(access.role, tab.action)).map(({ slug, label }) => ({
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
          Your role: {roleLabel(role).toLowerCase()}
        </span>
      </div>
      <nav aria-label="Settings sections" className="mt-6 border-b border-slate-200">
        <ul className="-mb-px flex flex-wrap gap-1">
          {tabs.map((tab) => (
            <li key={tab.slug}>
              <NavLink
                to={`/settings/${tab.slug}`}
                prefetch="intent"
                className={({ isActive }) =>
                  `inline-block border-b-2 px-3 py-2 text-sm font-medium ${isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'}`
                }
              >
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="mt-6 space-y-6">
        <Outlet />
      </div>
    </main>
  )
}
