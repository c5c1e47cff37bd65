import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data as dataResponse } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { CaseView } from '~/components/tests/case-view'
import { requirePartnerAccess } from '~/server/access.server'
import { assistantPanelData, partnerScope } from '~/server/assistant/page-form.server'
import { RunError } from '~/server/testkit/runs.server'
import { casePage } from '~/server/testkit/views.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.entry.title ?? 'Case'} · Partner portal` },
]

/** One case of one of the partner's own runs, with the API team's notes when it failed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const { runRow, ...page } = await casePage(
    access.project.id,
    params.runId ?? '',
    params.seq,
    access.partnerProject.id,
  ).catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const assistant = await assistantPanelData(request, partnerScope(access), {
    kind: 'case',
    runId: runRow.id,
    seq: page.entry.seq,
  })
  return dataResponse(
    { partnerId: access.partnerProject.id, assistant: assistant.panel, ...page },
    { headers: assistant.headers },
  )
}

export default function PartnerCasePage() {
  const data = useLoaderData<typeof loader>()
  return (
    <div className="px-6 py-8">
      <CaseView
        data={data}
        runsBase={`/partner/${data.partnerId}/tests/runs`}
        assistant={
          <AssistantPanel data={data.assistant} action={`/partner/${data.partnerId}/assistant`} />
        }
      />
    </div>
  )
}
