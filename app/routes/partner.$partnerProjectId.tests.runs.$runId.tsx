import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data as dataResponse, redirect } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { RunView } from '~/components/tests/run-view'
import { requirePartnerAccess } from '~/server/access.server'
import { assistantPanelData, partnerScope } from '~/server/assistant/page-form.server'
import { partnerActor } from '~/server/audit/log.server'
import { redirectWithToast } from '~/server/toast.server'
import { cancelRun, rerun, RunError } from '~/server/testkit/runs.server'
import { runPage } from '~/server/testkit/views.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Run ${data?.run.status ?? ''} · ${data?.run.spec ?? 'Tests'} · Partner portal` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const page = await runPage(
    access.project.id,
    params.runId ?? '',
    new URL(request.url).searchParams,
    access.partnerProject.id,
  ).catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const assistant = await assistantPanelData(request, partnerScope(access), {
    kind: 'run',
    runId: page.run.id,
  })
  return dataResponse(
    { partnerId: access.partnerProject.id, assistant: assistant.panel, ...page },
    { headers: assistant.headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const base = `/partner/${access.partnerProject.id}/tests/runs`
  const actor = partnerActor(access, request)
  try {
    if (intent === 'cancel') {
      await cancelRun(access.project.id, params.runId ?? '', actor, access.partnerProject.id)
      return redirectWithToast(`${base}/${params.runId}`, {
        type: 'info',
        message: 'Cancelling: the cases not started are skipped.',
      })
    }
    if (intent === 'rerun') {
      const run = await rerun(
        access.project.id,
        params.runId ?? '',
        actor,
        access.partnerProject.id,
      )
      return redirect(`${base}/${run.id}`)
    }
  } catch (error) {
    if (error instanceof RunError) throw new Response(error.message, { status: error.status })
    throw error
  }
  throw new Response(`Unknown action "${intent}".`, { status: 400 })
}

export default function PartnerRunPage() {
  const data = useLoaderData<typeof loader>()
  return (
    <div className="px-6 py-8">
      <RunView
        data={data}
        base={`/partner/${data.partnerId}/tests/runs/${data.run.id}`}
        allRunsHref={`/partner/${data.partnerId}/tests`}
        canWrite
        exports={false}
        assistant={
          <AssistantPanel data={data.assistant} action={`/partner/${data.partnerId}/assistant`} />
        }
      />
    </div>
  )
}
