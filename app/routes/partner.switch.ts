import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'

/** The switcher's target: only one of the user's own partner projects (anything else is a 404). */
export async function loader({ request }: LoaderFunctionArgs) {
  const to = new URL(request.url).searchParams.get('to') ?? undefined
  const access = await requirePartnerAccess(request, to, 'partner:read')
  return redirect(`/partner/${access.partnerProject.id}`)
}
