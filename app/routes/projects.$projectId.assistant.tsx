import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { modelConfig } from '~/server/assistant/model.server'
import {
  askFromPage,
  parseAskForm,
  promptNeedsWrite,
  vendorScope,
} from '~/server/assistant/page-form.server'
import { assistantUsage } from '~/server/assistant/usage.server'
import { getEnv } from '~/server/env.server'
import { forbidden } from '~/server/http.server'
import { PROMPT_LABELS, type PromptKind } from '~/shared/assistant'
import { formatDateTime } from '~/shared/format'
import { PageLinks } from '~/components/ui/page-links'

export const meta: MetaFunction = () => [{ title: 'Assistant usage · Integration Copilot' }]

/** The usage page: questions, tokens and outcomes per partner, and the recent calls. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const page = Number(new URL(request.url).searchParams.get('page') ?? '1')
  const config = modelConfig()
  return {
    projectId: project.id,
    model: config?.model ?? null,
    perHour: getEnv().ASSISTANT_QUESTIONS_PER_HOUR,
    ...(await assistantUsage(project.id, { page: Number.isSafeInteger(page) ? page : 1 })),
  }
}

/**
 * The assistant panel's form without JavaScript: asks, then goes back to the
 * page it was posted from. Any member may ask; a draft annotation needs project:write.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const formData = await request.formData()
  if (promptNeedsWrite(formData) && !can(access, 'project:write')) throw forbidden()
  return askFromPage(
    vendorScope(access),
    parseAskForm(formData),
    `/projects/${access.project.id}/assistant`,
  )
}

const OUTCOME_LABELS: Record<string, string> = {
  ok: 'answered',
  'no-model': 'no model set',
  timeout: 'model timed out',
  'rate-limited-upstream': 'model server busy (429)',
  'upstream-error': 'model server failed',
  cancelled: 'cancelled',
  refused: 'refused',
}

const SOURCE_LABELS: Record<string, string> = {
  model: 'model',
  troubleshooter: 'troubleshooter',
}

const number = (value: number) => value.toLocaleString('en-GB')

export default function AssistantUsagePage() {
  const { projectId, model, perHour, totals, overall, calls, page, pages, total } =
    useLoaderData<typeof loader>()
  const pageLink = (to: number) => `/projects/${projectId}/assistant${to > 1 ? `?page=${to}` : ''}`
  return (
    <div className="space-y-6">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Assistant usage</h2>
        <p className="mt-1 text-sm text-slate-600">
          Every question asked of the assistant in this project: on the case, run and trace pages,
          on partners’ dashboards and through the API.{' '}
          {model ? (
            <>
              Answers come from the model <code className="rounded bg-slate-100 px-1">{model}</code>{' '}
              with the built-in troubleshooter as its first hint and its fallback.
            </>
          ) : (
            'No model is configured (OPENAI_API_KEY): the built-in troubleshooter answers alone.'
          )}{' '}
          Each person and each partner team may ask {perHour} questions an hour.
        </p>
      </div>

      <Panel title="Totals per partner">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="usage-totals">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Asked by</th>
                <th className="py-2 text-right">Questions</th>
                <th className="py-2 text-right">By the model</th>
                <th className="py-2 text-right">By the troubleshooter</th>
                <th className="py-2 text-right">Model failures</th>
                <th className="py-2 text-right">Tokens in</th>
                <th className="py-2 text-right">Tokens out</th>
                <th className="py-2 text-right">Last question</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {totals.map((row) => (
                <tr key={row.partnerProjectId ?? 'vendor'}>
                  <td className="py-2 font-medium text-slate-900">
                    {row.partnerProjectId ? (
                      <Link
                        to={`/projects/${projectId}/partners/${row.partnerProjectId}`}
                        className="hover:text-indigo-700 hover:underline"
                      >
                        {row.name}
                      </Link>
                    ) : (
                      row.name
                    )}
                  </td>
                  <td className="py-2 text-right tabular-nums">{number(row.calls)}</td>
                  <td className="py-2 text-right tabular-nums">{number(row.modelAnswers)}</td>
                  <td className="py-2 text-right tabular-nums">
                    {number(row.troubleshooterAnswers)}
                  </td>
                  <td className="py-2 text-right tabular-nums">{number(row.fallbacks)}</td>
                  <td className="py-2 text-right tabular-nums">{number(row.tokensIn)}</td>
                  <td className="py-2 text-right tabular-nums">{number(row.tokensOut)}</td>
                  <td className="py-2 text-right text-xs text-slate-500">
                    {row.lastAt ? formatDateTime(row.lastAt) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot className="border-t border-slate-200 font-semibold text-slate-900">
              <tr>
                <td className="py-2">All</td>
                <td className="py-2 text-right tabular-nums">{number(overall.calls)}</td>
                <td colSpan={3} />
                <td className="py-2 text-right tabular-nums">{number(overall.tokensIn)}</td>
                <td className="py-2 text-right tabular-nums">{number(overall.tokensOut)}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      </Panel>

      <Panel title={`Recent questions (${number(total)})`}>
        {calls.length === 0 ? (
          <EmptyState title="No question yet">
            The assistant’s panel is on every case, run and trace page, and on partners’ dashboards.
          </EmptyState>
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="usage-calls">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-2 pr-3">When</th>
                    <th className="py-2 pr-3">Who</th>
                    <th className="py-2 pr-3">Prompt</th>
                    <th className="py-2 pr-3">Answered by</th>
                    <th className="py-2 pr-3">Outcome</th>
                    <th className="py-2 pr-3">Model</th>
                    <th className="py-2 pr-3 text-right">Tokens in / out</th>
                    <th className="py-2 text-right">Latency</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {calls.map((call) => (
                    <tr key={call.id} className="align-top">
                      <td className="whitespace-nowrap py-2 pr-3 text-xs text-slate-500">
                        {formatDateTime(call.at)}
                      </td>
                      <td className="py-2 pr-3">
                        <span className="text-slate-900">{call.who}</span>
                        <span className="block text-xs text-slate-500">
                          {call.partner ?? 'Vendor'}
                          {call.via === 'api' ? ' · API' : ''}
                        </span>
                      </td>
                      <td className="py-2 pr-3 text-slate-700">
                        {PROMPT_LABELS[call.prompt as PromptKind] ?? call.prompt}
                      </td>
                      <td className="py-2 pr-3 text-slate-700">
                        {SOURCE_LABELS[call.source] ?? call.source}
                      </td>
                      <td className="py-2 pr-3">
                        <span
                          className={`rounded px-1.5 py-0.5 text-xs font-medium ${call.outcome === 'ok' ? 'bg-emerald-50 text-emerald-800' : call.outcome === 'no-model' ? 'bg-slate-100 text-slate-700' : 'bg-amber-50 text-amber-900'}`}
                        >
                          {OUTCOME_LABELS[call.outcome] ?? call.outcome}
                        </span>
                      </td>
                      <td className="py-2 pr-3 font-mono text-xs text-slate-700">
                        {call.model || '—'}
                      </td>
                      <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                        {number(call.tokensIn)} / {number(call.tokensOut)}
                      </td>
                      <td className="whitespace-nowrap py-2 text-right tabular-nums">
                        {number(call.latencyMs)} ms
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <PageLinks
              label="Question pages"
              page={page}
              pageCount={pages}
              href={pageLink}
              className="mt-3"
            />
          </>
        )}
      </Panel>
    </div>
  )
}
