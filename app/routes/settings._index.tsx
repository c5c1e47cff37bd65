import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { SETTINGS_TABS } from '~/components/settings-tabs'
import { can, requireOrgAccess } from '~/server/access.server'

/** /settings opens the first tab the member may see. */
export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(
    request,
    SETTINGS_TABS.map((tab) => tab.action),
  )
  const first = SETTINGS_TABS.find((tab) => can(access, tab.action))!
  return redirect(`/settings/${first.slug}`)
}
