/** The latest batches the trace endpoint refused (unsigned, wrongly signed, too old, replayed). */
import type { SerializeFrom } from '@remix-run/node'
import type { listRefusals } from '~/server/traces/query.server'
import { formatDateTime } from '~/shared/format'

export function RefusedBatches({ refusals }: { refusals: SerializeFrom<typeof listRefusals> }) {
  return refusals.length === 0 ? (
    <p className="text-sm text-slate-600">
      No batch was refused. Unsigned, wrongly signed, too old and replayed batches show here with
      the reason.
    </p>
  ) : (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">The latest refused batches, newest first (UTC)</caption>
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3">
              When
            </th>
            <th scope="col" className="py-2 pr-3">
              Partner
            </th>
            <th scope="col" className="py-2 pr-3">
              Reason
            </th>
            <th scope="col" className="py-2">
              From
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100" data-testid="refusals">
          {refusals.map((refusal) => (
            <tr key={refusal.id} className="align-top">
              <td className="whitespace-nowrap py-2 pr-3 text-slate-700">
                {formatDateTime(refusal.at)}
              </td>
              <td className="py-2 pr-3 text-slate-700">{refusal.partner.name}</td>
              <td className="break-words py-2 pr-3 text-slate-900">
                {refusal.reason}
                {refusal.bytes ? (
                  <span className="text-xs text-slate-500">
                    {' '}
                    ({refusal.bytes.toLocaleString('en-GB')} bytes)
                  </span>
                ) : null}
              </td>
              <td className="break-all py-2 font-mono text-xs text-slate-700">
                {refusal.ip || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
