import { Form, Link } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { FormErrors } from '~/components/ui/forms'
import { Panel } from '~/components/ui/panel'
import { formatDateTime } from '~/shared/format'

/** What the page shows of access requests (never the requester's IP). */
export type AccessRequestsView = {
  pendingTotal: number
  decidedTotal: number
  pending: {
    id: string
    companyName: string
    contactName: string
    email: string
    message: string
    createdAt: string
  }[]
  decided: {
    id: string
    companyName: string
    email: string
    status: string
    decidedAt: string | null
    decidedBy: string | null
    partnerProjectId: string | null
  }[]
}

/** The partners page's access requests: those waiting (approve or deny), then the latest decided. */
export function AccessRequestsPanel({
  projectId,
  requests,
  canDecide,
  decisionError,
}: {
  projectId: string
  requests: AccessRequestsView
  canDecide: boolean
  decisionError?: string | null
}) {
  return (
    <Panel title={`Access requests waiting (${requests.pendingTotal})`}>
      {decisionError ? (
        <div className="mb-4">
          <FormErrors errors={[decisionError]} />
        </div>
      ) : null}
      {requests.pending.length === 0 ? (
        <p className="text-sm text-slate-600">No request is waiting.</p>
      ) : (
        <>
          {!canDecide ? (
            <p className="mb-3 text-xs text-slate-500">
              An owner or admin approves or denies these.
            </p>
          ) : null}
          <ul className="divide-y divide-slate-100" data-testid="access-requests">
            {requests.pending.map((row) => (
              <li key={row.id} className="flex flex-wrap items-start justify-between gap-4 py-3">
                <div className="min-w-0 text-sm">
                  <p className="font-semibold text-slate-900">{row.companyName}</p>
                  <p className="text-slate-600">
                    {row.contactName} · {row.email} · {formatDateTime(row.createdAt)}
                  </p>
                  {row.message ? (
                    <p className="mt-1 whitespace-pre-wrap break-words text-slate-700">
                      {row.message}
                    </p>
                  ) : null}
                </div>
                {canDecide ? (
                  <Form method="post" className="flex gap-2">
                    <input type="hidden" name="requestId" value={row.id} />
                    <SubmitButton
                      name="intent"
                      value="approve"
                      className="!py-1"
                      pendingFor={['requestId', row.id]}
                      pendingText="Approving…"
                    >
                      Approve<span className="sr-only"> {row.companyName}</span>
                    </SubmitButton>
                    <SubmitButton
                      name="intent"
                      value="deny"
                      variant="danger"
                      className="!py-1"
                      pendingFor={['requestId', row.id]}
                      pendingText="Denying…"
                    >
                      Deny<span className="sr-only"> {row.companyName}</span>
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
          {requests.pendingTotal > requests.pending.length ? (
            <p className="mt-3 text-xs text-slate-500">
              Showing the {requests.pending.length} oldest of {requests.pendingTotal}; decide these
              to see the next.
            </p>
          ) : null}
        </>
      )}
      {requests.decided.length > 0 ? (
        <div className="mt-6">
          <h3 className="text-sm font-semibold text-slate-900">Decided</h3>
          <table className="mt-2 w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Company</th>
                <th className="py-2">Email</th>
                <th className="py-2">Decision</th>
                <th className="py-2">When, by whom</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {requests.decided.map((row) => (
                <tr key={row.id}>
                  <td className="py-2">
                    {row.partnerProjectId ? (
                      <Link
                        to={`/projects/${projectId}/partners/${row.partnerProjectId}`}
                        className="text-indigo-700 hover:underline"
                      >
                        {row.companyName}
                      </Link>
                    ) : (
                      row.companyName
                    )}
                  </td>
                  <td className="py-2 text-slate-600">{row.email}</td>
                  <td className="py-2">{row.status === 'approved' ? 'Approved' : 'Denied'}</td>
                  <td className="py-2 text-slate-600">
                    {row.decidedAt ? formatDateTime(row.decidedAt) : '—'}
                    {row.decidedBy ? ` · ${row.decidedBy}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {requests.decidedTotal > requests.decided.length ? (
            <p className="mt-2 text-xs text-slate-500">
              The {requests.decided.length} most recent of {requests.decidedTotal} decisions; the
              audit log keeps them all.
            </p>
          ) : null}
        </div>
      ) : null}
    </Panel>
  )
}
