import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { PartnerRouteError } from '~/components/partner-route-error'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerSpecList } from '~/server/partners/portal-specs.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Specs · Partner portal · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const specs = await partnerSpecList({
    projectId: access.project.id,
    partnerProjectId: access.partnerProject.id,
  })
  return { partnerProjectId: access.partnerProject.id, specs }
}

/** The specs shared with this partner project, newest version of each. */
export default function PartnerSpecsPage() {
  const { partnerProjectId, specs } = useLoaderData<typeof loader>()
  return (
    <Page
      title="Specs"
      description="The API descriptions shared with you: browse their operations, download the blueprint, read what changed."
    >
      {specs.length === 0 ? (
        <EmptyState title="No spec shared yet">
          The API team has not shared a spec with your integration yet. It appears here as soon as
          they do.
        </EmptyState>
      ) : (
        <Panel>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Spec</th>
                <th className="py-2">Latest version</th>
                <th className="py-2">API</th>
                <th className="py-2">Operations</th>
                <th className="py-2">Imported</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {specs.map((spec) => (
                <tr key={spec.id}>
                  <td className="py-2">
                    <Link
                      to={`/partner/${partnerProjectId}/specs/${spec.id}`}
                      className="font-semibold text-indigo-700 hover:underline"
                    >
                      {spec.name}
                    </Link>
                  </td>
                  <td className="py-2">v{spec.latest.number}</td>
                  <td className="py-2">
                    {spec.latest.title}{' '}
                    <span className="text-slate-500">{spec.latest.apiVersion}</span>
                  </td>
                  <td className="py-2">{spec.latest.operationCount}</td>
                  <td className="py-2 text-slate-600">{formatDateTime(spec.latest.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
    </Page>
  )
}

export function ErrorBoundary() {
  return <PartnerRouteError section="" label="Dashboard" />
}
