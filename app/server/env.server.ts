/**
 * Environment, validated once at boot. Every variable is optional so the app
 * starts on a fresh machine; missing secrets are generated once and kept in
 * DATA_DIR/secrets.json (with a warning) so sessions survive restarts.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

const booleanString = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1')

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^file:/, 'DATABASE_URL must be a SQLite file: URL, e.g. file:./data/app.db')
    .default('file:./data/app.db'),
  DATA_DIR: z.string().default('./data'),
  SESSION_SECRET: z.string().min(16, 'SESSION_SECRET must be at least 16 characters').optional(),
  SECRETS_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'SECRETS_KEY must be 64 hex characters (32 bytes)')
    .optional(),
  APP_URL: z.string().url().optional(),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Integration Copilot <no-reply@integration-copilot.local>'),
  MOCKS: booleanString,
  SEED_DEMO: z.string().optional(),
  DEMO_API_TOKEN: z.string().optional(),
  /** The seed makes it Globex's trace signing secret (demos and end-to-end tests). */
  DEMO_TRACE_SECRET: z
    .string()
    .min(16, 'DEMO_TRACE_SECRET must be at least 16 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LITEFS_DIR: z.string().optional(),
  FLY_REGION: z.string().optional(),
  PRIMARY_REGION: z.string().optional(),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Who may tell us the client address: none (socket), fly (Fly-Client-IP), or N proxies appending X-Forwarded-For. */
  TRUST_PROXY: z
    .string()
    .regex(
      /^(|none|false|fly|[1-9]\d?)$/i,
      'TRUST_PROXY must be none, fly, or a number of proxies (1-99)',
    )
    .default('none'),
  /** The mocks' own origin (another registrable domain than APP_URL's), e.g. https://acme-mocks.example.net. */
  MOCK_PUBLIC_URL: z
    .string()
    .url('MOCK_PUBLIC_URL must be an absolute URL, e.g. https://mocks.example.net')
    .refine((value) => /^https?:\/\//i.test(value), 'MOCK_PUBLIC_URL must be an http(s) URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OUTBOUND_ALLOW_PRIVATE: booleanString,
  INSECURE_COOKIES: booleanString,
  /** The assistant's model: any OpenAI-compatible chat-completions server; without a key, the built-in troubleshooter answers. */
  OPENAI_API_KEY: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined),
  OPENAI_BASE_URL: z
    .string()
    .url('OPENAI_BASE_URL must be an absolute URL, e.g. https://api.openai.com/v1')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OPENAI_MODEL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || 'gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Questions each user, and each partner project, may ask the assistant per hour. */
  ASSISTANT_QUESTIONS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Headless Chromium that renders readiness reports as PDF (Debian's package by default). */
  CHROMIUM_PATH: z
    .string()
    .optional()
    .transform((value) => value?.trim() || '/usr/bin/chromium'),
})

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRET: string; SECRETS_KEY: string }

let cached: Env | undefined

function loadGeneratedSecrets(dataDir: string): { SESSION_SECRET: string; SECRETS_KEY: string } {
  const file = path.join(dataDir, 'secrets.json')
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>
    if (stored.SESSION_SECRET && stored.SECRETS_KEY) {
      return { SESSION_SECRET: stored.SESSION_SECRET, SECRETS_KEY: stored.SECRETS_KEY }
    }
  } catch {
    // not generated yet
  }
  const secrets = {
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    SECRETS_KEY: crypto.randomBytes(32).toString('hex'),
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 })
  return secrets
}

export function getEnv(): Env {
  if (cached) return cached
  const parsed = EnvSchema.safeParse(process.env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    )
    throw new Error(`Invalid environment:\n${problems.join('\n')}`)
  }
  const env = parsed.data
  let { SESSION_SECRET, SECRETS_KEY } = env
  if (!SESSION_SECRET || !SECRETS_KEY) {
    const generated = loadGeneratedSecrets(env.DATA_DIR)
    const missing = [!SESSION_SECRET && 'SESSION_SECRET', !SECRETS_KEY && 'SECRETS_KEY'].filter(
      Boolean,
    )
    if (env.NODE_ENV !== 'test') {
      console.warn(
        `[env] ${missing.join(' and ')} not set: using generated values kept in ${path.join(env.DATA_DIR, 'secrets.json')}. Set them in production (see .env.example).`,
      )
    }
    SESSION_SECRET ??= generated.SESSION_SECRET
    SECRETS_KEY ??= generated.SECRETS_KEY
  }
  cached = { ...env, SESSION_SECRET, SECRETS_KEY }
  return cached
}

/** The host (name:port) of MOCK_PUBLIC_URL, when mocks have their own origin. */
export function mockPublicHost(env = getEnv()): string | null {
  return env.MOCK_PUBLIC_URL ? new URL(env.MOCK_PUBLIC_URL).host.toLowerCase() : null
}

export function isGitHubEnabled(env = getEnv()): boolean {
  return Boolean(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET)
}

export function isGoogleEnabled(env = getEnv()): boolean {
  return Boolean(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET)
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined
}
