import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { AddPartnerPanel, useAddPartnerForm } from '~/components/add-partner-form'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import {
  createPartnerProject,
  listPartnerProjects,
  PartnerProjectError,
} from '~/server/partners/partners.server'
import { phaseProgress } from '~/server/plans/board.server'
import { redirectWithToast } from '~/server/toast.server'
import { AddPartnerSchema } from '~/shared/partner-forms'
import { PHASE_LABELS } from '~/shared/plan'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const partners = await listPartnerProjects(project.id)
  const progress = await phaseProgress(partners.map((partner) => partner.id))
  return {
    projectId: project.id,
    canWrite: can(access, 'project:write'),
    partners: partners.map((partner) => ({
      id: partner.id,
      name: partner.name,
      slug: partner.slug,
      progress: progress.get(partner.id)!,
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const submission = parseWithZod(await request.formData(), { schema: AddPartnerSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  try {
    const partner = await createPartnerProject(
      access.project.id,
      submission.value,
      pageActor(access, request),
    )
    return redirectWithToast(`/projects/${access.project.id}/plan/${partner.id}`, {
      type: 'success',
      message: `${partner.name} added, with the default onboarding plan.`,
    })
  } catch (error) {
    if (error instanceof PartnerProjectError)
      return data(submission.reply({ fieldErrors: { slug: [error.message] } }), {
        status: error.status,
      })
    throw error
  }
}

export default function PlanHome() {
  const { projectId, canWrite, partners } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useAddPartnerForm(AddPartnerSchema, lastResult)
  return (
    <div className="space-y-6">
      {partners.length === 0 ? (
        <EmptyState title="No partner yet">
          Each partner company gets its own five-phase onboarding plan, evidence record and
          readiness report. {canWrite ? 'Add the first one below.' : 'A vendor adds them here.'}
        </EmptyState>
      ) : (
        <Panel title="Partners">
          <ul className="divide-y divide-slate-100" data-testid="partner-list">
            {partners.map((partner) => (
              <li key={partner.id} className="py-4 first:pt-0 last:pb-0">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link
                    to={`/projects/${projectId}/plan/${partner.id}`}
                    className="text-base font-semibold text-indigo-700 hover:underline"
                  >
                    {partner.name}
                  </Link>
                  <span className="text-sm text-slate-600">
                    {partner.progress.current
                      ? `In ${PHASE_LABELS[partner.progress.current]}`
                      : 'Every phase complete'}{' '}
                    · {partner.progress.open} open item{partner.progress.open === 1 ? '' : 's'}
                    {partner.progress.overdue > 0 ? (
                      <span className="font-semibold text-red-700">
                        {' '}
                        · {partner.progress.overdue} overdue
                      </span>
                    ) : null}
                  </span>
                </div>
                <div className="mt-2">
                  <PhaseStrip
                    phases={partner.progress.phases}
                    current={partner.progress.current}
                    compact
                  />
                </div>
              </li>
            ))}
          </ul>
        </Panel>
      )}
      {canWrite ? <AddPartnerPanel form={form} name={fields.name} slug={fields.slug} /> : null}
    </div>
  )
}
