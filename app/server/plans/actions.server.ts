/**
 * The plan board's form intents, parsed and dispatched once for the vendor's
 * page and the partner's (which may only add shared notes and attach files).
 * Returns what to tell the person: a message on success, or the error and
 * the item or phase it concerns.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { z } from 'zod'
import {
  AddItemSchema,
  AddNoteSchema,
  DeleteItemSchema,
  MoveItemSchema,
  UnlinkCaseSchema,
  UpdateItemSchema,
} from '~/shared/plan-forms'
import { isPhase } from '~/shared/plan'
import type { Actor } from '../audit/log.server'
import { db } from '../db.server'
import { EvidenceFileError, storeEvidenceFile } from '../evidence/files.server'
import {
  addItem,
  addNote,
  type Audience,
  deleteItem,
  moveItem,
  PlanError,
  unlinkCase,
  updateItem,
} from './board.server'

export type PlanActionResult =
  | { ok: true; message: string }
  | {
      ok: false
      status: number
      error: { itemId: string | null; phase: string | null; message: string }
    }

const VENDOR_ONLY = new Set(['add-item', 'update-item', 'move-item', 'delete-item', 'unlink-case'])

function invalid(
  formData: FormData,
  submission: { error?: Record<string, string[] | null> | null },
) {
  const messages = Object.values(submission.error ?? {}).flatMap((list) => list ?? [])
  return {
    ok: false as const,
    status: 400,
    error: {
      itemId: (formData.get('itemId') as string | null) ?? null,
      phase: (formData.get('phase') as string | null) ?? null,
      message: messages[0] ?? 'Check the form and try again.',
    },
  }
}

export async function planAction(
  formData: FormData,
  context: {
    partnerProjectId: string
    audience: Audience
    actor: Actor
    authorName: string
    userId: string
  },
): Promise<PlanActionResult> {
  const intent = String(formData.get('intent') ?? '')
  const { partnerProjectId, actor } = context
  const itemId = (formData.get('itemId') as string | null) ?? null
  const phase = (formData.get('phase') as string | null) ?? null
  if (context.audience === 'partner' && VENDOR_ONLY.has(intent))
    return {
      ok: false,
      status: 403,
      error: { itemId, phase, message: 'Only the vendor changes the plan’s items.' },
    }
  try {
    switch (intent) {
      case 'add-item': {
        const submission = parseWithZod(formData, { schema: AddItemSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await addItem(partnerProjectId, submission.value, actor)
        return { ok: true, message: `Added “${submission.value.title}”.` }
      }
      case 'update-item': {
        const submission = parseWithZod(formData, { schema: UpdateItemSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await updateItem(partnerProjectId, submission.value.itemId, submission.value, actor)
        return { ok: true, message: 'Item saved.' }
      }
      case 'move-item': {
        const submission = parseWithZod(formData, { schema: MoveItemSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await moveItem(partnerProjectId, submission.value.itemId, submission.value.status, actor)
        return { ok: true, message: 'Item moved.' }
      }
      case 'delete-item': {
        const submission = parseWithZod(formData, { schema: DeleteItemSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await deleteItem(partnerProjectId, submission.value.itemId, actor)
        return { ok: true, message: 'Item deleted.' }
      }
      case 'add-note': {
        const submission = parseWithZod(formData, { schema: AddNoteSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await addNote(
          partnerProjectId,
          submission.value.itemId,
          {
            body: submission.value.body,
            // Partners never write internal notes.
            internal: context.audience === 'vendor' && Boolean(submission.value.internal),
            authorName: context.authorName,
          },
          actor,
        )
        return { ok: true, message: 'Note added.' }
      }
      case 'unlink-case': {
        const submission = parseWithZod(formData, { schema: UnlinkCaseSchema })
        if (submission.status !== 'success') return invalid(formData, submission)
        await unlinkCase(partnerProjectId, submission.value.itemId, submission.value.caseKey, actor)
        return { ok: true, message: 'Case unlinked.' }
      }
      case 'upload-file': {
        const file = formData.get('file')
        if (!(file instanceof File) || file.size === 0)
          return {
            ok: false,
            status: 400,
            error: { itemId, phase, message: 'Choose a file to attach.' },
          }
        if (!isPhase(phase))
          return { ok: false, status: 400, error: { itemId, phase, message: 'Choose a phase.' } }
        if (itemId) {
          const item = await db.planItem.findFirst({
            where: { id: itemId, partnerProjectId },
            select: { phase: true },
          })
          if (!item) throw new PlanError('That plan item does not exist (any more).', 404)
        }
        const stored = await storeEvidenceFile({
          partnerProjectId,
          name: file.name,
          bytes: new Uint8Array(await file.arrayBuffer()),
          phase,
          planItemId: itemId,
          uploaderKind: context.audience,
          uploadedById: context.userId,
        })
        return { ok: true, message: `Attached “${stored.name}” to the evidence record.` }
      }
      default:
        return {
          ok: false,
          status: 400,
          error: { itemId, phase, message: 'Unknown action: reload the page and try again.' },
        }
    }
  } catch (error) {
    if (error instanceof PlanError || error instanceof EvidenceFileError)
      return { ok: false, status: error.status, error: { itemId, phase, message: error.message } }
    if (error instanceof z.ZodError)
      return {
        ok: false,
        status: 400,
        error: { itemId, phase, message: 'Check the form and try again.' },
      }
    throw error
  }
}
