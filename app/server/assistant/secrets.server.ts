/**
 * What never reaches the model: every fact and message passes through the
 * scope's Redactor. It applies the house redaction (secret names, credential
 * shapes: redact.server.ts) and then removes, wherever they appear, the
 * actual values of the secrets the project holds: environment credentials,
 * partner credentials, partner secret test variables, webhook receiver and
 * delivery secrets, mock credentials and trace signing secrets, unsealed here
 * only to be recognised (raw, URL-encoded, JSON-escaped and base64 forms).
 */
import { EnvironmentAuthSchema, type EnvironmentAuth } from '~/shared/environment-schemas'
import { decryptSecret } from '../crypto.server'
import { db } from '../db.server'
import { readTestConfig } from '../environments/service.server'
import { REDACTED, redactBody, redactHeaders, redactText, redactUrl } from '../redact.server'
import type { AssistantScope } from './scope.server'

/** Shorter values are too likely to be ordinary words or numbers to be replaced everywhere. */
const MIN_SECRET_CHARS = 4

function unseal(sealed: string | null | undefined): string | null {
  if (!sealed) return null
  try {
    return decryptSecret(sealed)
  } catch {
    return null
  }
}

function authValues(auth: EnvironmentAuth): string[] {
  switch (auth.type) {
    case 'bearer':
      return [auth.token]
    case 'apiKey':
      return [auth.value]
    case 'basic':
      return [
        auth.password,
        Buffer.from(`${auth.username}:${auth.password}`).toString('base64'),
        Buffer.from(
          `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}`,
        ).toString('base64'),
      ]
    case 'oauth2':
      return [auth.clientSecret]
  }
}

function sealedAuthValues(sealed: string | null | undefined): string[] {
  const plain = unseal(sealed)
  if (!plain) return []
  try {
    const parsed = EnvironmentAuthSchema.safeParse(JSON.parse(plain))
    return parsed.success ? authValues(parsed.data) : [plain]
  } catch {
    return [plain]
  }
}

function mockCredentialValues(config: string): string[] {
  try {
    const parsed = JSON.parse(config || '{}') as { credentials?: Record<string, unknown> }
    return Object.values(parsed.credentials ?? {}).flatMap((sealed) =>
      typeof sealed === 'string' ? [unseal(sealed) ?? ''] : [],
    )
  } catch {
    return []
  }
}

/**
 * The secret values of the project the scope may touch: the vendor's (its
 * environments' and mocks') and its partner projects' (all of them for the
 * vendor; the partner's own otherwise).
 */
export async function secretValuesFor(scope: AssistantScope): Promise<string[]> {
  const partnerWhere = {
    projectId: scope.projectId,
    ...(scope.partnerProjectId ? { id: scope.partnerProjectId } : {}),
  }
  const [environments, mocks, partners] = await Promise.all([
    db.environment.findMany({
      where: { projectId: scope.projectId },
      select: { auth: true, webhookSecret: true },
    }),
    db.mock.findMany({
      where: { projectId: scope.projectId },
      select: { config: true, webhookSecret: true, webhookTargetUrl: true },
    }),
    db.partnerProject.findMany({
      where: partnerWhere,
      select: {
        testConfig: true,
        traceSecret: true,
        traceSecretPrev: true,
        credentials: { select: { auth: true } },
      },
    }),
  ])
  const values: string[] = []
  for (const environment of environments)
    values.push(...sealedAuthValues(environment.auth), unseal(environment.webhookSecret) ?? '')
  for (const mock of mocks)
    values.push(
      ...mockCredentialValues(mock.config),
      unseal(mock.webhookSecret) ?? '',
      unseal(mock.webhookTargetUrl) ?? '',
    )
  for (const partner of partners) {
    values.push(unseal(partner.traceSecret) ?? '', unseal(partner.traceSecretPrev) ?? '')
    for (const credential of partner.credentials) values.push(...sealedAuthValues(credential.auth))
    for (const variable of readTestConfig(partner.testConfig))
      if (variable.secret) values.push(variable.value)
  }
  return values
}

export type Redactor = {
  /** Free text (a reason, an assertion's actual value, a question, a whole message). */
  text: (text: string) => string
  /** A body, JSON-aware when the content type (or its shape) says JSON. */
  body: (text: string, contentType?: string) => string
  headers: (headers: Record<string, string>) => Record<string, string>
  url: (url: string) => string
}

/** The forms a value takes in what was recorded: as is, URL-encoded, JSON-escaped. */
function forms(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
  return [...out].filter((form) => form.length >= MIN_SECRET_CHARS)
}

export function makeRedactor(secretValues: readonly string[]): Redactor {
  const known = [
    ...new Set(
      secretValues
        .filter((value) => value.length >= MIN_SECRET_CHARS)
        .flatMap((value) => forms(value)),
    ),
  ].sort((a, b) => b.length - a.length)
  const scrub = (text: string) => {
    let out = text
    for (const value of known) if (out.includes(value)) out = out.split(value).join(REDACTED)
    return out
  }
  const text = (value: string) => redactText(scrub(value))
  return {
    text,
    body: (value, contentType = '') => scrub(redactBody(scrub(value), contentType)),
    headers: (headers) =>
      Object.fromEntries(
        Object.entries(redactHeaders(headers)).map(([name, value]) => [name, text(value)]),
      ),
    url: (value) => text(redactUrl(scrub(value))),
  }
}

/** The redactor of a scope: the house rules plus the project's own secret values. */
export async function redactorFor(scope: AssistantScope): Promise<Redactor> {
  return makeRedactor(await secretValuesFor(scope))
}
