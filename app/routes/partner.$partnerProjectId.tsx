import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Outlet, useLoaderData } from '@remix-run/react'
import { PARTNER_TABS } from '~/components/partner-tabs'
import { requirePartnerAccess } from '~/server/access.server'
import { listPartnerMemberships } from '~/server/partners/partners.server'
import { TabNav } from '~/components/ui/tab-nav'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.partner.name ?? 'Partner'} · Partner portal · Integration Copilot` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  const memberships = await listPartnerMemberships(access.user.id)
  return {
    partner: { id: access.partnerProject.id, name: access.partnerProject.name },
    projectName: access.project.name,
    others: memberships.filter((entry) => entry.id !== access.partnerProject.id),
  }
}

/** The partner portal of one partner project: its sections and a switch to the user's others. */
export default function PartnerLayout() {
  const { partner, projectName, others } = useLoaderData<typeof loader>()
  return (
    <div className="mx-auto max-w-6xl px-6 pt-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
            Partner portal · {projectName}
          </p>
          <p className="text-lg font-semibold text-slate-900">{partner.name}</p>
        </div>
        {others.length > 0 ? (
          <Form method="get" action="/partner/switch" className="flex items-center gap-2 text-sm">
            <label htmlFor="partner-switch" className="text-slate-600">
              Switch integration
            </label>
            <select
              id="partner-switch"
              name="to"
              defaultValue=""
              className="rounded-md border border-slate-300 px-2 py-1"
            >
              <option value="" disabled>
                Choose…
              </option>
              {others.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.name} · {other.projectName}
                </option>
              ))}
            </select>
            <button
              type="submit"
              className="rounded-md border border-slate-300 px-2 py-1 font-medium hover:bg-slate-50"
            >
              Go
            </button>
          </Form>
        ) : null}
      </div>
      <TabNav
        label="Partner sections"
        className="mt-4"
        tabs={PARTNER_TABS.map((tab) => ({
          to: `/partner/${partner.id}${tab.slug ? `/${tab.slug}` : ''}`,
          label: tab.label,
          end: tab.slug === '',
        }))}
      />
      <div className="-mx-6">
        <Outlet />
      </div>
    </div>
  )
}
