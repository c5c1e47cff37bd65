import type { ActionFunctionArgs } from '@remix-run/node'
import { requirePartnerAccess } from '~/server/access.server'
import { parseAskForm, partnerScope, streamAnswer } from '~/server/assistant/page-form.server'
import { forbidden } from '~/server/http.server'

/**
 * The assistant's answer as server-sent events over this POST's response (the
 * panel reads it with fetch): `token`, then `done` or `error`. Drafting
 * annotations is the API team's, not a partner's.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requirePartnerAccess(request, params.partnerProjectId, 'partner:write')
  const formData = await request.formData()
  if (formData.get('prompt') === 'draft-annotation') throw forbidden()
  return streamAnswer(request, partnerScope(access), parseAskForm(formData))
}
