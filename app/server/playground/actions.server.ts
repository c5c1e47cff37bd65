/**
 * The playground's form intents, parsed (conform + zod) and dispatched once
 * for the vendor's page and the partner's: send, save as template, delete a
 * saved request. Returns the data to render or where to redirect; the caller
 * has already checked the write permission.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { data } from '@remix-run/node'
import {
  DeleteSavedSchema,
  type DraftView,
  type PlaygroundActionData,
  PlaygroundRequestSchema,
} from '~/shared/playground'
import { appOrigin, BodyTooLargeError, readBodyLimited } from '../http.server'
import { redirectWithToast, type Toast } from '../toast.server'
import { requireOperation } from './catalogue.server'
import { playgroundHref } from './page.server'
import { sendPlaygroundRequest } from './request.server'
import { deleteSaved, saveTemplate, toStoredRequest } from './saved.server'
import { type PlaygroundScope, requireEnvironmentChoice } from './scope.server'
import { resolveTarget } from './target.server'

export type PlaygroundActionResult =
  | { kind: 'data'; status: number; data: PlaygroundActionData }
  | { kind: 'redirect'; to: string; toast: Toast }

const nothing = { outcome: null, draft: null, snippets: null }

const formError = (message: string): PlaygroundActionData['reply'] => ({
  status: 'error',
  error: { '': [message] },
})

/** A 1 MB body percent-encoded, with the rest of the form: anything larger is refused unread. */
const MAX_FORM_BYTES = 4 * 1024 * 1024

/** Reads the posted form (capped), runs its intent, and answers as the route returns it. */
export async function playgroundPost(
  scope: PlaygroundScope,
  request: Request,
  { base }: { base: string },
) {
  const result = await readAndAct(scope, request, { base, appOrigin: appOrigin(request) })
  return result.kind === 'redirect'
    ? redirectWithToast(result.to, result.toast)
    : data(result.data, { status: result.status })
}

async function readAndAct(
  scope: PlaygroundScope,
  request: Request,
  context: { base: string; appOrigin: string },
): Promise<PlaygroundActionResult> {
  let bytes: Uint8Array
  try {
    bytes = await readBodyLimited(request, MAX_FORM_BYTES)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    return {
      kind: 'data',
      status: 413,
      data: {
        reply: formError('The request is too large: the body may be 1 MB at most.'),
        ...nothing,
      },
    }
  }
  let formData: FormData
  try {
    formData = await new Response(Buffer.from(bytes), {
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
    }).formData()
  } catch {
    return {
      kind: 'data',
      status: 400,
      data: { reply: formError('Send the playground form.'), ...nothing },
    }
  }
  return playgroundAction(scope, formData, context)
}

export async function playgroundAction(
  scope: PlaygroundScope,
  formData: FormData,
  { base, appOrigin }: { base: string; appOrigin: string },
): Promise<PlaygroundActionResult> {
  if (formData.get('intent') === 'delete-saved') {
    const submission = parseWithZod(formData, { schema: DeleteSavedSchema })
    if (submission.status !== 'success')
      return { kind: 'data', status: 400, data: { reply: submission.reply(), ...nothing } }
    const row = await deleteSaved(scope, submission.value.savedId)
    return {
      kind: 'redirect',
      to: base,
      toast: {
        type: 'success',
        message:
          row.kind === 'template' ? `Template “${row.name}” deleted.` : 'Removed from history.',
      },
    }
  }
  const submission = parseWithZod(formData, { schema: PlaygroundRequestSchema })
  if (submission.status !== 'success')
    return { kind: 'data', status: 400, data: { reply: submission.reply(), ...nothing } }
  const value = submission.value
  const resolved = await requireOperation(scope, value.op)
  const choice = await requireEnvironmentChoice(scope, value.env)
  const draft: DraftView = {
    op: value.op,
    env: value.env,
    params: value.params,
    headers: value.headers,
    mediaType: value.mediaType ?? null,
    body: value.body,
  }
  const target = await resolveTarget(scope, choice, resolved.checker.spec, appOrigin, {
    ensureEnvironment: true,
  })
  if (value.intent === 'save-template') {
    const row = await saveTemplate(scope, value.name, {
      specId: resolved.spec.specId,
      operationId: resolved.operation.id,
      environmentId: target.environmentId,
      request: toStoredRequest(draft),
    })
    return {
      kind: 'redirect',
      to: playgroundHref(base, { op: value.op, template: row.id }),
      toast: { type: 'success', message: `Saved as template “${row.name}”.` },
    }
  }
  // A mock's environment row may have just been created: the form keeps pointing at it.
  const sentDraft = { ...draft, env: target.environmentId ?? draft.env }
  const result = await sendPlaygroundRequest(scope, resolved, target, sentDraft)
  if (result.kind === 'refused') {
    const fieldErrors: Record<string, string[]> = {}
    for (const refusal of result.refusals) (fieldErrors[refusal.field] ??= []).push(refusal.message)
    return {
      kind: 'data',
      status: 400,
      data: {
        reply: submission.reply({ fieldErrors, formErrors: result.formErrors }),
        outcome: null,
        draft: sentDraft,
        snippets: null,
      },
    }
  }
  return {
    kind: 'data',
    status: result.outcome.sent ? 200 : 422,
    data: {
      reply: submission.reply(),
      outcome: result.outcome,
      draft: result.draft,
      snippets: result.snippets,
    },
  }
}
