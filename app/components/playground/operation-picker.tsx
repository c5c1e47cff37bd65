/**
 * The operation picker: a search box (a GET form, so it works without
 * JavaScript and the URL can be shared) and the matching operations grouped
 * by spec and tag, each a link that selects it (`?op=`).
 */
import { Form, Link } from '@remix-run/react'
import { MethodBadge } from '~/components/method-badge'
import { buttonClass } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import type { CatalogueView } from '~/shared/playground'

export function OperationPicker({
  base,
  catalogue,
  selectedKey,
  env,
}: {
  base: string
  catalogue: CatalogueView
  selectedKey: string | null
  env: string | null
}) {
  const link = (key: string) => {
    const params = new URLSearchParams()
    if (catalogue.query) params.set('q', catalogue.query)
    params.set('op', key)
    if (env) params.set('env', env)
    return `${base}?${params.toString()}`
  }
  let lastSpec = ''
  return (
    <section aria-labelledby="operations-heading" className="space-y-3">
      <h2 id="operations-heading" className="text-base font-semibold text-slate-900">
        Operations
      </h2>
      <Form method="get" action={base} role="search" className="flex gap-2">
        {selectedKey ? <input type="hidden" name="op" value={selectedKey} /> : null}
        {env ? <input type="hidden" name="env" value={env} /> : null}
        <label htmlFor="operation-search" className="sr-only">
          Search operations
        </label>
        <input
          id="operation-search"
          type="search"
          name="q"
          defaultValue={catalogue.query}
          placeholder="Method, path, summary or operationId"
          maxLength={200}
          className={inputClass}
        />
        <button type="submit" className={buttonClass('secondary')}>
          Search
        </button>
      </Form>
      <p className="text-xs text-slate-500" aria-live="polite">
        {catalogue.matched === 0
          ? catalogue.total === 0
            ? 'No spec to try yet.'
            : 'No operation matches.'
          : catalogue.matched > catalogue.shown
            ? `Showing ${catalogue.shown} of ${catalogue.matched.toLocaleString('en-GB')} matches: refine the search.`
            : `${catalogue.matched.toLocaleString('en-GB')} of ${catalogue.total.toLocaleString('en-GB')} operations.`}
      </p>
      <nav aria-label="Matching operations" className="max-h-[40rem] space-y-3 overflow-auto pr-1">
        {catalogue.groups.map((group) => {
          const specHeading = group.specId !== lastSpec ? group.specName : null
          lastSpec = group.specId
          return (
            <div key={`${group.specId}:${group.tag}`}>
              {specHeading ? (
                <h3 className="mt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
                  {specHeading}
                </h3>
              ) : null}
              <h4 className="mt-1 text-xs font-medium text-slate-700">{group.tag}</h4>
              <ul className="mt-1 space-y-0.5">
                {group.operations.map((operation) => (
                  <li key={operation.key}>
                    <Link
                      to={link(operation.key)}
                      aria-current={operation.key === selectedKey ? 'page' : undefined}
                      className={`flex items-start gap-2 rounded px-1.5 py-1 text-sm hover:bg-slate-100 ${operation.key === selectedKey ? 'bg-indigo-50 ring-1 ring-indigo-200' : ''}`}
                    >
                      <MethodBadge method={operation.method} />
                      <span className="min-w-0">
                        <span
                          className={`block break-all font-mono text-xs text-slate-900 ${operation.deprecated ? 'line-through' : ''}`}
                        >
                          {operation.path}
                        </span>
                        {operation.summary || operation.operationId ? (
                          <span className="block truncate text-xs text-slate-500">
                            {operation.summary ?? operation.operationId}
                          </span>
                        ) : null}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          )
        })}
      </nav>
    </section>
  )
}
