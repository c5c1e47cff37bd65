import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { Notice, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { auditAs, pageActor } from '~/server/audit/log.server'
import { evidenceSummary } from '~/server/evidence/summary.server'
import { verifyEvidence } from '~/server/evidence/verify.server'
import { ensurePrimary } from '~/server/litefs.server'
import { partnerProjectOr404 } from '~/server/partners/partners.server'
import { formatDateTime } from '~/shared/format'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Evidence · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

const KIND_LABELS: Record<string, string> = {
  trace: 'Trace',
  run: 'Test run',
  file: 'File',
  purged: 'Purged (retention)',
}

/** The record, and with `?verify=1` ("Verify evidence", a GET form: it changes no evidence, and is audited) the chain recomputed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const partner = await partnerProjectOr404(project.id, params.partnerId)
  const verify = new URL(request.url).searchParams.get('verify') === '1'
  const [summary, verification] = await Promise.all([
    evidenceSummary(partner.id),
    verify ? verifyEvidence(partner.id) : Promise.resolve(null),
  ])
  if (verification) {
    // Verifying is audited: this GET writes, so it runs on the primary.
    await ensurePrimary()
    await auditAs(
      pageActor(access, request),
      'evidence.verified',
      { type: 'partner_project', id: partner.id },
      {
        ok: verification.ok,
        entries: verification.entries,
        firstBreak: verification.firstBreak?.message ?? null,
      },
    )
  }
  return {
    projectId: project.id,
    partner: { id: partner.id, name: partner.name },
    summary,
    verification,
  }
}

export default function EvidenceRecord() {
  const { projectId, partner, summary, verification } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link to={`/projects/${projectId}/plan`} className="hover:underline">
            Plan
          </Link>{' '}
          /{' '}
          <Link to={`/projects/${projectId}/plan/${partner.id}`} className="hover:underline">
            {partner.name}
          </Link>{' '}
          /
        </p>
        <h2 className="text-xl font-semibold text-slate-900">Evidence record</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Every trace, finished test run and evidence file of {partner.name} is an entry of an
          append-only hash chain: each entry holds the SHA-256 of its record’s canonical content and
          of the entry before it. Verifying recomputes the chain from the stored rows and names the
          first entry that was edited, inserted or removed.
        </p>
      </div>
      <Panel
        title="Verify evidence"
        actions={
          <Form method="get">
            <input type="hidden" name="verify" value="1" />
            <SubmitButton pendingText="Verifying…">Verify evidence</SubmitButton>
          </Form>
        }
      >
        <dl className="grid gap-3 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">Entries</dt>
            <dd className="text-lg font-semibold" data-testid="evidence-total">
              {summary.total.toLocaleString('en-GB')}
            </dd>
          </div>
          {(['trace', 'run', 'file'] as const).map((kind) => (
            <div key={kind}>
              <dt className="text-slate-500">{KIND_LABELS[kind]}s</dt>
              <dd className="text-lg font-semibold">
                {summary.byKind[kind].toLocaleString('en-GB')}
              </dd>
            </div>
          ))}
        </dl>
        {summary.head ? (
          <p className="mt-3 break-all font-mono text-xs text-slate-600">
            Head: #{summary.head.seq} {summary.head.hash}
          </p>
        ) : null}
        {verification ? (
          <div className="mt-4 space-y-2" data-testid="verification">
            {verification.ok ? (
              <Notice tone="success">
                The chain verifies: {verification.entries.toLocaleString('en-GB')} entries, every
                record as it was recorded ({verification.durationMs} ms,{' '}
                {formatDateTime(verification.checkedAt)}).
                {verification.purged > 0
                  ? ` ${verification.purged.toLocaleString('en-GB')} records were deleted by the retention policy; a “purged” entry names each one.`
                  : ''}
              </Notice>
            ) : (
              <div
                role="alert"
                className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
              >
                <p className="font-semibold" data-testid="first-break">
                  {verification.firstBreak?.message}
                </p>
                {verification.problemCount > 1 ? (
                  <>
                    <p className="mt-2">
                      {verification.problemCount.toLocaleString('en-GB')} problems in all
                      {verification.problemCount > verification.problems.length
                        ? `; the first ${verification.problems.length}:`
                        : ':'}
                    </p>
                    <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
                      {verification.problems.map((problem, index) => (
                        <li key={index}>{problem.message}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </div>
            )}
          </div>
        ) : null}
      </Panel>
      <Panel title="Latest entries">
        {summary.entries.length === 0 ? (
          <p className="text-sm text-slate-600">
            No evidence yet. Traces the partner sends, its finished test runs and the files attached
            to its plan appear here.
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-3">#</th>
                  <th className="py-2 pr-3">Kind</th>
                  <th className="py-2 pr-3">Records</th>
                  <th className="py-2 pr-3">Chained</th>
                  <th className="py-2">Hash</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {summary.entries.map((entry) => (
                  <tr key={entry.seq}>
                    <td className="py-2 pr-3 font-mono text-xs">{entry.seq}</td>
                    <td className="py-2 pr-3">{KIND_LABELS[entry.kind] ?? entry.kind}</td>
                    <td className="max-w-md break-all py-2 pr-3 text-slate-800">
                      {entry.kind === 'trace' ? (
                        <Link
                          to={`/projects/${projectId}/traces/${entry.refId}`}
                          className="text-indigo-700 hover:underline"
                        >
                          {entry.label}
                        </Link>
                      ) : entry.kind === 'run' ? (
                        <Link
                          to={`/projects/${projectId}/tests/runs/${entry.refId}`}
                          className="text-indigo-700 hover:underline"
                        >
                          {entry.label}
                        </Link>
                      ) : (
                        entry.label
                      )}
                    </td>
                    <td className="whitespace-nowrap py-2 pr-3 text-xs text-slate-600">
                      {formatDateTime(entry.createdAt)}
                    </td>
                    <td className="py-2 font-mono text-xs text-slate-500" title={entry.hash}>
                      {entry.hash.slice(0, 12)}…
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
