import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Outlet, useLoaderData } from '@remix-run/react'
import { PROJECT_TABS } from '~/components/project-tabs'
import { can, requireProjectAccess } from '~/server/access.server'
import { TabNav } from '~/components/ui/tab-nav'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.project.name ?? 'Project'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  return {
    project: { id: project.id, name: project.name, archived: Boolean(project.archivedAt) },
    role: access.projectOverride ? `${access.roleLabel} on this project` : access.roleLabel,
    canWrite: can(access, 'project:write'),
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
      <TabNav
        label="Project sections"
        className="mt-6"
        tabs={PROJECT_TABS.map((tab) => ({
          to: `/projects/${project.id}/${tab.slug}`,
          label: tab.label,
        }))}
      />
      <div className="mt-6">
        <Outlet />
      </div>
    </main>
  )
}
