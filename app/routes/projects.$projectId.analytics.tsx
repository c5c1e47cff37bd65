import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { FailurePatternRow } from '~/components/analytics/failure-pattern-row'
import { Notice, EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { analyticsAction } from '~/server/analytics/actions.server'
import { failureAnalytics, parseAnalyticsQuery } from '~/server/analytics/failures.server'
import { canDraftWithAssistant, patternStatuses } from '~/server/analytics/suggestions.server'
import { readAnnotationForm } from '~/server/annotations/actions.server'
import { pageActor } from '~/server/audit/log.server'
import { redirectWithToast } from '~/server/toast.server'

export const meta: MetaFunction = () => [{ title: 'Failure analytics · Integration Copilot' }]

/** Failure patterns across partners, one page of 50, with the note each suggests. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const analytics = await failureAnalytics(
    project.id,
    parseAnalyticsQuery(new URL(request.url).searchParams),
  )
  const statuses = await patternStatuses(project.id, analytics)
  return {
    projectId: project.id,
    canWrite: can(access, 'project:write'),
    canDraft: canDraftWithAssistant(),
    ...analytics,
    patterns: analytics.patterns.map((pattern, index) => ({ ...pattern, ...statuses[index]! })),
  }
}

/** accept: the suggested note is created (audited); draft: the assistant drafts it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const form = await readAnnotationForm(request)
  if ('error' in form)
    return data(
      { ok: false as const, status: form.status, message: form.error, key: null },
      {
        status: form.status,
      },
    )
  const result = await analyticsAction(form.formData, {
    actor: pageActor(access, request),
    scope: {
      projectId: access.project.id,
      partnerProjectId: null,
      userId: access.user.id,
      via: 'page',
    },
  })
  if (!result.ok) return data(result, { status: result.status })
  if (result.kind === 'accepted')
    return redirectWithToast(new URL(request.url).pathname + new URL(request.url).search, {
      type: 'success',
      message: result.message,
    })
  return result
}

export default function FailureAnalyticsPage() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const here = `/projects/${page.projectId}/analytics`
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to={`/projects/${page.projectId}/tests`} className="text-indigo-700 hover:underline">
          ← Tests
        </Link>
      </nav>
      <Panel title="Failure analytics">
        <p className="text-sm text-slate-600">
          Checks of the golden suite that several partners fail on the same operation, counted from
          each partner’s latest run of each spec ({page.partnersWithRuns}{' '}
          {page.partnersWithRuns === 1 ? 'partner' : 'partners'} with a run). The same failure
          across partners usually means the documentation is missing something: accept the suggested
          note and partners see it on the operation.
        </p>
      </Panel>
      {actionData && !actionData.ok && actionData.key === null ? (
        <Notice tone="warning">{actionData.message}</Notice>
      ) : null}
      {page.patterns.length === 0 ? (
        <EmptyState title="No failure shared by partners yet">
          Patterns appear here once partners have run the golden suite and a check fails in a
          partner’s latest run.
        </EmptyState>
      ) : (
        <Panel title={`${page.total} failure ${page.total === 1 ? 'pattern' : 'patterns'}`}>
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Check
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Operation
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Partners
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Trend ({page.weeks.length} weeks)
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Most common reason
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Suggested note
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.patterns.map((pattern) => (
                  <FailurePatternRow
                    key={`${pattern.specId}|${pattern.templateId}|${pattern.operationId}`}
                    pattern={pattern}
                    canWrite={page.canWrite}
                    canDraft={page.canDraft}
                    actionData={actionData ?? null}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {page.pageCount > 1 ? (
            <nav
              aria-label="Pattern pages"
              className="mt-4 flex items-center justify-end gap-3 text-sm"
            >
              <span>
                Page {page.page} of {page.pageCount}
              </span>
              {page.page > 1 ? (
                <Link
                  to={`${here}?page=${page.page - 1}`}
                  className="text-indigo-700 hover:underline"
                >
                  ← Previous
                </Link>
              ) : null}
              {page.page < page.pageCount ? (
                <Link
                  to={`${here}?page=${page.page + 1}`}
                  className="text-indigo-700 hover:underline"
                >
                  Next →
                </Link>
              ) : null}
            </nav>
          ) : null}
        </Panel>
      )}
    </div>
  )
}
