import type { LoaderFunctionArgs } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { requireProjectAccess } from '~/server/access.server'

/** The Tests tab: runs, environments, profiles and the template catalogue. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  return { projectId: project.id }
}

export default function TestsLayout() {
  const { projectId } = useLoaderData<typeof loader>()
  const base = `/projects/${projectId}/tests`
  const links = [
    { to: base, label: 'Suites and runs', end: true },
    { to: `${base}/environments`, label: 'Environments', end: false },
    { to: `${base}/profiles`, label: 'Test profiles', end: false },
    { to: `/projects/${projectId}/analytics`, label: 'Failure analytics', end: false },
    { to: '/docs/templates', label: 'Template catalogue', end: false },
  ]
  return (
    <div className="space-y-6">
      <nav aria-label="Tests sections">
        <ul className="flex flex-wrap gap-2 text-sm">
          {links.map((link) => (
            <li key={link.to}>
              <NavLink
                to={link.to}
                end={link.end}
                prefetch="intent"
                className={({ isActive }) =>
                  `inline-block rounded-full px-3 py-1 font-medium ${isActive ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50'}`
                }
              >
                {link.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}
