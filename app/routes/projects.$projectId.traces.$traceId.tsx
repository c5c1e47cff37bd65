import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AssistantPanel } from '~/components/assistant/assistant-panel'
import { TraceDetailView } from '~/components/traces/trace-detail'
import { can, requireProjectAccess } from '~/server/access.server'
import { assistantPanelData, vendorScope } from '~/server/assistant/page-form.server'
import { getTrace, MAX_BODY_LINES, TraceNotFoundError } from '~/server/traces/query.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.trace.method} → ${data.trace.status} · Trace · Integration Copilot`
      : 'Trace · Integration Copilot',
  },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  let trace
  try {
    trace = await getTrace(project.id, params.traceId ?? '')
  } catch (error) {
    if (error instanceof TraceNotFoundError) throw new Response(error.message, { status: 404 })
    throw error
  }
  // The list this trace was opened from (its filters and page), re-encoded: only a query string.
  const from = new URLSearchParams(
    (new URL(request.url).searchParams.get('from') ?? '').slice(0, 2000),
  ).toString()
  const assistant = await assistantPanelData(request, vendorScope(access), {
    kind: 'trace',
    traceId: trace.id,
  })
  return data(
    {
      projectId: project.id,
      back: `/projects/${project.id}/traces${from ? `?${from}` : ''}`,
      trace,
      maxBodyLines: MAX_BODY_LINES,
      canWrite: can(access, 'project:write'),
      assistant: assistant.panel,
    },
    { headers: assistant.headers },
  )
}

export default function TracePage() {
  const { back, trace, projectId, maxBodyLines, canWrite, assistant } =
    useLoaderData<typeof loader>()
  return (
    <TraceDetailView
      trace={trace}
      back={back}
      maxBodyLines={maxBodyLines}
      assistant={
        <AssistantPanel
          data={assistant}
          action={`/projects/${projectId}/assistant`}
          canDraft={canWrite}
        />
      }
      operationHref={
        trace.operation
          ? `/projects/${projectId}/specs/${trace.operation.specId}/v/${trace.operation.versionId}/operations/${encodeURIComponent(trace.operation.key)}`
          : null
      }
    />
  )
}
