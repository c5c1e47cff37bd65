import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { NoticesPanel } from '~/components/partner/notices-panel'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { Page } from '~/components/page'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { RunTable } from '~/components/tests/run-table'
import { buttonClass } from '~/components/ui/button'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { assistantPanelData, partnerScope } from '~/server/assistant/page-form.server'
import { listPartnerNotices, markNoticeRead } from '~/server/drift/read.server'
import { partnerDashboard } from '~/server/partners/portal.server'
import { formatDateTime } from '~/shared/format'
import { ITEM_STATUS_LABELS, PHASE_LABELS, type ItemStatus, type Phase } from '~/shared/plan'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const assistant = await assistantPanelData(request, partnerScope(access), {
    kind: 'next-steps',
  })
  return data(
    {
      partner: { id: access.partnerProject.id, name: access.partnerProject.name },
      projectName: access.project.name,
      assistant: assistant.panel,
      notices: await listPartnerNotices(access.partnerProject.id),
      ...(await partnerDashboard({
        projectId: access.project.id,
        partnerProjectId: access.partnerProject.id,
      })),
    },
    { headers: assistant.headers },
  )
}

/** intent=read-notice: marks one of this partner project's notices read. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const form = await request.formData()
  if (form.get('intent') !== 'read-notice')
    return data({ error: 'Unknown action.' }, { status: 400 })
  await markNoticeRead(access.partnerProject.id, String(form.get('noticeId') ?? ''))
  return redirect(`/partner/${access.partnerProject.id}`)
}

export default function PartnerDashboard() {
  const { partner, projectName, progress, latestRuns, nextSteps, traces, assistant, notices } =
    useLoaderData<typeof loader>()
  const base = `/partner/${partner.id}`
  return (
    <Page
      title="Dashboard"
      description={`Your integration with ${projectName}. ${progress.current ? `Current phase: ${PHASE_LABELS[progress.current]}.` : 'Every phase is complete.'}`}
      actions={
        <div className="flex gap-2">
          <Link to={`${base}/playground`} className={buttonClass('secondary')}>
            Open the playground
          </Link>
          <Link to={`${base}/tests`} className={buttonClass('primary')}>
            Run the tests
          </Link>
        </div>
      }
    >
      <NoticesPanel notices={notices} />
      <Panel title="Onboarding progress">
        <PhaseStrip phases={progress.phases} current={progress.current} />
      </Panel>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel
          title="Next steps"
          actions={
            <Link to={`${base}/plan`} className="text-sm text-indigo-700 hover:underline">
              The whole plan
            </Link>
          }
        >
          {nextSteps.length === 0 ? (
            <EmptyState title="Nothing open">Every item of your plan is done.</EmptyState>
          ) : (
            <ol className="space-y-2 text-sm">
              {nextSteps.map((item) => (
                <li key={item.id} className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link
                    to={`${base}/plan#item-${item.id}`}
                    className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                  >
                    {item.title}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {PHASE_LABELS[item.phase as Phase] ?? item.phase} ·{' '}
                    {ITEM_STATUS_LABELS[item.status as ItemStatus] ?? item.status}
                    {item.required ? '' : ' · optional'}
                    {item.dueDate ? ` · due ${item.dueDate}` : ''}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </Panel>
        <Panel
          title="Traces"
          actions={
            <Link to={`${base}/traces`} className="text-sm text-indigo-700 hover:underline">
              Your traces
            </Link>
          }
        >
          <p className="text-sm text-slate-700">
            {traces.count === 0
              ? 'No trace received yet: send signed request/response pairs from your integration (see the Traces page).'
              : `${traces.count.toLocaleString('en')} trace${traces.count === 1 ? '' : 's'} received, the last ${formatDateTime(traces.lastAt!)} UTC.`}
          </p>
        </Panel>
      </div>
      <Panel title="Latest run per environment">
        {latestRuns.length === 0 ? (
          <EmptyState title="No run yet">
            Run the golden suite against the mock first, then the Sandbox.
          </EmptyState>
        ) : (
          <RunTable runs={latestRuns} runsBase={`${base}/tests/runs`} />
        )}
      </Panel>
      <AssistantPanel
        data={assistant}
        action={`${base}/assistant`}
        intro="Ask what to do next: the answer reads your plan, your latest runs and traces, and links each source."
      />
    </Page>
  )
}
