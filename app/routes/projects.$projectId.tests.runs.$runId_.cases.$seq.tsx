import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { VerdictBadge } from '~/components/tests/badges'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { linkableItems, linkCase, PlanError } from '~/server/plans/board.server'
import { redirectWithToast } from '~/server/toast.server'
import { LinkCaseSchema } from '~/shared/plan-forms'
import { curlCommand } from '~/server/testkit/exports.server'
import { caseHistory, getRun, getRunCase, RunError } from '~/server/testkit/runs.server'
import { operationExcerpt } from '~/server/testkit/views.server'
import { formatDateTime } from '~/shared/format'
import { CATEGORY_LABELS, goldenTemplate } from '~/shared/golden-templates'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.entry.title ?? 'Case'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, role } = await requireProjectAccess(request, params.projectId, 'project:read')
  const notFound = (error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  }
  const run = await getRun(project.id, params.runId ?? '').catch(notFound)
  const seq = Number(params.seq)
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Response('No such case.', { status: 404 })
  const entry = await getRunCase(project.id, run.id, seq).catch(notFound)
  const canWrite = can(role, 'project:write')
  const [excerpt, history, planItems] = await Promise.all([
    operationExcerpt(run.specVersionId, entry.operationId),
    caseHistory(project.id, entry.key),
    canWrite ? linkableItems(project.id) : Promise.resolve([]),
  ])
  // The run's own partner first: the case most likely belongs to its plan.
  planItems.sort(
    (a, b) => Number(b.id === run.partnerProjectId) - Number(a.id === run.partnerProjectId),
  )
  return {
    projectId: project.id,
    canWrite,
    planItems,
    run: {
      id: run.id,
      spec: `${run.specVersion.spec.name} v${run.specVersion.number}`,
      environment: run.environmentLabel,
    },
    entry: {
      seq: entry.seq,
      key: entry.key,
      title: entry.title,
      templateId: entry.templateId,
      category: entry.category,
      level: entry.level,
      verdict: entry.verdict,
      reason: entry.reason,
      durationMs: entry.durationMs,
      assertions: entry.assertions,
      exchanges: entry.exchanges.map((exchange) => ({ ...exchange, curl: curlCommand(exchange) })),
    },
    template: goldenTemplate(entry.templateId) ?? null,
    excerpt,
    history: history.map((row) => ({
      runId: row.run.id,
      seq: row.seq,
      verdict: row.verdict,
      at: row.run.createdAt.toISOString(),
      environment: row.run.environmentLabel,
      version: row.run.specVersion.number,
    })),
  }
}

/** Links the case (by its stable key) to a plan item, so the item shows its latest verdict. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const run = await getRun(access.project.id, params.runId ?? '').catch((error: unknown) => {
    if (error instanceof RunError) throw new Response(error.message, { status: 404 })
    throw error
  })
  const seq = Number(params.seq)
  const entry =
    Number.isSafeInteger(seq) && seq > 0
      ? await getRunCase(access.project.id, run.id, seq).catch(() => null)
      : null
  if (!entry) throw new Response('No such case.', { status: 404 })
  const submission = parseWithZod(await request.formData(), { schema: LinkCaseSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  try {
    const item = await linkCase(
      access.project.id,
      submission.value.itemId,
      entry.key,
      pageActor(access, request),
    )
    return redirectWithToast(`/projects/${access.project.id}/tests/runs/${run.id}/cases/${seq}`, {
      type: 'success',
      message: `Linked to “${item.title}”.`,
    })
  } catch (error) {
    if (error instanceof PlanError)
      return data(submission.reply({ formErrors: [error.message] }), { status: error.status })
    throw error
  }
}

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers)
  if (entries.length === 0) return <p className="text-xs text-slate-500">No headers.</p>
  return (
    <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-slate-500">{name}</dt>
          <dd className="break-all text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function Body({ text }: { text: string | null }) {
  if (!text) return <p className="text-xs text-slate-500">No body.</p>
  let shown = text
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    // not JSON: shown as received
  }
  return (
    <pre className="max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
      {shown}
    </pre>
  )
}

export default function CasePage() {
  const { projectId, run, entry, template, excerpt, history, canWrite, planItems } =
    useLoaderData<typeof loader>()
  const linkResult = useActionData<typeof action>()
  const runPath = `/projects/${projectId}/tests/runs/${run.id}`
  return (
    <div className="space-y-6">
      <div>
        <Link to={runPath} className="text-sm text-indigo-700 hover:underline">
          ← {run.spec} on {run.environment}
        </Link>
        <h2 className="mt-1 flex flex-wrap items-center gap-3 text-xl font-bold text-slate-900">
          #{entry.seq} {entry.title} <VerdictBadge verdict={entry.verdict} />
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {CATEGORY_LABELS[entry.category as keyof typeof CATEGORY_LABELS] ?? entry.category} ·
          template{' '}
          <Link
            to={`/docs/templates#${entry.templateId}`}
            className="font-mono text-indigo-700 hover:underline"
          >
            {entry.templateId}
          </Link>{' '}
          · {entry.level}
          {entry.durationMs !== null ? ` · ${entry.durationMs} ms` : ''}
        </p>
        {entry.reason ? <p className="mt-2 text-sm text-slate-800">{entry.reason}</p> : null}
      </div>

      <Panel title="Assertions">
        {entry.assertions.length === 0 ? (
          <p className="text-sm text-slate-600">
            No assertion was judged{entry.reason ? ': see the reason above.' : '.'}
          </p>
        ) : (
          <ul className="space-y-3">
            {entry.assertions.map((assertion, index) => (
              <li
                key={index}
                className={`rounded-md border p-3 text-sm ${assertion.passed ? 'border-emerald-200 bg-emerald-50/40' : assertion.severity === 'warning' ? 'border-amber-200 bg-amber-50' : 'border-red-200 bg-red-50'}`}
              >
                <p className="font-semibold text-slate-900">
                  {assertion.passed ? '✓' : assertion.severity === 'warning' ? '⚠' : '✗'}{' '}
                  {assertion.name}
                  {assertion.severity === 'warning' ? (
                    <span className="ml-2 text-xs font-normal text-amber-800">
                      (warning: does not fail the case)
                    </span>
                  ) : null}
                </p>
                <dl className="mt-1 grid grid-cols-[6rem_1fr] gap-x-2 gap-y-1">
                  <dt className="text-slate-500">Expected</dt>
                  <dd className="break-words text-slate-900">{assertion.expected}</dd>
                  <dt className="text-slate-500">Actual</dt>
                  <dd className="break-words text-slate-900">{assertion.actual}</dd>
                  {assertion.pointer ? (
                    <>
                      <dt className="text-slate-500">Spec</dt>
                      <dd className="break-all font-mono text-xs text-slate-700">
                        {assertion.pointer}
                      </dd>
                    </>
                  ) : null}
                </dl>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      {entry.exchanges.map((exchange, index) => (
        <Panel
          key={index}
          title={`${entry.exchanges.length > 1 ? `Exchange ${index + 1}: ` : 'Exchange: '}${exchange.request.method} → ${exchange.response ? exchange.response.status : 'no answer'} (${exchange.durationMs} ms${exchange.retries ? `, ${exchange.retries} retr${exchange.retries === 1 ? 'y' : 'ies'} after 429` : ''})`}
        >
          <div className="grid gap-4 lg:grid-cols-2">
            <section aria-label="Request" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Request</h3>
              <p className="break-all font-mono text-xs text-slate-900">
                {exchange.request.method} {exchange.request.url}
              </p>
              <Headers headers={exchange.request.headers} />
              <Body text={exchange.request.body} />
            </section>
            <section aria-label="Response" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Response</h3>
              {exchange.response ? (
                <>
                  <p className="font-mono text-xs text-slate-900">
                    HTTP {exchange.response.status}
                    {exchange.response.truncated ? ' (body cut)' : ''}
                  </p>
                  <Headers headers={exchange.response.headers} />
                  <Body text={exchange.response.body} />
                </>
              ) : (
                <p className="text-sm text-red-700">{exchange.error?.message ?? 'No answer.'}</p>
              )}
            </section>
          </div>
          <div className="mt-4">
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-semibold text-slate-800">Reproduce with curl</h3>
              <CopyButton text={exchange.curl} label="Copy curl" />
            </div>
            <pre
              className="mt-1 overflow-auto rounded bg-slate-100 p-3 text-xs text-slate-900"
              data-testid="curl"
            >
              {exchange.curl}
            </pre>
            <p className="mt-1 text-xs text-slate-500">
              Credentials are placeholders: set $API_TOKEN (and the other $VARIABLES) in your shell
              first.
            </p>
          </div>
        </Panel>
      ))}

      <div className="grid gap-6 lg:grid-cols-2">
        {template ? (
          <Panel title={`About “${template.title}”`}>
            <dl className="space-y-2 text-sm">
              <dt className="font-semibold text-slate-800">Checks</dt>
              <dd className="text-slate-700">{template.checks}</dd>
              <dt className="font-semibold text-slate-800">Judged by</dt>
              <dd className="text-slate-700">{template.judgedBy}</dd>
              <dt className="font-semibold text-slate-800">Why it fails and how to fix it</dt>
              <dd className="text-slate-700">{template.fix}</dd>
            </dl>
          </Panel>
        ) : null}
        <Panel title="History of this case">
          {history.length === 0 ? (
            <p className="text-sm text-slate-600">First run of this case.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {history.map((row) => (
                <li key={row.runId} className="flex flex-wrap items-center gap-2">
                  <VerdictBadge verdict={row.verdict} />
                  <Link
                    to={`/projects/${projectId}/tests/runs/${row.runId}/cases/${row.seq}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {formatDateTime(row.at)}
                  </Link>
                  <span className="text-slate-500">
                    v{row.version} · {row.environment}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>

      {canWrite && entry.verdict !== 'passed' ? (
        <Panel title="Track it in a partner’s plan">
          {planItems.every((partner) => partner.items.length === 0) ? (
            <p className="text-sm text-slate-600">
              No partner plan yet.{' '}
              <Link to={`/projects/${projectId}/plan`} className="text-indigo-700 hover:underline">
                Add a partner
              </Link>{' '}
              to track failures in its onboarding plan.
            </p>
          ) : (
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <FormErrors errors={linkResult?.error?.[''] ?? null} />
              <div className="min-w-[16rem] flex-1">
                <label htmlFor="plan-item" className="block text-sm font-medium text-slate-800">
                  Plan item
                </label>
                <select
                  id="plan-item"
                  name="itemId"
                  required
                  className="mt-1 block w-full rounded-md border-0 py-2 pl-3 pr-8 text-sm ring-1 ring-inset ring-slate-300"
                >
                  {planItems.map((partner) => (
                    <optgroup key={partner.id} label={partner.name}>
                      {partner.items.map((item) => (
                        <option key={item.id} value={item.id}>
                          {item.phase}: {item.title}
                          {item.linkedKeys.includes(entry.key) ? ' (linked)' : ''}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </div>
              <SubmitButton name="intent" value="link-plan-item" pendingText="Linking…">
                Link this case
              </SubmitButton>
              <p className="w-full text-xs text-slate-500">
                The item then shows this case’s latest verdict for that partner, run after run.
              </p>
            </Form>
          )}
        </Panel>
      ) : null}

      {excerpt ? (
        <Panel title="The spec it was judged against">
          <pre className="max-h-[32rem] overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {excerpt}
          </pre>
        </Panel>
      ) : null}
    </div>
  )
}
