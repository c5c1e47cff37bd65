import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { MockStatus } from '~/components/mock-status'
import { NewResourceVisibilityFields, RestrictedBadge } from '~/components/sharing/visibility-form'
import { useRevalidateEvery } from '~/components/use-revalidate-every'
import { SubmitButton } from '~/components/ui/button'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import {
  controlMock,
  createMock,
  deleteMock,
  listMocks,
  MockError,
  mockUrls,
} from '~/server/mocks/service.server'
import { listPartnerProjects } from '~/server/partners/partners.server'
import {
  readNewResourceVisibility,
  shareNewResources,
  VisibilityError,
} from '~/server/partners/visibility.server'
import { listSpecs } from '~/server/specs/store.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatUptime } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const [mocks, specs, partners] = await Promise.all([
    listMocks(project.id),
    listSpecs(project.id),
    listPartnerProjects(project.id),
  ])
  const origin = appOrigin(request)
  return {
    projectId: project.id,
    /** The server's clock, so uptimes render the same on the server and in the browser. */
    now: Date.now(),
    canControl: can(access, 'project:write'),
    partners: partners.map(({ id, name }) => ({ id, name })),
    versions: specs.flatMap((spec) =>
      spec.versions.map((version) => ({
        id: version.id,
        label: `${spec.name} v${version.number}`,
      })),
    ),
    mocks: mocks.map((mock) => ({
      id: mock.id,
      status: mock.status,
      desiredState: mock.desiredState,
      lastError: mock.lastError,
      startedAt: mock.startedAt?.toISOString() ?? null,
      requestCount: mock.requestCount,
      restartCount: mock.restartCount,
      spec: `${mock.specVersion.spec.name} v${mock.specVersion.number}`,
      restricted: mock.visibility === 'restricted',
      ...mockUrls(mock, origin),
    })),
  }
}

const COMMANDS = ['start', 'stop', 'restart', 'reset'] as const

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const { project } = access
  const actor = pageActor(access, request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const back = `/projects/${project.id}/mocks`
  try {
    if (intent === 'create') {
      const share = await readNewResourceVisibility(project.id, formData)
      if (!share.ok) return redirectWithToast(back, { type: 'error', message: share.message })
      const mock = await createMock(
        project.id,
        String(formData.get('specVersionId') ?? ''),
        { stateful: formData.get('stateful') === 'on' },
        actor,
      )
      await shareNewResources(project.id, [{ type: 'mock', id: mock.id }], share.state, actor)
      return redirectWithToast(
        back,
        mock.status === 'up'
          ? { type: 'success', message: 'Mock started.' }
          : {
              type: 'error',
              message: `The mock did not start: ${mock.lastError ?? 'unknown error'}`,
            },
      )
    }
    if (intent === 'bulk-stop' || intent === 'bulk-delete') {
      const ids = formData.getAll('mockIds').map(String)
      if (ids.length === 0)
        return redirectWithToast(back, { type: 'error', message: 'Select at least one mock.' })
      for (const id of ids)
        await (intent === 'bulk-stop'
          ? controlMock(project.id, id, 'stop', actor)
          : deleteMock(project.id, id, actor))
      return redirectWithToast(back, {
        type: 'success',
        message: `${ids.length} mock(s) ${intent === 'bulk-stop' ? 'stopped' : 'deleted'}.`,
      })
    }
    const mockId = String(formData.get('mockId') ?? '')
    if (intent === 'delete') {
      await deleteMock(project.id, mockId, actor)
      return redirectWithToast(back, { type: 'success', message: 'Mock deleted.' })
    }
    const command = COMMANDS.find((entry) => entry === intent)
    if (!command) throw new Response(`Unknown action "${intent}".`, { status: 400 })
    await controlMock(project.id, mockId, command, actor)
    return redirectWithToast(back, {
      type: 'success',
      message:
        command === 'reset'
          ? 'Mock state cleared.'
          : `Mock ${command === 'stop' ? 'stopped' : 'started'}.`,
    })
  } catch (error) {
    if (error instanceof MockError || error instanceof VisibilityError)
      return redirectWithToast(back, { type: 'error', message: error.message })
    throw error
  }
}

export default function MocksTab() {
  const { projectId, mocks, versions, canControl, now, partners } = useLoaderData<typeof loader>()
  // Status, uptime and request counts stay current while the tab is open.
  useRevalidateEvery(5000, mocks.length > 0)
  return (
    <div className="space-y-6">
      {canControl ? (
        <Panel title="Start a mock">
          {versions.length === 0 ? (
            <p className="text-sm text-slate-600">
              Import a spec first (
              <Link
                to={`/projects/${projectId}/specs`}
                className="font-semibold text-indigo-700 hover:underline"
              >
                Specs tab
              </Link>
              ): a mock starts by itself after each import.
            </p>
          ) : (
            <Form method="post" className="flex flex-wrap items-end gap-4">
              <input type="hidden" name="intent" value="create" />
              <div>
                <label htmlFor="mock-version" className="block text-sm font-medium text-slate-800">
                  Spec version
                </label>
                <select
                  id="mock-version"
                  name="specVersionId"
                  className={`${inputClass} mt-1 !w-72`}
                >
                  {versions.map((version) => (
                    <option key={version.id} value={version.id}>
                      {version.label}
                    </option>
                  ))}
                </select>
              </div>
              <label className="flex items-center gap-2 pb-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  name="stateful"
                  defaultChecked
                  className="h-4 w-4 rounded border-slate-300"
                />
                Stateful (remember created resources)
              </label>
              {partners.length > 0 ? (
                <div className="basis-full">
                  <NewResourceVisibilityFields idPrefix="new-mock" partners={partners} />
                </div>
              ) : null}
              <SubmitButton pendingText="Starting…">Start mock</SubmitButton>
            </Form>
          )}
        </Panel>
      ) : null}

      {mocks.length === 0 ? (
        <EmptyState title="No mocks yet">
          A mock server is generated from each imported spec, so partners can build before your
          sandbox exists.
        </EmptyState>
      ) : (
        <Panel
          title={`Mocks (${mocks.length})`}
          actions={
            canControl ? (
              <Form method="post" id="bulk" className="flex gap-2">
                <SubmitButton
                  variant="secondary"
                  className="!py-1"
                  name="intent"
                  value="bulk-stop"
                  pendingText="Stopping…"
                >
                  Stop selected
                </SubmitButton>
                <ConfirmAction
                  label="Delete selected"
                  confirmLabel="Delete the selected mocks"
                  value="bulk-delete"
                >
                  Their request logs, stored resources and webhook deliveries are deleted too.
                  Partners calling their URLs get 404.
                </ConfirmAction>
              </Form>
            ) : null
          }
        >
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                {canControl ? (
                  <th className="py-2">
                    <span className="sr-only">Select</span>
                  </th>
                ) : null}
                <th className="py-2">Mock</th>
                <th className="py-2">Status</th>
                <th className="py-2">Uptime</th>
                <th className="py-2">Requests</th>
                {canControl ? <th className="py-2 text-right">Actions</th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {mocks.map((mock) => (
                <tr key={mock.id}>
                  {canControl ? (
                    <td className="py-3 pr-2">
                      <input
                        type="checkbox"
                        name="mockIds"
                        value={mock.id}
                        form="bulk"
                        aria-label={`Select ${mock.spec}`}
                        className="h-4 w-4 rounded border-slate-300"
                      />
                    </td>
                  ) : null}
                  <td className="py-3">
                    <Link
                      to={`/projects/${projectId}/mocks/${mock.id}`}
                      className="font-semibold text-indigo-700 hover:underline"
                    >
                      {mock.spec}
                    </Link>
                    {mock.restricted ? (
                      <>
                        {' '}
                        <RestrictedBadge />
                      </>
                    ) : null}
                    <p className="font-mono text-xs text-slate-600" data-testid="proxy-url">
                      {mock.proxyUrl}
                    </p>
                    {mock.baseUrl ? (
                      <p className="font-mono text-xs text-slate-400">direct: {mock.baseUrl}</p>
                    ) : null}
                  </td>
                  <td className="py-3">
                    <MockStatus status={mock.status} />
                    {mock.lastError ? (
                      <p className="mt-1 max-w-xs text-xs text-red-700">{mock.lastError}</p>
                    ) : null}
                    {mock.restartCount ? (
                      <p className="text-xs text-slate-500">{mock.restartCount} restart(s)</p>
                    ) : null}
                  </td>
                  <td className="py-3 text-slate-600">
                    {formatUptime(mock.startedAt, mock.status, now)}
                  </td>
                  <td className="py-3 text-slate-600">{mock.requestCount}</td>
                  {canControl ? (
                    <td className="py-3">
                      <div className="flex flex-wrap justify-end gap-1">
                        {(mock.status === 'stopped' || mock.status === 'failed'
                          ? (['start'] as const)
                          : (['stop', 'restart', 'reset'] as const)
                        ).map((intent) => (
                          <Form method="post" key={intent}>
                            <input type="hidden" name="mockId" value={mock.id} />
                            <SubmitButton
                              variant="secondary"
                              className="!px-2 !py-1 !text-xs"
                              name="intent"
                              value={intent}
                              pendingFor={['mockId', mock.id]}
                              pendingText="…"
                            >
                              {intent[0]!.toUpperCase() + intent.slice(1)}
                              <span className="sr-only"> {mock.spec}</span>
                            </SubmitButton>
                          </Form>
                        ))}
                        <Form method="post">
                          <input type="hidden" name="mockId" value={mock.id} />
                          <ConfirmAction
                            compact
                            label={
                              <>
                                Delete<span className="sr-only"> {mock.spec}</span>
                              </>
                            }
                            confirmLabel={`Delete ${mock.spec}`}
                            value="delete"
                            pendingFor={['mockId', mock.id]}
                          >
                            Its request log, stored resources and webhook deliveries are deleted
                            too. Partners calling its URL get 404.
                          </ConfirmAction>
                        </Form>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
    </div>
  )
}
