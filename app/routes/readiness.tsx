import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { ReadinessVerdict, ScoreBar, TrendLabel } from '~/components/reports/badges'
import { EmptyState, Panel } from '~/components/ui/panel'
import { projectsHiddenFrom, requireOrgAccess } from '~/server/access.server'
import { executiveSummary } from '~/server/reports/summary.server'
import { formatDate } from '~/shared/format'
import { PHASE_LABELS } from '~/shared/plan'

export const meta: MetaFunction = () => [{ title: 'Readiness · Integration Copilot' }]

/** The executive summary: every partner of every project of the organisation, no-go first. */
export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'project:read')
  const summary = await executiveSummary(access.organization.id, await projectsHiddenFrom(access))
  return { organizationName: access.organization.name, ...summary }
}

function Tile({ label, value, tone }: { label: string; value: number; tone: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className={`mt-1 text-2xl font-bold tabular-nums ${tone}`}>
        {value.toLocaleString('en-GB')}
      </p>
    </div>
  )
}

export default function ExecutiveSummary() {
  const { organizationName, projects, rows, totals } = useLoaderData<typeof loader>()
  return (
    <Page
      title="Readiness"
      description={`Every partner of ${organizationName}: where it stands in its onboarding and whether it may go live, as of its latest report.`}
    >
      {rows.length === 0 ? (
        <EmptyState title={projects === 0 ? 'No project yet' : 'No partner yet'}>
          {projects === 0 ? (
            <>
              <Link to="/projects" className="text-indigo-700 hover:underline">
                Create a project
              </Link>
              , import its spec and add the partners that integrate with it.
            </>
          ) : (
            'Add partners on a project’s Plan tab: each gets an onboarding plan and readiness reports that show up here.'
          )}
        </EmptyState>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-4 md:grid-cols-4" data-testid="readiness-totals">
            <Tile label="Partners" value={totals.partners} tone="text-slate-900" />
            <Tile label="No-go" value={totals.noGo} tone="text-red-700" />
            <Tile label="Go" value={totals.go} tone="text-emerald-700" />
            <Tile label="No report yet" value={totals.unreported} tone="text-slate-600" />
          </div>
          <Panel title="Partners">
            <div className="overflow-x-auto">
              <table className="min-w-full text-left text-sm" data-testid="readiness-table">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-2 pr-3">Partner</th>
                    <th className="py-2 pr-3">Project</th>
                    <th className="py-2 pr-3">Phase</th>
                    <th className="py-2 pr-3">Verdict</th>
                    <th className="py-2 pr-3">Score</th>
                    <th className="py-2 pr-3 text-right">Blockers</th>
                    <th className="py-2 pr-3">Trend</th>
                    <th className="py-2">Report</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((row) => {
                    const href = `/projects/${row.projectId}/reports/${row.partnerProjectId}`
                    return (
                      <tr key={row.partnerProjectId} data-partner={row.partnerSlug}>
                        <td className="max-w-[14rem] py-2 pr-3">
                          <Link
                            to={href}
                            className="block truncate font-semibold text-indigo-700 hover:underline"
                            title={row.partnerName}
                          >
                            {row.partnerName}
                          </Link>
                        </td>
                        <td className="max-w-[14rem] py-2 pr-3 text-slate-700">
                          <span className="block truncate" title={row.projectName}>
                            {row.projectName}
                          </span>
                          {row.projectArchived ? (
                            <span className="text-xs text-amber-700">archived</span>
                          ) : null}
                        </td>
                        <td className="py-2 pr-3 text-slate-700">
                          {row.currentPhase
                            ? PHASE_LABELS[row.currentPhase]
                            : 'Every phase complete'}
                        </td>
                        {row.latest ? (
                          <>
                            <td className="py-2 pr-3">
                              <ReadinessVerdict verdict={row.latest.verdict} />
                            </td>
                            <td className="py-2 pr-3">
                              <ScoreBar
                                value={row.latest.score}
                                label={`${row.latest.score}/100`}
                              />
                            </td>
                            <td className="py-2 pr-3 text-right tabular-nums">
                              {row.latest.blockerCount.toLocaleString('en-GB')}
                            </td>
                            <td className="py-2 pr-3">
                              <TrendLabel
                                trend={row.latest.trend}
                                previousScore={row.latest.previousScore}
                              />
                            </td>
                            <td className="whitespace-nowrap py-2 text-slate-600">
                              {formatDate(row.latest.createdAt)}
                            </td>
                          </>
                        ) : (
                          <td colSpan={5} className="py-2 text-slate-500">
                            No report yet:{' '}
                            <Link to={href} className="text-indigo-700 hover:underline">
                              generate one
                            </Link>
                            .
                          </td>
                        )}
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          </Panel>
        </>
      )}
    </Page>
  )
}
