/** A spec version's servers and authentication schemes, side by side. */
import { Panel } from '~/components/ui/panel'

type Server = { url: string; description?: string | null }
type Scheme = {
  name: string
  kind: string
  in?: string | null
  parameterName?: string | null
  /** OAuth 2 flow names. */
  flows?: string[]
  description?: string | null
}

export function ServersAndAuth({ servers, schemes }: { servers: Server[]; schemes: Scheme[] }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Panel title="Servers">
        {servers.length === 0 ? (
          <p className="text-sm text-slate-600">No server declared.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {servers.map((server) => (
              <li key={server.url} className="font-mono text-xs">
                {server.url}{' '}
                {server.description ? (
                  <span className="font-sans text-slate-500">— {server.description}</span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title="Authentication">
        {schemes.length === 0 ? (
          <p className="text-sm text-slate-600">No security schemes declared.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {schemes.map((scheme) => (
              <li key={scheme.name}>
                <span className="font-semibold">{scheme.name}</span>: {scheme.kind}
                {scheme.in ? ` in ${scheme.in} "${scheme.parameterName}"` : ''}
                {scheme.flows?.length ? ` (${scheme.flows.join(', ')})` : ''}
                {scheme.description ? (
                  <p className="text-xs text-slate-600">{scheme.description}</p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  )
}
