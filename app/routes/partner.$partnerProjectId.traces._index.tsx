import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { MethodBadge } from '~/components/method-badge'
import { Page } from '~/components/page'
import { buttonClass, SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import { listTraces, parseTraceFilters } from '~/server/traces/query.server'
import { partnerSecretStatus, rotateTraceSecret } from '~/server/traces/secrets.server'
import { formatDateTime } from '~/shared/format'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const partner = access.partnerProject
  const search = new URL(request.url).searchParams
  const { filters, values, problems } = parseTraceFilters(search, [partner])
  const page = await listTraces(
    access.project.id,
    { ...filters, partnerProjectId: partner.id },
    { before: search.get('before'), after: search.get('after') },
  )
  return {
    partner: { id: partner.id, slug: partner.slug },
    endpoint: `${appOrigin(request)}/api/v1/traces`,
    secret: await partnerSecretStatus(partner.id),
    values,
    problems,
    page,
  }
}

/** A partner rotates its own signing secret (shown once); the old one verifies for 24 hours. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const formData = await request.formData()
  if (formData.get('intent') !== 'rotate-secret')
    throw new Response('Unknown action.', { status: 400 })
  const secret = await rotateTraceSecret(
    access.project.id,
    access.partnerProject.id,
    partnerActor(access, request),
  )
  return data({ secret })
}

export default function PartnerTraces() {
  const { partner, endpoint, secret, values, problems, page } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const base = `/partner/${partner.id}/traces`
  const filterQuery = new URLSearchParams(
    Object.entries(values).filter(([name, value]) => value && name !== 'partner'),
  ).toString()
  return (
    <Page
      title="Traces"
      description="The request/response pairs your integration sent, signed, checked against the spec."
    >
      <Panel title="Sending traces">
        <p className="text-sm text-slate-700">
          POST batches to <code className="break-all">{endpoint}</code> with{' '}
          <code>X-Copilot-Partner: {partner.slug}</code>, <code>X-Copilot-Timestamp</code> (unix
          seconds) and{' '}
          <code>
            X-Copilot-Signature: sha256=HMAC-SHA256(secret, timestamp + &quot;.&quot; + body)
          </code>
          . The API team’s documentation has curl and Node examples.
        </p>
        <p className="mt-2 text-sm text-slate-600">
          {secret.configured
            ? `Your signing secret (${secret.masked}) was set ${secret.rotatedAt ? `${formatDateTime(secret.rotatedAt)} UTC` : 'earlier'}.`
            : 'You have no signing secret yet.'}
          {secret.previousValidUntil
            ? ` The previous one still verifies until ${formatDateTime(secret.previousValidUntil)} UTC.`
            : ''}
        </p>
        {result?.secret ? (
          <div
            role="status"
            className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm"
          >
            <p className="font-semibold text-emerald-900">
              Your new signing secret. Copy it now: it is not shown again.
            </p>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code className="break-all rounded bg-white px-2 py-1">{result.secret}</code>
              <CopyButton text={result.secret} label="Copy secret" />
            </div>
          </div>
        ) : null}
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="rotate-secret" />
          <SubmitButton variant="secondary" pendingText="Creating…">
            {secret.configured ? 'Rotate the signing secret' : 'Create a signing secret'}
          </SubmitButton>
        </Form>
      </Panel>

      <Panel title="Your traces">
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm">
          <div>
            <label htmlFor="trace-operation" className="block text-slate-700">
              Operation
            </label>
            <input
              id="trace-operation"
              name="operation"
              defaultValue={values.operation}
              placeholder="GET /v1/payments"
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="trace-status" className="block text-slate-700">
              Status
            </label>
            <input
              id="trace-status"
              name="status"
              defaultValue={values.status}
              placeholder="4xx or 201"
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="trace-valid" className="block text-slate-700">
              Valid
            </label>
            <select
              id="trace-valid"
              name="valid"
              defaultValue={values.valid}
              className={inputClass}
            >
              <option value="">Any</option>
              <option value="yes">Valid</option>
              <option value="no">With violations</option>
            </select>
          </div>
          <button type="submit" className={buttonClass('secondary')}>
            Filter
          </button>
        </Form>
        {problems.length ? (
          <ul className="mb-3 text-sm text-amber-800">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
        {page.traces.length === 0 ? (
          <EmptyState title="No trace">
            {filterQuery ? 'No trace matches these filters.' : 'No trace received yet.'}
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Your traces, newest first (times in UTC)</caption>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2">Received</th>
                <th className="py-2">Request</th>
                <th className="py-2">Status</th>
                <th className="py-2">Checks</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.traces.map((trace) => (
                <tr key={trace.id} className="align-top">
                  <td className="py-2 whitespace-nowrap">
                    <Link
                      to={`${base}/${trace.id}${filterQuery ? `?from=${encodeURIComponent(filterQuery)}` : ''}`}
                      className="text-indigo-700 hover:underline"
                    >
                      {formatDateTime(trace.receivedAt)}
                    </Link>
                  </td>
                  <td className="py-2">
                    <span className="flex items-center gap-2">
                      <MethodBadge method={trace.method} />
                      <span className="break-all font-mono text-xs">{trace.url}</span>
                    </span>
                    {trace.firstViolation ? (
                      <span className="mt-1 block text-xs text-red-700">
                        {trace.firstViolation}
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2 font-mono">{trace.status}</td>
                  <td className="py-2 text-xs">
                    {trace.verified ? 'signed' : 'unsigned'} ·{' '}
                    {trace.valid
                      ? 'valid'
                      : trace.operationKey
                        ? `${trace.violationCount} violation${trace.violationCount === 1 ? '' : 's'}`
                        : 'no operation matched'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.older || page.newer ? (
          <nav aria-label="Trace pages" className="mt-3 flex justify-between text-sm">
            {page.newer ? (
              <Link
                to={`${base}?${new URLSearchParams([...new URLSearchParams(filterQuery), ['after', page.newer]])}`}
                className="text-indigo-700 hover:underline"
              >
                ← Newer
              </Link>
            ) : (
              <span />
            )}
            {page.older ? (
              <Link
                to={`${base}?${new URLSearchParams([...new URLSearchParams(filterQuery), ['before', page.older]])}`}
                className="text-indigo-700 hover:underline"
              >
                Older →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Panel>
    </Page>
  )
}
