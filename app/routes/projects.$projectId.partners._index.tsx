import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { AddPartnerPanel, useAddPartnerForm } from '~/components/add-partner-form'
import {
  AccessRequestsPanel,
  type AccessRequestsView,
} from '~/components/partners/access-requests-panel'
import { CopyButton } from '~/components/copy-button'
import { SubmitButton } from '~/components/ui/button'
import { inputClass } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { type Action, can, requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import { appOrigin } from '~/server/http.server'
import {
  AccessRequestError,
  approveAccessRequest,
  denyAccessRequest,
  listAccessRequests,
  setSelfRegistration,
} from '~/server/partners/access-requests.server'
import { partnerPeopleCounts } from '~/server/partners/invites.server'
import {
  createPartnerProject,
  listPartnerProjects,
  PartnerProjectError,
} from '~/server/partners/partners.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'
import { AddPartnerSchema as BaseAddPartnerSchema } from '~/shared/partner-forms'

const AddPartnerSchema = BaseAddPartnerSchema.extend({ intent: z.literal('add-partner') })
const SelfRegistrationSchema = z.object({
  intent: z.literal('self-registration'),
  enabled: z.enum(['on', 'off']),
})
const DecisionSchema = z.object({
  intent: z.enum(['approve', 'deny']),
  requestId: z.string().min(1).max(100),
})

/** Every intent needs partner:manage first (a viewer gets 403), then its own permission. */
const INTENT_PERMISSIONS: Record<string, Action> = {
  'add-partner': 'partner:manage',
  'self-registration': 'project:manage',
  approve: 'project:manage',
  deny: 'project:manage',
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const { project } = access
  const canManagePartners = can(access, 'partner:manage')
  const canDecide = can(access, 'project:manage')
  const partners = await listPartnerProjects(project.id)
  const counts = await partnerPeopleCounts(partners.map((partner) => partner.id))
  const requests = canManagePartners ? await listAccessRequests(project.id) : null
  return {
    projectId: project.id,
    archived: Boolean(project.archivedAt),
    canManagePartners,
    canDecide,
    selfRegistration: project.selfRegistration,
    joinUrl: `${appOrigin(request)}/join/${project.id}`,
    partners: partners.map((partner) => ({
      id: partner.id,
      name: partner.name,
      slug: partner.slug,
      createdAt: partner.createdAt.toISOString(),
      ...counts.get(partner.id)!,
    })),
    requests:
      requests &&
      ({
        pendingTotal: requests.pendingTotal,
        decidedTotal: requests.decidedTotal,
        pending: requests.pending.map((row) => ({
          id: row.id,
          companyName: row.companyName,
          contactName: row.contactName,
          email: row.email,
          message: row.message,
          createdAt: row.createdAt.toISOString(),
        })),
        decided: requests.decided.map((row) => ({
          id: row.id,
          companyName: row.companyName,
          email: row.email,
          status: row.status,
          decidedAt: row.decidedAt?.toISOString() ?? null,
          decidedBy: row.decidedBy,
          partnerProjectId: row.partnerProjectId,
        })),
      } satisfies AccessRequestsView),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireProjectAccess(request, params.projectId, 'partner:manage')
  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? '')
  const permission = INTENT_PERMISSIONS[intent]
  if (!permission) throw new Response(`Unknown action "${intent}".`, { status: 400 })
  const access = await requireProjectAccess(request, params.projectId, permission)
  const actor = pageActor(access, request)
  const base = `/projects/${access.project.id}/partners`
  const scope = { organization: access.organization, project: access.project }

  if (intent === 'add-partner') {
    const submission = parseWithZod(formData, { schema: AddPartnerSchema })
    if (submission.status !== 'success')
      return data({ addPartner: submission.reply(), decisionError: null }, { status: 400 })
    try {
      const partner = await createPartnerProject(access.project.id, submission.value, actor)
      return redirectWithToast(`${base}/${partner.id}`, {
        type: 'success',
        message: `${partner.name} added. Invite its people by email below.`,
      })
    } catch (error) {
      if (error instanceof PartnerProjectError)
        return data(
          {
            addPartner: submission.reply({ fieldErrors: { slug: [error.message] } }),
            decisionError: null,
          },
          { status: error.status },
        )
      throw error
    }
  }

  if (intent === 'self-registration') {
    const parsed = SelfRegistrationSchema.safeParse(Object.fromEntries(formData))
    if (!parsed.success)
      throw new Response('That request was malformed. Reload the page and try again.', {
        status: 400,
      })
    const enabled = parsed.data.enabled === 'on'
    await setSelfRegistration(access.project.id, enabled, actor)
    return redirectWithToast(base, {
      type: 'success',
      message: enabled
        ? 'Companies can now ask to join from the public page.'
        : 'The public page no longer takes requests.',
    })
  }

  const parsed = DecisionSchema.safeParse(Object.fromEntries(formData))
  if (!parsed.success)
    throw new Response('That request was malformed. Reload the page and try again.', {
      status: 400,
    })
  try {
    if (parsed.data.intent === 'approve') {
      const { request: row, partnerProject } = await approveAccessRequest(
        scope,
        parsed.data.requestId,
        { baseUrl: appOrigin(request) },
        actor,
      )
      return redirectWithToast(base, {
        type: 'success',
        message: `${partnerProject.name} added as a partner; ${row.email} is invited by email.`,
      })
    }
    const row = await denyAccessRequest(scope, parsed.data.requestId, actor)
    return redirectWithToast(base, {
      type: 'success',
      message: `The request from ${row.companyName} was denied; ${row.email} is told by email.`,
    })
  } catch (error) {
    if (error instanceof AccessRequestError || error instanceof PartnerProjectError)
      return data({ addPartner: null, decisionError: error.message }, { status: error.status })
    throw error
  }
}

export default function PartnersHome() {
  const {
    projectId,
    archived,
    canManagePartners,
    canDecide,
    selfRegistration,
    joinUrl,
    partners,
    requests,
  } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useAddPartnerForm(AddPartnerSchema, actionData?.addPartner)
  return (
    <div className="space-y-6">
      {partners.length === 0 ? (
        <EmptyState title="No partner yet">
          A partner is a company integrating with this API: its people get their own portal, plan
          and reports.{' '}
          {canManagePartners
            ? 'Add the first one below, or let companies ask to join.'
            : 'A vendor adds them here.'}
        </EmptyState>
      ) : (
        <Panel
          title={`Partners (${partners.length})`}
          actions={
            <Link
              to={`/projects/${projectId}/assistant`}
              className="text-sm text-indigo-700 hover:underline"
            >
              Assistant usage
            </Link>
          }
        >
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="partners-table">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2">Name</th>
                  <th className="py-2">Short name</th>
                  <th className="py-2 text-right">Members</th>
                  <th className="py-2 text-right">Pending invites</th>
                  <th className="py-2 text-right">Created</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {partners.map((partner) => (
                  <tr key={partner.id}>
                    <td className="py-3">
                      <Link
                        to={`/projects/${projectId}/partners/${partner.id}`}
                        className="font-semibold text-indigo-700 hover:underline"
                      >
                        {partner.name}
                      </Link>
                    </td>
                    <td className="py-3 font-mono text-xs text-slate-600">{partner.slug}</td>
                    <td className="py-3 text-right">{partner.members}</td>
                    <td className="py-3 text-right">{partner.pendingInvites}</td>
                    <td className="py-3 text-right text-slate-600">
                      {formatDate(partner.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}

      {canManagePartners ? (
        <AddPartnerPanel form={form} name={fields.name} slug={fields.slug} intent="add-partner" />
      ) : null}

      <Panel title="Self-registration">
        <div className="space-y-4 text-sm">
          <p className="text-slate-700">
            {selfRegistration
              ? 'On: companies can ask to join this project from its public page. An owner or admin approves or denies each request.'
              : 'Off: partners join only when a vendor invites them.'}
            {archived ? ' The project is archived, so the public page is closed anyway.' : null}
          </p>
          {canDecide ? (
            <Form method="post">
              <input type="hidden" name="intent" value="self-registration" />
              <input type="hidden" name="enabled" value={selfRegistration ? 'off' : 'on'} />
              <SubmitButton
                variant={selfRegistration ? 'secondary' : 'primary'}
                pendingFor={['intent', 'self-registration']}
                pendingText="Saving…"
              >
                {selfRegistration ? 'Turn requests off' : 'Let companies ask to join'}
              </SubmitButton>
            </Form>
          ) : (
            <p className="text-xs text-slate-500">Owners and admins turn this on or off.</p>
          )}
          {selfRegistration ? (
            <div>
              <label htmlFor="join-url" className="block font-medium text-slate-800">
                Public page
              </label>
              <div className="mt-1 flex gap-2">
                <input
                  id="join-url"
                  readOnly
                  value={joinUrl}
                  className={`${inputClass} font-mono text-xs`}
                />
                <CopyButton text={joinUrl} label="Copy link" />
              </div>
            </div>
          ) : null}
        </div>
      </Panel>

      {requests ? (
        <AccessRequestsPanel
          projectId={projectId}
          requests={requests}
          canDecide={canDecide}
          decisionError={actionData?.decisionError}
        />
      ) : null}
    </div>
  )
}
