/**
 * The vendor's view of an operation's notes: each rendered as partners see it, with
 * Edit (a <details> holding the form, so it works without JavaScript) and Delete
 * for people who may change the project, and a form to add one.
 */
import {
  getFormProps,
  getSelectProps,
  getTextareaProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import {
  AddAnnotationSchema,
  ANNOTATION_TYPE_LABELS,
  ANNOTATION_TYPES,
  MAX_ANNOTATION_CHARS,
  UpdateAnnotationSchema,
} from '~/shared/annotations'
import { SubmitButton } from '../ui/button'
import { ConfirmAction } from '../ui/confirm-action'
import { ErrorList, FormErrors, inputClass } from '../ui/forms'
import { type AnnotationItem, annotationTypeLabel } from './annotation-list'

export type EditableAnnotation = AnnotationItem & { body: string }

export type FieldPathChoice = { path: string; group: string; depth: number }

/** What the action sends back when a form failed (see app/server/annotations/actions.server.ts). */
export type AnnotationFormFailure = {
  ok: false
  intent: string
  annotationId: string | null
  result: SubmissionResult<string[]>
}

function FieldPathOptions({ paths, current }: { paths: FieldPathChoice[]; current?: string }) {
  const groups = new Map<string, FieldPathChoice[]>()
  for (const choice of paths)
    groups.set(choice.group, [...(groups.get(choice.group) ?? []), choice])
  const listed = current === undefined || current === '' || paths.some((p) => p.path === current)
  return (
    <>
      <option value="">The whole operation</option>
      {listed ? null : <option value={current}>{current} (current)</option>}
      {[...groups.entries()].map(([group, choices]) => (
        <optgroup key={group} label={group}>
          {choices.map((choice) => (
            <option key={choice.path} value={choice.path}>
              {'\u00a0\u00a0'.repeat(choice.depth)}
              {choice.path}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  )
}

function AnnotationForm({
  annotation,
  paths,
  lastResult,
  submitLabel,
}: {
  annotation?: EditableAnnotation
  paths: FieldPathChoice[]
  lastResult?: SubmissionResult<string[]>
  submitLabel: string
}) {
  const schema = annotation ? UpdateAnnotationSchema : AddAnnotationSchema
  const [form, fields] = useForm({
    id: `annotation-${annotation?.id ?? 'new'}`,
    lastResult,
    constraint: getZodConstraint(schema),
    shouldRevalidate: 'onBlur',
    defaultValue: annotation
      ? { type: annotation.type, fieldPath: annotation.fieldPath, body: annotation.body }
      : { type: 'field_note', fieldPath: '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const hintId = `${fields.body.id}-hint`
  return (
    <Form method="post" className="space-y-3" {...getFormProps(form)}>
      <input
        type="hidden"
        name="intent"
        value={annotation ? 'update-annotation' : 'add-annotation'}
      />
      {annotation ? <input type="hidden" name="annotationId" value={annotation.id} /> : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr]">
        <div>
          <label htmlFor={fields.type.id} className="block text-sm font-medium text-slate-800">
            Type
          </label>
          <select
            {...getSelectProps(fields.type)}
            key={fields.type.key}
            className={`${inputClass} mt-1`}
          >
            {ANNOTATION_TYPES.map((type) => (
              <option key={type} value={type}>
                {ANNOTATION_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
          <ErrorList id={fields.type.errorId} errors={fields.type.errors} />
        </div>
        <div>
          <label htmlFor={fields.fieldPath.id} className="block text-sm font-medium text-slate-800">
            Attached to
          </label>
          <select
            {...getSelectProps(fields.fieldPath)}
            key={fields.fieldPath.key}
            className={`${inputClass} mt-1 font-mono`}
          >
            <FieldPathOptions paths={paths} current={annotation?.fieldPath} />
          </select>
          <ErrorList id={fields.fieldPath.errorId} errors={fields.fieldPath.errors} />
        </div>
      </div>
      <div>
        <label htmlFor={fields.body.id} className="block text-sm font-medium text-slate-800">
          Note (Markdown)
        </label>
        <textarea
          {...getTextareaProps(fields.body, { ariaDescribedBy: hintId })}
          key={fields.body.key}
          rows={annotation ? 6 : 4}
          maxLength={MAX_ANNOTATION_CHARS}
          className={`${inputClass} mt-1 font-mono`}
        />
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          Markdown: **bold**, `code`, lists, tables, links (http, https, mailto). HTML is shown as
          text. Up to {MAX_ANNOTATION_CHARS.toLocaleString('en-GB')} characters.
        </p>
        <ErrorList id={fields.body.errorId} errors={fields.body.errors} />
      </div>
      {/* The intent travels in the hidden field: a named button would send it twice. */}
      <SubmitButton
        pendingFor={annotation ? ['annotationId', annotation.id] : ['intent', 'add-annotation']}
        pendingText="Saving…"
      >
        {submitLabel}
      </SubmitButton>
    </Form>
  )
}

/** A note as partners see it, with its type, field and "removed" flag. */
export function AnnotationBody({ annotation }: { annotation: AnnotationItem }) {
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <span className="rounded bg-sky-100 px-1.5 py-0.5 font-medium text-sky-800">
          {annotationTypeLabel(annotation.type)}
        </span>
        <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-700">
          {annotation.fieldPath || 'whole operation'}
        </code>
        {annotation.orphaned ? (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-800">
            Removed in version {annotation.orphanedVersion ?? '?'}
          </span>
        ) : null}
      </div>
      <div
        className="prose-annotation mt-1 text-sm text-slate-800"
        // Rendered by renderMarkdown on the server: raw HTML disabled, links limited to http(s)/mailto.
        dangerouslySetInnerHTML={{ __html: annotation.html }}
      />
    </>
  )
}

/**
 * A delete button behind a confirmation, posting `delete-annotation` to the operation
 * page's action (this page's, or `action`), which then returns to `redirectTo`.
 */
export function DeleteAnnotationForm({
  annotationId,
  action,
  redirectTo,
}: {
  annotationId: string
  action?: string
  redirectTo?: string
}) {
  return (
    <Form method="post" action={action}>
      <input type="hidden" name="annotationId" value={annotationId} />
      {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
      <ConfirmAction
        label="Delete"
        confirmLabel="Delete this note"
        value="delete-annotation"
        pendingFor={['annotationId', annotationId]}
        compact
      >
        Partners will no longer see it; the audit log keeps its text.
      </ConfirmAction>
    </Form>
  )
}

export function VendorAnnotations({
  annotations,
  canWrite,
  paths,
  truncated,
  latestNumber,
  operationInLatest,
  failure,
}: {
  annotations: EditableAnnotation[]
  canWrite: boolean
  paths: FieldPathChoice[]
  truncated: boolean
  latestNumber: number | null
  operationInLatest: boolean
  failure?: AnnotationFormFailure | null
}) {
  const failedFor = (id: string | null) =>
    failure && failure.annotationId === id && failure.intent !== 'delete-annotation'
      ? failure.result
      : undefined
  const deleteFailure =
    failure?.intent === 'delete-annotation' ? (failure.result.error?.[''] ?? null) : null
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Partners see these notes on this operation in their spec browser, the playground, failing
        test cases and the blueprint.
      </p>
      <FormErrors errors={deleteFailure} />
      {annotations.length === 0 ? (
        <p className="text-sm text-slate-500">No notes yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {annotations.map((annotation) => (
            <li key={annotation.id} id={`note-${annotation.id}`} className="py-3">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0 flex-1">
                  <AnnotationBody annotation={annotation} />
                </div>
                {canWrite ? <DeleteAnnotationForm annotationId={annotation.id} /> : null}
              </div>
              {canWrite ? (
                <details className="mt-2" open={failedFor(annotation.id) ? true : undefined}>
                  <summary className="cursor-pointer text-xs font-medium text-indigo-700">
                    Edit
                  </summary>
                  <div className="mt-2">
                    <AnnotationForm
                      annotation={annotation}
                      paths={paths}
                      lastResult={failedFor(annotation.id)}
                      submitLabel="Save note"
                    />
                  </div>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canWrite ? (
        operationInLatest ? (
          <section aria-label="Add a note" className="rounded-md border border-slate-200 p-3">
            <h3 className="mb-2 text-sm font-semibold text-slate-900">Add a note</h3>
            {truncated ? (
              <p className="mb-2 text-xs text-slate-500">
                This operation&apos;s schemas are large: the list shows their first levels.
              </p>
            ) : null}
            <AnnotationForm paths={paths} lastResult={failedFor(null)} submitLabel="Add note" />
          </section>
        ) : (
          <p className="text-sm text-slate-600">
            The latest version{latestNumber ? ` (v${latestNumber})` : ''} no longer has this
            operation: new notes go on operations that still exist.
          </p>
        )
      ) : null}
    </div>
  )
}
