import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { PlanBoard } from '~/components/plan/plan-board'
import { FormErrors } from '~/components/ui/forms'
import { requirePartnerAccess } from '~/server/access.server'
import { partnerActor } from '~/server/audit/log.server'
import { MAX_EVIDENCE_FILE_BYTES } from '~/server/evidence/files.server'
import { readFormMaybeUpload } from '~/server/http.server'
import { ensurePrimary } from '~/server/litefs.server'
import { planAction } from '~/server/plans/actions.server'
import { planBoard } from '~/server/plans/board.server'
import { ensurePlan, isPlanSeeded } from '~/server/plans/evaluate.server'
import { redirectWithToast } from '~/server/toast.server'
import { PHASE_LABELS } from '~/shared/plan'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Onboarding plan · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const partner = access.partnerProject
  if (!(await isPlanSeeded(partner.id))) {
    await ensurePrimary()
    await ensurePlan(partner.id)
  }
  const board = await planBoard(partner.id, 'partner')
  const progress = Object.fromEntries(
    board.phases.map((phase) => [
      phase.phase,
      { total: phase.requiredTotal, done: phase.requiredDone, complete: phase.complete },
    ]),
  ) as Parameters<typeof PhaseStrip>[0]['phases']
  return {
    partner: { id: partner.id, name: partner.name },
    projectName: access.project.name,
    board,
    progress,
  }
}

/** Partners add shared notes and attach evidence; the vendor moves the items. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
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
    partnerProjectId: access.partnerProject.id,
    audience: 'partner',
    actor: partnerActor(access, request),
    authorName: `${access.user.name} (${access.partnerProject.name})`,
    userId: access.user.id,
  })
  if (!result.ok) return data({ error: result.error }, { status: result.status })
  const itemId = formData.get('itemId')
  const anchor = typeof itemId === 'string' && itemId ? `#item-${itemId}` : ''
  return redirectWithToast(`/partner/${access.partnerProject.id}/plan${anchor}`, {
    type: 'success',
    message: result.message,
  })
}

export default function PartnerPlanPage() {
  const { partner, projectName, board, progress } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const error = result && 'error' in result ? result.error : null
  return (
    <Page
      title={`${partner.name}: onboarding plan`}
      description={
        <>
          Your integration with {projectName}.{' '}
          {board.currentPhase
            ? `Current phase: ${PHASE_LABELS[board.currentPhase]}.`
            : 'Every phase is complete.'}{' '}
          <Link to="/partner" className="text-indigo-700 hover:underline">
            All your integrations
          </Link>
        </>
      }
    >
      <PhaseStrip phases={progress} current={board.currentPhase} />
      {error && !error.itemId && !error.phase ? <FormErrors errors={[error.message]} /> : null}
      <PlanBoard
        phases={board.phases}
        audience="partner"
        canWrite
        filesBase={`/partner/${partner.id}/plan/files`}
        error={error}
      />
    </Page>
  )
}
