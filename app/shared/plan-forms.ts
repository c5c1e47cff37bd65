/** The plan board's forms, one zod schema per intent, shared by the page and the server. */
import { z } from 'zod'
import { ITEM_STATUSES, PHASES } from './plan'

const title = z
  .string({ error: 'Give the item a title.' })
  .trim()
  .min(1, 'Give the item a title.')
  .max(200, 'Keep the title under 200 characters.')
const owner = z.string().trim().max(100, 'Keep the owner under 100 characters.').optional()
const dueDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the due date as YYYY-MM-DD.')
  .refine((value) => !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()), 'Not a date.')
  .optional()
const itemId = z.string({ error: 'Which item?' }).min(1).max(100)

export const AddItemSchema = z.object({
  intent: z.literal('add-item'),
  phase: z.enum(PHASES, { error: 'Choose a phase.' }),
  title,
  ownerName: owner,
  dueDate,
  required: z.boolean().optional(),
})

export const UpdateItemSchema = z.object({
  intent: z.literal('update-item'),
  itemId,
  title,
  ownerName: owner,
  dueDate,
  required: z.boolean().optional(),
})

export const MoveItemSchema = z.object({
  intent: z.literal('move-item'),
  itemId,
  status: z.enum(ITEM_STATUSES, { error: 'Choose a status.' }),
})

export const DeleteItemSchema = z.object({ intent: z.literal('delete-item'), itemId })

export const AddNoteSchema = z.object({
  intent: z.literal('add-note'),
  itemId,
  body: z
    .string({ error: 'Write the note.' })
    .trim()
    .min(1, 'Write the note.')
    .max(5000, 'Keep a note under 5,000 characters.'),
  internal: z.boolean().optional(),
})

export const UnlinkCaseSchema = z.object({
  intent: z.literal('unlink-case'),
  itemId,
  caseKey: z.string().min(1).max(500),
})

export const LinkCaseSchema = z.object({
  intent: z.literal('link-plan-item'),
  itemId: z.string({ error: 'Choose the plan item.' }).min(1, 'Choose the plan item.').max(100),
})
