import type { LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { ReadinessVerdict } from '~/components/reports/badges'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { listSnapshots } from '~/server/reports/snapshots.server'
import { formatDateTime } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const snapshots = await listSnapshots(access.partnerProject.id, { take: 50 })
  return {
    partnerId: access.partnerProject.id,
    snapshots: snapshots.map((snapshot) => ({
      id: snapshot.id,
      createdAt: snapshot.createdAt,
      verdict: snapshot.verdict,
      score: snapshot.score,
      contentHash: snapshot.contentHash,
      pdf: snapshot.pdfStatus === 'ready',
    })),
  }
}

/** The readiness reports the API team issued for this integration (the partner's version). */
export default function PartnerReports() {
  const { partnerId, snapshots } = useLoaderData<typeof loader>()
  const base = `/partner/${partnerId}/reports`
  return (
    <Page
      title="Readiness reports"
      description="What the API team’s readiness reports say about your integration, as issued."
    >
      <Panel title="Reports">
        {snapshots.length === 0 ? (
          <EmptyState title="No report yet">
            The API team issues a readiness report when your integration nears go-live.
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Readiness reports, newest first (times in UTC)</caption>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Issued</th>
                <th className="py-2">Verdict</th>
                <th className="py-2">Score</th>
                <th className="py-2">Open</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {snapshots.map((snapshot) => (
                <tr key={snapshot.id}>
                  <td className="py-2">{formatDateTime(snapshot.createdAt)}</td>
                  <td className="py-2">
                    <ReadinessVerdict verdict={snapshot.verdict} />
                  </td>
                  <td className="py-2">{snapshot.score}/100</td>
                  <td className="py-2">
                    <span className="flex flex-wrap gap-3">
                      <a
                        href={`${base}/${snapshot.id}/html`}
                        className="text-indigo-700 hover:underline"
                      >
                        View
                      </a>
                      <a
                        href={`${base}/${snapshot.id}/md`}
                        className="text-indigo-700 hover:underline"
                        download
                      >
                        Markdown
                      </a>
                      {snapshot.pdf ? (
                        <a
                          href={`${base}/${snapshot.id}/pdf`}
                          className="text-indigo-700 hover:underline"
                          download
                        >
                          PDF
                        </a>
                      ) : null}
                    </span>
                    <span className="block font-mono text-[10px] text-slate-400">
                      sha256 {snapshot.contentHash.slice(0, 16)}…
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </Page>
  )
}
