/**
 * The request as curl, JavaScript (fetch) and Python (requests), each with a
 * copy button. Tabs once JavaScript runs; before that (and without it) the
 * three are shown one after another.
 */
import { useEffect, useState } from 'react'
import { CopyButton } from '~/components/copy-button'
import { Panel } from '~/components/ui/panel'
import type { SnippetSet } from '~/shared/playground'

const TABS = [
  { key: 'curl', label: 'curl' },
  { key: 'fetch', label: 'JavaScript (fetch)' },
  { key: 'python', label: 'Python (requests)' },
] as const

export function SnippetTabs({ snippets }: { snippets: SnippetSet }) {
  const [hydrated, setHydrated] = useState(false)
  const [active, setActive] = useState<(typeof TABS)[number]['key']>('curl')
  useEffect(() => setHydrated(true), [])
  return (
    <Panel title="Copy as code">
      <p className="mb-3 text-xs text-slate-500">
        The credential is not included: set the variable named in the snippet (such as{' '}
        <code>API_TOKEN</code>) in your shell or environment.
      </p>
      {hydrated ? (
        <div role="tablist" aria-label="Snippet language" className="mb-2 flex gap-1">
          {TABS.map((tab) => (
            <button
              key={tab.key}
              type="button"
              role="tab"
              id={`snippet-tab-${tab.key}`}
              aria-selected={active === tab.key}
              aria-controls={`snippet-${tab.key}`}
              onClick={() => setActive(tab.key)}
              className={`rounded-md px-3 py-1 text-sm font-medium ${active === tab.key ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100'}`}
            >
              {tab.label}
            </button>
          ))}
        </div>
      ) : null}
      <div className="space-y-4">
        {TABS.map((tab) => (
          <section
            key={tab.key}
            id={`snippet-${tab.key}`}
            role={hydrated ? 'tabpanel' : undefined}
            aria-labelledby={hydrated ? `snippet-tab-${tab.key}` : undefined}
            aria-label={hydrated ? undefined : tab.label}
            hidden={hydrated && active !== tab.key}
          >
            <div className="mb-1 flex items-center justify-between">
              {hydrated ? <span /> : <h3 className="text-sm font-semibold">{tab.label}</h3>}
              <CopyButton text={snippets[tab.key]} label={`Copy ${tab.label}`} />
            </div>
            <pre className="max-h-80 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
              <code>{snippets[tab.key]}</code>
            </pre>
          </section>
        ))}
      </div>
    </Panel>
  )
}
