import type { MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { Page } from '~/components/page'
import {
  CATEGORIES,
  CATEGORY_LABELS,
  GOLDEN_TEMPLATE_COUNT,
  GOLDEN_TEMPLATES,
} from '~/shared/golden-templates'

export const meta: MetaFunction = () => [{ title: 'Golden suite templates · Integration Copilot' }]

/** The template catalogue: public documentation of every check the golden suite makes. */
export default function TemplatesDoc() {
  return (
    <Page
      title="Golden suite templates"
      description={`${GOLDEN_TEMPLATE_COUNT} templates in 10 categories, plus workflows. Each is instantiated for the operations it applies to; its id is stable across spec versions.`}
    >
      <nav aria-label="Categories" className="mb-6 flex flex-wrap gap-2 text-sm">
        {CATEGORIES.map((category) => (
          <a
            key={category}
            href={`#${category}`}
            className="rounded-full bg-white px-3 py-1 text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"
          >
            {CATEGORY_LABELS[category]} (
            {GOLDEN_TEMPLATES.filter((template) => template.category === category).length})
          </a>
        ))}
      </nav>
      <div className="space-y-8">
        {CATEGORIES.map((category) => (
          <section key={category} id={category} aria-labelledby={`${category}-title`}>
            <h2 id={`${category}-title`} className="text-lg font-bold text-slate-900">
              {CATEGORY_LABELS[category]}
              {category === 'workflow' ? (
                <span className="ml-2 text-sm font-normal text-slate-500">(beyond the 38)</span>
              ) : null}
            </h2>
            <div className="mt-3 grid gap-4 lg:grid-cols-2">
              {GOLDEN_TEMPLATES.filter((template) => template.category === category).map(
                (template) => (
                  <article
                    key={template.id}
                    id={template.id}
                    className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
                  >
                    <h3 className="font-semibold text-slate-900">{template.title}</h3>
                    <p className="font-mono text-xs text-slate-500">{template.id}</p>
                    <dl className="mt-2 space-y-1.5 text-sm">
                      <div>
                        <dt className="inline font-medium text-slate-800">Checks: </dt>
                        <dd className="inline text-slate-700">{template.checks}</dd>
                      </div>
                      <div>
                        <dt className="inline font-medium text-slate-800">Applies: </dt>
                        <dd className="inline text-slate-700">{template.appliesWhen}</dd>
                      </div>
                      <div>
                        <dt className="inline font-medium text-slate-800">Judged by: </dt>
                        <dd className="inline text-slate-700">{template.judgedBy}</dd>
                      </div>
                      <div>
                        <dt className="inline font-medium text-slate-800">When it fails: </dt>
                        <dd className="inline text-slate-700">{template.fix}</dd>
                      </div>
                    </dl>
                  </article>
                ),
              )}
            </div>
          </section>
        ))}
      </div>
      <p className="mt-8 text-sm text-slate-600">
        Verdicts: <strong>passed</strong>, <strong>failed</strong> (the API broke the rule),{' '}
        <strong>errored</strong> (no answer came), <strong>skipped</strong> (nothing to judge, said
        why), <strong>needs configuration</strong> (a credential or test variable is missing,
        named).{' '}
        <Link to="/projects" className="text-indigo-700 hover:underline">
          Back to projects
        </Link>
        .
      </p>
    </Page>
  )
}
