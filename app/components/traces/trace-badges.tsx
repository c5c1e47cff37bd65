/** The badges of a trace in the Traces list: its status code, its signature, its validity. */
import { plural } from '~/shared/format'

/** The HTTP status, coloured by class. */
export function StatusCode({ status }: { status: number }) {
  const tone =
    status >= 500
      ? 'text-red-700'
      : status >= 400
        ? 'text-amber-700'
        : status >= 300
          ? 'text-sky-700'
          : 'text-emerald-700'
  return <span className={`font-mono font-semibold ${tone}`}>{status}</span>
}

/** Signed by the partner, or not (uploads on the Traces tab are never signed). */
export function VerifiedBadge({ verified, source }: { verified: boolean; source: string }) {
  return verified ? (
    <span className="inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
      Verified
    </span>
  ) : (
    <span
      className="inline-block rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700"
      title={source === 'upload' ? 'Uploaded on this tab: no partner signature' : undefined}
    >
      {source === 'upload' ? 'Uploaded' : 'Not verified'}
    </span>
  )
}

/** Valid against the spec, its number of violations, or no operation matched. */
export function ValidityBadge({
  valid,
  matched,
  violationCount,
  firstViolation,
}: {
  valid: boolean
  matched: boolean
  violationCount: number
  firstViolation: string | null
}) {
  if (!matched)
    return (
      <span
        className="inline-block rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
        title={firstViolation ?? undefined}
      >
        No operation
      </span>
    )
  if (valid)
    return (
      <span className="inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
        Valid
      </span>
    )
  return (
    <span
      className="inline-block rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800"
      title={firstViolation ?? undefined}
    >
      {plural(violationCount, 'violation')}
    </span>
  )
}
