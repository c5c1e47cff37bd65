/** Settings → API tokens: every project's tokens in one list, revocable from here. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import {
  findOrganizationToken,
  listOrganizationTokens,
  ORGANIZATION_TOKENS_PAGE_SIZE,
  revokeApiToken,
} from '~/server/api-tokens.server'
import { audit } from '~/server/audit/log.server'
import { getClientIp } from '~/server/http.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate, formatDateTime } from '~/shared/format'
import { PageLinks } from '~/components/ui/page-links'

export const meta: MetaFunction = () => [{ title: 'API tokens · Settings · Integration Copilot' }]

const STATUSES = ['active', 'revoked', 'all'] as const
type Status = (typeof STATUSES)[number]

function parseQuery(url: URL): { status: Status; page: number } {
  const status = STATUSES.find((value) => value === url.searchParams.get('status')) ?? 'active'
  const page = Number.parseInt(url.searchParams.get('page') ?? '1', 10)
  return { status, page: Number.isSafeInteger(page) && page > 0 && page < 100_000 ? page : 1 }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'token:manage')
  const query = parseQuery(new URL(request.url))
  const { total, tokens } = await listOrganizationTokens(access.organization.id, query)
  return {
    ...query,
    total,
    pageCount: Math.max(1, Math.ceil(total / ORGANIZATION_TOKENS_PAGE_SIZE)),
    tokens: tokens.map((token) => ({
      id: token.id,
      name: token.name,
      prefix: token.prefix,
      project: token.project,
      createdAt: token.createdAt.toISOString(),
      createdBy: token.createdBy?.name ?? 'a deleted user',
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      revokedAt: token.revokedAt?.toISOString() ?? null,
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'token:manage')
  const formData = await request.formData()
  const back = `/settings/tokens${new URL(request.url).search}`
  if (formData.get('intent') !== 'revoke')
    throw new Response('Unknown action. Reload the page and try again.', { status: 400 })
  const tokenId = String(formData.get('tokenId') ?? '').slice(0, 100)
  const token = await findOrganizationToken(access.organization.id, tokenId)
  if (!token || !(await revokeApiToken(token.projectId, token.id)))
    return redirectWithToast(back, {
      type: 'error',
      message: 'That token was already revoked or does not exist.',
    })
  await audit({
    action: 'api_token.revoked',
    actorUserId: access.user.id,
    organizationId: access.organization.id,
    projectId: token.projectId,
    targetType: 'api_token',
    targetId: token.id,
    ip: getClientIp(request),
    metadata: { name: token.name, via: 'settings' },
  })
  return redirectWithToast(back, {
    type: 'success',
    message: `Token “${token.name}” revoked: requests using it now get a 401.`,
  })
}

export default function SettingsTokens() {
  const { status, page, pageCount, total, tokens } = useLoaderData<typeof loader>()
  const pageLink = (target: number) => `?status=${status}&page=${target}`
  return (
    <Panel
      title={`API tokens (${total})`}
      actions={
        <Form method="get" className="flex items-center gap-2">
          <label htmlFor="token-status" className="text-sm text-slate-600">
            Show
          </label>
          <select
            id="token-status"
            name="status"
            defaultValue={status}
            className="rounded-md border-slate-300 py-1 text-sm"
          >
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
            <option value="all">All</option>
          </select>
          <button
            type="submit"
            className="rounded-md bg-white px-2 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Filter
          </button>
        </Form>
      }
    >
      <p className="text-sm text-slate-600">
        Tokens belong to one project and call its JSON API. Create them in a project's{' '}
        <strong>Settings</strong> tab; revoke any of them here.
      </p>
      {tokens.length === 0 ? (
        <div className="mt-4">
          <EmptyState title={status === 'revoked' ? 'No revoked tokens' : 'No tokens yet'}>
            {status === 'active'
              ? 'No project has an active API token. Open a project, then Settings → API tokens.'
              : null}
          </EmptyState>
        </div>
      ) : (
        <table className="mt-4 w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2">Name</th>
              <th className="py-2">Project</th>
              <th className="py-2">Token</th>
              <th className="py-2">Created</th>
              <th className="py-2">Last used</th>
              <th className="py-2 text-right">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tokens.map((token) => (
              <tr key={token.id}>
                <td className="py-2 font-medium text-slate-900">{token.name}</td>
                <td className="py-2">
                  <Link
                    to={`/projects/${token.project.id}/settings`}
                    className="text-indigo-700 hover:underline"
                  >
                    {token.project.name}
                  </Link>
                </td>
                <td className="py-2 font-mono text-xs text-slate-600">{token.prefix}…</td>
                <td className="py-2 text-slate-600">
                  {formatDate(token.createdAt)} by {token.createdBy}
                </td>
                <td className="py-2 text-slate-600">
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}
                </td>
                <td className="py-2 text-right">
                  {token.revokedAt ? (
                    <span className="text-xs text-slate-500">
                      Revoked {formatDate(token.revokedAt)}
                    </span>
                  ) : (
                    <Form method="post" className="inline-block">
                      <input type="hidden" name="tokenId" value={token.id} />
                      <ConfirmAction
                        compact
                        label={
                          <>
                            Revoke<span className="sr-only"> {token.name}</span>
                          </>
                        }
                        confirmLabel="Revoke token"
                        value="revoke"
                      >
                        Requests using “{token.name}” will be refused at once. This cannot be
                        undone.
                      </ConfirmAction>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PageLinks label="Token pages" page={page} pageCount={pageCount} href={pageLink} />
    </Panel>
  )
}
