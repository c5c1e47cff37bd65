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

// ---- the environment form (flat fields, with and without JavaScript) ----------------------

export const AUTH_TYPES = ['none', 'bearer', 'apiKey', 'basic', 'oauth2'] as const

const optionalText = (max: number) => z.string().trim().max(max).optional()

/** The form behind create and edit. On edit, credential fields left empty keep what is stored. */
export function environmentFormSchema(mode: 'create' | 'edit') {
  return z
    .object({
      kind:
        mode === 'create'
          ? z.enum(['sandbox', 'uat'], { error: 'Choose Sandbox or UAT.' })
          : z.string().optional(),
      name: text('name', 80),
      baseUrl: z
        .url({ error: 'Enter the base URL, e.g. https://sandbox.example.com/v1.' })
        .max(2000)
        .refine((value) => /^https?:\/\//i.test(value), 'Use an http(s) URL.')
        .optional(),
      authType: z.enum([...AUTH_TYPES, 'keep'] as const, {
        error: 'Choose how requests authenticate.',
      }),
      bearerToken: optionalText(4000),
      apiKeyIn: z.enum(['header', 'query']).optional(),
      apiKeyName: optionalText(200),
      apiKeyValue: optionalText(4000),
      basicUsername: optionalText(500),
      basicPassword: optionalText(1000),
      oauthTokenUrl: optionalText(2000),
      oauthClientId: optionalText(1000),
      oauthClientSecret: optionalText(2000),
      oauthScopes: optionalText(2000),
      allowPrivateNetwork: z.boolean().optional(),
      timeoutMs: z
        .number({ error: 'A whole number of milliseconds.' })
        .int()
        .min(100, 'At least 100 ms.')
        .max(120_000, 'At most 120,000 ms.')
        .optional(),
      concurrency: z
        .number({ error: 'A whole number.' })
        .int()
        .min(1, 'At least 1.')
        .max(64, 'At most 64.')
        .optional(),
      requestsPerSecond: z
        .number({ error: 'A number.' })
        .min(0, '0 or more (0 = unpaced).')
        .max(1000, 'At most 1,000.')
        .optional(),
      latencyBudgetMs: z
        .number({ error: 'A whole number of milliseconds.' })
        .int()
        .min(10, 'At least 10 ms.')
        .max(120_000, 'At most 120,000 ms.')
        .optional(),
      burstEnabled: z.boolean().optional(),
      burstMax: z
        .number({ error: 'A whole number.' })
        .int()
        .min(2, 'At least 2.')
        .max(500, 'At most 500.')
        .optional(),
      webhookWaitMs: z
        .number({ error: 'A whole number of milliseconds.' })
        .int()
        .min(0)
        .max(120_000, 'At most 120,000 ms.')
        .optional(),
      webhookScheme: z.enum(WEBHOOK_SCHEMES, { error: 'Choose a signature scheme.' }),
      webhookHeader: z
        .string()
        .trim()
        .max(200)
        .regex(/^[A-Za-z0-9-]*$/, 'A header name: letters, digits and dashes.')
        .optional(),
    })
    .superRefine((value, context) => {
      const need = (field: keyof typeof value, message: string) => {
        if (!value[field]) context.addIssue({ code: 'custom', path: [field], message })
      }
      if (mode === 'create' && !value.baseUrl)
        need('baseUrl', 'Enter the base URL, e.g. https://sandbox.example.com/v1.')
      if (value.authType === 'bearer') need('bearerToken', 'Enter the bearer token.')
      if (value.authType === 'apiKey') {
        need('apiKeyName', 'Name the header or query parameter that carries the key.')
        need('apiKeyValue', 'Enter the API key.')
        if (value.apiKeyName && !/^[A-Za-z0-9_.\-[\]]+$/.test(value.apiKeyName))
          context.addIssue({
            code: 'custom',
            path: ['apiKeyName'],
            message: 'Use letters, digits, - _ . [ ] only.',
          })
      }
      if (value.authType === 'basic') {
        need('basicUsername', 'Enter the username.')
        need('basicPassword', 'Enter the password.')
      }
      if (value.authType === 'oauth2') {
        need('oauthTokenUrl', 'Enter the token URL.')
        need('oauthClientId', 'Enter the client id.')
        need('oauthClientSecret', 'Enter the client secret.')
        if (value.oauthTokenUrl && !/^https?:\/\/\S+$/i.test(value.oauthTokenUrl))
          context.addIssue({
            code: 'custom',
            path: ['oauthTokenUrl'],
            message: 'Use an http(s) URL.',
          })
      }
      if (value.webhookScheme === 'hmac-header')
        need('webhookHeader', 'Name the header that carries the signature.')
    })
}
export type EnvironmentForm = z.infer<ReturnType<typeof environmentFormSchema>>

/** The form's auth fields as EnvironmentAuth; undefined = keep what is stored (edit), null = none. */
export function authFromForm(form: EnvironmentForm): EnvironmentAuth | null | undefined {
  switch (form.authType) {
    case 'keep':
      return undefined
    case 'none':
      return null
    case 'bearer':
      return { type: 'bearer', token: form.bearerToken! }
    case 'apiKey':
      return {
        type: 'apiKey',
        in: form.apiKeyIn ?? 'header',
        name: form.apiKeyName!,
        value: form.apiKeyValue!,
      }
    case 'basic':
      return { type: 'basic', username: form.basicUsername!, password: form.basicPassword! }
    case 'oauth2':
      return {
        type: 'oauth2',
        tokenUrl: form.oauthTokenUrl!,
        clientId: form.oauthClientId!,
        clientSecret: form.oauthClientSecret!,
        ...(form.oauthScopes ? { scopes: form.oauthScopes } : {}),
      }
  }
}

export function optionsFromForm(
  form: EnvironmentForm,
  previous: EnvironmentOptions = {},
): EnvironmentOptions {
  const defined = <T>(value: T | undefined) => value
  return {
    ...previous,
    timeoutMs: defined(form.timeoutMs),
    concurrency: defined(form.concurrency),
    requestsPerSecond: defined(form.requestsPerSecond),
    latencyBudgetMs: defined(form.latencyBudgetMs),
    webhookWaitMs: defined(form.webhookWaitMs),
    rateLimitBurst: {
      enabled: Boolean(form.burstEnabled),
      maxRequests: form.burstMax ?? previous.rateLimitBurst?.maxRequests ?? 50,
    },
  }
}

/** `name=value` lines -> variables; names are checked, blank lines skipped. */
export function parseVariableLines(text: string): {
  variables: Record<string, string>
  errors: string[]
} {
  const variables: Record<string, string> = {}
  const errors: string[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return
    const at = line.indexOf('=')
    const name = (at < 0 ? line : line.slice(0, at)).trim()
    if (!VARIABLE_NAME.test(name)) {
      errors.push(
        `Line ${index + 1}: “${name.slice(0, 40)}” is not a variable name (letters, digits, _ . -).`,
      )
      return
    }
    if (at < 0) {
      errors.push(`Line ${index + 1}: write name=value.`)
      return
    }
    const value = line.slice(at + 1)
    if (value.length > 4000)
      errors.push(`Line ${index + 1}: the value is longer than 4,000 characters.`)
    else variables[name] = value
  })
  if (Object.keys(variables).length > 200) errors.push('At most 200 variables.')
  return { variables, errors }
}

export const PartnerAuthFormSchema = z
  .object({
    partnerProjectId: z.string({ error: 'Choose the partner.' }).min(1, 'Choose the partner.'),
    authType: z.enum(AUTH_TYPES, { error: 'Choose how the partner authenticates.' }),
    bearerToken: optionalText(4000),
    apiKeyIn: z.enum(['header', 'query']).optional(),
    apiKeyName: optionalText(200),
    apiKeyValue: optionalText(4000),
    basicUsername: optionalText(500),
    basicPassword: optionalText(1000),
  })
  .superRefine((value, context) => {
    const need = (field: keyof typeof value, message: string) => {
      if (!value[field]) context.addIssue({ code: 'custom', path: [field], message })
    }
    if (value.authType === 'bearer') need('bearerToken', 'Enter the partner’s bearer token.')
    if (value.authType === 'apiKey') {
      need('apiKeyName', 'Name the header or query parameter.')
      need('apiKeyValue', 'Enter the partner’s API key.')
    }
    if (value.authType === 'basic') {
      need('basicUsername', 'Enter the username.')
      need('basicPassword', 'Enter the password.')
    }
    if (value.authType === 'oauth2')
      context.addIssue({
        code: 'custom',
        path: ['authType'],
        message:
          'Set OAuth2 client credentials on the environment; partners use a token, key or password.',
      })
  })
