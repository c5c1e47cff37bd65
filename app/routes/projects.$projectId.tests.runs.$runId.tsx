import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data as dataResponse, redirect } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { RunView } from '~/components/tests/run-view'
import { can, requireProjectAccess } from '~/server/access.server'
import { assistantPanelData, vendorScope } from '~/server/assistant/page-form.server'
import { pageActor } from '~/server/audit/log.server'
import { redirectWithToast } from '~/server/toast.server'
import { cancelRun, rerun, RunError } from '~/server/testkit/runs.server'
import { runPage } from '~/server/testkit/views.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Run ${data?.run.status ?? ''} · ${data?.run.spec ?? 'Tests'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const page = await runPage(
    project.id,
    params.runId ?? '',
    new URL(request.url).searchParams,
  ).catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const assistant = await assistantPanelData(request, vendorScope(access), {
    kind: 'run',
    runId: page.run.id,
  })
  return dataResponse(
    {
      projectId: project.id,
      canWrite: can(access, 'project:write'),
      assistant: assistant.panel,
      ...page,
    },
    { headers: assistant.headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const back = `/projects/${access.project.id}/tests/runs/${params.runId}`
  const actor = pageActor(access, request)
  try {
    if (intent === 'cancel') {
      await cancelRun(access.project.id, params.runId ?? '', actor)
      return redirectWithToast(back, {
        type: 'info',
        message: 'Cancelling: the cases not started are skipped.',
      })
    }
    if (intent === 'rerun') {
      const run = await rerun(access.project.id, params.runId ?? '', actor)
      return redirect(`/projects/${access.project.id}/tests/runs/${run.id}`)
    }
  } catch (error) {
    if (error instanceof RunError)
      return redirectWithToast(back, { type: 'error', message: error.message })
    throw error
  }
  throw new Response(`Unknown action "${intent}".`, { status: 400 })
}

export default function RunPage() {
  const data = useLoaderData<typeof loader>()
  return (
    <RunView
      data={data}
      base={`/projects/${data.projectId}/tests/runs/${data.run.id}`}
      allRunsHref={`/projects/${data.projectId}/tests`}
      canWrite={data.canWrite}
      assistant={
        <AssistantPanel
          data={data.assistant}
          action={`/projects/${data.projectId}/assistant`}
          canDraft={data.canWrite}
        />
      }
    />
  )
}
