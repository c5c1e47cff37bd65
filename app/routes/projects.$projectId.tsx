import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { PROJECT_TABS } from '~/components/project-tabs'
import { can, requireProjectAccess } from '~/server/access.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.project.name ?? 'Project'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, role } = await requireProjectAccess(request, params.projectId, 'project:read')
  return {
    project: { id: project.id, name: project.name, archived: Boolean(project.archivedAt) },
    role,
    canWrite: can(role, 'project:write'),
  }
}

export default function ProjectLayout() {
  const { project, role } = useLoaderData<typeof loader>()
  return (
    <main className="mx-auto max-w-6xl px-6 py-8">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold text-slate-900">{project.name}</h1>
        {project.archived ? (
          <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">
            Archived
          </span>
        ) : null}
        <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700">
          Your role: {role.toLowerCase()}
        </span>
      </div>
      <nav aria-label="Project sections" className="mt-6 border-b border-slate-200">
        <ul className="-mb-px flex flex-wrap gap-1">
          {PROJECT_TABS.map((tab) => (
            <li key={tab.slug}>
              <NavLink
                to={`/projects/${project.id}/${tab.slug}`}
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
      <div className="mt-6">
        <Outlet />
      </div>
    </main>
  )
}
