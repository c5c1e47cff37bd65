import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { AnnotationList } from '~/components/annotations/annotation-list'
import { PartnerRouteError } from '~/components/partner-route-error'
import { OperationDetail } from '~/components/specs/operation-detail'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerOperation } from '~/server/partners/portal-specs.server'
import { viewBudget } from '~/server/specs/schema-view.server'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.operation.method} ${data.operation.path} · ${data.spec.name} v${data.version.number}`
      : 'Operation · Partner portal',
  },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const search = new URL(request.url).searchParams
  const found = await partnerOperation(
    { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
    params.specId,
    params.operationId,
    search,
    viewBudget(search),
  )
  return { partnerProjectId: access.partnerProject.id, ...found }
}

/** One operation of a shared spec, with the API team's notes on it. */
export default function PartnerOperationPage() {
  const data = useLoaderData<typeof loader>()
  const base = `/partner/${data.partnerProjectId}/specs/${data.spec.id}`
  const version = data.version.isLatest ? '' : `v=${data.version.number}`
  const withVersion = (path: string) => (version ? `${path}?${version}` : path)
  return (
    <main className="mx-auto max-w-6xl px-6 py-8">
      <OperationDetail
        operation={data.operation}
        back={{
          to: `${base}?${version ? `${version}&` : ''}group=${encodeURIComponent(data.operation.group)}`,
          label: `${data.spec.name} v${data.version.number} · ${data.operation.group}`,
        }}
        operationHref={(id) => withVersion(`${base}/operations/${encodeURIComponent(id)}`)}
        previous={data.previous}
        next={data.next}
        exampleCutHint="the rest is not shown here"
        notes={<AnnotationList annotations={data.annotations} />}
      />
    </main>
  )
}

export function ErrorBoundary() {
  return <PartnerRouteError section="specs" label="All specs" />
}
