import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ReportBody } from '~/components/reports/report-view'
import { SnapshotHistory, SnapshotViews } from '~/components/reports/snapshot-panel'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { Notice } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { renderPdfAgain, snapshotPage } from '~/server/reports/pages.server'
import { ReportError } from '~/server/reports/stored.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Report of ${formatDateTime(data.snapshot.entry.createdAt)} · ${data.partner.name} · Integration Copilot`
      : 'Report · Integration Copilot',
  },
]

function statusOf(error: unknown): never {
  if (error instanceof ReportError) throw new Response(error.message, { status: error.status })
  throw error
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const page = await snapshotPage(project.id, params.partnerId, params.snapshotId).catch(statusOf)
  return { projectId: project.id, canWrite: can(access, 'project:write'), ...page }
}

/** "Render the PDF again" (after a failure, or once Chromium is installed). */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { partner, queued } = await renderPdfAgain(
    access.project.id,
    params.partnerId,
    params.snapshotId,
    pageActor(access, request),
  ).catch(statusOf)
  return redirectWithToast(
    `/projects/${access.project.id}/reports/${partner.id}/snapshots/${params.snapshotId}`,
    queued
      ? { type: 'success', message: 'The PDF is queued for rendering.' }
      : { type: 'info', message: 'The PDF is already waiting to be rendered.' },
  )
}

export default function ReportSnapshot() {
  const { projectId, canWrite, partner, snapshot, snapshots } = useLoaderData<typeof loader>()
  useRevalidateEvery(3000, snapshot.entry.pdfStatus === 'queued')
  const base = `/projects/${projectId}/reports/${partner.id}`
  const latest = snapshots[0]?.id === snapshot.entry.id
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link to={`/projects/${projectId}/reports`} className="hover:underline">
            Reports
          </Link>{' '}
          /{' '}
          <Link to={base} className="break-words hover:underline">
            {partner.name}
          </Link>{' '}
          /
        </p>
        <h2 className="text-xl font-semibold text-slate-900">
          Report of {formatDateTime(snapshot.entry.createdAt)}
        </h2>
      </div>
      {latest ? null : (
        <Notice tone="info">
          This is an earlier report, as it was stored.{' '}
          <Link to={base} className="font-semibold underline">
            See the latest
          </Link>{' '}
          or{' '}
          <Link
            to={`${base}/compare?a=${snapshot.entry.id}&b=${snapshots[0]?.id ?? ''}`}
            className="font-semibold underline"
          >
            compare it with the latest
          </Link>
          .
        </Notice>
      )}
      <ReportBody report={snapshot.report} projectId={projectId} />
      <SnapshotViews
        base={`${base}/snapshots/${snapshot.entry.id}`}
        snapshot={snapshot.entry}
        canWrite={canWrite}
      />
      <SnapshotHistory
        snapshots={snapshots}
        snapshotHref={(id) => `${base}/snapshots/${id}`}
        compareAction={`${base}/compare`}
        currentId={snapshot.entry.id}
      />
    </div>
  )
}
