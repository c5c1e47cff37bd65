import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
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
import { PHASE_LABELS } from '~/shared/plan'

const AddPartnerSchema = z.object({
  name: z
    .string({ error: 'Name the partner company.' })
    .trim()
    .min(2, 'Name the partner company.')
    .max(80, 'Keep the name under 80 characters.'),
  slug: z
    .string()
    .trim()
    .max(40, 'Keep the short name under 40 characters.')
    .regex(/^[a-z0-9-]*$/, 'Use lower-case letters, digits and dashes.')
    .optional(),
})

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, role } = await requireProjectAccess(request, params.projectId, 'project:read')
  const partners = await listPartnerProjects(project.id)
  const progress = await phaseProgress(partners.map((partner) => partner.id))
  return {
    projectId: project.id,
    canWrite: can(role, 'project:write'),
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
  const [form, fields] = useForm({
    id: 'add-partner',
    lastResult,
    constraint: getZodConstraint(AddPartnerSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddPartnerSchema }),
  })
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
      {canWrite ? (
        <Panel title="Add a partner">
          <Form method="post" className="grid gap-4 md:grid-cols-3" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field label="Company name" meta={fields.name} />
            <Field
              label="Short name (optional)"
              meta={fields.slug}
              hint="Used in URLs and in the X-Copilot-Partner header; from the name when empty."
            />
            <div className="flex items-end">
              <SubmitButton pendingText="Adding…">Add partner</SubmitButton>
            </div>
          </Form>
        </Panel>
      ) : null}
    </div>
  )
}
