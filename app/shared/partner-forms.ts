/** The "add a partner" form, shared by the plan home, the partners page and the server. */
import { z } from 'zod'

export const AddPartnerSchema = z.object({
  name: z
    .string({ error: 'Name the partner company.' })
    .trim()
    .min(2, 'Name the partner company.')
    .max(80, 'Keep the name under 80 characters.'),
  slug: z
    .string()
    .trim()
    .max(40, 'Keep the short name under 40 characters.')
    .regex(/^[a-z0-9-]*$/, 'Use lower-case letters, digits and dashes.')
    .optional(),
})
