import type { LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CapabilityBadges } from '~/components/capability-badges'
import { SchemaTree } from '~/components/schema-tree'
import { buttonClass } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { getSpecVersion, readNormalized, readWarnings } from '~/server/specs/store.server'
import { groupsOf, reachableSchemas } from '~/server/specs/view.server'
import { plural } from '~/shared/format'
import type { MediaTypeContent, NormalizedOperation, SpecWarning } from '~/shared/normalized-spec'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const version = await getSpecVersion(project.id, params.specId ?? '', params.versionId ?? '')
  if (!version)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const spec = readNormalized(version)
  const groups = groupsOf(spec)
  const requested = new URL(request.url).searchParams.get('group')
  const group = groups.find((entry) => entry.name === requested)?.name ?? groups[0]?.name ?? null
  const operations = [...spec.operations, ...spec.webhooks].filter(
    (operation) => operation.group === group,
  )
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
    info: spec.info,
    openapiVersion: spec.openapiVersion,
    servers: spec.servers,
    securitySchemes: Object.values(spec.securitySchemes),
    capabilities: spec.capabilities,
    groupCapabilities: group ? (spec.groupCapabilities[group] ?? []) : [],
    warnings: readWarnings(version),
    groups,
    group,
    operations,
    schemas: reachableSchemas(spec, operations),
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

const METHOD_COLOURS: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-800',
  POST: 'bg-emerald-100 text-emerald-800',
  PUT: 'bg-amber-100 text-amber-800',
  PATCH: 'bg-violet-100 text-violet-800',
  DELETE: 'bg-red-100 text-red-800',
}

function Content({
  content,
  schemas,
}: {
  content: Record<string, MediaTypeContent>
  schemas: Record<string, unknown>
}) {
  return (
    <>
      {Object.entries(content).map(([type, media]) => (
        <div key={type} className="mt-2">
          <p className="font-mono text-xs text-slate-500">{type}</p>
          <SchemaTree schema={media.schema} schemas={schemas as never} />
          {media.examples.length > 0 ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs font-medium text-slate-600">
                Examples ({media.examples.map((example) => example.name).join(', ')})
              </summary>
              {media.examples.map((example) => (
                <pre
                  key={example.name}
                  className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100"
                >
                  {JSON.stringify(example.value, null, 2)}
                </pre>
              ))}
            </details>
          ) : (
            <p className="text-xs text-slate-400">
              No example documented; one will be generated from the schema.
            </p>
          )}
        </div>
      ))}
    </>
  )
}

function Operation({
  operation,
  schemas,
}: {
  operation: NormalizedOperation
  schemas: Record<string, unknown>
}) {
  return (
    <details className="rounded-md border border-slate-200 bg-white">
      <summary className="flex cursor-pointer items-center gap-3 px-4 py-2">
        <span
          className={`w-16 rounded px-2 py-0.5 text-center font-mono text-xs font-bold ${METHOD_COLOURS[operation.method] ?? 'bg-slate-100 text-slate-800'}`}
        >
          {operation.method}
        </span>
        <span className="font-mono text-sm text-slate-900">{operation.path}</span>
        <span className="truncate text-sm text-slate-500">{operation.summary}</span>
        {operation.kind !== 'operation' ? (
          <span className="rounded bg-slate-100 px-2 text-xs">{operation.kind}</span>
        ) : null}
        {operation.deprecated ? (
          <span className="rounded bg-amber-100 px-2 text-xs text-amber-800">deprecated</span>
        ) : null}
      </summary>
      <div className="space-y-4 border-t border-slate-200 px-4 py-3 text-sm">
        <p className="font-mono text-xs text-slate-500">id: {operation.id}</p>
        {operation.description ? (
          <p className="whitespace-pre-line text-slate-700">
            {operation.description.slice(0, 2000)}
          </p>
        ) : null}
        <CapabilityBadges capabilities={operation.capabilities} />
        <p className="text-xs text-slate-600">
          Security:{' '}
          {operation.security.length === 0
            ? 'none'
            : operation.security
                .map(
                  (requirement) =>
                    requirement
                      .map(
                        (entry) =>
                          entry.scheme +
                          (entry.scopes.length ? ` (${entry.scopes.join(', ')})` : ''),
                      )
                      .join(' + ') || 'anonymous',
                )
                .join(' or ')}
        </p>
        {operation.parameters.length > 0 ? (
          <table className="w-full text-left text-xs">
            <caption className="mb-1 text-left text-sm font-semibold text-slate-800">
              Parameters
            </caption>
            <thead className="text-slate-500">
              <tr>
                <th className="py-1">Name</th>
                <th className="py-1">In</th>
                <th className="py-1">Required</th>
                <th className="py-1">Schema</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {operation.parameters.map((param) => (
                <tr key={`${param.in}:${param.name}`} className="align-top">
                  <td className="py-1 font-mono font-semibold">{param.name}</td>
                  <td className="py-1">{param.in}</td>
                  <td className="py-1">{param.required ? 'yes' : 'no'}</td>
                  <td className="py-1">
                    <SchemaTree schema={param.schema} schemas={schemas as never} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {operation.requestBody ? (
          <div>
            <h4 className="text-sm font-semibold text-slate-800">
              Request body {operation.requestBody.required ? '(required)' : '(optional)'}
            </h4>
            <Content content={operation.requestBody.content} schemas={schemas} />
          </div>
        ) : null}
        <div>
          <h4 className="text-sm font-semibold text-slate-800">Responses</h4>
          {operation.responses.map((response) => (
            <div key={response.status} className="mt-2 border-l-2 border-slate-200 pl-3">
              <p>
                <span className="font-mono font-semibold">{response.status}</span>{' '}
                <span className="text-slate-600">{response.description}</span>
              </p>
              {Object.keys(response.headers).length > 0 ? (
                <p className="text-xs text-slate-500">
                  Headers: {Object.keys(response.headers).join(', ')}
                </p>
              ) : null}
              <Content content={response.content} schemas={schemas} />
            </div>
          ))}
        </div>
      </div>
    </details>
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
            These parts of the document break the OpenAPI schema. They did not stop the import:
            each was set aside as described, and the rest of the spec is used as written. Fix
            them in the source and import again.
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
              <h3 className="text-lg font-semibold text-slate-900">{data.group}</h3>
              <CapabilityBadges capabilities={data.groupCapabilities} />
              {data.operations.map((operation) => (
                <Operation
                  key={`${operation.kind}:${operation.id}`}
                  operation={operation}
                  schemas={data.schemas}
                />
              ))}
            </>
          ) : (
            <p className="text-sm text-slate-600">This spec has no operations.</p>
          )}
        </section>
      </div>
    </div>
  )
}
