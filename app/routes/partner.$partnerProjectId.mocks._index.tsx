import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { LogPages, RequestLogEntry } from '~/components/mocks/request-log-entry'
import { MockStatus } from '~/components/mock-status'
import { Page } from '~/components/page'
import { PartnerRouteError } from '~/components/partner-route-error'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { appOrigin } from '~/server/http.server'
import { partnerMocksPage } from '~/server/partners/portal-mocks.server'

export const meta: MetaFunction = () => [{ title: 'Mocks · Partner portal · Integration Copilot' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const page = await partnerMocksPage(
    { projectId: access.project.id, partnerProjectId: access.partnerProject.id },
    access.partnerProject,
    new URL(request.url).searchParams,
    appOrigin(request),
  )
  return {
    partner: { id: access.partnerProject.id, slug: access.partnerProject.slug },
    ...page,
  }
}

/** The mocks shared with this partner project, their URLs, and the partner's own requests to them. */
export default function PartnerMocksPage() {
  const { partner, mocks, selectedId, log } = useLoaderData<typeof loader>()
  const selected = mocks.find((mock) => mock.id === selectedId) ?? null
  const base = `/partner/${partner.id}/mocks`
  const header = `X-Copilot-Partner: ${partner.id}`
  return (
    <Page
      title="Mocks"
      description="Mock servers generated from the specs shared with you: build against them before the sandbox is ready."
    >
      {mocks.length === 0 ? (
        <EmptyState title="No mock shared yet">
          The API team has not shared a mock server with your integration yet.
        </EmptyState>
      ) : (
        <>
          <Panel title="Your mocks">
            <ul className="divide-y divide-slate-100">
              {mocks.map((mock) => (
                <li key={mock.id} className="flex flex-wrap items-center gap-3 py-3 text-sm">
                  <div className="min-w-[12rem]">
                    {mock.spec.visible ? (
                      <Link
                        to={`/partner/${partner.id}/specs/${mock.spec.id}?v=${mock.version.number}`}
                        className="font-semibold text-indigo-700 hover:underline"
                      >
                        {mock.spec.name}
                      </Link>
                    ) : (
                      <span className="font-semibold">{mock.spec.name}</span>
                    )}{' '}
                    <span className="text-slate-500">v{mock.version.number}</span>
                  </div>
                  <MockStatus status={mock.status} />
                  <code className="select-all break-all rounded bg-slate-100 px-2 py-1 text-xs">
                    {mock.url}
                  </code>
                  <CopyButton text={mock.url} label="Copy URL" />
                  <Link
                    to={`${base}?mock=${mock.id}`}
                    aria-current={mock.id === selectedId ? 'page' : undefined}
                    className={`ml-auto rounded px-2 py-1 ${mock.id === selectedId ? 'bg-indigo-50 font-semibold text-indigo-800' : 'text-indigo-700 hover:bg-slate-100'}`}
                  >
                    Your requests
                  </Link>
                </li>
              ))}
            </ul>
          </Panel>

          <Panel title="See your requests here">
            <div className="space-y-2 text-sm text-slate-700">
              <p>
                Only the requests that carry your partner header are listed below: add it to every
                request, for instance in your SDK&apos;s default headers.
              </p>
              <div className="flex flex-wrap items-center gap-2">
                <code className="select-all rounded bg-slate-100 px-2 py-1 text-xs">{header}</code>
                <CopyButton text={header} label="Copy header" />
              </div>
              <p className="text-xs text-slate-500">
                Your slug <code>{partner.slug}</code> works too. The playground and your test runs
                add the header for you. Requests without it, the API team&apos;s and other
                partners&apos; requests never appear here.
              </p>
            </div>
          </Panel>

          {selected && log ? (
            <Panel title={`Your requests to ${selected.spec.name} v${selected.version.number}`}>
              {log.entries.length === 0 ? (
                <EmptyState title={log.paged ? 'No older requests' : 'No requests of yours yet'}>
                  Call {selected.url} with the header <code>{header}</code> and your requests appear
                  here.
                </EmptyState>
              ) : (
                <ul
                  aria-label="Your requests, newest first (times in UTC)"
                  className="divide-y divide-slate-100 text-sm"
                >
                  {log.entries.map((entry) => (
                    <li key={entry.id}>
                      <RequestLogEntry entry={entry} />
                    </li>
                  ))}
                </ul>
              )}
              <LogPages
                newestHref={log.paged ? `${base}?mock=${selected.id}` : null}
                olderHref={log.older ? `${base}?mock=${selected.id}&before=${log.older}` : null}
              />
            </Panel>
          ) : null}
        </>
      )}
    </Page>
  )
}

export function ErrorBoundary() {
  return <PartnerRouteError section="mocks" label="All mocks" />
}
