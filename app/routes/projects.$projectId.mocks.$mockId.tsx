import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { MockRequestLogPanel } from '~/components/mocks/mock-request-log-panel'
import { MockSettingsForm } from '~/components/mocks/mock-settings-form'
import { MockWebhooksPanel } from '~/components/mocks/mock-webhooks-panel'
import { MockStatus } from '~/components/mock-status'
import { type VisibilityActionResult, VisibilityForm } from '~/components/sharing/visibility-form'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import { mockDetail } from '~/server/mocks/detail.server'
import {
  configureMock,
  MockError,
  rotateSigningSecret,
  saveWebhookTarget,
  sendTestEvent,
} from '~/server/mocks/service.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import { applyVisibilityForm, shareState } from '~/server/partners/visibility.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatUptime } from '~/shared/format'
import { SettingsSchema, WebhookTargetSchema } from '~/shared/mock-forms'
import { parseOriginList } from '~/shared/origins'

const LIVE_REFRESH_MS = 3000

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const detail = await mockDetail(project.id, params.mockId ?? '', {
    search: new URL(request.url).searchParams,
    appOrigin: appOrigin(request),
  })
  if (!detail) throw new Response('That mock does not exist in this project.', { status: 404 })
  const [partners, sharing] = await Promise.all([
    listPartnerProjects(project.id),
    shareState(project.id, 'mock', detail.mock.id),
  ])
  return {
    projectId: project.id,
    /** The server's clock, so uptimes render the same on the server and in the browser. */
    now: Date.now(),
    canControl: can(access, 'project:write'),
    ...detail,
    sharing: { state: sharing, partners: partners.map(({ id, name }) => ({ id, name })) },
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { project } = access
  const mockId = params.mockId ?? ''
  const actor = pageActor(access, request)
  const formData = await request.formData()
  const back = `/projects/${project.id}/mocks/${mockId}`
  const intent = String(formData.get('intent') ?? 'settings')
  try {
    switch (intent) {
      case 'webhook-target': {
        const submission = parseWithZod(formData, { schema: WebhookTargetSchema })
        if (submission.status !== 'success')
          return data({ ...NO_REPLY, webhook: submission.reply() }, { status: 400 })
        const url = submission.value.targetUrl || null
        const { newSecret } = await saveWebhookTarget(project.id, mockId, url, actor)
        // A new signing secret is shown in full this once, on this answer only.
        if (newSecret) return data({ ...NO_REPLY, revealedSecret: newSecret })
        return redirectWithToast(back, {
          type: 'success',
          message: url ? 'Webhook target saved.' : 'Webhook target removed.',
        })
      }
      case 'rotate-secret':
        return data({
          ...NO_REPLY,
          revealedSecret: await rotateSigningSecret(project.id, mockId, actor),
        })
      case 'send-event':
        await sendTestEvent(project.id, mockId, String(formData.get('event') ?? ''), actor)
        return redirectWithToast(back, {
          type: 'success',
          message: 'Test event sent: see Deliveries.',
        })
      case 'settings': {
        const submission = parseWithZod(formData, { schema: SettingsSchema })
        const credentialFields = [...formData.keys()].filter((key) => key.startsWith('credential:'))
        if (submission.status !== 'success')
          // Credentials typed into the form never travel back to the page.
          return data(
            { ...NO_REPLY, settings: submission.reply({ hideFields: credentialFields }) },
            { status: 400 },
          )
        const values = submission.value
        const set: Record<string, string> = {}
        const clear: string[] = []
        for (const key of credentialFields) {
          const scheme = key.slice('credential:'.length)
          const value = formData.get(key)
          if (formData.get(`clear:${scheme}`) === 'on') clear.push(scheme)
          else if (typeof value === 'string' && value.trim())
            set[scheme] = value.trim().slice(0, 500)
        }
        await configureMock(
          project.id,
          mockId,
          {
            stateful: values.stateful,
            idempotencyKeyOnPost: values.idempotencyKeyOnPost,
            rateLimit:
              values.rateLimitRequests > 0 && values.rateLimitWindow > 0
                ? { requests: values.rateLimitRequests, windowSeconds: values.rateLimitWindow }
                : null,
            latency: { fixedMs: values.latencyFixed, randomMs: values.latencyRandom },
            errorRate: values.errorRatePercent / 100,
            corsOrigins: parseOriginList(values.corsOrigins).origins ?? [],
            credentials: { set, clear },
          },
          actor,
        )
        return redirectWithToast(back, {
          type: 'success',
          message: 'Mock settings saved and applied.',
        })
      }
      case 'visibility': {
        const shared = await applyVisibilityForm(
          project.id,
          [{ type: 'mock', id: mockId }],
          formData,
          actor,
        )
        if (!shared.ok) return data({ ...NO_REPLY, visibility: shared }, { status: shared.status })
        return redirectWithToast(back, { type: 'success', message: shared.message })
      }
      default:
        throw new Response(`Unknown action "${intent}".`, { status: 400 })
    }
  } catch (error) {
    if (error instanceof MockError)
      return redirectWithToast(back, { type: 'error', message: error.message })
    throw error
  }
}

const NO_REPLY = { settings: null, webhook: null, revealedSecret: null, visibility: null } as {
  settings: SubmissionResult<string[]> | null
  webhook: SubmissionResult<string[]> | null
  revealedSecret: string | null
  visibility: VisibilityActionResult | null
}

export default function MockDetail() {
  const { projectId, mock, config, requests, log, canControl, webhooks, now, sharing } =
    useLoaderData<typeof loader>()
  const page = `/projects/${projectId}/mocks/${mock.id}`
  // The newest page follows new requests as they arrive; older pages stay put.
  useRevalidateEvery(LIVE_REFRESH_MS, !log.paged)
  const result = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${projectId}/mocks`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All mocks
        </Link>
        <h2 className="mt-1 flex items-center gap-3 text-xl font-bold text-slate-900">
          {mock.spec} <MockStatus status={mock.status} />
        </h2>
        <p className="font-mono text-xs text-slate-600">{mock.proxyUrl}</p>
        {mock.baseUrl ? (
          <p className="font-mono text-xs text-slate-400">direct: {mock.baseUrl}</p>
        ) : null}
        <p className="mt-1 text-sm text-slate-600">
          Uptime {formatUptime(mock.startedAt, mock.status, now)} · {mock.requestCount} requests
          {mock.memoryMb ? ` · ${mock.memoryMb} MB` : ''}
        </p>
        {mock.lastError ? <p className="text-sm text-red-700">{mock.lastError}</p> : null}
      </div>

      <Panel title="Settings">
        {canControl ? (
          <MockSettingsForm config={config} lastResult={result?.settings} />
        ) : (
          <p className="text-sm text-slate-600">
            Only vendors, admins and owners change mock settings.
          </p>
        )}
      </Panel>

      <Panel title="Who sees this mock">
        <VisibilityForm
          resourceType="mock"
          state={sharing.state}
          partners={sharing.partners}
          canEdit={canControl}
          result={result?.visibility}
          partnersLink={`/projects/${projectId}/partners`}
        />
      </Panel>

      {webhooks ? (
        <MockWebhooksPanel
          webhooks={webhooks}
          canControl={canControl}
          revealedSecret={result?.revealedSecret}
          lastResult={result?.webhook}
        />
      ) : null}

      <MockRequestLogPanel page={page} log={log} requests={requests} proxyUrl={mock.proxyUrl} />
    </div>
  )
}
