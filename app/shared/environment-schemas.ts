/**
 * What an environment is made of, as the JSON API and the forms accept it:
 * one zod schema per part, shared by client (conform) and server.
 */
import { z } from 'zod'

export const ENVIRONMENT_KINDS = ['mock', 'sandbox', 'uat'] as const
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number]

export const WEBHOOK_SCHEMES = ['standard', 'stripe', 'github', 'hmac-header'] as const
export type WebhookScheme = (typeof WEBHOOK_SCHEMES)[number]

const text = (label: string, max = 500) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `The ${label} is at most ${max} characters.`)

export const EnvironmentAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: text('token', 4000) }),
  z.object({
    type: z.literal('apiKey'),
    in: z.enum(['header', 'query'], { error: 'Send the key in a header or in the query.' }),
    name: text('key name', 200).regex(
      /^[A-Za-z0-9_.\-[\]]+$/,
      'Use letters, digits, - _ . [ ] only.',
    ),
    value: text('key', 4000),
  }),
  z.object({
    type: z.literal('basic'),
    username: text('username', 500),
    password: text('password', 1000),
  }),
  z.object({
    type: z.literal('oauth2'),
    tokenUrl: z.url({ error: 'Enter the token URL (https://…).' }).max(2000),
    clientId: text('client id', 1000),
    clientSecret: text('client secret', 2000),
    scopes: z.string().trim().max(2000).optional(),
  }),
])
export type EnvironmentAuth = z.infer<typeof EnvironmentAuthSchema>

export const EnvironmentOptionsSchema = z.object({
  timeoutMs: z
    .number()
    .int()
    .min(100, 'At least 100 ms.')
    .max(120_000, 'At most 120 s.')
    .optional(),
  concurrency: z.number().int().min(1).max(64, 'At most 64 requests at once.').optional(),
  /** 0 = unpaced. */
  requestsPerSecond: z.number().min(0).max(1000, 'At most 1,000 requests/s.').optional(),
  latencyBudgetMs: z.number().int().min(10).max(120_000).optional(),
  rateLimitBurst: z
    .object({
      enabled: z.boolean(),
      maxRequests: z.number().int().min(2).max(500, 'A burst is at most 500 requests.'),
    })
    .optional(),
  /** How long a run waits for webhook deliveries after its writes. */
  webhookWaitMs: z.number().int().min(0).max(120_000).optional(),
  /** Total time a run may take. */
  totalTimeoutMs: z
    .number()
    .int()
    .min(10_000)
    .max(6 * 60 * 60_000)
    .optional(),
  /** The vendor's test variables for this environment ({{name}} in requests); a partner's own override them. */
  variables: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'Variable names: letters, digits, _ . - (at most 100).'),
      z.string().max(4000, 'A variable value is at most 4,000 characters.'),
    )
    .optional(),
})
export type EnvironmentOptions = z.infer<typeof EnvironmentOptionsSchema>

export type ResolvedOptions = Required<Omit<EnvironmentOptions, 'rateLimitBurst' | 'variables'>> & {
  rateLimitBurst: { enabled: boolean; maxRequests: number }
  variables: Record<string, string>
}

/** Defaults: a real sandbox is paced and given time; the local mock is not. */
export function resolveOptions(
  kind: EnvironmentKind,
  options: EnvironmentOptions,
): ResolvedOptions {
  const mock = kind === 'mock'
  return {
    timeoutMs: options.timeoutMs ?? (mock ? 5_000 : 10_000),
    concurrency: options.concurrency ?? (mock ? 16 : 4),
    requestsPerSecond: options.requestsPerSecond ?? (mock ? 0 : 10),
    latencyBudgetMs: options.latencyBudgetMs ?? (mock ? 1_000 : 2_000),
    rateLimitBurst: options.rateLimitBurst ?? { enabled: false, maxRequests: 50 },
    webhookWaitMs: options.webhookWaitMs ?? 10_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 30 * 60_000,
    variables: options.variables ?? {},
  }
}

export const WebhookReceiverSchema = z
  .object({
    scheme: z.enum(WEBHOOK_SCHEMES, { error: 'Choose standard, stripe, github or hmac-header.' }),
    header: z
      .string()
      .trim()
      .max(200)
      .regex(/^[A-Za-z0-9-]*$/, 'A header name: letters, digits and dashes.')
      .optional(),
  })
  .refine((value) => value.scheme !== 'hmac-header' || Boolean(value.header), {
    message: 'Name the header that carries the signature.',
    path: ['header'],
  })

export const CreateEnvironmentSchema = z.object({
  kind: z.enum(['sandbox', 'uat'], { error: 'An environment is a sandbox or UAT.' }),
  name: text('name', 80),
  baseUrl: z
    .url({ error: 'Enter the base URL, e.g. https://sandbox.example.com/v1.' })
    .max(2000)
    .refine((value) => /^https?:\/\//i.test(value), 'Use an http(s) URL.'),
  auth: EnvironmentAuthSchema.optional(),
  allowPrivateNetwork: z.boolean().optional(),
  options: EnvironmentOptionsSchema.optional(),
  webhook: WebhookReceiverSchema.optional(),
})
export type CreateEnvironmentInput = z.infer<typeof CreateEnvironmentSchema>

/** `{{ name }}` in paths, headers, query and bodies. */
export const VARIABLE_PATTERN = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g
export const VARIABLE_NAME = /^[A-Za-z0-9_.-]{1,100}$/
