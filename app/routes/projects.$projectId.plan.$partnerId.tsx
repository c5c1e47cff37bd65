import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { PlanBoard } from '~/components/plan/plan-board'
import { buttonClass } from '~/components/ui/button'
import { FormErrors } from '~/components/ui/forms'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { MAX_EVIDENCE_FILE_BYTES } from '~/server/evidence/files.server'
import { readFormMaybeUpload } from '~/server/http.server'
import { ensurePrimary, getInstance } from '~/server/litefs.server'
import { partnerProjectOr404 } from '~/server/partners/partners.server'
import { planAction } from '~/server/plans/actions.server'
import { planBoard } from '~/server/plans/board.server'
import { ensurePlan, evaluatePlan } from '~/server/plans/evaluate.server'
import { redirectWithToast } from '~/server/toast.server'
import { PHASE_LABELS } from '~/shared/plan'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Plan · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const partner = await partnerProjectOr404(project.id, params.partnerId)
  if (!partner.planSeededAt) {
    await ensurePrimary()
    await ensurePlan(partner.id)
  }
  // Evidence rules are judged again on the primary (a replica shows the last judgement).
  if ((await getInstance()).currentIsPrimary) await evaluatePlan(partner.id)
  const board = await planBoard(partner.id, 'vendor')
  const progress = Object.fromEntries(
    board.phases.map((phase) => [
      phase.phase,
      { total: phase.requiredTotal, done: phase.requiredDone, complete: phase.complete },
    ]),
  ) as Parameters<typeof PhaseStrip>[0]['phases']
  return {
    projectId: project.id,
    partner: { id: partner.id, name: partner.name, slug: partner.slug },
    canWrite: can(access, 'project:write'),
    board,
    progress,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const partner = await partnerProjectOr404(access.project.id, params.partnerId)
  const upload = await readFormMaybeUpload(request, MAX_EVIDENCE_FILE_BYTES)
  if ('error' in upload)
    return data(
      {
        error: {
          itemId: null,
          phase: null,
          message: `${upload.error} Evidence files are limited to 10 MB.`,
        },
      },
      { status: upload.status },
    )
  const { formData } = upload
  const result = await planAction(formData, {
    partnerProjectId: partner.id,
    audience: 'vendor',
    actor: pageActor(access, request),
    authorName: access.user.name,
    userId: access.user.id,
  })
  if (!result.ok) return data({ error: result.error }, { status: result.status })
  const itemId = formData.get('itemId')
  const anchor = typeof itemId === 'string' && itemId ? `#item-${itemId}` : ''
  return redirectWithToast(`/projects/${access.project.id}/plan/${partner.id}${anchor}`, {
    type: 'success',
    message: result.message,
  })
}

export default function PartnerPlan() {
  const { projectId, partner, canWrite, board, progress } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const error = result && 'error' in result ? result.error : null
  const base = `/projects/${projectId}/plan/${partner.id}`
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <p className="text-sm text-slate-500">
            <Link to={`/projects/${projectId}/plan`} className="hover:underline">
              Plan
            </Link>{' '}
            /
          </p>
          <h2 className="text-xl font-semibold text-slate-900">{partner.name}</h2>
          <p className="text-sm text-slate-600">
            {board.currentPhase
              ? `Current phase: ${PHASE_LABELS[board.currentPhase]}`
              : 'Every phase is complete.'}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link to={`${base}/evidence`} className={buttonClass('secondary')}>
            Evidence record
          </Link>
          <Link
            to={`/projects/${projectId}/reports/${partner.id}`}
            className={buttonClass('secondary')}
          >
            Readiness report
          </Link>
          <Link
            to={`/projects/${projectId}/traces?partner=${partner.id}`}
            className={buttonClass('secondary')}
          >
            Traces
          </Link>
        </div>
      </div>
      <PhaseStrip phases={progress} current={board.currentPhase} />
      {error && !error.itemId && !error.phase ? <FormErrors errors={[error.message]} /> : null}
      <PlanBoard
        phases={board.phases}
        audience="vendor"
        canWrite={canWrite}
        filesBase={`${base}/files`}
        caseHref={(runId, seq) => `/projects/${projectId}/tests/runs/${runId}/cases/${seq}`}
        error={error}
      />
    </div>
  )
}
