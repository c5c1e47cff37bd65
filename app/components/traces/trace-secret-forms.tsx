/**
 * The Traces tab's "Secrets and uploads" forms: rotating a partner's trace secret and
 * uploading a HAR or JSON file. The schemas take their limits as arguments, so the browser
 * (which gets them from the loader) and the action validate alike.
 */
import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { SerializeFrom } from '@remix-run/node'
import { Form, Link } from '@remix-run/react'
import { z } from 'zod'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors, inputClass } from '~/components/ui/forms'
import { Notice } from '~/components/ui/panel'
import type { partnerSecrets } from '~/server/traces/query.server'
import { plural } from '~/shared/format'

/** A partner with its trace secret's status, as the page's loader gives it. */
export type SecretPartner = SerializeFrom<typeof partnerSecrets>[number]

/** The limits the loader hands to the forms. */
export type TraceSecretLimits = {
  defaultOverlapHours: number
  maxOverlapHours: number
  maxUploadBytes: number
  maxTraces: number
}

export const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** The schemas take their limits as arguments: the browser gets them from the loader. */
export function rotateSchema(maxHours: number) {
  return z.object({
    intent: z.literal('rotate'),
    partnerProjectId: z.string().min(1).max(100),
    overlapHours: z
      .number({ error: 'Give a number of hours (0 stops the old secret at once).' })
      .int('Give whole hours.')
      .min(0, 'Give 0 hours or more.')
      .max(maxHours, `At most ${maxHours} hours (${maxHours / 24} days).`)
      .optional(),
  })
}

export function uploadSchema(maxBytes: number) {
  return z.object({
    intent: z.literal('upload'),
    partnerProjectId: z
      .string({ error: 'Choose the partner whose traffic this is.' })
      .min(1, 'Choose the partner whose traffic this is.')
      .max(100),
    file: z
      .file({ error: 'Choose a .har or .json file to upload.' })
      .max(
        maxBytes,
        `The file is larger than ${megabytes(maxBytes)}. Split it (fewer entries per file) or send the traces through the API in batches.`,
      ),
  })
}

export type UploadOutcome = {
  partnerProjectId: string
  fileName: string
  accepted: number
  valid: number
  rejected: { index: number; reason: string }[]
}

/** What the action answers (a rotation carries the new secret, this once). */
export type TraceSecretsReply =
  | {
      intent: 'rotate'
      partnerProjectId: string
      result: SubmissionResult<string[]>
      secret?: string
      overlapHours?: number
    }
  | { intent: 'upload'; result: SubmissionResult<string[]>; outcome?: UploadOutcome }

/** Creates or rotates a partner's trace secret (with the overlap window when one exists). */
export function RotateForm({
  partner,
  reply,
  limits,
}: {
  partner: SecretPartner
  reply: Extract<TraceSecretsReply, { intent: 'rotate' }> | undefined
  limits: TraceSecretLimits
}) {
  const schema = rotateSchema(limits.maxOverlapHours)
  const [form, fields] = useForm({
    id: `rotate-${partner.id}`,
    lastResult: reply?.result,
    constraint: getZodConstraint(schema),
    defaultValue: { overlapHours: String(limits.defaultOverlapHours) },
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const hintId = `${fields.overlapHours.id}-hint`
  return (
    <Form method="post" className="space-y-2" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="rotate" />
      <input type="hidden" name="partnerProjectId" value={partner.id} />
      <input type="hidden" name="which" value={`rotate-${partner.id}`} />
      <FormErrors errors={form.errors} id={form.errorId} />
      {partner.secret.configured ? (
        <div className="max-w-xs">
          <label
            htmlFor={fields.overlapHours.id}
            className="block text-sm font-medium text-slate-800"
          >
            Keep the current secret valid for (hours)
          </label>
          <input
            {...getInputProps(fields.overlapHours, { type: 'number', ariaDescribedBy: hintId })}
            key={fields.overlapHours.key}
            className={`${inputClass} mt-1`}
          />
          <p id={hintId} className="mt-1 text-xs text-slate-500">
            Both secrets verify during this window, so the partner can switch without losing a
            batch. 0 stops the current one at once; at most {limits.maxOverlapHours} hours.
          </p>
          <ErrorList id={fields.overlapHours.errorId} errors={fields.overlapHours.errors} />
        </div>
      ) : null}
      <SubmitButton
        variant={partner.secret.configured ? 'secondary' : 'primary'}
        pendingText={partner.secret.configured ? 'Rotating…' : 'Creating…'}
        pendingFor={['which', `rotate-${partner.id}`]}
      >
        {partner.secret.configured ? 'Rotate secret' : 'Create secret'}
      </SubmitButton>
    </Form>
  )
}

/** Uploads a HAR or JSON file of a partner's traffic, then shows what was stored and rejected. */
export function UploadForm({
  data: loaderData,
  reply,
}: {
  data: {
    projectId: string
    partners: { id: string; name: string }[]
    limits: TraceSecretLimits
  }
  reply: Extract<TraceSecretsReply, { intent: 'upload' }> | undefined
}) {
  const { partners, limits, projectId } = loaderData
  const schema = uploadSchema(limits.maxUploadBytes)
  const [form, fields] = useForm({
    id: 'upload-traces',
    lastResult: reply?.result,
    constraint: getZodConstraint(schema),
    defaultValue: { partnerProjectId: partners.length === 1 ? partners[0]!.id : '' },
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const outcome = reply?.outcome
  const hintId = `${fields.file.id}-hint`
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        A HAR file (exported from a browser’s developer tools or a proxy) or a JSON file{' '}
        <code>{'{"traces": [...]}'}</code>, up to {megabytes(limits.maxUploadBytes)} and{' '}
        {limits.maxTraces.toLocaleString('en-GB')} entries. Uploaded traces are checked against the
        spec like signed ones, but stored as <strong>not verified</strong>: no partner signed them.
      </p>
      <Form
        method="post"
        encType="multipart/form-data"
        className="space-y-4"
        {...getFormProps(form)}
      >
        <input type="hidden" name="intent" value="upload" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <label
              htmlFor={fields.partnerProjectId.id}
              className="block text-sm font-medium text-slate-800"
            >
              Partner
            </label>
            <select
              {...getSelectProps(fields.partnerProjectId)}
              key={fields.partnerProjectId.key}
              className={`${inputClass} mt-1`}
            >
              <option value="">Choose a partner…</option>
              {partners.map((partner) => (
                <option key={partner.id} value={partner.id}>
                  {partner.name}
                </option>
              ))}
            </select>
            <ErrorList
              id={fields.partnerProjectId.errorId}
              errors={fields.partnerProjectId.errors}
            />
          </div>
          <div>
            <label htmlFor={fields.file.id} className="block text-sm font-medium text-slate-800">
              File
            </label>
            <input
              {...getInputProps(fields.file, { type: 'file', ariaDescribedBy: hintId })}
              key={fields.file.key}
              accept=".har,.json,application/json"
              className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold file:text-slate-800 hover:file:bg-slate-200"
            />
            <p id={hintId} className="mt-1 text-xs text-slate-500">
              .har or .json, up to {megabytes(limits.maxUploadBytes)}.
            </p>
            <ErrorList id={fields.file.errorId} errors={fields.file.errors} />
          </div>
        </div>
        <SubmitButton pendingText="Uploading and checking…">Upload traces</SubmitButton>
      </Form>
      {outcome ? (
        <div data-testid="upload-outcome">
          <Notice tone={outcome.rejected.length || outcome.accepted === 0 ? 'warning' : 'success'}>
            <p className="font-semibold">
              {outcome.fileName || 'The file'}: {plural(outcome.accepted, 'trace')} stored
              {outcome.accepted
                ? ` (${outcome.valid.toLocaleString('en-GB')} valid against the spec)`
                : ''}
              {outcome.rejected.length
                ? `, ${outcome.rejected.length.toLocaleString('en-GB')} rejected`
                : ''}
              .
            </p>
            {outcome.rejected.length ? (
              <ul className="mt-2 list-disc space-y-1 pl-5">
                {outcome.rejected.map((entry) => (
                  <li key={entry.index} className="break-words">
                    Entry {(entry.index + 1).toLocaleString('en-GB')}{' '}
                    <span className="font-mono text-xs">(index {entry.index})</span>: {entry.reason}
                  </li>
                ))}
              </ul>
            ) : null}
            {outcome.accepted ? (
              <p className="mt-2">
                <Link
                  to={`/projects/${projectId}/traces?${new URLSearchParams({ partner: outcome.partnerProjectId, verified: 'no' })}`}
                  className="font-semibold underline"
                >
                  See the uploaded traces
                </Link>
              </p>
            ) : null}
          </Notice>
        </div>
      ) : null}
    </div>
  )
}
