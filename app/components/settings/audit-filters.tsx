/** Settings → Audit trail: the filter form (a GET form: the filters live in the URL). */
import { Form } from '@remix-run/react'
import { FilterActions } from '~/components/ui/filter-actions'
import { inputClass } from '~/components/ui/forms'
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
  const label = 'block text-sm font-medium text-slate-800'
  return (
    <Form method="get" action={BASE} className="space-y-4" aria-label="Filter the audit trail">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-action" className={label}>
            Action
          </label>
          <input
            id="filter-action"
            name="action"
            type="text"
            list="audit-actions"
            maxLength={200}
            defaultValue={values.action}
            placeholder="e.g. member. or auth.signed_in"
            aria-describedby="filter-action-hint"
            className={`${inputClass} mt-1`}
          />
          <datalist id="audit-actions">
            {actions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
          <p id="filter-action-hint" className="mt-1 text-xs text-slate-500">
            Actions starting with this text.
          </p>
        </div>
        <div>
          <label htmlFor="filter-actor" className={label}>
            Actor email
          </label>
          <input
            id="filter-actor"
            name="actor"
            type="text"
            maxLength={200}
            defaultValue={values.actor}
            placeholder="e.g. alice@ or example.com"
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-target-type" className={label}>
            Target type
          </label>
          <input
            id="filter-target-type"
            name="targetType"
            type="text"
            maxLength={200}
            defaultValue={values.targetType}
            placeholder="e.g. membership"
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-target-id" className={label}>
            Target id
          </label>
          <input
            id="filter-target-id"
            name="targetId"
            type="text"
            maxLength={200}
            defaultValue={values.targetId}
            className={`${inputClass} mt-1`}
          />
        </div>
        <div>
          <label htmlFor="filter-project" className={label}>
            Project
          </label>
          <select
            id="filter-project"
            name="project"
            defaultValue={values.project}
            className={`${inputClass} mt-1`}
          >
            <option value="">All projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className={label}>
            From (UTC)
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
            To (UTC, inclusive)
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
      <FilterActions path={BASE} filtered={filtered} />
    </Form>
  )
}
