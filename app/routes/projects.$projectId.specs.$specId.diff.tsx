import type { LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { buttonClass } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { comparisonFromUrl } from '~/server/specs/compare.server'

const SEVERITY_STYLE = {
  breaking: 'bg-red-100 text-red-800',
  'potentially-breaking': 'bg-amber-100 text-amber-800',
  'non-breaking': 'bg-emerald-100 text-emerald-800',
} as const

/** Diff view between two versions. Works without JavaScript (a GET form). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const found = await comparisonFromUrl(project.id, params.specId ?? '', new URL(request.url))
  if (!found)
    throw new Response('That spec or version does not exist in this project.', { status: 404 })
  const { comparison, versions } = found
  return {
    projectId: project.id,
    specId: params.specId!,
    versions: versions.map((version) => ({
      number: version.number,
      apiVersion: version.apiVersion,
    })),
    comparison,
  }
}

export default function SpecDiff() {
  const { projectId, specId, versions, comparison } = useLoaderData<typeof loader>()
  const query = `from=${comparison.from.number}&to=${comparison.to.number}`
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${projectId}/specs`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All specs
        </Link>
        <h2 className="mt-1 text-xl font-bold text-slate-900">Changes in {comparison.specName}</h2>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        {(['from', 'to'] as const).map((side) => (
          <div key={side}>
            <label htmlFor={`diff-${side}`} className="block text-sm font-medium text-slate-800">
              {side === 'from' ? 'From version' : 'To version'}
            </label>
            <select
              id={`diff-${side}`}
              name={side}
              defaultValue={comparison[side].number}
              className={`${inputClass} mt-1 !w-40`}
            >
              {versions.map((version) => (
                <option key={version.number} value={version.number}>
                  v{version.number} {version.apiVersion ? `(${version.apiVersion})` : ''}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="submit" className={buttonClass('primary')}>
          Compare
        </button>
        <a
          href={`/projects/${projectId}/specs/${specId}/changelog?${query}`}
          className={buttonClass('secondary')}
          download
        >
          Download changelog (Markdown)
        </a>
      </Form>
      <p className="text-sm text-slate-700">
        v{comparison.from.number} → v{comparison.to.number}: {comparison.summary.breaking} breaking,{' '}
        {comparison.summary['potentially-breaking']} potentially breaking,{' '}
        {comparison.summary['non-breaking']} non-breaking.
      </p>
      {comparison.changes.length === 0 ? (
        <EmptyState title="No changes">These two versions describe the same API.</EmptyState>
      ) : (
        <Panel title={`${comparison.changes.length} changes`}>
          <ul className="divide-y divide-slate-100 text-sm">
            {comparison.changes.map((change, index) => (
              <li key={index} className="flex flex-wrap items-start gap-3 py-2">
                <span
                  className={`rounded px-2 py-0.5 text-xs font-semibold ${SEVERITY_STYLE[change.severity]}`}
                >
                  {change.severity}
                </span>
                <span className="font-mono text-xs text-slate-600">{change.location}</span>
                <span className="text-slate-900">{change.message}</span>
                <span className="ml-auto font-mono text-xs text-slate-400">{change.ruleId}</span>
              </li>
            ))}
          </ul>
        </Panel>
      )}
    </div>
  )
}
