/**
 * The request form of one operation: environment, path/query/header
 * parameters, extra headers, media type and body; Send (intent=send) and Save
 * as template (intent=save-template) post it. Works without JavaScript;
 * conform checks it in the browser when JavaScript is on.
 */
import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Form } from '@remix-run/react'
import { AnnotationList } from '~/components/annotations/annotation-list'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors, inputClass } from '~/components/ui/forms'
import {
  type DraftView,
  type EnvironmentChoice,
  type PlacedViolation,
  PlaygroundRequestSchema,
  type SelectedOperation,
} from '~/shared/playground'
import { BodyEditor } from './body-editor'
import { ViolationList } from './violations'

const LOCATION_LABELS = { path: 'Path', query: 'Query', header: 'Header' } as const

export function RequestForm({
  action,
  selected,
  draft,
  environments,
  canSend,
  lastResult,
  bodyViolations,
  otherViolations,
}: {
  action: string
  selected: SelectedOperation
  draft: DraftView
  environments: EnvironmentChoice[]
  canSend: boolean
  lastResult: SubmissionResult<string[]> | null | undefined
  bodyViolations: PlacedViolation[]
  otherViolations: PlacedViolation[]
}) {
  const [form] = useForm({
    id: 'playground-request',
    lastResult,
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PlaygroundRequestSchema }),
  })
  const errors = form.allErrors
  const valueOf = (location: string, name: string) =>
    draft.params.find((param) => param.in === location && param.name === name)?.value ?? ''
  return (
    <Form method="post" action={action} {...getFormProps(form)} className="space-y-5">
      <input type="hidden" name="op" value={selected.key} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <div>
        <label htmlFor="playground-env" className="block text-sm font-medium text-slate-800">
          Environment
        </label>
        {environments.length === 0 ? (
          <p className="mt-1 text-sm text-amber-800">
            No environment to send to yet: a running mock or a Sandbox/UAT environment is needed.
          </p>
        ) : (
          <select
            id="playground-env"
            name="env"
            defaultValue={draft.env}
            className={`${inputClass} mt-1`}
            aria-describedby="playground-env-hint"
          >
            {environments.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
        <p id="playground-env-hint" className="mt-1 text-xs text-slate-500">
          The environment’s credentials are added on the server; they are never shown here.
        </p>
        <ErrorList errors={errors.env} />
      </div>

      {selected.params.length ? (
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold text-slate-900">Parameters</legend>
          {selected.params.map((param, index) => {
            const inputId = `param-${index}`
            const fieldErrors = errors[`params[${index}].value`]
            return (
              <div key={`${param.in}:${param.name}`}>
                <input type="hidden" name={`params[${index}].in`} value={param.in} />
                <input type="hidden" name={`params[${index}].name`} value={param.name} />
                <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
                  <span className="mr-1 rounded bg-slate-100 px-1 text-xs text-slate-600">
                    {LOCATION_LABELS[param.in]}
                  </span>
                  <span className="font-mono">{param.name}</span>
                  {param.required ? <span className="text-red-700"> *</span> : null}
                  {param.type ? (
                    <span className="ml-1 text-xs font-normal text-slate-500">{param.type}</span>
                  ) : null}
                  {param.deprecated ? (
                    <span className="ml-1 text-xs font-normal text-amber-700">deprecated</span>
                  ) : null}
                </label>
                <input
                  id={inputId}
                  name={`params[${index}].value`}
                  defaultValue={valueOf(param.in, param.name)}
                  required={param.in === 'path'}
                  aria-invalid={fieldErrors?.length ? true : undefined}
                  aria-describedby={
                    [
                      param.description ? `${inputId}-hint` : '',
                      fieldErrors ? `${inputId}-error` : '',
                    ]
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  className={`${inputClass} mt-1 font-mono`}
                />
                {param.description ? (
                  <p id={`${inputId}-hint`} className="mt-1 text-xs text-slate-500">
                    {param.description}
                  </p>
                ) : null}
                <ErrorList id={`${inputId}-error`} errors={fieldErrors} />
                {param.notes.length ? (
                  <div className="mt-1">
                    <AnnotationList annotations={param.notes} title="Note on this parameter" />
                  </div>
                ) : null}
              </div>
            )
          })}
        </fieldset>
      ) : null}

      <div>
        <label htmlFor="playground-headers" className="block text-sm font-medium text-slate-800">
          Extra headers
        </label>
        <textarea
          id="playground-headers"
          name="headers"
          defaultValue={draft.headers}
          rows={2}
          placeholder="Idempotency-Key: 5b9c…"
          spellCheck={false}
          aria-describedby="playground-headers-hint"
          aria-invalid={errors.headers?.length ? true : undefined}
          className={`${inputClass} mt-1 font-mono text-xs`}
        />
        <p id="playground-headers-hint" className="mt-1 text-xs text-slate-500">
          One <code>Name: value</code> a line. Credentials come from the environment.
        </p>
        <ErrorList errors={errors.headers} />
      </div>

      {selected.mediaTypes.length ? (
        <div className="space-y-2">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <label htmlFor="playground-body" className="text-sm font-semibold text-slate-900">
              Body{selected.bodyRequired ? <span className="text-red-700"> *</span> : null}
            </label>
            <label className="flex items-center gap-2 text-xs text-slate-600">
              Sent as
              <select
                name="mediaType"
                defaultValue={draft.mediaType ?? selected.mediaTypes[0]}
                className="rounded-md border-slate-300 py-1 text-xs"
              >
                {selected.mediaTypes.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="text-xs text-slate-500">
            Written as JSON; form bodies are encoded from it when sent (at most 1 MB).
          </p>
          <BodyEditor
            id="playground-body"
            defaultValue={draft.body}
            violations={bodyViolations}
            errors={[...(errors.body ?? []), ...(errors.mediaType ?? [])]}
          />
        </div>
      ) : null}

      <ViolationList violations={otherViolations} title="Request violations" />

      {canSend ? (
        <div className="flex flex-wrap items-end gap-4 border-t border-slate-200 pt-4">
          <SubmitButton name="intent" value="send" pendingText="Sending…">
            Send
          </SubmitButton>
          <div className="flex items-end gap-2">
            <div>
              <label htmlFor="template-name" className="block text-xs font-medium text-slate-700">
                Template name
              </label>
              <input
                id="template-name"
                name="name"
                maxLength={80}
                placeholder="e.g. Create order, EUR"
                aria-invalid={errors.name?.length ? true : undefined}
                className={`${inputClass} mt-1`}
              />
            </div>
            <SubmitButton
              name="intent"
              value="save-template"
              variant="secondary"
              pendingText="Saving…"
            >
              Save as template
            </SubmitButton>
          </div>
          <ErrorList errors={errors.name} />
        </div>
      ) : (
        <p className="text-sm text-slate-600">Your role may look but not send requests.</p>
      )}
    </Form>
  )
}
