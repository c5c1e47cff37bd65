/** The Traces list's filter form (a GET form: the filters live in the URL). */
import { Form } from '@remix-run/react'
import { FilterActions } from '~/components/ui/filter-actions'
import { FilterInput, FilterSelect } from '~/components/ui/filter-fields'
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
  return (
    <Form method="get" action={base} className="space-y-4" aria-label="Filter traces">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <FilterSelect name="partner" label="Partner" defaultValue={values.partner}>
          <option value="">All partners</option>
          {partners.map((partner) => (
            <option key={partner.id} value={partner.id}>
              {partner.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          name="operation"
          label="Operation"
          defaultValue={values.operation}
          className="sm:col-span-2"
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
        </FilterSelect>
        <FilterInput
          name="status"
          label="Status"
          inputMode="numeric"
          defaultValue={values.status}
          placeholder="e.g. 404 or 4xx"
          hint="A code, or a class: 2xx, 4xx, 5xx."
        />
        <FilterSelect name="verified" label="Signature" defaultValue={values.verified}>
          <option value="">Any</option>
          <option value="yes">Verified (signed by the partner)</option>
          <option value="no">Not verified (uploads)</option>
        </FilterSelect>
        <FilterSelect name="valid" label="Validity" defaultValue={values.valid}>
          <option value="">Any</option>
          <option value="yes">Valid against the spec</option>
          <option value="no">With violations</option>
        </FilterSelect>
        <FilterInput
          name="from"
          label="Received from (UTC)"
          type="date"
          defaultValue={values.from}
        />
        <FilterInput
          name="to"
          label="Received to (UTC, inclusive)"
          type="date"
          defaultValue={values.to}
        />
      </div>
      <FilterActions path={base} filtered={filtered} />
    </Form>
  )
}
