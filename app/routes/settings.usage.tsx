/** Settings → Usage: what each project stores and what happened in the last 30 days. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import { organizationUsage, USAGE_WINDOW_DAYS } from '~/server/orgs/usage.server'
import { formatBytes, formatDate } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Usage · Settings · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'member:read')
  const usage = await organizationUsage(access.organization.id)
  // The window travels with the data: a .server module's constant is not in the browser bundle.
  return { ...usage, since: usage.since.toISOString(), windowDays: USAGE_WINDOW_DAYS }
}

const COLUMNS = [
  { key: 'specs', label: 'Specs' },
  { key: 'mocks', label: 'Mocks' },
  { key: 'partners', label: 'Partners' },
  { key: 'runs', label: 'Runs*' },
  { key: 'traces', label: 'Traces*' },
  { key: 'mockRequests', label: 'Mock requests*' },
  { key: 'assistantQuestions', label: 'Assistant questions*' },
  { key: 'activeTokens', label: 'Active tokens' },
] as const

const number = new Intl.NumberFormat('en')

export default function SettingsUsage() {
  const { members, since, projects, totals, windowDays } = useLoaderData<typeof loader>()
  return (
    <>
      <dl className="grid gap-4 sm:grid-cols-4">
        {[
          ['Members', members],
          ['Projects', projects.length],
          [`Runs, last ${windowDays} days`, totals.runs],
          ['Evidence files stored', formatBytes(totals.evidenceBytes)],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <dt className="text-xs font-medium uppercase text-slate-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold text-slate-900">
              {typeof value === 'number' ? number.format(value) : value}
            </dd>
          </div>
        ))}
      </dl>
      <Panel title="By project">
        {projects.length === 0 ? (
          <EmptyState title="No projects yet">
            Create a project from <Link to="/projects">Projects</Link> to see its usage here.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-4">Project</th>
                  {COLUMNS.map((column) => (
                    <th key={column.key} className="py-2 pr-4 text-right">
                      {column.label}
                    </th>
                  ))}
                  <th className="py-2 text-right">Evidence</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {projects.map((project) => (
                  <tr key={project.id}>
                    <td className="py-2 pr-4 font-medium text-slate-900">
                      <Link
                        to={`/projects/${project.id}/overview`}
                        className="text-indigo-700 hover:underline"
                      >
                        {project.name}
                      </Link>
                      {project.archived ? (
                        <span className="ml-2 text-xs text-slate-500">archived</span>
                      ) : null}
                    </td>
                    {COLUMNS.map((column) => (
                      <td key={column.key} className="py-2 pr-4 text-right tabular-nums">
                        {number.format(project[column.key])}
                      </td>
                    ))}
                    <td className="py-2 text-right tabular-nums">
                      {formatBytes(project.evidenceBytes)}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t border-slate-300 font-semibold">
                <tr>
                  <td className="py-2 pr-4">Total</td>
                  {COLUMNS.map((column) => (
                    <td key={column.key} className="py-2 pr-4 text-right tabular-nums">
                      {number.format(totals[column.key])}
                    </td>
                  ))}
                  <td className="py-2 text-right tabular-nums">
                    {formatBytes(totals.evidenceBytes)}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        <p className="mt-3 text-xs text-slate-500">
          * Since {formatDate(since)} (the last {windowDays} days). Assistant limits per user and
          partner are on each project's Assistant usage page.
        </p>
      </Panel>
    </>
  )
}
