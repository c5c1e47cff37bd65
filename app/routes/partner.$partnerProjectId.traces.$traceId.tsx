import type { LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { TraceDetailView } from '~/components/traces/trace-detail'
import { requirePartnerAccess } from '~/server/access.server'
import { assistantPanelData, partnerScope } from '~/server/assistant/page-form.server'
import { getTrace, MAX_BODY_LINES, TraceNotFoundError } from '~/server/traces/query.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const trace = await getTrace(
    access.project.id,
    params.traceId ?? '',
    access.partnerProject.id,
  ).catch((error: unknown) => {
    if (error instanceof TraceNotFoundError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const from = new URLSearchParams(
    (new URL(request.url).searchParams.get('from') ?? '').slice(0, 2000),
  ).toString()
  const base = `/partner/${access.partnerProject.id}`
  const assistant = await assistantPanelData(request, partnerScope(access), {
    kind: 'trace',
    traceId: trace.id,
  })
  return data(
    {
      base,
      back: `${base}/traces${from ? `?${from}` : ''}`,
      trace,
      maxBodyLines: MAX_BODY_LINES,
      assistant: assistant.panel,
    },
    { headers: assistant.headers },
  )
}

export default function PartnerTracePage() {
  const { base, back, trace, maxBodyLines, assistant } = useLoaderData<typeof loader>()
  return (
    <div className="px-6 py-8">
      <TraceDetailView
        trace={trace}
        back={back}
        maxBodyLines={maxBodyLines}
        assistant={<AssistantPanel data={assistant} action={`${base}/assistant`} />}
        operationHref={
          trace.operation
            ? `${base}/specs/${trace.operation.specId}/operations/${encodeURIComponent(trace.operation.key)}`
            : null
        }
      />
    </div>
  )
}
