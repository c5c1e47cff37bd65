import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { TraceDetailView } from '~/components/traces/trace-detail'
import { requireProjectAccess } from '~/server/access.server'
import { getTrace, MAX_BODY_LINES, TraceNotFoundError } from '~/server/traces/query.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.trace.method} → ${data.trace.status} · Trace · Integration Copilot`
      : 'Trace · Integration Copilot',
  },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
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
  return {
    projectId: project.id,
    back: `/projects/${project.id}/traces${from ? `?${from}` : ''}`,
    trace,
    maxBodyLines: MAX_BODY_LINES,
  }
}

export default function TracePage() {
  const { back, trace, projectId, maxBodyLines } = useLoaderData<typeof loader>()
  return (
    <TraceDetailView
      trace={trace}
      back={back}
      maxBodyLines={maxBodyLines}
      operationHref={
        trace.operation
          ? `/projects/${projectId}/specs/${trace.operation.specId}/v/${trace.operation.versionId}/operations/${encodeURIComponent(trace.operation.key)}`
          : null
      }
    />
  )
}
