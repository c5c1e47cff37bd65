import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import {
  ReadinessVerdict,
  SCHEDULE_LABELS,
  SCHEDULE_OPTIONS,
  ScoreBar,
  TrendLabel,
} from '~/components/reports/badges'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { setReportSchedule } from '~/server/reports/schedule.server'
import { projectReports } from '~/server/reports/summary.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate, formatDateTime } from '~/shared/format'
import { PHASE_LABELS } from '~/shared/plan'

export const meta: MetaFunction = () => [{ title: 'Reports · Integration Copilot' }]

const ScheduleSchema = z.object({
  intent: z.literal('schedule'),
  schedule: z.enum(SCHEDULE_OPTIONS, { error: 'Choose off, daily or weekly.' }),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const { rows, schedule } = await projectReports(project.id)
  return {
    projectId: project.id,
    canManage: can(access, 'project:manage'),
    rows,
    schedule,
  }
}

/** The schedule is the project's: admins and owners set it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:manage')
  const parsed = ScheduleSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success)
    return data({ error: parsed.error.issues[0]?.message ?? 'Choose a schedule.' }, { status: 400 })
  const nextAt = await setReportSchedule(
    access.project.id,
    parsed.data.schedule,
    pageActor(access, request),
  )
  return redirectWithToast(`/projects/${access.project.id}/reports`, {
    type: 'success',
    message: nextAt
      ? `Reports are generated ${parsed.data.schedule}; the next on ${formatDateTime(nextAt)}.`
      : 'Scheduled reports are off.',
  })
}

export default function ReportsHome() {
  const { projectId, canManage, rows, schedule } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <div>
        <h2 className="text-xl font-semibold text-slate-900">Readiness reports</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          A report says whether a partner may go live, and why: the golden suite’s results in its
          certification run, the plan’s Required items, verified traffic for every Required
          operation and the evidence chain. Each generation is kept as a snapshot with its content
          hash.
        </p>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No partner yet">
          Reports are made per partner.{' '}
          <Link to={`/projects/${projectId}/plan`} className="text-indigo-700 hover:underline">
            Add a partner on the Plan tab
          </Link>{' '}
          first.
        </EmptyState>
      ) : (
        <Panel title="Partners">
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm" data-testid="report-partners">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">Partner</th>
                  <th className="py-2 pr-3">Phase</th>
                  <th className="py-2 pr-3">Verdict</th>
                  <th className="py-2 pr-3">Score</th>
                  <th className="py-2 pr-3 text-right">Blockers</th>
                  <th className="py-2 pr-3">Trend</th>
                  <th className="py-2">Last report</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.partnerProjectId}>
                    <td className="max-w-[16rem] py-2 pr-3">
                      <Link
                        to={`/projects/${projectId}/reports/${row.partnerProjectId}`}
                        className="block truncate font-semibold text-indigo-700 hover:underline"
                        title={row.partnerName}
                      >
                        {row.partnerName}
                      </Link>
                    </td>
                    <td className="py-2 pr-3 text-slate-700">
                      {row.currentPhase ? PHASE_LABELS[row.currentPhase] : 'Every phase complete'}
                    </td>
                    {row.latest ? (
                      <>
                        <td className="py-2 pr-3">
                          <ReadinessVerdict verdict={row.latest.verdict} />
                        </td>
                        <td className="py-2 pr-3">
                          <ScoreBar value={row.latest.score} label={`${row.latest.score}/100`} />
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
                        <Link
                          to={`/projects/${projectId}/reports/${row.partnerProjectId}`}
                          className="text-indigo-700 hover:underline"
                        >
                          generate one
                        </Link>
                        .
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
      <Panel title="Schedule">
        <p className="text-sm text-slate-600">
          {schedule.schedule === 'off'
            ? 'Reports are generated by hand only.'
            : `Every partner’s report is generated ${SCHEDULE_LABELS[schedule.schedule].toLowerCase()}${schedule.nextAt ? `; the next on ${formatDateTime(schedule.nextAt)}` : ''}.`}
        </p>
        {canManage ? (
          <Form method="post" className="mt-4 flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="schedule" />
            <div>
              <label htmlFor="report-schedule" className="block text-sm font-medium text-slate-800">
                Generate reports
              </label>
              <select
                id="report-schedule"
                name="schedule"
                defaultValue={schedule.schedule}
                key={schedule.schedule}
                className={`mt-1 ${inputClass}`}
              >
                {SCHEDULE_OPTIONS.map((value) => (
                  <option key={value} value={value}>
                    {SCHEDULE_LABELS[value]}
                  </option>
                ))}
              </select>
            </div>
            <SubmitButton pendingText="Saving…">Save schedule</SubmitButton>
            {result && 'error' in result ? <FormErrors errors={[result.error]} /> : null}
          </Form>
        ) : (
          <p className="mt-2 text-xs text-slate-500">Owners and admins set the schedule.</p>
        )}
      </Panel>
    </div>
  )
}
