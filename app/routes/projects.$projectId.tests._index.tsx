import { getFormProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { RunError, startRun } from '~/server/testkit/runs.server'
import { RunTable } from '~/components/tests/run-table'
import { testsHome } from '~/server/testkit/views.server'
import { CATEGORIES, CATEGORY_LABELS, GOLDEN_TEMPLATE_COUNT } from '~/shared/golden-templates'

const RunSchema = z.object({
  specId: z
    .string({ error: 'Choose the spec whose suite runs.' })
    .min(1, 'Choose the spec whose suite runs.'),
  environment: z
    .string({ error: 'Choose where the suite runs.' })
    .min(1, 'Choose where the suite runs.')
    .max(100),
  partnerProjectId: z.string().max(100).optional(),
  categories: z.array(z.enum(CATEGORIES, { error: 'Unknown category.' })).optional(),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const before = new URL(request.url).searchParams.get('before')
  return {
    projectId: project.id,
    canRun: can(access, 'project:write'),
    ...(await testsHome(project.id, { before })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: RunSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  try {
    const run = await startRun(
      access.project.id,
      {
        specId: submission.value.specId,
        environment: submission.value.environment,
        partnerProjectId: submission.value.partnerProjectId || null,
        categories: submission.value.categories ?? [],
      },
      pageActor(access, request),
    )
    return redirect(`/projects/${access.project.id}/tests/runs/${run.id}`)
  } catch (error) {
    if (error instanceof RunError)
      return data(submission.reply({ formErrors: [error.message] }), {
        status: error.status === 404 ? 404 : 400,
      })
    throw error
  }
}

export default function TestsHome() {
  const { projectId, canRun, specs, environments, partners, runs, older, paged } =
    useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const active = runs.some((run) => run.status === 'queued' || run.status === 'running')
  // Queued and running runs move on by themselves while the page is open.
  useRevalidateEvery(3000, active && !paged)
  const [form, fields] = useForm({
    id: 'start-run',
    lastResult,
    constraint: getZodConstraint(RunSchema),
    defaultValue: { specId: specs[0]?.id ?? '', environment: 'mock' },
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RunSchema }),
  })
  const base = `/projects/${projectId}/tests`
  if (specs.length === 0)
    return (
      <EmptyState title="No suite yet">
        The golden suite is generated from a spec.{' '}
        <Link
          to={`/projects/${projectId}/specs`}
          className="font-semibold text-indigo-700 hover:underline"
        >
          Import a spec
        </Link>{' '}
        and its suite appears here.
      </EmptyState>
    )
  return (
    <div className="space-y-6">
      <Panel title="Golden suites">
        <p className="mb-4 text-sm text-slate-600">
          Each spec’s latest version has a suite of {GOLDEN_TEMPLATE_COUNT} templates in 10
          categories (plus workflows), instantiated for the operations they apply to.{' '}
          <Link to="/docs/templates" className="text-indigo-700 hover:underline">
            What each template checks
          </Link>
          .
        </p>
        <ul className="space-y-4">
          {specs.map((spec) => (
            <li key={spec.id} className="rounded-md border border-slate-200 p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="font-semibold text-slate-900">
                  {spec.name} <span className="font-normal text-slate-500">v{spec.version}</span>
                </h3>
                <span className="text-sm text-slate-600" data-testid="suite-total">
                  {spec.summary.total.toLocaleString('en-GB')} cases
                </span>
              </div>
              <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
                {CATEGORIES.filter((category) => spec.summary.byCategory[category] > 0).map(
                  (category) => (
                    <div key={category} className="flex gap-1">
                      <dt>{CATEGORY_LABELS[category]}</dt>
                      <dd className="font-semibold text-slate-800">
                        {spec.summary.byCategory[category]}
                      </dd>
                    </div>
                  ),
                )}
              </dl>
              {!spec.mock || spec.mock.status !== 'up' ? (
                <p className="mt-2 text-xs text-amber-800">
                  Its mock is {spec.mock ? spec.mock.status : 'not created'}: start it on the{' '}
                  <Link to={`/projects/${projectId}/mocks`} className="underline">
                    Mocks tab
                  </Link>{' '}
                  to run against it.
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </Panel>

      {canRun ? (
        <Panel title="Run a suite">
          <Form method="post" className="space-y-4" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <div className="grid gap-4 md:grid-cols-3">
              <div>
                <label
                  htmlFor={fields.specId.id}
                  className="block text-sm font-medium text-slate-800"
                >
                  Spec
                </label>
                <select
                  {...getSelectProps(fields.specId)}
                  key={fields.specId.key}
                  className={`${inputClass} mt-1`}
                >
                  {specs.map((spec) => (
                    <option key={spec.id} value={spec.id}>
                      {spec.name} v{spec.version}
                    </option>
                  ))}
                </select>
                <ErrorList id={fields.specId.errorId} errors={fields.specId.errors} />
              </div>
              <div>
                <label
                  htmlFor={fields.environment.id}
                  className="block text-sm font-medium text-slate-800"
                >
                  Environment
                </label>
                <select
                  {...getSelectProps(fields.environment)}
                  key={fields.environment.key}
                  className={`${inputClass} mt-1`}
                >
                  <option value="mock">Mock (the spec’s mock)</option>
                  {environments.map((environment) => (
                    <option key={environment.id} value={environment.id}>
                      {environment.name} ({environment.kind === 'uat' ? 'UAT' : 'Sandbox'})
                    </option>
                  ))}
                </select>
                <p className="mt-1 text-xs text-slate-500">
                  <Link to={`${base}/environments`} className="text-indigo-700 hover:underline">
                    Add a Sandbox or UAT
                  </Link>
                </p>
                <ErrorList id={fields.environment.errorId} errors={fields.environment.errors} />
              </div>
              <div>
                <label
                  htmlFor={fields.partnerProjectId.id}
                  className="block text-sm font-medium text-slate-800"
                >
                  For partner (optional)
                </label>
                <select
                  {...getSelectProps(fields.partnerProjectId)}
                  key={fields.partnerProjectId.key}
                  className={`${inputClass} mt-1`}
                >
                  <option value="">The vendor (environment credentials)</option>
                  {partners.map((partner) => (
                    <option key={partner.id} value={partner.id}>
                      {partner.name}
                    </option>
                  ))}
                </select>
                <p className="mt-1 text-xs text-slate-500">
                  A partner’s own credentials and test variables apply.
                </p>
              </div>
            </div>
            <fieldset>
              <legend className="text-sm font-medium text-slate-800">
                Categories (none ticked: all)
              </legend>
              <div className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
                {CATEGORIES.map((category) => (
                  <label
                    key={category}
                    className="flex items-center gap-1.5 text-sm text-slate-700"
                  >
                    <input
                      type="checkbox"
                      name={fields.categories.name}
                      value={category}
                      className="h-4 w-4 rounded border-slate-300"
                    />
                    {CATEGORY_LABELS[category]}
                  </label>
                ))}
              </div>
              <ErrorList id={fields.categories.errorId} errors={fields.categories.errors} />
            </fieldset>
            <SubmitButton pendingText="Queueing…">Run the suite</SubmitButton>
          </Form>
        </Panel>
      ) : null}

      <Panel title="Runs">
        {runs.length === 0 ? (
          <EmptyState title="No run yet">
            {canRun
              ? 'Run a suite above: progress shows live on the run’s page.'
              : 'Vendors, admins and owners start runs.'}
          </EmptyState>
        ) : (
          <RunTable runs={runs} runsBase={`${base}/runs`} />
        )}
        {paged || older ? (
          <nav aria-label="Run pages" className="mt-3 flex justify-between text-sm">
            {paged ? (
              <Link to={base} className="text-indigo-700 hover:underline">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {older ? (
              <Link
                to={`${base}?${new URLSearchParams({ ...Object.fromEntries(searchParams), before: older })}`}
                className="text-indigo-700 hover:underline"
              >
                Older runs →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Panel>
    </div>
  )
}
