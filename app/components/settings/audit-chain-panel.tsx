/** Settings → Audit trail: the chain's head and "Verify chain" with its outcome. */
import { Form } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { Notice, Panel } from '~/components/ui/panel'
import type { verifyAndRecord } from '~/server/audit/verify.server'
import type { ChainHead } from '~/server/evidence/chain.server'
import { AUDIT_PATH as BASE } from './audit-paths'

export type AuditVerification = Awaited<ReturnType<typeof verifyAndRecord>>

export function AuditChainPanel({
  head,
  verification,
}: {
  head: ChainHead | null
  verification: AuditVerification | null | undefined
}) {
  return (
    <Panel
      title="Chain"
      actions={
        <Form method="post" action={BASE}>
          <input type="hidden" name="intent" value="verify" />
          <SubmitButton variant="secondary" pendingText="Verifying…">
            Verify chain
          </SubmitButton>
        </Form>
      }
    >
      <p className="text-sm text-slate-600">
        {head ? (
          <>
            {head.seq.toLocaleString('en-GB')} linked entries; head{' '}
            <span className="break-all font-mono text-xs">
              #{head.seq} {head.hash}
            </span>
          </>
        ) : (
          'No linked entries yet.'
        )}
      </p>
      {verification ? (
        <div className="mt-3" data-testid="verification">
          {verification.ok ? (
            <Notice tone="success">
              {`Chain intact: ${verification.count.toLocaleString('en-GB')} entries${
                verification.head
                  ? `, head #${verification.head.seq} hash ${verification.head.hash.slice(0, 12)}…`
                  : ''
              }. This check is recorded as the next entry.`}
            </Notice>
          ) : (
            <div
              role="alert"
              className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
            >
              <p className="font-semibold" data-testid="first-break">
                {verification.firstBreak?.message}
              </p>
              <p className="mt-1">
                Entries were changed outside the app. Keep the database file and your latest export
                for investigation.
              </p>
            </div>
          )}
        </div>
      ) : null}
    </Panel>
  )
}
