import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { Page } from '~/components/page'
import {
  PartnerCredentialsForm,
  PartnerVariablesForm,
} from '~/components/tests/partner-settings-forms'
import { RunTable } from '~/components/tests/run-table'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerActor } from '~/server/audit/log.server'
import {
  savePartnerCredentials,
  savePartnerVariables,
} from '~/server/environments/partner-settings.server'
import { EnvironmentError } from '~/server/environments/service.server'
import {
  partnerTestsHome,
  requirePartnerEnvironment,
  startPartnerRun,
} from '~/server/partners/portal.server'
import { redirectWithToast } from '~/server/toast.server'
import { RunError } from '~/server/testkit/runs.server'

const RunSchema = z.object({
  specId: z.string({ error: 'Choose the suite to run.' }).min(1).max(100),
  environment: z.string({ error: 'Choose where the suite runs.' }).min(1).max(100),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const before = new URL(request.url).searchParams.get('before')
  return {
    partnerId: access.partnerProject.id,
    ...(await partnerTestsHome(
      { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
      { before },
    )),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const scope = { projectId: access.project.id, partnerProjectId: access.partnerProject.id }
  const base = `/partner/${access.partnerProject.id}/tests`
  const actor = partnerActor(access, request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? 'run')
  // The partner's own settings: the partner project is always the signed-in partner's.
  formData.set('partnerProjectId', access.partnerProject.id)
  try {
    if (intent === 'partner-auth') {
      const environment = await requirePartnerEnvironment(
        scope.projectId,
        String(formData.get('environmentId') ?? ''),
      )
      const result = await savePartnerCredentials(scope.projectId, environment.id, formData, actor)
      if (!result.ok) return data({ error: result.error }, { status: 400 })
      return redirectWithToast(base, { type: 'success', message: result.message })
    }
    if (intent === 'partner-variables') {
      const result = await savePartnerVariables(scope.projectId, formData, actor)
      if (!result.ok) return data({ error: result.error }, { status: 400 })
      return redirectWithToast(base, { type: 'success', message: result.message })
    }
    const submission = parseWithZod(formData, { schema: RunSchema })
    if (submission.status !== 'success')
      return data({ error: 'Choose a suite and where it runs.' }, { status: 400 })
    const run = await startPartnerRun(scope, submission.value, actor)
    return redirect(`${base}/runs/${run.id}`)
  } catch (error) {
    if (error instanceof RunError || error instanceof EnvironmentError)
      return data({ error: error.message }, { status: error.status === 404 ? 404 : 400 })
    throw error
  }
}

export default function PartnerTests() {
  const { partnerId, suites, environments, variables, runs, older } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const base = `/partner/${partnerId}/tests`
  return (
    <Page
      title="Tests"
      description="Run the golden suite against the mock, then the Sandbox and UAT, with your own credentials."
    >
      {result?.error ? <FormErrors errors={[result.error]} /> : null}
      <Panel title="Run a suite">
        {suites.length === 0 ? (
          <EmptyState title="No suite is shared with you yet">
            The API team shares its suites when your access is ready.
          </EmptyState>
        ) : (
          <Form method="post" className="flex flex-wrap items-end gap-3 text-sm">
            <input type="hidden" name="intent" value="run" />
            <div>
              <label htmlFor="run-spec" className="block font-medium text-slate-800">
                Suite
              </label>
              <select id="run-spec" name="specId" className={inputClass} required>
                {suites.map((suite) => (
                  <option key={suite.id} value={suite.id}>
                    {suite.name} v{suite.version} ({suite.total} cases)
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="run-environment" className="block font-medium text-slate-800">
                Environment
              </label>
              <select id="run-environment" name="environment" className={inputClass} required>
                {suites.some((suite) => suite.hasMock) ? (
                  <option value="mock">Mock (the spec’s mock)</option>
                ) : null}
                {environments.map((environment) => (
                  <option key={environment.id} value={environment.id}>
                    {environment.name} ({environment.kind === 'uat' ? 'UAT' : 'Sandbox'})
                  </option>
                ))}
              </select>
            </div>
            <SubmitButton pendingText="Queueing…">Run the suite</SubmitButton>
          </Form>
        )}
      </Panel>

      <Panel title="Your runs">
        {runs.length === 0 ? (
          <EmptyState title="No run yet">
            Run a suite above: progress shows live on the run’s page.
          </EmptyState>
        ) : (
          <RunTable runs={runs} runsBase={`${base}/runs`} />
        )}
        {older ? (
          <nav aria-label="Run pages" className="mt-3 flex justify-end text-sm">
            <Link
              to={`${base}?before=${encodeURIComponent(older)}`}
              className="text-indigo-700 hover:underline"
            >
              Older runs →
            </Link>
          </nav>
        ) : null}
      </Panel>

      <Panel title="Your credentials">
        {environments.length === 0 ? (
          <p className="text-sm text-slate-600">
            The project has no Sandbox or UAT environment yet: runs go to the mock, which accepts
            any credentials of the documented kind.
          </p>
        ) : (
          <ul className="space-y-4">
            {environments.map((environment) => (
              <li key={environment.id} className="rounded-md border border-slate-200 p-3">
                <h3 className="font-semibold text-slate-900">
                  {environment.name}{' '}
                  <span className="text-xs font-normal text-slate-500">{environment.baseUrl}</span>
                </h3>
                <p className="text-xs text-slate-600">
                  {environment.credentials
                    ? `Your credentials: ${environment.credentials} (sealed).`
                    : environment.vendorCredentials
                      ? 'Set your credentials to run against this environment (the API team’s are not used for you).'
                      : 'No credentials set: runs send none.'}
                </p>
                <div className="mt-2 max-w-md">
                  <PartnerCredentialsForm
                    partnerProjectId={partnerId}
                    environmentId={environment.id}
                  />
                </div>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Your test configuration">
        <p className="mb-2 text-sm text-slate-600">
          Variables fill <code>{'{{name}}'}</code> placeholders of the suite (ids of your test
          objects, a second account’s credentials for the authorisation checks). Yours override the
          API team’s.
        </p>
        <div className="max-w-md">
          <PartnerVariablesForm
            partnerProjectId={partnerId}
            plain={variables.plain}
            secrets={variables.secrets}
          />
        </div>
      </Panel>
    </Page>
  )
}
