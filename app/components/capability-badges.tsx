import type { Capability } from '~/shared/normalized-spec'

const LABELS: Record<Capability['kind'], string> = {
  auth: 'Auth',
  pagination: 'Pagination',
  idempotency: 'Idempotency',
  'rate-limit': 'Rate limit',
  webhooks: 'Webhook',
  callbacks: 'Callback',
  'error-schema': 'Error schema',
  crud: 'CRUD resource',
}

/** Kinds with more entries than this are shown as one badge that opens to the list. */
const MAX_BADGES_PER_KIND = 6

function Badge({ capability }: { capability: Capability }) {
  return (
    <details className="group rounded-full bg-indigo-50 px-3 py-1 text-xs text-indigo-900 ring-1 ring-indigo-200 open:rounded-lg">
      <summary className="cursor-pointer list-none font-medium">
        {LABELS[capability.kind]}: {capability.value}
      </summary>
      <ul className="mt-1 list-disc pl-4 text-indigo-800">
        {capability.evidence.slice(0, 12).map((evidence) => (
          <li key={evidence} className="font-mono">
            {evidence}
          </li>
        ))}
        {capability.evidence.length > 12 ? <li>… {capability.evidence.length - 12} more</li> : null}
      </ul>
    </details>
  )
}

/**
 * Capability badges; each opens (no JavaScript needed) to the evidence behind it. A kind
 * with many entries (Stripe has a hundred CRUD resources) is one badge opening to its list.
 */
export function CapabilityBadges({ capabilities }: { capabilities: Capability[] }) {
  if (capabilities.length === 0)
    return <p className="text-sm text-slate-500">No capabilities detected.</p>
  const kinds = new Map<Capability['kind'], Capability[]>()
  for (const capability of capabilities)
    kinds.set(capability.kind, [...(kinds.get(capability.kind) ?? []), capability])
  return (
    <ul className="flex flex-wrap items-start gap-2">
      {[...kinds].flatMap(([kind, entries]) =>
        entries.length > MAX_BADGES_PER_KIND
          ? [
              <li key={kind}>
                <details className="rounded-full bg-indigo-50 px-3 py-1 text-xs text-indigo-900 ring-1 ring-indigo-200 open:rounded-lg">
                  <summary className="cursor-pointer list-none font-medium">
                    {LABELS[kind]}: {entries.length} found
                  </summary>
                  <ul className="mt-1 max-h-64 list-disc overflow-auto pl-4 text-indigo-800">
                    {entries.map((capability) => (
                      <li key={capability.value} className="font-mono">
                        {capability.value}
                        <span className="ml-1 font-sans text-indigo-600">
                          ({capability.evidence.length})
                        </span>
                      </li>
                    ))}
                  </ul>
                </details>
              </li>,
            ]
          : entries.map((capability) => (
              <li key={`${capability.kind}:${capability.value}`}>
                <Badge capability={capability} />
              </li>
            )),
      )}
    </ul>
  )
}
