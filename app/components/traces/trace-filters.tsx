/** The Traces list's filter form (a GET form: the filters live in the URL). */
import { Form } from '@remix-run/react'
import { FilterActions } from '~/components/ui/filter-actions'
import { inputClass } from '~/components/ui/forms'
import type { CatalogueOperation, FilterValues } from '~/server/traces/query.server'

/** A spec's latest version and its operations, as the filters list them. */
export type TraceListSpec = {
  specName: string
  versionNumber: number
  operations: Pick<CatalogueOperation, 'key' | 'method' | 'path'>[]
}

export function TraceFilterForm({
  data,
}: {
  data: {
    projectId: string
    partners: { id: string; name: string }[]
    specs: TraceListSpec[]
    values: FilterValues
    filtered: boolean
    unmatchedValue: string
  }
}) {
  const { projectId, partners, specs, values, filtered, unmatchedValue } = data
  const base = `/projects/${projectId}/traces`
  const known = specs.some((spec) =>
    spec.operations.some((operation) => operation.key === values.operation),
  )
  const label = 'block text-sm font-medium text-slate-800'
  return (
    <Form method="get" action={base} className="space-y-4" aria-label="Filter traces">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-partner" className={label}>
            Partner
          </label>
          <select
            id="filter-partner"
            name="partner"
            defaultValue={values.partner}
            className={`${inputClass} mt-1`}
          >
            <option value="">All partners</option>
            {partners.map((partner) => (
              <option key={partner.id} value={partner.id}>
                {partner.name}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="filter-operation" className={label}>
            Operation
          </label>
          <select
            id="filter-operation"
            name="operation"
            defaultValue={values.operation}
            className={`${inputClass} mt-1`}
          >
            <option value="">All operations</option>
            <option value={unmatchedValue}>No operation matched</option>
            {values.operation && values.operation !== unmatchedValue && !known ? (
              <option value={values.operation}>{values.operation} (not in the latest spec)</option>
            ) : null}
            {specs.map((spec) => (
              <optgroup key={spec.specName} label={`${spec.specName} v${spec.versionNumber}`}>
                {spec.operations.map((operation) => (
                  <option key={operation.key} value={operation.key}>
                    {operation.method} {operation.path}
                    {operation.key !== `${operation.method} ${operation.path}`
                      ? ` (${operation.key})`
                      : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-status" className={label}>
            Status
          </label>
          <input
            id="filter-status"
            name="status"
            type="text"
            inputMode="numeric"
            defaultValue={values.status}
            placeholder="e.g. 404 or 4xx"
            aria-describedby="filter-status-hint"
            className={`${inputClass} mt-1`}
          />
          <p id="filter-status-hint" className="mt-1 text-xs text-slate-500">
            A code, or a class: 2xx, 4xx, 5xx.
          </p>
        </div>
        <div>
          <label htmlFor="filter-verified" className={label}>
            Signature
          </label>
          <select
            id="filter-verified"
            name="verified"
            defaultValue={values.verified}
            className={`${inputClass} mt-1`}
          >
            <option value="">Any</option>
            <option value="yes">Verified (signed by the partner)</option>
            <option value="no">Not verified (uploads)</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-valid" className={label}>
            Validity
          </label>
          <select
            id="filter-valid"
            name="valid"
            defaultValue={values.valid}
            className={`${inputClass} mt-1`}
          >
            <option value="">Any</option>
            <option value="yes">Valid against the spec</option>
            <option value="no">With violations</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className={label}>
            Received from (UTC)
          </label>
          <input
            id="filter-from"
            name="from"
            type="date"
            defaultValue={values.from}
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-to" className={label}>
            Received to (UTC, inclusive)
          </label>
          <input
            id="filter-to"
            name="to"
            type="date"
            defaultValue={values.to}
            className={`${inputClass} mt-1`}
          />
        </div>
      </div>
      <FilterActions path={base} filtered={filtered} />
    </Form>
  )
}
