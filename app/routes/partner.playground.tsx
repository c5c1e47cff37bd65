import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { Page } from '~/components/page'
import { EmptyState } from '~/components/ui/panel'
import { requireUser } from '~/server/auth.server'
import { listPartnerMemberships } from '~/server/partners/partners.server'

export const meta: MetaFunction = () => [
  { title: 'Playground · Partner portal · Integration Copilot' },
]

/** `/partner/playground`: the playground of the signed-in partner's first integration. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const [first] = await listPartnerMemberships(user.id)
  if (first) throw redirect(`/partner/${first.id}/playground`)
  return null
}

export default function PartnerPlaygroundHome() {
  return (
    <Page title="Playground">
      <EmptyState title="No integration yet">
        The playground tries the APIs of the integrations you belong to, and you do not belong to
        one yet: accept the invitation a vendor sent you, or ask them for one.{' '}
        <Link to="/partner" className="font-semibold text-indigo-700 hover:underline">
          Partner portal
        </Link>
      </EmptyState>
    </Page>
  )
}
