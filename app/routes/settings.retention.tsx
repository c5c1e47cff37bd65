/**
 * Settings → Retention: how long the organisation keeps traces, mock request
 * logs, run artifacts and evidence files; what the next purge would delete;
 * the last purge; the partner projects on legal hold; "Purge now".
 */
import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { ConfirmAction } from '~/components/ui/confirm-action'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { requireOrgAccess } from '~/server/access.server'
import { getClientIp } from '~/server/http.server'
import { heldPartnerProjects } from '~/server/retention/hold.server'
import { purgePreview } from '~/server/retention/plan.server'
import { hasPolicy, readPolicy, updatePolicy } from '~/server/retention/policy.server'
import { purgeStatus, requestPurge } from '~/server/retention/schedule.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatBytes, formatDate, formatDateTime, plural } from '~/shared/format'
import {
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  RETENTION_KINDS,
  type RetentionKind,
  RetentionPolicySchema,
} from '~/shared/retention'

export const meta: MetaFunction = () => [{ title: 'Retention · Settings · Integration Copilot' }]

const BASE = '/settings/retention'

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const organizationId = access.organization.id
  const now = new Date()
  const { policy, lastPurgeAt } = await readPolicy(organizationId)
  const [preview, status, held] = await Promise.all([
    purgePreview(organizationId, policy, now),
    purgeStatus(organizationId),
    heldPartnerProjects(organizationId),
  ])
  return {
    now: now.toISOString(),
    policy,
    active: hasPolicy(policy),
    preview,
    lastPurgeAt: lastPurgeAt?.toISOString() ?? null,
    status,
    held,
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'org:manage')
  const organizationId = access.organization.id
  const actor = { userId: access.user.id, ip: getClientIp(request) }
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  if (intent === 'save') {
    const submission = parseWithZod(formData, { schema: RetentionPolicySchema })
    if (submission.status !== 'success')
      return data({ policy: submission.reply() }, { status: 400 })
    const { changed, after } = await updatePolicy(organizationId, submission.value, actor)
    return redirectWithToast(BASE, {
      type: 'success',
      message: !changed
        ? 'Nothing changed.'
        : hasPolicy(after)
          ? 'Retention policy saved. The daily purge applies it (or use Purge now).'
          : 'Retention policy saved: everything is kept forever.',
    })
  }
  if (intent === 'purge-now') {
    const { policy } = await readPolicy(organizationId)
    if (!hasPolicy(policy))
      return redirectWithToast(BASE, {
        type: 'error',
        message: 'Set at least one retention period first: without one, nothing is ever purged.',
      })
    const { queued } = await requestPurge(organizationId, actor)
    return redirectWithToast(BASE, {
      type: queued ? 'success' : 'info',
      message: queued
        ? 'Purge queued: it runs in the background in a moment. Reload this page to see the result.'
        : 'A purge is already queued or running.',
    })
  }
  throw new Response('Unknown action. Reload the page and try again.', { status: 400 })
}

const JOB_WORDS: Record<string, string> = {
  queued: 'queued',
  running: 'running',
  done: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
}

const COUNT_WORDS: [string, string][] = [
  ['traces', 'trace'],
  ['traceRefusals', 'refused trace batch'],
  ['mockLogs', 'mock request'],
  ['runs', 'run'],
  ['runCases', 'run case'],
  ['evidenceFiles', 'evidence file'],
  ['orphanFiles', 'stray file'],
]

function describeCounts(counts: Record<string, number>): string {
  const parts = COUNT_WORDS.filter(([key]) => (counts[key] ?? 0) > 0).map(([key, noun]) =>
    plural(counts[key]!, noun, noun.endsWith('batch') ? `${noun}es` : undefined),
  )
  return parts.length > 0 ? parts.join(', ') : 'nothing'
}

export default function SettingsRetention() {
  const { policy, active, preview, lastPurgeAt, status, held } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const text = (kind: RetentionKind) => policy[kind]?.toString() ?? ''
  const [form, fields] = useForm({
    id: 'retention-policy',
    lastResult: actionData?.policy,
    defaultValue: {
      traces: text('traces'),
      mockLogs: text('mockLogs'),
      runArtifacts: text('runArtifacts'),
      evidence: text('evidence'),
    },
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RetentionPolicySchema }),
  })
  const pending = status.job && ['queued', 'running'].includes(status.job.status)
  return (
    <>
      <Panel title="Retention policy">
        <p className="mb-4 max-w-3xl text-sm text-slate-600">
          How many days this organisation keeps each kind of data, in every project. Leave a field
          empty to keep that data forever. Once a day a background purge deletes what is older;
          partner projects on legal hold are never purged. Readiness reports already generated and
          the evidence chain’s entries are kept: a purged record stays named in the chain, so
          “Verify evidence” still passes.
        </p>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <input type="hidden" name="intent" value="save" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <div className="grid gap-4 sm:grid-cols-2">
            {RETENTION_KINDS.map((kind) => (
              <Field
                key={kind.key}
                label={`${kind.label} (days)`}
                type="number"
                meta={fields[kind.key]}
                hint={`${kind.covers} Empty: keep forever; ${MIN_RETENTION_DAYS}–${MAX_RETENTION_DAYS} days.`}
                inputProps={{
                  min: MIN_RETENTION_DAYS,
                  max: MAX_RETENTION_DAYS,
                  step: 1,
                  inputMode: 'numeric',
                  placeholder: 'Keep forever',
                }}
              />
            ))}
          </div>
          <SubmitButton pendingFor={['intent', 'save']} pendingText="Saving…">
            Save policy
          </SubmitButton>
        </Form>
      </Panel>

      <Panel
        title="Next purge"
        actions={
          active ? (
            <Form method="post">
              <ConfirmAction label="Purge now" confirmLabel="Purge now" value="purge-now">
                Deletes now, in the background, everything listed here as “would delete”. It cannot
                be undone.
              </ConfirmAction>
            </Form>
          ) : null
        }
      >
        {!active ? (
          <p className="text-sm text-slate-600">
            No retention period is set: everything is kept forever and nothing is purged. Set a
            number of days above to start purging.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm" data-testid="purge-preview">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">Data</th>
                  <th className="py-2 pr-3">Kept</th>
                  <th className="py-2 pr-3">Older than</th>
                  <th className="py-2 pr-3">Would delete</th>
                  <th className="py-2">Oldest</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {RETENTION_KINDS.map((kind) => {
                  const row = preview[kind.key]
                  return (
                    <tr key={kind.key}>
                      <td className="py-2 pr-3 font-medium text-slate-900">{kind.label}</td>
                      <td className="py-2 pr-3 text-slate-600">
                        {row.days === null ? 'forever' : plural(row.days, 'day')}
                      </td>
                      <td className="py-2 pr-3 text-slate-600">
                        {row.cutoff ? formatDateTime(row.cutoff) : '—'}
                      </td>
                      <td className="py-2 pr-3 text-slate-800">
                        {row.days === null ? (
                          '—'
                        ) : (
                          <>
                            {row.count.toLocaleString('en-GB')}
                            {kind.key === 'traces' && row.extra > 0
                              ? ` (+ ${plural(row.extra, 'refused batch', 'refused batches')})`
                              : ''}
                            {kind.key === 'runArtifacts' && row.extra > 0
                              ? ` (${plural(row.extra, 'case')})`
                              : ''}
                            {kind.key === 'evidence' && row.extra > 0
                              ? ` (${formatBytes(row.extra)})`
                              : ''}
                          </>
                        )}
                      </td>
                      <td className="py-2 text-slate-600">
                        {row.oldest ? formatDate(row.oldest) : '—'}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
        <div className="mt-4 space-y-2 text-sm" data-testid="purge-status">
          {status.job && pending ? (
            <Notice tone="info">
              A purge is {JOB_WORDS[status.job.status]} (since{' '}
              {formatDateTime(status.job.createdAt)}). Reload the page to see it finish.
            </Notice>
          ) : null}
          {status.job?.status === 'failed' ? (
            <Notice tone="warning">
              The last purge failed ({formatDateTime(status.job.finishedAt ?? status.job.createdAt)}
              ): {status.job.error ?? 'no reason recorded'}. The next daily purge tries again.
            </Notice>
          ) : null}
          <p className="text-slate-600" data-testid="last-purge">
            {lastPurgeAt
              ? `Last completed purge: ${formatDateTime(lastPurgeAt)}.`
              : 'No purge has completed yet.'}{' '}
            {status.last
              ? `The last purge that deleted anything (${formatDateTime(status.last.at)}) deleted ${describeCounts(status.last.counts)}${status.last.completed ? '' : ` before it stopped (${status.last.error ?? 'no reason recorded'})`}${status.last.heldCount > 0 ? `, keeping ${plural(status.last.heldCount, 'partner project')} on legal hold` : ''}.`
              : 'No purge has deleted anything yet.'}{' '}
            Each such purge is recorded in the{' '}
            <Link to="/settings/audit" className="text-indigo-700 hover:underline">
              audit trail
            </Link>
            .
          </p>
        </div>
      </Panel>

      <Panel title={`Legal holds (${held.length})`}>
        {held.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-holds">
            No partner project is on legal hold. To keep a partner’s data whatever the policy says,
            open it from a project’s Partners tab and use “Put on legal hold”.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="held-partners">
            {held.map((partner) => (
              <li key={partner.id} className="py-2 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">
                    Legal hold
                  </span>
                  <Link
                    to={`/projects/${partner.project.id}/partners/${partner.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {partner.name}
                  </Link>
                  <span className="text-slate-500">in {partner.project.name}</span>
                  {partner.setAt ? (
                    <span className="text-slate-500">since {formatDate(partner.setAt)}</span>
                  ) : null}
                </div>
                <p className="mt-1 whitespace-pre-line break-words text-slate-700">
                  {partner.reason}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  )
}
