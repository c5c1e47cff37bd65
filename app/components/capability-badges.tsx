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

/** Capability badges; each opens (no JavaScript needed) to the evidence behind it. */
export function CapabilityBadges({ capabilities }: { capabilities: Capability[] }) {
  if (capabilities.length === 0)
    return <p className="text-sm text-slate-500">No capabilities detected.</p>
  return (
    <ul className="flex flex-wrap gap-2">
      {capabilities.map((capability) => (
        <li key={`${capability.kind}:${capability.value}`}>
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
              {capability.evidence.length > 12 ? (
                <li>… {capability.evidence.length - 12} more</li>
              ) : null}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  )
}
