import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { buttonClass } from '~/components/ui/button'
import { EmptyState, Notice, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { realityDrift } from '~/server/drift/reality.server'
import { requestImpact, versionImpact } from '~/server/drift/read.server'

const SEVERITY_STYLE: Record<string, string> = {
  breaking: 'bg-red-100 text-red-800',
  'potentially-breaking': 'bg-amber-100 text-amber-800',
}

/** The version's impact on partners (or "computing…") and what reality shows beyond the spec. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  const found = await versionImpact(project.id, params.specId ?? '', params.versionId ?? '')
  if (!found)
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  const reality = await realityDrift(project.id, params.specId!, found.version.id)
  return { projectId: project.id, specId: params.specId!, ...found, reality }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Impact of ${data.version.specName} v${data.version.number}` : 'Impact' },
  // Without JavaScript too: the page reloads itself until the impact job has run.
  ...(data?.state.status === 'computing' ? [{ httpEquiv: 'refresh', content: '2' }] : []),
]

/** intent=compute: queue the impact of a version that has none. Writers only. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:write')
  if (!(await requestImpact(project.id, params.specId ?? '', params.versionId ?? '')))
    throw new Response('That spec version does not exist in this project.', { status: 404 })
  return redirect(new URL(request.url).pathname)
}

export default function VersionImpactPage() {
  const { projectId, specId, version, state, reality } = useLoaderData<typeof loader>()
  const versionPath = `/projects/${projectId}/specs/${specId}/v/${version.id}`
  return (
    <div className="space-y-6">
      <div>
        <Link to={versionPath} className="text-sm text-indigo-700 hover:underline">
          ← {version.specName} v{version.number}
        </Link>
        <h2 className="mt-1 text-xl font-bold text-slate-900">
          Impact of v{version.number} on partners
        </h2>
        <p className="text-sm text-slate-600">
          Breaking and potentially breaking changes since the previous version, each with the
          partners whose traces or runs of the last 30 days exercised what it changes.
        </p>
      </div>
      {state.status === 'first' ? (
        <EmptyState title="The first version">Nothing to compare it with.</EmptyState>
      ) : state.status === 'computing' ? (
        <Notice>Computing… this page reloads by itself.</Notice>
      ) : state.status === 'missing' || state.status === 'failed' ? (
        <Notice tone="warning">
          {state.status === 'failed'
            ? `Computing the impact failed${state.error ? `: ${state.error}` : ''}.`
            : 'The impact of this version has not been computed.'}{' '}
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="compute" />
            <button type="submit" className={buttonClass('secondary')}>
              Compute it now
            </button>
          </Form>
        </Notice>
      ) : state.changes.length === 0 ? (
        <EmptyState title="Nothing breaking">
          No breaking or potentially breaking change since the previous version.
        </EmptyState>
      ) : (
        <ul className="space-y-4" data-testid="impact-changes">
          {state.changes.map((change, index) => (
            <li key={index}>
              <Panel
                title={
                  <span className="flex flex-wrap items-center gap-2">
                    <span
                      className={`rounded px-2 py-0.5 text-xs font-medium ${SEVERITY_STYLE[change.severity] ?? ''}`}
                    >
                      {change.severity}
                    </span>
                    <code className="text-sm">{change.location}</code>
                  </span>
                }
              >
                <p className="text-sm text-slate-700">
                  {change.message} <span className="text-xs text-slate-500">({change.ruleId})</span>
                </p>
                {change.partners.length === 0 ? (
                  <p className="mt-2 text-sm text-slate-500">
                    No partner exercised it in the last 30 days.
                  </p>
                ) : (
                  <ul className="mt-2 space-y-1 text-sm">
                    {change.partners.map((partner) => (
                      <li key={partner.partnerProjectId}>
                        <Link
                          to={`/projects/${projectId}/partners/${partner.partnerProjectId}`}
                          className="font-medium text-indigo-700 hover:underline"
                        >
                          {partner.name}
                        </Link>
                        : {partner.evidence}
                      </li>
                    ))}
                  </ul>
                )}
              </Panel>
            </li>
          ))}
        </ul>
      )}
      <Panel title="Spec vs reality">
        <p className="text-sm text-slate-600">
          What the newest {reality.scanned.traces} traces and {reality.scanned.runCases} run cases
          show that v{version.number} does not describe.
        </p>
        {reality.operations.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">Nothing undocumented seen.</p>
        ) : (
          <ul className="mt-3 space-y-3 text-sm" data-testid="reality-drift">
            {reality.operations.map((operation) => (
              <li key={operation.operationId}>
                <code className="font-medium">{operation.label}</code>{' '}
                <span className="text-xs text-slate-500">({operation.observed} exchanges)</span>
                <ul className="ml-4 list-disc">
                  {operation.findings.map((finding) => (
                    <li key={`${finding.kind}-${finding.name}-${finding.status ?? ''}`}>
                      {finding.kind === 'status'
                        ? `Undocumented status ${finding.name}`
                        : finding.kind === 'header'
                          ? `Undocumented response header ${finding.name} (with ${finding.status})`
                          : `Undocumented response field ${finding.name} (with ${finding.status})`}
                      {' — '}
                      {finding.traces} traces, {finding.runs} run exchanges
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  )
}
