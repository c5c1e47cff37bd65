/** The mock page's forms, validated alike in the browser (conform) and on the server. */
import { z } from 'zod'
import { MAX_ORIGINS, parseOriginList } from './origins'

const wholeNumber = (max: number) =>
  z
    .number({ error: 'Enter a whole number (0 or more).' })
    .int('Use a whole number.')
    .min(0, 'Use 0 or more.')
    .max(max, `Use at most ${max.toLocaleString('en-GB')}.`)
export const SettingsSchema = z.object({
  stateful: z.boolean().default(false),
  idempotencyKeyOnPost: z.boolean().default(false),
  rateLimitRequests: wholeNumber(1_000_000),
  rateLimitWindow: wholeNumber(86_400),
  latencyFixed: wholeNumber(60_000),
  latencyRandom: wholeNumber(60_000),
  errorRatePercent: wholeNumber(100),
  corsOrigins: z
    .string()
    .max(4000, 'Use at most 4000 characters.')
    .default('')
    .superRefine((text, context) => {
      const parsed = parseOriginList(text)
      if (parsed.invalid !== undefined)
        context.addIssue({
          code: 'custom',
          message: `"${parsed.invalid.slice(0, 80)}" is not an origin: write scheme, host and port only, such as https://app.example.com.`,
        })
      else if (parsed.origins.length > MAX_ORIGINS)
        context.addIssue({ code: 'custom', message: `List at most ${MAX_ORIGINS} origins.` })
    }),
})
export const WebhookTargetSchema = z.object({
  targetUrl: z
    .string()
    .trim()
    .max(2000, 'Use a URL of at most 2000 characters.')
    .refine(
      (url) => url === '' || /^https?:\/\/\S+$/i.test(url),
      'Enter an http(s) URL, or leave it empty to remove the target.',
    )
    .optional(),
})
