/**
 * Blueprint annotations' vocabulary and forms, shared by the pages (conform) and
 * the server (zod): the four note types, the size limits, one schema per intent.
 * Field path syntax: see app/server/annotations/field-paths.server.ts.
 */
import { z } from 'zod'

export const ANNOTATION_TYPES = ['auth_note', 'field_note', 'error_note', 'condition_note'] as const
export type AnnotationType = (typeof ANNOTATION_TYPES)[number]

export const ANNOTATION_TYPE_LABELS: Record<AnnotationType, string> = {
  auth_note: 'Authentication',
  field_note: 'Field',
  error_note: 'Errors',
  condition_note: 'Conditions',
}

/** Longest note body, in characters (after line endings are normalised to \n). */
export const MAX_ANNOTATION_CHARS = 20_000
/** Longest field path accepted. */
export const MAX_FIELD_PATH_CHARS = 1000

const type = z.enum(ANNOTATION_TYPES, {
  error: 'Choose a note type: authentication, field, errors or conditions.',
})

/** "" (or absent, as conform sends an empty select) is the whole operation. */
const fieldPath = z
  .string()
  .max(MAX_FIELD_PATH_CHARS, `Keep the field path under ${MAX_FIELD_PATH_CHARS} characters.`)
  .optional()
  .transform((value) => value ?? '')

/** Browsers send textarea line breaks as CRLF: normalised first, so the limit counts what was typed. */
const body = z
  .string({ error: 'Write the note.' })
  .transform((value) => value.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD').trimEnd())
  .check((ctx) => {
    if (ctx.value.trim().length === 0)
      ctx.issues.push({ code: 'custom', message: 'Write the note.', input: ctx.value })
    else if (ctx.value.length > MAX_ANNOTATION_CHARS)
      ctx.issues.push({
        code: 'custom',
        message: `Keep a note to ${MAX_ANNOTATION_CHARS.toLocaleString('en-GB')} characters (this one has ${ctx.value.length.toLocaleString('en-GB')}).`,
        input: ctx.value,
      })
  })

const annotationId = z.string({ error: 'Which note?' }).min(1, 'Which note?').max(100)

export const AddAnnotationSchema = z.object({
  intent: z.literal('add-annotation'),
  type,
  fieldPath,
  body,
})

export const UpdateAnnotationSchema = z.object({
  intent: z.literal('update-annotation'),
  annotationId,
  type,
  fieldPath,
  body,
})

export const DeleteAnnotationSchema = z.object({
  intent: z.literal('delete-annotation'),
  annotationId,
})
