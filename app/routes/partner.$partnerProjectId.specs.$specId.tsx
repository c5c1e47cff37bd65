import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { PartnerRouteError } from '~/components/partner-route-error'
import { OperationBrowser } from '~/components/specs/operation-list'
import { ServersAndAuth } from '~/components/specs/servers-and-auth'
import { buttonClass } from '~/components/ui/button'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerSpecBrowser } from '~/server/partners/portal-specs.server'
import { formatDate } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.spec.name} v${data.version.number} · Partner portal · Integration Copilot`
      : 'Spec · Partner portal',
  },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const browser = await partnerSpecBrowser(
    { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
    params.specId,
    new URL(request.url).searchParams,
  )
  return { partnerProjectId: access.partnerProject.id, ...browser }
}

/** `?v=` only for an older version, so that links to the newest one stay the newest. */
function query(version: { number: number; isLatest: boolean }, extra: Record<string, string> = {}) {
  const params = new URLSearchParams(version.isLatest ? {} : { v: String(version.number) })
  for (const [name, value] of Object.entries(extra)) params.set(name, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** A read-only browser of one version of a shared spec: groups, one group's operations, servers, auth. */
export default function PartnerSpecPage() {
  const data = useLoaderData<typeof loader>()
  const base = `/partner/${data.partnerProjectId}/specs/${data.spec.id}`
  const versionOnly = query(data.version)
  return (
    <Page
      title={`${data.spec.name} · v${data.version.number}`}
      description={`${data.info.title} ${data.info.version} · ${data.openapiVersion === '2.0' ? 'Swagger 2.0' : `OpenAPI ${data.openapiVersion}`} · imported ${formatDate(data.version.createdAt)}`}
      actions={
        <div className="flex flex-wrap gap-2">
          <a href={`${base}/blueprint${versionOnly}`} className={buttonClass('secondary')} download>
            Download blueprint (Markdown)
          </a>
          {data.previousNumber !== null ? (
            <a
              href={`${base}/changelog${versionOnly}`}
              className={buttonClass('secondary')}
              download
            >
              {`Changelog (v${data.previousNumber} → v${data.version.number})`}
            </a>
          ) : null}
        </div>
      }
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Link
          to={`/partner/${data.partnerProjectId}/specs`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All specs
        </Link>
        {data.versions.length > 1 ? (
          <Form method="get" className="flex items-center gap-2 text-sm">
            <label htmlFor="spec-version" className="text-slate-600">
              Version
            </label>
            <select
              id="spec-version"
              name="v"
              defaultValue={String(data.version.number)}
              className="rounded-md border border-slate-300 px-2 py-1"
            >
              {data.versions.map((version, index) => (
                <option key={version.number} value={String(version.number)}>
                  v{version.number} · {version.apiVersion} · {formatDate(version.createdAt)}
                  {index === 0 ? ' (latest)' : ''}
                </option>
              ))}
            </select>
            <button type="submit" className={buttonClass('secondary', '!py-1')}>
              Show
            </button>
          </Form>
        ) : null}
      </div>
      {!data.version.isLatest ? (
        <p
          role="status"
          className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
        >
          You are reading v{data.version.number}, an older version.{' '}
          <Link to={base} className="font-semibold underline">
            Show the latest (v{data.versions[0]?.number})
          </Link>
        </p>
      ) : null}

      <ServersAndAuth servers={data.servers} schemes={data.securitySchemes} />

      <OperationBrowser
        groups={data.groups}
        group={data.group}
        operations={data.operations}
        groupHref={(name) => `${base}${query(data.version, { group: name })}`}
        operationHref={(id) => `${base}/operations/${encodeURIComponent(id)}${versionOnly}`}
      />
    </Page>
  )
}

export function ErrorBoundary() {
  return <PartnerRouteError section="specs" label="All specs" />
}
