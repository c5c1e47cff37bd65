/**
 * The annotation forms' intents (add, edit, delete), parsed with the shared zod
 * schemas and dispatched once for the operation page and the spec version page.
 * Returns the conform reply for the form that was sent, and what to tell the person.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import {
  AddAnnotationSchema,
  DeleteAnnotationSchema,
  MAX_ANNOTATION_CHARS,
  UpdateAnnotationSchema,
} from '~/shared/annotations'
import type { Actor } from '../audit/log.server'
import { BodyTooLargeError, readBodyLimited } from '../http.server'
import {
  AnnotationError,
  createAnnotation,
  deleteAnnotation,
  updateAnnotation,
} from './annotations.server'

/**
 * Largest form body read: a full note percent-encoded (up to 12 bytes per character)
 * and the other fields. Anything larger is refused before it is parsed.
 */
export const MAX_ANNOTATION_FORM_BYTES = MAX_ANNOTATION_CHARS * 12 + 16 * 1024

export type AnnotationActionResult =
  | { ok: true; message: string }
  | {
      ok: false
      status: number
      intent: string
      /** The note the failed form edits (null: the add form, or no form). */
      annotationId: string | null
      result: SubmissionResult<string[]>
    }

/** A URL-encoded (or small multipart) form read within MAX_ANNOTATION_FORM_BYTES. */
export async function readAnnotationForm(
  request: Request,
): Promise<{ formData: FormData } | { error: string; status: 413 | 400 }> {
  const type = request.headers.get('content-type') ?? ''
  try {
    const raw = await readBodyLimited(request, MAX_ANNOTATION_FORM_BYTES)
    if (type.startsWith('multipart/form-data'))
      return {
        formData: await new Response(Buffer.from(raw), {
          headers: { 'Content-Type': type },
        }).formData(),
      }
    const formData = new FormData()
    for (const [key, value] of new URLSearchParams(new TextDecoder('utf-8').decode(raw)))
      formData.append(key, value)
    return { formData }
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return {
        error: `The form is too large: a note is limited to ${MAX_ANNOTATION_CHARS.toLocaleString('en-GB')} characters.`,
        status: 413,
      }
    return { error: 'The form could not be read. Send it again.', status: 400 }
  }
}

/** A failure outside any one field (a form too large, an unknown intent) for the add form. */
export function annotationFormFailure(
  message: string,
  status: number,
  intent = 'add-annotation',
): AnnotationActionResult {
  return {
    ok: false,
    status,
    intent,
    annotationId: null,
    result: { status: 'error', error: { '': [message] } },
  }
}

export async function annotationAction(
  formData: FormData,
  context: {
    actor: Actor
    specId: string
    /** The operation the page shows; null where notes are only deleted (the version page). */
    operationId: string | null
  },
): Promise<AnnotationActionResult> {
  const intent = String(formData.get('intent') ?? '')
  const annotationId =
    intent === 'add-annotation' ? null : String(formData.get('annotationId') ?? '')
  const schema =
    intent === 'add-annotation' && context.operationId !== null
      ? AddAnnotationSchema
      : intent === 'update-annotation' && context.operationId !== null
        ? UpdateAnnotationSchema
        : intent === 'delete-annotation'
          ? DeleteAnnotationSchema
          : null
  if (!schema) return annotationFormFailure(`Unknown action "${intent.slice(0, 40)}".`, 400)
  const submission = parseWithZod(formData, { schema })
  const failed = (status: number, result: SubmissionResult<string[]>) => ({
    ok: false as const,
    status,
    intent,
    annotationId: annotationId || null,
    result,
  })
  if (submission.status !== 'success') return failed(400, submission.reply())
  try {
    const value = submission.value
    switch (value.intent) {
      case 'add-annotation':
        await createAnnotation(context.actor, context.specId, context.operationId!, value)
        return { ok: true, message: 'Note added.' }
      case 'update-annotation':
        await updateAnnotation(context.actor, context.specId, value.annotationId, value)
        return { ok: true, message: 'Note saved.' }
      case 'delete-annotation':
        await deleteAnnotation(context.actor, context.specId, value.annotationId)
        return { ok: true, message: 'Note deleted.' }
    }
  } catch (error) {
    if (error instanceof AnnotationError)
      return failed(
        error.status,
        submission.reply(
          error.field
            ? { fieldErrors: { [error.field]: [error.message] } }
            : { formErrors: [error.message] },
        ),
      )
    throw error
  }
}
