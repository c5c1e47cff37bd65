/**
 * One operation of a spec version, as the vendor's and the partner's spec
 * browsers show it: header, description and security, parameters, request
 * body, responses (schema trees and examples), callbacks, and links to the
 * operations before and after it in its group. Pages pass their own links.
 */
import type { ReactNode } from 'react'
import { Link } from '@remix-run/react'
import { CapabilityBadges } from '~/components/capability-badges'
import { MethodBadge } from '~/components/method-badge'
import { SchemaTree } from '~/components/schema-tree'
import { Panel } from '~/components/ui/panel'
import type { operationDetail } from '~/server/specs/view.server'

export type OperationDetailView = ReturnType<typeof operationDetail>
type OperationLink = { id: string; method: string; path: string }

function Content({
  content,
  cutHint,
}: {
  content: OperationDetailView['responses'][number]['content']
  cutHint: string
}) {
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
                      {example.cutChars.toLocaleString('en-GB')} more characters: {cutHint}.
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

function securityText(security: OperationDetailView['security']) {
  if (security.length === 0) return 'none'
  return security
    .map(
      (requirement) =>
        requirement
          .map(
            (entry) => entry.scheme + (entry.scopes.length ? ` (${entry.scopes.join(', ')})` : ''),
          )
          .join(' + ') || 'anonymous',
    )
    .join(' or ')
}

export function OperationDetail({
  operation,
  back,
  operationHref,
  previous,
  next,
  notes,
  notesPlacement = 'after-header',
  exampleCutHint = 'see the raw spec',
}: {
  operation: OperationDetailView
  /** The breadcrumb back to the operation's group. */
  back: { to: string; label: string }
  /** The page of another operation of the same version. */
  operationHref: (id: string) => string
  previous: OperationLink | null
  next: OperationLink | null
  /** The notes on the operation: the API team's for partners, or the vendor's editor of them. */
  notes?: ReactNode
  /** Where the notes stand: under the header (default) or under the About panel. */
  notesPlacement?: 'after-header' | 'after-about'
  /** Where the rest of a cut example can be read. */
  exampleCutHint?: string
}) {
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to={back.to} className="text-indigo-700 hover:underline">
          ← {back.label}
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

      {notesPlacement === 'after-header' ? notes : null}

      <Panel title="About">
        {operation.description ? (
          <p className="mb-3 whitespace-pre-line text-sm text-slate-700">{operation.description}</p>
        ) : null}
        <CapabilityBadges capabilities={operation.capabilities} />
        <p className="mt-2 text-xs text-slate-600">Security: {securityText(operation.security)}</p>
      </Panel>

      {notesPlacement === 'after-about' ? notes : null}

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
          <Content content={operation.requestBody.content} cutHint={exampleCutHint} />
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
            <Content content={response.content} cutHint={exampleCutHint} />
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
        {previous ? (
          <Link to={operationHref(previous.id)} className="text-indigo-700 hover:underline">
            ← {previous.method} {previous.path}
          </Link>
        ) : (
          <span />
        )}
        {next ? (
          <Link to={operationHref(next.id)} className="text-indigo-700 hover:underline">
            {next.method} {next.path} →
          </Link>
        ) : null}
      </nav>
    </div>
  )
}
