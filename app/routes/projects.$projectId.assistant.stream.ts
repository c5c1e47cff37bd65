import type { ActionFunctionArgs } from '@remix-run/node'
import { can, requireProjectAccess } from '~/server/access.server'
import {
  parseAskForm,
  promptNeedsWrite,
  streamAnswer,
  vendorScope,
} from '~/server/assistant/page-form.server'
import { forbidden } from '~/server/http.server'

/**
 * The assistant's answer as server-sent events over this POST's response (the
 * panel reads it with fetch): `token`, then `done` or `error`. Any member may
 * ask; a draft annotation needs project:write.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:read')
  const formData = await request.formData()
  if (promptNeedsWrite(formData) && !can(access, 'project:write')) throw forbidden()
  return streamAnswer(request, vendorScope(access), parseAskForm(formData))
}
