import { z } from 'zod'

/** Shared by the create form (projects list) and the rename form (settings), client and server. */
export const ProjectNameSchema = z.object({
  name: z
    .string({ error: 'Give the project a name.' })
    .trim()
    .min(2, 'Use at least 2 characters.')
    .max(80, 'Keep the name under 80 characters.'),
  description: z.string().trim().max(500, 'Keep the description under 500 characters.').optional(),
})

export const ApiTokenSchema = z.object({
  intent: z.literal('create-token'),
  name: z
    .string({ error: 'Name the token after where it will be used, e.g. “CI pipeline”.' })
    .trim()
    .min(2, 'Use at least 2 characters.')
    .max(60, 'Keep the name under 60 characters.'),
})
