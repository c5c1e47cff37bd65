import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { VerdictBadge } from '~/components/tests/badges'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { diffRuns, getRun, RunError } from '~/server/testkit/runs.server'
import { previousRun } from '~/server/testkit/views.server'
import { formatDateTime } from '~/shared/format'

/** What changed between two runs: newly failing, fixed, still failing, added and removed cases. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  try {
    const to = await getRun(project.id, params.runId ?? '')
    // Without ?against=, the previous finished run on the same environment and spec.
    const against =
      new URL(request.url).searchParams.get('against') ?? (await previousRun(project.id, to))?.id
    if (!against)
      return { projectId: project.id, to: { id: to.id, label: '' }, from: null, diff: null }
    const from = await getRun(project.id, against)
    const diff = await diffRuns(project.id, from.id, to.id)
    const label = (run: typeof to) =>
      `${run.specVersion.spec.name} v${run.specVersion.number} on ${run.environmentLabel}, ${formatDateTime(run.createdAt.toISOString())}`
    return {
      projectId: project.id,
      from: { id: from.id, label: label(from) },
      to: { id: to.id, label: label(to) },
      diff,
    }
  } catch (error) {
    if (error instanceof RunError)
      throw new Response('Compare two runs of this project: ?against=<run id>.', { status: 404 })
    throw error
  }
}

export default function RunDiff() {
  const { projectId, from, to, diff } = useLoaderData<typeof loader>()
  if (!from || !diff)
    return (
      <EmptyState title="Nothing to compare with">
        This is the first finished run of this spec on this environment.{' '}
        <Link
          to={`/projects/${projectId}/tests/runs/${to.id}`}
          className="font-semibold text-indigo-700 hover:underline"
        >
          Back to the run
        </Link>
      </EmptyState>
    )
  const sections = [
    { title: 'Newly failing', entries: diff.newlyFailing, runId: to.id },
    { title: 'Fixed', entries: diff.fixed, runId: to.id },
    { title: 'Still failing', entries: diff.stillFailing, runId: to.id },
    { title: 'New cases', entries: diff.added, runId: to.id },
    { title: 'Cases no longer in the suite', entries: diff.removed, runId: from.id },
  ]
  const base = `/projects/${projectId}/tests/runs`
  return (
    <div className="space-y-6">
      <div>
        <Link to={`${base}/${to.id}`} className="text-sm text-indigo-700 hover:underline">
          ← Back to the run
        </Link>
        <h2 className="mt-1 text-xl font-bold text-slate-900">What changed</h2>
        <p className="text-sm text-slate-600">
          From{' '}
          <Link to={`${base}/${from.id}`} className="text-indigo-700 hover:underline">
            {from.label}
          </Link>{' '}
          to{' '}
          <Link to={`${base}/${to.id}`} className="text-indigo-700 hover:underline">
            {to.label}
          </Link>{' '}
          (times in UTC).
        </p>
      </div>
      {sections.every((section) => section.entries.length === 0) ? (
        <EmptyState title="No change">Every case has the same outcome in both runs.</EmptyState>
      ) : null}
      {sections
        .filter((section) => section.entries.length > 0)
        .map((section) => (
          <Panel key={section.title} title={`${section.title} (${section.entries.length})`}>
            <ul className="divide-y divide-slate-100 text-sm">
              {section.entries.map((entry) => (
                <li key={entry.key} className="flex flex-wrap items-center gap-2 py-1.5">
                  {entry.from ? (
                    <VerdictBadge verdict={entry.from} />
                  ) : (
                    <span className="text-xs text-slate-400">new</span>
                  )}
                  <span aria-hidden className="text-slate-400">
                    →
                  </span>
                  {entry.to ? (
                    <VerdictBadge verdict={entry.to} />
                  ) : (
                    <span className="text-xs text-slate-400">gone</span>
                  )}
                  {entry.seq ? (
                    <Link
                      to={`${base}/${section.runId}/cases/${entry.seq}`}
                      className="text-indigo-700 hover:underline"
                    >
                      {entry.title}
                    </Link>
                  ) : (
                    <span className="text-slate-700">{entry.title}</span>
                  )}
                </li>
              ))}
            </ul>
          </Panel>
        ))}
    </div>
  )
}
