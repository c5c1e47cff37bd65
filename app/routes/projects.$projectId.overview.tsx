import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { projectOverviewCounts } from '~/server/projects.server'
import { formatDate } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, organization } = await requireProjectAccess(
    request,
    params.projectId,
    'project:read',
  )
  const { partnerCount, tokenCount, specCount, mockCount, mocksUp } = await projectOverviewCounts(
    project.id,
  )
  return {
    project: {
      name: project.name,
      description: project.description,
      createdAt: project.createdAt.toISOString(),
    },
    id: project.id,
    organizationName: organization.name,
    partnerCount,
    tokenCount,
    specCount,
    mockCount,
    mocksUp,
  }
}

export default function ProjectOverview() {
  const { id, project, organizationName, partnerCount, tokenCount, specCount, mockCount, mocksUp } =
    useLoaderData<typeof loader>()
  const steps = [
    {
      done: specCount > 0,
      label: 'Import the API spec',
      detail: 'Upload, paste or fetch your OpenAPI document.',
      to: `/projects/${id}/specs`,
    },
    {
      done: mocksUp > 0,
      label: 'Give partners the mock URL',
      detail: 'A mock starts after each import; its URL is on the Mocks tab.',
      to: `/projects/${id}/mocks`,
    },
    {
      done: tokenCount > 0,
      label: 'Create an API token for CI',
      detail: 'Import specs and control mocks from your pipeline.',
      to: `/projects/${id}/settings`,
    },
  ]
  return (
    <div className="grid items-start gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
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
              <dd className="font-medium text-slate-900">{formatDate(project.createdAt)}</dd>
            </div>
          </dl>
        </Panel>
        <Panel title="Getting started">
          <ol className="space-y-3 text-sm">
            {steps.map((step) => (
              <li key={step.label} className="flex items-start gap-3">
                <span
                  aria-hidden
                  className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${step.done ? 'bg-emerald-100 text-emerald-700' : 'bg-slate-100 text-slate-500'}`}
                >
                  {step.done ? '✓' : '•'}
                </span>
                <div>
                  <Link to={step.to} className="font-medium text-indigo-700 hover:underline">
                    {step.label}
                  </Link>
                  <span className="sr-only">{step.done ? ' (done)' : ' (to do)'}</span>
                  <p className="text-slate-600">{step.detail}</p>
                </div>
              </li>
            ))}
          </ol>
        </Panel>
      </div>
      <Panel title="At a glance">
        <dl className="space-y-3 text-sm">
          <div className="flex justify-between">
            <dt className="text-slate-500">Specs</dt>
            <dd className="font-semibold text-slate-900">
              <Link to={`/projects/${id}/specs`} className="hover:underline">
                {specCount}
              </Link>
            </dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-slate-500">Mocks up</dt>
            <dd className="font-semibold text-slate-900">
              <Link to={`/projects/${id}/mocks`} className="hover:underline">
                {mocksUp} of {mockCount}
              </Link>
            </dd>
          </div>
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
