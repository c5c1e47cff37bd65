import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { askFromPage, parseAskForm, partnerScope } from '~/server/assistant/page-form.server'
import { forbidden } from '~/server/http.server'

/** Nothing to show here: the assistant lives in the panels of the partner's pages. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:read')
  return redirect(`/partner/${access.partnerProject.id}`)
}

/**
 * The panel's form without JavaScript: asks, then goes back to the page it was
 * posted from, where the answer is part of the conversation.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const formData = await request.formData()
  if (formData.get('prompt') === 'draft-annotation') throw forbidden()
  return askFromPage(
    partnerScope(access),
    parseAskForm(formData),
    `/partner/${access.partnerProject.id}`,
  )
}
