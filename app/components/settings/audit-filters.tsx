/** Settings → Audit trail: the filter form (a GET form: the filters live in the URL). */
import { Form } from '@remix-run/react'
import { FilterActions } from '~/components/ui/filter-actions'
import { FilterInput, FilterSelect } from '~/components/ui/filter-fields'
import type { AuditFilterValues } from '~/server/audit/query.server'
import { AUDIT_PATH as BASE } from './audit-paths'

export function AuditFilters({
  data,
}: {
  data: {
    values: AuditFilterValues
    actions: string[]
    projects: { id: string; name: string }[]
    filtered: boolean
  }
}) {
  const { values, actions, projects, filtered } = data
  return (
    <Form method="get" action={BASE} className="space-y-4" aria-label="Filter the audit trail">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <FilterInput
          name="action"
          label="Action"
          list="audit-actions"
          maxLength={200}
          defaultValue={values.action}
          placeholder="e.g. member. or auth.signed_in"
          hint="Actions starting with this text."
          after={
            <datalist id="audit-actions">
              {actions.map((action) => (
                <option key={action} value={action} />
              ))}
            </datalist>
          }
        />
        <FilterInput
          name="actor"
          label="Actor email"
          maxLength={200}
          defaultValue={values.actor}
          placeholder="e.g. alice@ or example.com"
        />
        <FilterInput
          name="targetType"
          label="Target type"
          maxLength={200}
          defaultValue={values.targetType}
          placeholder="e.g. membership"
        />
        <FilterInput
          name="targetId"
          label="Target id"
          maxLength={200}
          defaultValue={values.targetId}
        />
        <FilterSelect name="project" label="Project" defaultValue={values.project}>
          <option value="">All projects</option>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </FilterSelect>
        <FilterInput name="from" label="From (UTC)" type="date" defaultValue={values.from} />
        <FilterInput name="to" label="To (UTC, inclusive)" type="date" defaultValue={values.to} />
      </div>
      <FilterActions path={BASE} filtered={filtered} />
    </Form>
  )
}
