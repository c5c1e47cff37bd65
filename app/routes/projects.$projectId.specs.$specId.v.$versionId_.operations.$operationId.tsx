import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CapabilityBadges } from '~/components/capability-badges'
import { MethodBadge } from '~/components/method-badge'
import { SchemaTree } from '~/components/schema-tree'
import { Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { viewBudget } from '~/server/specs/schema-view.server'
import { requireSpecVersion } from '~/server/specs/store.server'
import { findOperation, neighbours, operationDetail } from '~/server/specs/view.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const { version, spec } = await requireSpecVersion(
    project.id,
    params.specId ?? '',
    params.versionId ?? '',
  )
  const operation = findOperation(spec, params.operationId ?? '')
  if (!operation)
    throw new Response(
      'This version has no such operation: it may have been renamed. Pick one from the version page.',
      { status: 404 },
    )
  return {
    projectId: project.id,
    specId: version.specId,
    specName: version.spec.name,
    version: { id: version.id, number: version.number },
    operation: operationDetail(spec, operation, viewBudget(new URL(request.url).searchParams)),
    ...neighbours(spec, operation),
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.operation.method} ${data.operation.path} · ${data.specName} v${data.version.number}`
      : 'Operation',
  },
]

type Detail = ReturnType<typeof useLoaderData<typeof loader>>['operation']

function Content({ content }: { content: Detail['responses'][number]['content'] }) {
  return (
    <>
      {content.map((media) => (
        <div key={media.type} className="mt-2">
          <p className="font-mono text-xs text-slate-500">{media.type}</p>
          <SchemaTree node={media.schema} />
          {media.examples.length > 0 ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs font-medium text-slate-600">
                Examples ({media.examples.map((example) => example.name).join(', ')}
                {media.moreExamples ? ` and ${media.moreExamples} more` : ''})
              </summary>
              {media.examples.map((example) => (
                <div key={example.name}>
                  <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                    {example.text}
                  </pre>
                  {example.cutChars > 0 ? (
                    <p className="text-xs text-slate-500">
                      {example.cutChars.toLocaleString('en-GB')} more characters: see the raw spec.
                    </p>
                  ) : null}
                </div>
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

export default function OperationPage() {
  const data = useLoaderData<typeof loader>()
  const { operation } = data
  const base = `/projects/${data.projectId}/specs/${data.specId}/v/${data.version.id}`
  const link = (entry: { id: string }) => `${base}/operations/${encodeURIComponent(entry.id)}`
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link
          to={`${base}?group=${encodeURIComponent(operation.group)}`}
          className="text-indigo-700 hover:underline"
        >
          ← {data.specName} v{data.version.number} · {operation.group}
        </Link>
      </nav>
      <div>
        <h2 className="flex flex-wrap items-center gap-3 text-xl font-bold text-slate-900">
          <MethodBadge method={operation.method} />
          <span className="font-mono">{operation.path}</span>
          {operation.kind !== 'operation' ? (
            <span className="rounded bg-slate-100 px-2 text-xs font-normal">{operation.kind}</span>
          ) : null}
          {operation.deprecated ? (
            <span className="rounded bg-amber-100 px-2 text-xs font-normal text-amber-800">
              deprecated
            </span>
          ) : null}
        </h2>
        {operation.summary ? <p className="mt-1 text-slate-700">{operation.summary}</p> : null}
        <p className="font-mono text-xs text-slate-500">id: {operation.id}</p>
      </div>

      <Panel title="About">
        {operation.description ? (
          <p className="mb-3 whitespace-pre-line text-sm text-slate-700">{operation.description}</p>
        ) : null}
        <CapabilityBadges capabilities={operation.capabilities} />
        <p className="mt-2 text-xs text-slate-600">
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
      </Panel>

      {operation.parameters.length > 0 ? (
        <Panel title="Parameters">
          <table className="w-full text-left text-xs">
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
                  <td className="py-1 font-mono font-semibold">
                    {param.name}
                    {param.deprecated ? (
                      <span className="ml-1 font-sans font-normal text-amber-700">deprecated</span>
                    ) : null}
                  </td>
                  <td className="py-1">{param.in}</td>
                  <td className="py-1">{param.required ? 'yes' : 'no'}</td>
                  <td className="py-1">
                    {param.description ? (
                      <p className="text-slate-600">{param.description}</p>
                    ) : null}
                    <SchemaTree node={param.schema} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      ) : null}

      {operation.requestBody ? (
        <Panel
          title={`Request body ${operation.requestBody.required ? '(required)' : '(optional)'}`}
        >
          {operation.requestBody.description ? (
            <p className="text-sm text-slate-600">{operation.requestBody.description}</p>
          ) : null}
          <Content content={operation.requestBody.content} />
        </Panel>
      ) : null}

      <Panel title="Responses">
        {operation.responses.map((response) => (
          <div key={response.status} className="mt-2 border-l-2 border-slate-200 pl-3 first:mt-0">
            <h3 className="text-sm">
              <span className="font-mono font-semibold">{response.status}</span>{' '}
              <span className="font-normal text-slate-600">{response.description}</span>
            </h3>
            {response.headers.length > 0 ? (
              <p className="text-xs text-slate-500">Headers: {response.headers.join(', ')}</p>
            ) : null}
            <Content content={response.content} />
          </div>
        ))}
      </Panel>

      {operation.callbacks.length > 0 ? (
        <Panel title="Callbacks">
          <ul className="space-y-1 text-sm">
            {operation.callbacks.map((callback) => (
              <li key={callback.name}>
                <span className="font-semibold">{callback.name}</span>{' '}
                <span className="font-mono text-xs text-slate-600">{callback.expression}</span>:{' '}
                {callback.operations.map((entry) => `${entry.method} ${entry.path}`).join(', ')}
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}

      <nav
        aria-label="Other operations of this group"
        className="flex justify-between gap-4 text-sm"
      >
        {data.previous ? (
          <Link to={link(data.previous)} className="text-indigo-700 hover:underline">
            ← {data.previous.method} {data.previous.path}
          </Link>
        ) : (
          <span />
        )}
        {data.next ? (
          <Link to={link(data.next)} className="text-indigo-700 hover:underline">
            {data.next.method} {data.next.path} →
          </Link>
        ) : null}
      </nav>
    </div>
  )
}
