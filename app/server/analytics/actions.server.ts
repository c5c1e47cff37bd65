/**
 * The Failure analytics page's intents: `accept` (create the suggested note) and `draft`
 * (ask the assistant for a draft of it). One zod schema per intent, one function each.
 */
import { z } from 'zod'
import { ANNOTATION_TYPES, MAX_ANNOTATION_CHARS, MAX_FIELD_PATH_CHARS } from '~/shared/annotations'
import { AnnotationError } from '../annotations/annotations.server'
import type { AssistantScope } from '../assistant/scope.server'
import type { Actor } from '../audit/log.server'
import { findFailurePattern } from './failures.server'
import { acceptSuggestion, draftSuggestion, type Suggestion } from './suggestions.server'

const id = z.string().min(1).max(500)

const AcceptSchema = z.object({
  intent: z.literal('accept'),
  specId: id,
  operationId: id,
  type: z.enum(ANNOTATION_TYPES),
  fieldPath: z.string().max(MAX_FIELD_PATH_CHARS).default(''),
  body: z.string().min(1).max(MAX_ANNOTATION_CHARS),
})

const DraftSchema = z.object({
  intent: z.literal('draft'),
  specId: id,
  templateId: id,
  operationId: id,
})

export type AnalyticsActionResult =
  | { ok: true; kind: 'accepted'; message: string }
  | {
      ok: true
      kind: 'drafted'
      key: string
      suggestion: Suggestion
      source: 'model' | 'rules'
    }
  | { ok: false; status: number; message: string; key: string | null }

/** The key a row of the page is known by (to put a draft or an error back in its row). */
export const rowKey = (specId: string, templateId: string, operationId: string) =>
  `${specId}|${templateId}|${operationId}`

function fields(formData: FormData) {
  const entries: Record<string, string> = {}
  for (const [name, value] of formData) if (typeof value === 'string') entries[name] = value
  return entries
}

export async function analyticsAction(
  formData: FormData,
  context: { actor: Actor; scope: AssistantScope },
): Promise<AnalyticsActionResult> {
  const input = fields(formData)
  const key = input.specId
    ? rowKey(input.specId, input.templateId ?? '', input.operationId ?? '')
    : null
  const failed = (status: number, message: string) => ({ ok: false as const, status, message, key })
  switch (input.intent) {
    case 'accept': {
      const parsed = AcceptSchema.safeParse(input)
      if (!parsed.success)
        return failed(400, 'The suggested note could not be read. Reload the page and try again.')
      try {
        await acceptSuggestion(context.actor, parsed.data)
        return { ok: true, kind: 'accepted', message: 'Note added to the operation.' }
      } catch (error) {
        if (error instanceof AnnotationError) return failed(error.status, error.message)
        throw error
      }
    }
    case 'draft': {
      const parsed = DraftSchema.safeParse(input)
      if (!parsed.success) return failed(400, 'That pattern could not be read. Reload the page.')
      const pattern = await findFailurePattern(context.actor.projectId, parsed.data)
      if (!pattern) return failed(404, 'No partner fails that check any more.')
      try {
        const draft = await draftSuggestion(context.scope, pattern)
        return { ok: true, kind: 'drafted', key: key!, ...draft }
      } catch (error) {
        if (error instanceof AnnotationError) return failed(error.status, error.message)
        throw error
      }
    }
    default:
      return failed(400, `Unknown action "${String(input.intent ?? '').slice(0, 40)}".`)
  }
}
