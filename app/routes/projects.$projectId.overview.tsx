import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { db } from '~/server/db.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, organization } = await requireProjectAccess(
    request,
    params.projectId,
    'project:read',
  )
  const [partnerCount, tokenCount] = await Promise.all([
    db.partnerProject.count({ where: { projectId: project.id } }),
    db.apiToken.count({ where: { projectId: project.id, revokedAt: null } }),
  ])
  return {
    project: {
      name: project.name,
      description: project.description,
      createdAt: project.createdAt.toISOString(),
    },
    organizationName: organization.name,
    partnerCount,
    tokenCount,
  }
}

export default function ProjectOverview() {
  const { project, organizationName, partnerCount, tokenCount } = useLoaderData<typeof loader>()
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="lg:col-span-2">
        <Panel title="About this project">
          <p className="text-sm text-slate-700">
            {project.description || 'No description yet. Add one in Settings.'}
          </p>
          <dl className="mt-4 grid grid-cols-2 gap-4 text-sm">
            <div>
              <dt className="text-slate-500">Organisation</dt>
              <dd className="font-medium text-slate-900">{organizationName}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Created</dt>
              <dd className="font-medium text-slate-900">
                {new Date(project.createdAt).toLocaleDateString('en-GB')}
              </dd>
            </div>
          </dl>
        </Panel>
      </div>
      <Panel title="At a glance">
        <dl className="space-y-3 text-sm">
          <div className="flex justify-between">
            <dt className="text-slate-500">Partner companies</dt>
            <dd className="font-semibold text-slate-900">{partnerCount}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-slate-500">Active API tokens</dt>
            <dd className="font-semibold text-slate-900">{tokenCount}</dd>
          </div>
        </dl>
      </Panel>
    </div>
  )
}
