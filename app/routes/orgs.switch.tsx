import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { requireUser } from '~/server/auth.server'
import { appOrigin, safeRedirectPath } from '~/server/http.server'
import { setActiveOrganization } from '~/server/orgs/organizations.server'
import { getSessionId } from '~/server/session.server'
import { redirectWithToast } from '~/server/toast.server'

export async function loader() {
  return redirect('/projects')
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const sessionId = await getSessionId(request)
  const formData = await request.formData()
  const organizationId = formData.get('organizationId')
  const redirectTo = safeRedirectPath(formData.get('redirectTo'), '/projects', appOrigin(request))
  if (typeof organizationId !== 'string' || !sessionId)
    throw new Response('Choose an organisation.', { status: 400 })
  const switched = await setActiveOrganization(sessionId, user.id, organizationId)
  if (!switched) throw new Response('Organisation not found', { status: 404 })
  return redirectWithToast(redirectTo, { type: 'info', message: 'Switched organisation.' })
}
