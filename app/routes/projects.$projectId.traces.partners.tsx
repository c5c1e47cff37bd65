import { parseWithZod } from '@conform-to/zod/v4'
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { HowPartnersSend } from '~/components/traces/how-partners-send'
import { PartnerCard } from '~/components/traces/partner-secret-card'
import { RefusedBatches } from '~/components/traces/refused-batches'
import {
  megabytes,
  rotateSchema,
  type TraceSecretsReply as Reply,
  UploadForm,
  uploadSchema,
} from '~/components/traces/trace-secret-forms'
import { EmptyState, Panel } from '~/components/ui/panel'
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
        <RefusedBatches refusals={refusals} />
      </Panel>
    </div>
  )
}
