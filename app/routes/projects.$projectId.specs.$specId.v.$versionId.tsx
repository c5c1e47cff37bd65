import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CapabilityBadges } from '~/components/capability-badges'
import { MethodBadge } from '~/components/method-badge'
import { buttonClass } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { readWarnings, requireSpecVersion } from '~/server/specs/store.server'
import { groupsOf, operationRows } from '~/server/specs/view.server'
import { plural } from '~/shared/format'
import type { SpecWarning } from '~/shared/normalized-spec'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const { version, spec } = await requireSpecVersion(
    project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  const groups = groupsOf(spec)
  const requested = new URL(request.url).searchParams.get('group')
  const group = groups.find((entry) => entry.name === requested)?.name ?? groups[0]?.name ?? null
  return {
    projectId: project.id,
    specId: version.specId,
    specName: version.spec.name,
    version: {
      id: version.id,
      number: version.number,
      rawFormat: version.rawFormat,
      rootFile: version.rootFile,
      sourceName: version.sourceName,
    },
    info: { title: spec.info.title, version: spec.info.version },
    openapiVersion: spec.openapiVersion,
    servers: spec.servers.slice(0, 20).map((server) => ({
      url: server.url,
      description: server.description?.slice(0, 300),
    })),
    securitySchemes: Object.values(spec.securitySchemes),
    capabilities: spec.capabilities,
    groupCapabilities: group ? (spec.groupCapabilities[group] ?? []) : [],
    warnings: readWarnings(version),
    groups,
    group,
    operations: operationRows(spec, group),
  }
}

function WarningList({ warnings }: { warnings: SpecWarning[] }) {
  return (
    <ul className="max-h-72 space-y-1 overflow-auto text-sm text-amber-900">
      {warnings.map((warning, index) => (
        <li key={index}>
          {warning.message}
          {warning.line !== undefined ? (
            <span className="ml-2 font-mono text-xs text-amber-700">
              {warning.file ? `${warning.file} ` : ''}line {warning.line}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  )
}

export default function SpecVersionPage() {
  const data = useLoaderData<typeof loader>()
  const problems = data.warnings.filter((warning) => warning.kind === 'problem')
  const advice = data.warnings.filter((warning) => warning.kind !== 'problem')
  const base = `/projects/${data.projectId}/specs/${data.specId}/v/${data.version.id}`
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link
            to={`/projects/${data.projectId}/specs`}
            className="text-sm text-indigo-700 hover:underline"
          >
            ← All specs
          </Link>
          <h2 className="mt-1 text-xl font-bold text-slate-900">
            {data.specName} · v{data.version.number}
          </h2>
          <p className="text-sm text-slate-600">
            {data.info.title} {data.info.version} ·{' '}
            {data.openapiVersion === '2.0' ? 'Swagger 2.0' : `OpenAPI ${data.openapiVersion}`} ·
            root {data.version.rootFile}
          </p>
        </div>
        <div className="flex gap-2">
          <a href={`${base}/blueprint`} className={buttonClass('secondary')} download>
            Download blueprint (Markdown)
          </a>
          <a href={`${base}/raw`} className={buttonClass('secondary')} download>
            Download raw spec
          </a>
        </div>
      </div>

      <Panel title="Capabilities">
        <CapabilityBadges capabilities={data.capabilities} />
      </Panel>

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Servers">
          <ul className="space-y-1 text-sm">
            {data.servers.map((server) => (
              <li key={server.url} className="font-mono text-xs">
                {server.url}{' '}
                {server.description ? (
                  <span className="font-sans text-slate-500">— {server.description}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title="Authentication">
          {data.securitySchemes.length === 0 ? (
            <p className="text-sm text-slate-600">No security schemes declared.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {data.securitySchemes.map((scheme) => (
                <li key={scheme.name}>
                  <span className="font-semibold">{scheme.name}</span>: {scheme.kind}
                  {scheme.in ? ` in ${scheme.in} "${scheme.parameterName}"` : ''}
                  {scheme.flows ? ` (${Object.keys(scheme.flows).join(', ')})` : ''}
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>

      {problems.length > 0 ? (
        <Panel title={`Imported with ${plural(problems.length, 'problem')}`}>
          <p className="mb-2 text-sm text-slate-600">
            These parts of the document break the OpenAPI schema. They did not stop the import: each
            was set aside as described, and the rest of the spec is used as written. Fix them in the
            source and import again.
          </p>
          <WarningList warnings={problems} />
        </Panel>
      ) : null}
      {advice.length > 0 ? (
        <Panel title={`Warnings (${advice.length})`}>
          <WarningList warnings={advice} />
        </Panel>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
        <nav aria-label="API groups" className="space-y-1">
          <h3 className="text-xs font-semibold uppercase text-slate-500">Groups</h3>
          <ul className="max-h-[32rem] space-y-0.5 overflow-auto">
            {data.groups.map((group) => (
              <li key={group.name}>
                <Link
                  to={`${base}?group=${encodeURIComponent(group.name)}`}
                  aria-current={group.name === data.group ? 'page' : undefined}
                  className={`flex justify-between rounded px-2 py-1 text-sm ${group.name === data.group ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-slate-700 hover:bg-slate-100'}`}
                >
                  <span className="truncate">{group.name}</span>
                  <span className="text-xs text-slate-500">{group.count}</span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <section aria-label="Operations" className="space-y-3">
          {data.group ? (
            <>
              <h3 className="text-lg font-semibold text-slate-900">
                {data.group}{' '}
                <span className="text-sm font-normal text-slate-500">
                  {plural(data.operations.length, 'operation')}
                </span>
              </h3>
              <CapabilityBadges capabilities={data.groupCapabilities} />
              <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
                {data.operations.map((operation) => (
                  <li key={`${operation.kind}:${operation.id}`}>
                    <Link
                      to={`${base}/operations/${encodeURIComponent(operation.id)}`}
                      className="flex items-center gap-3 px-4 py-2 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500"
                    >
                      <MethodBadge method={operation.method} />
                      <span className="font-mono text-sm text-slate-900">{operation.path}</span>
                      <span className="truncate text-sm text-slate-500">{operation.summary}</span>
                      {operation.kind !== 'operation' ? (
                        <span className="rounded bg-slate-100 px-2 text-xs">{operation.kind}</span>
                      ) : null}
                      {operation.deprecated ? (
                        <span className="rounded bg-amber-100 px-2 text-xs text-amber-800">
                          deprecated
                        </span>
                      ) : null}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="text-sm text-slate-600">This spec has no operations.</p>
          )}
        </section>
      </div>
    </div>
  )
}
