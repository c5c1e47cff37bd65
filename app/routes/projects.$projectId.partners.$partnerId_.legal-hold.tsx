/**
 * A partner project's legal hold: set (with a reason) or released by the
 * vendor's owners and admins. The partner page's panel posts here; this page
 * shows the form again when a reason is refused (without JavaScript).
 */
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { LegalHoldBadge, LegalHoldPanel } from '~/components/legal-hold-panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { partnerProjectOr404 } from '~/server/partners/partners.server'
import { LegalHoldError, releaseLegalHold, setLegalHold } from '~/server/retention/hold.server'
import { redirectWithToast } from '~/server/toast.server'
import { LegalHoldSchema } from '~/shared/retention'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Legal hold · ${data?.partner.name ?? 'Partner'} · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const partner = await partnerProjectOr404(project.id, params.partnerId)
  return {
    projectId: project.id,
    partner: { id: partner.id, name: partner.name },
    hold: {
      held: partner.legalHold,
      reason: partner.legalHoldReason,
      setAt: partner.legalHoldSetAt?.toISOString() ?? null,
    },
    canHold: can(access, 'project:manage'),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:manage')
  const partner = await partnerProjectOr404(access.project.id, params.partnerId)
  const back = `/projects/${access.project.id}/partners/${partner.id}`
  const actor = pageActor(access, request)
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  if (intent === 'set') {
    const submission = parseWithZod(formData, { schema: LegalHoldSchema })
    if (submission.status !== 'success')
      return data({ result: submission.reply() }, { status: 400 })
    try {
      await setLegalHold(
        { projectId: access.project.id },
        partner.id,
        submission.value.reason,
        actor,
      )
    } catch (error) {
      if (error instanceof LegalHoldError)
        return data(
          { result: submission.reply({ fieldErrors: { reason: [error.message] } }) },
          { status: error.status },
        )
      throw error
    }
    return redirectWithToast(back, {
      type: 'success',
      message: `${partner.name} is on legal hold: the retention purge keeps all its data until you release it.`,
    })
  }
  if (intent === 'release') {
    try {
      await releaseLegalHold({ projectId: access.project.id }, partner.id, actor)
    } catch (error) {
      if (error instanceof LegalHoldError)
        return redirectWithToast(back, { type: 'error', message: error.message })
      throw error
    }
    return redirectWithToast(back, {
      type: 'success',
      message: `Legal hold on ${partner.name} released: the next purge applies the retention policy to its data.`,
    })
  }
  throw new Response(`Unknown action "${intent.slice(0, 40)}".`, { status: 400 })
}

export default function PartnerLegalHold() {
  const { projectId, partner, hold, canHold } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${projectId}/partners/${partner.id}`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← {partner.name}
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <h2 className="text-xl font-bold text-slate-900">Legal hold</h2>
          <LegalHoldBadge hold={hold} />
        </div>
      </div>
      <LegalHoldPanel
        action={`/projects/${projectId}/partners/${partner.id}/legal-hold`}
        partnerName={partner.name}
        hold={hold}
        canHold={canHold}
        lastResult={actionData?.result}
      />
    </div>
  )
}
