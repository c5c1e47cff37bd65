import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ReportBody } from '~/components/reports/report-view'
import { SnapshotHistory, SnapshotViews } from '~/components/reports/snapshot-panel'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { EmptyState } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { generateReport, partnerReportPage } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Readiness · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

function statusOf(error: unknown): never {
  if (error instanceof ReportError) throw new Response(error.message, { status: error.status })
  throw error
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const page = await partnerReportPage(project.id, params.partnerId).catch(statusOf)
  return { projectId: project.id, canWrite: can(access, 'project:write'), ...page }
}

/** "Generate report": a snapshot of the partner's readiness now, with its PDF queued. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { partner, snapshot } = await generateReport(access.project.id, params.partnerId, {
    trigger: 'manual',
    actor: pageActor(access, request),
  }).catch(statusOf)
  return redirectWithToast(`/projects/${access.project.id}/reports/${partner.id}`, {
    type: 'success',
    message: `Report generated: ${snapshot.verdict === 'go' ? 'go' : 'no-go'}, score ${snapshot.score}/100. The PDF follows in a moment.`,
  })
}

function GenerateButton() {
  return (
    <Form method="post">
      <SubmitButton pendingText="Generating…">Generate report</SubmitButton>
    </Form>
  )
}

export default function PartnerReport() {
  const { projectId, canWrite, partner, snapshots, latest } = useLoaderData<typeof loader>()
  useRevalidateEvery(3000, latest?.entry.pdfStatus === 'queued')
  const base = `/projects/${projectId}/reports/${partner.id}`
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm text-slate-500">
            <Link to={`/projects/${projectId}/reports`} className="hover:underline">
              Reports
            </Link>{' '}
            /
          </p>
          <h2 className="break-words text-xl font-semibold text-slate-900">{partner.name}</h2>
          {latest ? (
            <p className="text-sm text-slate-600">
              Latest report: {formatDateTime(latest.entry.createdAt)}.{' '}
              <Link
                to={`${base}/snapshots/${latest.entry.id}`}
                className="text-indigo-700 hover:underline"
              >
                Permanent link
              </Link>
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <Link
            to={`/projects/${projectId}/plan/${partner.id}`}
            className={buttonClass('secondary')}
          >
            Plan
          </Link>
          {canWrite && latest ? <GenerateButton /> : null}
        </div>
      </div>
      {latest ? (
        <>
          <ReportBody report={latest.report} projectId={projectId} />
          <SnapshotViews
            base={`${base}/snapshots/${latest.entry.id}`}
            snapshot={latest.entry}
            canWrite={canWrite}
          />
          <SnapshotHistory
            snapshots={snapshots}
            snapshotHref={(id) => `${base}/snapshots/${id}`}
            compareAction={`${base}/compare`}
            currentId={latest.entry.id}
          />
        </>
      ) : (
        <EmptyState title="No report yet: generate one">
          <p>
            A report weighs {partner.name}’s test runs, traffic evidence, plan and evidence chain
            into a go / no-go verdict and keeps it as a snapshot, with HTML, Markdown and PDF views.
          </p>
          <div className="mt-4 flex justify-center">
            {canWrite ? (
              <GenerateButton />
            ) : (
              <p className="text-slate-500">A vendor generates it.</p>
            )}
          </div>
        </EmptyState>
      )}
    </div>
  )
}
