import { Link, useLocation } from '@remix-run/react'
import type { SchemaNode } from '~/shared/schema-view'

/** A short, stable element id for a node path (the same on the server and in the browser). */
export function nodeAnchor(path: string): string {
  let hash = 5381
  for (let index = 0; index < path.length; index++)
    hash = ((hash * 33) ^ path.charCodeAt(index)) >>> 0
  return `node-${hash.toString(36)}`
}

/** The page's URL with `path` opened (or closed, with everything opened under it). */
function toggled(search: string, path: string, open: boolean): string {
  const params = new URLSearchParams(search)
  const kept = params
    .getAll('open')
    .filter((entry) => entry !== path && (open || !entry.startsWith(`${path}/`)))
  params.delete('open')
  for (const entry of kept) params.append('open', entry)
  if (open) params.append('open', path)
  return `?${params.toString()}#${nodeAnchor(path)}`
}

function NodeView({ node, search }: { node: SchemaNode; search: string }) {
  const what = node.name ?? node.label
  return (
    <div id={nodeAnchor(node.path)} className="text-sm">
      {node.name !== undefined ? (
        <>
          <span className="font-mono text-xs font-semibold text-slate-900">{node.name}</span>
          {node.required ? <span className="ml-1 text-xs text-red-700">required</span> : null}
          <span className="mx-1 text-slate-400">:</span>
        </>
      ) : null}
      {node.kind === 'items' ? <span className="mr-1 text-xs text-slate-500">items:</span> : null}
      <span className={`font-mono text-xs ${node.ref ? 'text-indigo-700' : 'text-slate-700'}`}>
        {node.label}
        {node.circular ? ' (circular)' : ''}
      </span>
      {node.constraints ? (
        <span className="ml-2 text-xs text-slate-500">{node.constraints}</span>
      ) : null}
      {node.collapsed ? (
        <Link
          to={toggled(search, node.path, true)}
          preventScrollReset
          className="ml-2 rounded text-xs font-medium text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          aria-label={`Expand ${what} (${node.collapsed} more)`}
        >
          ▸ expand ({node.collapsed})
        </Link>
      ) : null}
      {node.opened ? (
        <Link
          to={toggled(search, node.path, false)}
          preventScrollReset
          className="ml-2 rounded text-xs text-slate-500 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          aria-label={`Collapse ${what}`}
        >
          ▾ collapse
        </Link>
      ) : null}
      {node.description ? <p className="text-xs text-slate-500">{node.description}</p> : null}
      {node.children ? (
        <ul
          className={`mt-1 space-y-1 border-l pl-3 ${node.children[0]?.kind === 'variant' ? 'border-dashed border-slate-300' : 'border-slate-200'}`}
        >
          {node.children.map((child) => (
            <li key={child.path}>
              <NodeView node={child} search={search} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * A schema tree built on the server (app/server/specs/schema-view.server.ts): collapsed
 * nodes expand through a link that adds `?open=<path>`, so it works without JavaScript.
 */
export function SchemaTree({ node }: { node: SchemaNode }) {
  const { search } = useLocation()
  return <NodeView node={node} search={search} />
}
