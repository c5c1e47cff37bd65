import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { CopyButton } from '~/components/copy-button'
import { SubmitButton } from '~/components/ui/button'
import { ErrorList, FormErrors, inputClass } from '~/components/ui/forms'
import { EmptyState, Notice, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin, forbidden, readUploadForm } from '~/server/http.server'
import { redirectWithToast } from '~/server/toast.server'
import { TraceIngestError, uploadTraces } from '~/server/traces/ingest.server'
import {
  MAX_BATCH_BYTES,
  MAX_TRACES_PER_BATCH,
  TraceBatchError,
} from '~/server/traces/parse.server'
import { listRefusals, partnerSecrets } from '~/server/traces/query.server'
import {
  DEFAULT_OVERLAP_HOURS,
  MAX_OVERLAP_HOURS,
  retirePreviousSecret,
  rotateTraceSecret,
  TraceSecretError,
} from '~/server/traces/secrets.server'
import { formatDateTime, plural } from '~/shared/format'

export const meta: MetaFunction = () => [
  { title: 'Trace secrets and uploads · Integration Copilot' },
]

/** The answer that shows a new secret is never cached (the document's headers follow the action's). */
export const headers: HeadersFunction = ({ actionHeaders, parentHeaders }) => {
  const merged = new Headers(parentHeaders)
  const cacheControl = actionHeaders.get('Cache-Control')
  if (cacheControl) merged.set('Cache-Control', cacheControl)
  return merged
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** The schemas take their limits as arguments: the browser gets them from the loader. */
function rotateSchema(maxHours: number) {
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

function uploadSchema(maxBytes: number) {
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

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const [partners, refusals] = await Promise.all([
    partnerSecrets(project.id),
    listRefusals(project.id, 20),
  ])
  return {
    projectId: project.id,
    endpoint: `${appOrigin(request)}/api/v1/traces`,
    canManage: can(access, 'project:manage'),
    canUpload: can(access, 'project:write'),
    partners,
    refusals,
    limits: {
      defaultOverlapHours: DEFAULT_OVERLAP_HOURS,
      maxOverlapHours: MAX_OVERLAP_HOURS,
      maxUploadBytes: MAX_BATCH_BYTES,
      maxTraces: MAX_TRACES_PER_BATCH,
    },
  }
}

type UploadOutcome = {
  partnerProjectId: string
  fileName: string
  accepted: number
  valid: number
  rejected: { index: number; reason: string }[]
}

type Reply =
  | {
      intent: 'rotate'
      partnerProjectId: string
      result: SubmissionResult<string[]>
      secret?: string
      overlapHours?: number
    }
  | { intent: 'upload'; result: SubmissionResult<string[]>; outcome?: UploadOutcome }

const tooLarge = () =>
  data<Reply>(
    {
      intent: 'upload',
      result: {
        status: 'error',
        error: {
          file: [
            `The file is larger than ${megabytes(MAX_BATCH_BYTES)}. Split it (fewer entries per file) or send the traces through the API in batches.`,
          ],
        },
      },
    },
    { status: 413 },
  )

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const projectId = access.project.id
  const back = `/projects/${projectId}/traces/partners`
  // A file announced as too large is refused before it is read.
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BATCH_BYTES + 64 * 1024)
    return tooLarge()
  let formData: FormData
  if (/^multipart\/form-data/i.test(request.headers.get('content-type') ?? '')) {
    const upload = await readUploadForm(request, MAX_BATCH_BYTES)
    if ('formData' in upload) formData = upload.formData
    else if (upload.status === 413) return tooLarge()
    else
      return data<Reply>(
        {
          intent: 'upload',
          result: {
            status: 'error',
            error: {
              '': [
                'The upload could not be read (a malformed form body). Choose the file again and resubmit.',
              ],
            },
          },
        },
        { status: 400 },
      )
  } else formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const actor = pageActor(access, request)
  switch (intent) {
    case 'rotate': {
      if (!can(access, 'project:manage'))
        throw forbidden('Only admins and owners create and rotate trace secrets.')
      const submission = parseWithZod(formData, { schema: rotateSchema(MAX_OVERLAP_HOURS) })
      const partnerProjectId = String(formData.get('partnerProjectId') ?? '').slice(0, 100)
      if (submission.status !== 'success')
        return data<Reply>(
          { intent, partnerProjectId, result: submission.reply() },
          { status: 400 },
        )
      const overlapHours = submission.value.overlapHours ?? DEFAULT_OVERLAP_HOURS
      try {
        const secret = await rotateTraceSecret(projectId, partnerProjectId, actor, {
          overlapHours,
        })
        // The secret travels in this answer only: never cached, never in the page's loader data.
        return data<Reply>(
          {
            intent,
            partnerProjectId,
            result: submission.reply({ resetForm: true }),
            secret,
            overlapHours,
          },
          { headers: { 'Cache-Control': 'no-store' } },
        )
      } catch (error) {
        if (error instanceof TraceSecretError)
          return data<Reply>(
            { intent, partnerProjectId, result: submission.reply({ formErrors: [error.message] }) },
            { status: 404 },
          )
        throw error
      }
    }
    case 'retire': {
      if (!can(access, 'project:manage'))
        throw forbidden('Only admins and owners retire trace secrets.')
      const partnerProjectId = String(formData.get('partnerProjectId') ?? '').slice(0, 100)
      try {
        await retirePreviousSecret(projectId, partnerProjectId, actor)
      } catch (error) {
        if (error instanceof TraceSecretError) throw new Response(error.message, { status: 404 })
        throw error
      }
      return redirectWithToast(back, {
        type: 'success',
        message: 'The previous trace secret is retired: only the current one verifies now.',
      })
    }
    case 'upload': {
      const submission = parseWithZod(formData, { schema: uploadSchema(MAX_BATCH_BYTES) })
      if (submission.status !== 'success')
        return data<Reply>(
          { intent, result: submission.reply({ hideFields: ['file'] }) },
          { status: 400 },
        )
      const { file, partnerProjectId } = submission.value
      const name = file.name.slice(0, 200)
      try {
        const outcome = await uploadTraces(
          projectId,
          partnerProjectId,
          {
            text: await file.text(),
            // Browsers often send a .har as application/octet-stream or nothing at all.
            contentType: /\.har$/i.test(name)
              ? 'application/har+json'
              : /json/i.test(file.type)
                ? file.type
                : 'application/json',
          },
          actor,
        )
        return data<Reply>({
          intent,
          result: submission.reply({ resetForm: true }),
          outcome: {
            partnerProjectId,
            fileName: name,
            accepted: outcome.accepted,
            valid: outcome.valid,
            rejected: outcome.rejected.slice(0, 200),
          },
        })
      } catch (error) {
        if (error instanceof TraceIngestError || error instanceof TraceBatchError) {
          const field = error.status === 404 ? 'partnerProjectId' : 'file'
          return data<Reply>(
            {
              intent,
              result: submission.reply({
                hideFields: ['file'],
                fieldErrors: { [field]: [`${name}: ${error.message}`] },
              }),
            },
            { status: error.status === 404 ? 400 : error.status },
          )
        }
        throw error
      }
    }
    default:
      throw new Response(`Unknown action “${intent.slice(0, 40)}”.`, { status: 400 })
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type Partner = LoaderData['partners'][number]

function SignedHeaders({ partner }: { partner: Partner }) {
  return (
    <>
      <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
        {`X-Copilot-Partner: ${partner.id}
X-Copilot-Timestamp: <unix seconds, e.g. the output of date +%s>
X-Copilot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>`}
      </pre>
      <p className="text-xs">
        The id always names this partner; its short name “{partner.slug}” works too while no other
        project uses the same one.
      </p>
    </>
  )
}

function NewSecret({
  partner,
  secret,
  overlapHours,
}: {
  partner: Partner
  secret: string
  overlapHours?: number
}) {
  return (
    <div
      role="status"
      className="mt-3 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
    >
      <p className="font-semibold">
        New trace secret for {partner.name}: copy it now, it is shown this once.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          className="break-all rounded bg-white px-2 py-1 font-mono text-xs"
          data-testid="new-trace-secret"
        >
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <p>Hand it to the partner over a private channel. Each batch they send carries:</p>
      <SignedHeaders partner={partner} />
      {partner.secret.previousValidUntil ? (
        <p>
          The previous secret keeps verifying until{' '}
          {formatDateTime(partner.secret.previousValidUntil)}
          {overlapHours ? ` (${plural(overlapHours, 'hour')})` : ''}: the partner switches before
          then.
        </p>
      ) : (
        <p>Batches signed with any earlier secret are refused from now on.</p>
      )}
    </div>
  )
}

function RotateForm({
  partner,
  reply,
  limits,
}: {
  partner: Partner
  reply: Extract<Reply, { intent: 'rotate' }> | undefined
  limits: LoaderData['limits']
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

function PartnerCard({
  partner,
  reply,
  data: loaderData,
}: {
  partner: Partner
  reply: Reply | undefined
  data: LoaderData
}) {
  const { canManage, limits, projectId } = loaderData
  const rotation =
    reply?.intent === 'rotate' && reply.partnerProjectId === partner.id ? reply : undefined
  const { secret } = partner
  return (
    <li className="rounded-md border border-slate-200 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold text-slate-900">
          {partner.name} <span className="font-normal text-slate-500">({partner.slug})</span>
        </h3>
        <Link
          to={`/projects/${projectId}/traces?${new URLSearchParams({ partner: partner.id })}`}
          className="text-sm text-indigo-700 hover:underline"
        >
          Its traces
        </Link>
      </div>
      <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-500">Partner id</dt>
        <dd className="flex flex-wrap items-center gap-2">
          <code className="break-all text-xs">{partner.id}</code>
          <CopyButton text={partner.id} label="Copy id" />
        </dd>
        <dt className="text-slate-500">Trace secret</dt>
        <dd className="text-slate-900" data-testid="secret-status">
          {secret.configured ? (
            <>
              <code className="text-xs">{secret.masked}</code>
              {secret.rotatedAt ? (
                <span className="text-slate-600"> · set {formatDateTime(secret.rotatedAt)}</span>
              ) : null}
            </>
          ) : (
            <span className="text-slate-600">
              None yet: the partner cannot send signed traces until one is created.
            </span>
          )}
        </dd>
        {secret.previousValidUntil ? (
          <>
            <dt className="text-slate-500">Previous secret</dt>
            <dd className="text-slate-900">
              Still accepted until {formatDateTime(secret.previousValidUntil)}
            </dd>
          </>
        ) : null}
      </dl>
      {rotation?.secret ? (
        <NewSecret
          partner={partner}
          secret={rotation.secret}
          overlapHours={rotation.overlapHours}
        />
      ) : null}
      {canManage ? (
        <div className="mt-3 flex flex-wrap items-end gap-4">
          <RotateForm partner={partner} reply={rotation} limits={limits} />
          {secret.previousValidUntil ? (
            <Form method="post" className="space-y-1">
              <input type="hidden" name="intent" value="retire" />
              <input type="hidden" name="partnerProjectId" value={partner.id} />
              <input type="hidden" name="which" value={`retire-${partner.id}`} />
              <p className="max-w-xs text-xs text-slate-600">
                Once the partner signs with the new secret, stop the old one now rather than at the
                end of the window.
              </p>
              <SubmitButton
                variant="danger"
                pendingText="Retiring…"
                pendingFor={['which', `retire-${partner.id}`]}
              >
                Retire the previous secret now
              </SubmitButton>
            </Form>
          ) : null}
        </div>
      ) : (
        <p className="mt-3 text-xs text-slate-500">
          Admins and owners create and rotate trace secrets.
        </p>
      )}
    </li>
  )
}

function UploadForm({
  data: loaderData,
  reply,
}: {
  data: LoaderData
  reply: Extract<Reply, { intent: 'upload' }> | undefined
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

function HowPartnersSend({ endpoint }: { endpoint: string }) {
  const curl = `SECRET='tsk_…'            # the partner project's trace secret
PARTNER='<partner id>'
BODY='{"traces":[{"request":{"method":"GET","url":"https://api.example.com/v1/orders"},"response":{"status":200,"headers":{"content-type":"application/json"},"body":{"data":[]}}}]}'
TS=$(date +%s)
SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')
curl -sS -X POST '${endpoint}' \\
  -H 'Content-Type: application/json' \\
  -H "X-Copilot-Partner: $PARTNER" \\
  -H "X-Copilot-Timestamp: $TS" \\
  -H "X-Copilot-Signature: sha256=$SIG" \\
  --data-binary "$BODY"`
  const node = `import crypto from 'node:crypto'

const body = JSON.stringify({ traces }) // [{ request, response, timestamp, durationMs }]
const timestamp = Math.floor(Date.now() / 1000)
const signature = crypto
  .createHmac('sha256', process.env.TRACE_SECRET)
  .update(\`\${timestamp}.\${body}\`)
  .digest('hex')
await fetch('${endpoint}', {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    'X-Copilot-Partner': process.env.PARTNER_ID,
    'X-Copilot-Timestamp': String(timestamp),
    'X-Copilot-Signature': \`sha256=\${signature}\`,
  },
  body,
})`
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <p>
        Partners POST batches of request/response pairs (<code>{'{"traces": [...]}'}</code> or a HAR
        file as <code>application/har+json</code>) to <code className="break-all">{endpoint}</code>,
        signed with their partner project’s secret: HMAC-SHA256 over{' '}
        <code>{'<timestamp>.<raw body>'}</code>. A batch is accepted for five minutes after its
        timestamp, once (a replay is refused); an unsigned or wrongly signed batch is refused with
        the reason, and listed below. The README, section “Traces”, has the full reference.
      </p>
      <div>
        <div className="flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-800">With curl and openssl</h3>
          <CopyButton text={curl} label="Copy" />
        </div>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
          {curl}
        </pre>
      </div>
      <div>
        <div className="flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-800">With Node.js 18+</h3>
          <CopyButton text={node} label="Copy" />
        </div>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
          {node}
        </pre>
      </div>
    </div>
  )
}

export default function TraceSecretsPage() {
  const loaderData = useLoaderData<typeof loader>()
  const reply = useActionData<typeof action>()
  const { partners, refusals, canUpload, endpoint } = loaderData
  return (
    <div className="space-y-6">
      <Panel title="Partners’ trace secrets">
        {partners.length === 0 ? (
          <EmptyState title="No partner yet">
            Each partner gets its own trace secret.{' '}
            <Link
              to={`/projects/${loaderData.projectId}/plan`}
              className="font-semibold text-indigo-700 hover:underline"
            >
              Add a partner on the Plan tab
            </Link>
            , then create its secret here.
          </EmptyState>
        ) : (
          <ul className="space-y-4">
            {partners.map((partner) => (
              <PartnerCard key={partner.id} partner={partner} reply={reply} data={loaderData} />
            ))}
          </ul>
        )}
      </Panel>

      {canUpload && partners.length ? (
        <section id="upload" aria-label="Upload traces">
          <Panel title="Upload a HAR or JSON file">
            <UploadForm data={loaderData} reply={reply?.intent === 'upload' ? reply : undefined} />
          </Panel>
        </section>
      ) : null}

      <section id="how-partners-send" aria-label="How partners send traces">
        <Panel title="How partners send traces">
          <HowPartnersSend endpoint={endpoint} />
        </Panel>
      </section>

      <Panel title="Refused batches">
        {refusals.length === 0 ? (
          <p className="text-sm text-slate-600">
            No batch was refused. Unsigned, wrongly signed, too old and replayed batches show here
            with the reason.
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
        )}
      </Panel>
    </div>
  )
}
