/** The vendor's notes on an operation as the playground shows them: the operation's own, and per field. */
import type { NoteView, ParamField } from '~/shared/playground'
import { annotationsForOperation } from '../annotations/annotations.server'

export async function operationNotes(specId: string, operationId: string): Promise<NoteView[]> {
  const annotations = await annotationsForOperation(specId, operationId)
  return annotations.map((annotation) => ({
    id: annotation.id,
    type: annotation.type,
    fieldPath: annotation.fieldPath,
    html: annotation.html,
    orphaned: annotation.orphaned,
    orphanedVersion: annotation.orphanedVersion,
  }))
}

/** Notes on the operation itself (no field path). */
export const notesOnOperation = (notes: NoteView[]) => notes.filter((note) => note.fieldPath === '')

/** Each parameter with the notes on it (`query.limit`, `header.X-Request-Id`, any case). */
export function withParamNotes(fields: ParamField[], notes: NoteView[]): ParamField[] {
  return fields.map((field) => {
    const path = `${field.in}.${field.name}`.toLowerCase()
    return { ...field, notes: notes.filter((note) => note.fieldPath.toLowerCase() === path) }
  })
}
