import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { PhaseStrip } from '~/components/plan/phase-strip'
import { buttonClass } from '~/components/ui/button'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireUser } from '~/server/auth.server'
import { listPartnerMemberships } from '~/server/partners/partners.server'
import { phaseProgress } from '~/server/plans/board.server'
import { PHASE_LABELS } from '~/shared/plan'

export const meta: MetaFunction = () => [{ title: 'Partner portal · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const partnerProjects = await listPartnerMemberships(user.id)
  const progress = await phaseProgress(partnerProjects.map((entry) => entry.id))
  return {
    partnerProjects: partnerProjects.map((entry) => ({
      ...entry,
      progress: progress.get(entry.id)!,
    })),
  }
}

export default function PartnerHome() {
  const { partnerProjects } = useLoaderData<typeof loader>()
  return (
    <Page title="Partner portal" description="The integrations you are building.">
      {partnerProjects.length === 0 ? (
        <EmptyState title="No integrations yet">
          A vendor invites you to a project; it then appears here.
        </EmptyState>
      ) : (
        partnerProjects.map((partnerProject) => (
          <Panel
            key={partnerProject.id}
            title={`${partnerProject.name} · ${partnerProject.projectName}`}
            actions={
              <Link
                to={`/partner/${partnerProject.id}`}
                className={buttonClass('primary', '!py-1')}
              >
                Open
              </Link>
            }
          >
            <p className="mb-3 text-sm text-slate-600">
              {partnerProject.progress.current
                ? `Current phase: ${PHASE_LABELS[partnerProject.progress.current]}.`
                : 'Every phase is complete.'}{' '}
              {partnerProject.progress.open} open item
              {partnerProject.progress.open === 1 ? '' : 's'}.
            </p>
            <PhaseStrip
              phases={partnerProject.progress.phases}
              current={partnerProject.progress.current}
              compact
            />
          </Panel>
        ))
      )}
    </Page>
  )
}
