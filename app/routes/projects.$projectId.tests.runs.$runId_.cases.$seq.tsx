import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data as dataResponse } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { JiraPanel } from '~/components/connectors/jira-panel'
import { CaseView } from '~/components/tests/case-view'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { assistantPanelData, vendorScope } from '~/server/assistant/page-form.server'
import { pageActor } from '~/server/audit/log.server'
import { linkableItems, linkCase, PlanError } from '~/server/plans/board.server'
import { caseJiraState } from '~/server/connectors/settings.server'
import { jiraFromCase } from '~/server/connectors/page-form.server'
import { redirectWithToast } from '~/server/toast.server'
import { getRun, getRunCase, RunError } from '~/server/testkit/runs.server'
import { casePage } from '~/server/testkit/views.server'
import { LinkCaseSchema } from '~/shared/plan-forms'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.entry.title ?? 'Case'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const { runRow, ...page } = await casePage(project.id, params.runId ?? '', params.seq).catch(
    (error: unknown) => {
      if (error instanceof RunError) throw new Response(error.message, { status: 404 })
      throw error
    },
  )
  const canWrite = can(access, 'project:write')
  const planItems = canWrite ? await linkableItems(project.id) : []
  // The run's own partner first: the case most likely belongs to its plan.
  planItems.sort(
    (a, b) => Number(b.id === runRow.partnerProjectId) - Number(a.id === runRow.partnerProjectId),
  )
  const assistant = await assistantPanelData(request, vendorScope(access), {
    kind: 'case',
    runId: runRow.id,
    seq: page.entry.seq,
  })
  const jira = canWrite ? await caseJiraState(project.id, runRow.id, page.entry.seq) : null
  return dataResponse(
    { projectId: project.id, canWrite, planItems, jira, assistant: assistant.panel, ...page },
    { headers: assistant.headers },
  )
}

/** Links the case (by its stable key) to a plan item, so the item shows its latest verdict. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const run = await getRun(access.project.id, params.runId ?? '').catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const seq = Number(params.seq)
  const entry =
    Number.isSafeInteger(seq) && seq > 0
      ? await getRunCase(access.project.id, run.id, seq).catch(() => null)
      : null
  if (!entry) throw new Response('No such case.', { status: 404 })
  const formData = await request.formData()
  if (formData.get('intent') === 'create-jira') {
    const result = await jiraFromCase(access.project.id, run.id, seq, pageActor(access, request))
    return redirectWithToast(
      `/projects/${access.project.id}/tests/runs/${run.id}/cases/${seq}`,
      result,
    )
  }
  const submission = parseWithZod(formData, { schema: LinkCaseSchema })
  if (submission.status !== 'success') return dataResponse(submission.reply(), { status: 400 })
  try {
    const item = await linkCase(
      access.project.id,
      submission.value.itemId,
      entry.key,
      pageActor(access, request),
    )
    return redirectWithToast(`/projects/${access.project.id}/tests/runs/${run.id}/cases/${seq}`, {
      type: 'success',
      message: `Linked to “${item.title}”.`,
    })
  } catch (error) {
    if (error instanceof PlanError)
      return dataResponse(submission.reply({ formErrors: [error.message] }), {
        status: error.status,
      })
    throw error
  }
}

export default function CasePage() {
  const data = useLoaderData<typeof loader>()
  const { canWrite, planItems } = data
  const linkResult = useActionData<typeof action>()
  return (
    <CaseView
      data={data}
      runsBase={`/projects/${data.projectId}/tests/runs`}
      assistant={
        <AssistantPanel
          data={data.assistant}
          action={`/projects/${data.projectId}/assistant`}
          canDraft={canWrite}
        />
      }
    >
      {data.jira && data.entry.verdict !== 'passed' ? (
        <JiraPanel jira={data.jira} projectId={data.projectId} />
      ) : null}
      {canWrite && data.entry.verdict !== 'passed' ? (
        <Panel title="Track it in a partner’s plan">
          {planItems.every((partner) => partner.items.length === 0) ? (
            <p className="text-sm text-slate-600">
              No partner plan yet.{' '}
              <Link
                to={`/projects/${data.projectId}/plan`}
                className="text-indigo-700 hover:underline"
              >
                Add a partner
              </Link>{' '}
              to track failures in its onboarding plan.
            </p>
          ) : (
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <FormErrors errors={linkResult?.error?.[''] ?? null} />
              <div className="min-w-[16rem] flex-1">
                <label htmlFor="plan-item" className="block text-sm font-medium text-slate-800">
                  Plan item
                </label>
                <select
                  id="plan-item"
                  name="itemId"
                  required
                  className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300"
                >
                  {planItems.map((partner) => (
                    <optgroup key={partner.id} label={partner.name}>
                      {partner.items.map((item) => (
                        <option key={item.id} value={item.id}>
                          {item.phase}: {item.title}
                          {item.linkedKeys.includes(data.entry.key) ? ' (linked)' : ''}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </div>
              <SubmitButton name="intent" value="link-plan-item" pendingText="Linking…">
                Link this case
              </SubmitButton>
              <p className="w-full text-xs text-slate-500">
                The item then shows this case’s latest verdict for that partner, run after run.
              </p>
            </Form>
          )}
        </Panel>
      ) : null}
    </CaseView>
  )
}
