/**
 * A vendor's notes on an operation or field, shown where partners need them.
 * `html` comes from renderMarkdown on the server (raw HTML off, safe links only).
 */
export type AnnotationItem = {
  id: string
  type: string
  fieldPath: string
  html: string
  orphaned: boolean
  orphanedVersion: number | null
}

const TYPE_LABELS: Record<string, string> = {
  auth_note: 'Authentication',
  field_note: 'Field',
  error_note: 'Errors',
  condition_note: 'Conditions',
}

export function annotationTypeLabel(type: string) {
  return TYPE_LABELS[type] ?? type
}

export function AnnotationList({
  annotations,
  title = 'Notes from the API team',
}: {
  annotations: AnnotationItem[]
  title?: string
}) {
  if (annotations.length === 0) return null
  return (
    <section aria-label={title} className="rounded-md border border-sky-200 bg-sky-50 p-3">
      <h3 className="text-sm font-semibold text-sky-900">{title}</h3>
      <ul className="mt-2 space-y-2">
        {annotations.map((annotation) => (
          <li key={annotation.id} className="text-sm text-slate-800">
            <div className="flex flex-wrap items-center gap-2 text-xs">
              <span className="rounded bg-sky-100 px-1.5 py-0.5 font-medium text-sky-800">
                {annotationTypeLabel(annotation.type)}
              </span>
              {annotation.fieldPath ? (
                <code className="rounded bg-white px-1 py-0.5 text-slate-700">
                  {annotation.fieldPath}
                </code>
              ) : null}
              {annotation.orphaned ? (
                <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800">
                  Field removed in version {annotation.orphanedVersion ?? '?'}
                </span>
              ) : null}
            </div>
            <div
              className="prose-annotation mt-1"
              // Rendered by renderMarkdown on the server: raw HTML disabled, links limited to http(s)/mailto.
              dangerouslySetInnerHTML={{ __html: annotation.html }}
            />
          </li>
        ))}
      </ul>
    </section>
  )
}
