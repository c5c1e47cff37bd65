/**
 * Violations as the playground lists them: "line N: location message" for a
 * body, the location for the rest, each with the vendor's notes on the same
 * field when there are any.
 */
import { AnnotationList } from '~/components/annotations/annotation-list'
import type { PlacedViolation } from '~/shared/playground'

function where(violation: PlacedViolation): string {
  if (violation.line === null) return violation.location
  return `line ${violation.line}${violation.exact ? '' : ' (its parent: the member is absent)'}`
}

export function ViolationText({ violation }: { violation: PlacedViolation }) {
  return (
    <>
      {violation.line !== null ? (
        <span className="font-mono text-xs text-slate-600">{violation.location} </span>
      ) : null}
      <span>{violation.message}</span>
      {violation.constraint ? (
        <span className="ml-1 text-xs text-red-700/80">({violation.constraint})</span>
      ) : null}
    </>
  )
}

/** A list of violations with where each one is; `id` lets a field point at it (aria-describedby). */
export function ViolationList({
  violations,
  title,
  id,
}: {
  violations: PlacedViolation[]
  title: string
  id?: string
}) {
  if (violations.length === 0) return null
  return (
    <div id={id} className="rounded-md border border-red-200 bg-red-50 p-3">
      <h4 className="text-sm font-semibold text-red-900">
        {title} ({violations.length})
      </h4>
      <ul className="mt-1 space-y-2 text-sm text-red-900">
        {violations.map((violation, index) => (
          <li key={index} className="break-words">
            <span className="font-semibold">{where(violation)}: </span>
            <ViolationText violation={violation} />
            {violation.notes.length ? (
              <div className="mt-1">
                <AnnotationList annotations={violation.notes} title="Note on this field" />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  )
}
