/** One partner on the Traces tab's "Secrets and uploads" page: its id, its trace secret, rotation. */
import { Form, Link } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { SubmitButton } from '~/components/ui/button'
import { formatDateTime, plural } from '~/shared/format'
import {
  RotateForm,
  type SecretPartner,
  type TraceSecretLimits,
  type TraceSecretsReply,
} from './trace-secret-forms'

function SignedHeaders({ partner }: { partner: SecretPartner }) {
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
  partner: SecretPartner
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

/** A partner, its trace secret and (for admins and owners) the forms to rotate and retire it. */
export function PartnerCard({
  partner,
  reply,
  data: loaderData,
}: {
  partner: SecretPartner
  reply: TraceSecretsReply | undefined
  data: { canManage: boolean; limits: TraceSecretLimits; projectId: string }
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
