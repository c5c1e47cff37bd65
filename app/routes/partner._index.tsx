import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { EmptyState, Panel } from '~/components/ui/panel'
import { requireUser } from '~/server/auth.server'
import { db } from '~/server/db.server'

export const meta: MetaFunction = () => [{ title: 'Partner portal · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const memberships = await db.partnerMembership.findMany({
    where: { userId: user.id },
    include: { partnerProject: { include: { project: { select: { name: true } } } } },
  })
  return {
    partnerProjects: memberships.map(({ partnerProject }) => ({
      id: partnerProject.id,
      name: partnerProject.name,
      projectName: partnerProject.project.name,
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
          >
            <p className="text-sm text-slate-600">
              The partner workspace (playground, test runs, assistant) is not available yet.
            </p>
          </Panel>
        ))
      )}
    </Page>
  )
}
