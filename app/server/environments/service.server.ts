/**
 * Environments of a project: the Mock (one per mock, base URL taken from it),
 * Sandbox and UAT (base URL, credentials sealed with SECRETS_KEY, options, a
 * webhook receiver with its own secret). Credentials and secrets are shown
 * masked; a receiver secret in full only when it is created or rotated. A
 * partner project may hold its own credentials and test variables.
 */
import {
  type CreateEnvironmentInput,
  type EnvironmentAuth,
  EnvironmentAuthSchema,
  type EnvironmentKind,
  type EnvironmentOptions,
  EnvironmentOptionsSchema,
  resolveOptions,
  type WebhookScheme,
} from '~/shared/environment-schemas'
import { type Actor, auditAs } from '../audit/log.server'
import { decryptSecret, encryptSecret, maskSecret, maskUrl } from '../crypto.server'
import { db } from '../db.server'
import { newReceiverSecret } from './signatures.server'

export class EnvironmentError extends Error {
  constructor(
    message: string,
    readonly status = 422,
  ) {
    super(message)
  }
}

export type EnvironmentRow = Awaited<ReturnType<typeof db.environment.findUniqueOrThrow>>

export function readAuth(sealed: string | null): EnvironmentAuth | null {
  if (!sealed) return null
  try {
    const parsed = EnvironmentAuthSchema.safeParse(JSON.parse(decryptSecret(sealed)))
    return parsed.success ? parsed.data : null
  } catch {
    return null // sealed with another key: as if none were set
  }
}

function sealAuth(auth: EnvironmentAuth | undefined | null): string | null {
  return auth ? encryptSecret(JSON.stringify(auth)) : null
}

export function readOptions(row: { kind: string; options: string }) {
  let stored: EnvironmentOptions = {}
  try {
    const parsed = EnvironmentOptionsSchema.safeParse(JSON.parse(row.options || '{}'))
    if (parsed.success) stored = parsed.data
  } catch {
    // unreadable options: the defaults apply
  }
  return { stored, resolved: resolveOptions(row.kind as EnvironmentKind, stored) }
}

/** What pages and the API show of credentials: the kind and where, never the secret. */
export function describeAuth(auth: EnvironmentAuth | null): string {
  if (!auth) return 'none'
  switch (auth.type) {
    case 'bearer':
      return `Bearer token ${maskSecret(auth.token)}`
    case 'apiKey':
      return `API key in ${auth.in} “${auth.name}” ${maskSecret(auth.value)}`
    case 'basic':
      return `Basic, user ${auth.username}, password ${maskSecret(auth.password)}`
    case 'oauth2':
      return `OAuth2 client credentials at ${maskUrl(auth.tokenUrl)}, client ${auth.clientId}, secret ${maskSecret(auth.clientSecret)}`
  }
}

export function webhookUrlOf(environmentId: string, appOrigin: string) {
  return `${appOrigin.replace(/\/+$/, '')}/hooks/${environmentId}`
}

export function environmentView(row: EnvironmentRow, appOrigin: string) {
  const { resolved } = readOptions(row)
  let secretMasked: string | null = null
  if (row.webhookSecret)
    try {
      secretMasked = maskSecret(decryptSecret(row.webhookSecret))
    } catch {
      secretMasked = 'unreadable (rotate it)'
    }
  return {
    id: row.id,
    kind: row.kind as EnvironmentKind,
    name: row.name,
    baseUrl: row.baseUrl,
    mockId: row.mockId,
    auth: describeAuth(readAuth(row.auth)),
    authType: readAuth(row.auth)?.type ?? null,
    allowPrivateNetwork: row.allowPrivateNetwork,
    options: resolved,
    webhook: {
      url: webhookUrlOf(row.id, appOrigin),
      scheme: row.webhookScheme as WebhookScheme,
      header: row.webhookHeader,
      secret: secretMasked,
    },
    createdAt: row.createdAt.toISOString(),
  }
}
export type EnvironmentView = ReturnType<typeof environmentView>

export function listEnvironments(projectId: string) {
  return db.environment.findMany({
    where: { projectId },
    orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
  })
}

export async function getEnvironment(projectId: string, environmentId: string) {
  const row = await db.environment.findFirst({ where: { id: environmentId, projectId } })
  if (!row) throw new EnvironmentError('That environment does not exist in this project.', 404)
  return row
}

/** Creates a Sandbox or UAT environment; its receiver secret is returned in full this once. */
export async function createEnvironment(
  projectId: string,
  input: CreateEnvironmentInput,
  actor: Actor,
) {
  const existing = await db.environment.findFirst({ where: { projectId, name: input.name } })
  if (existing)
    throw new EnvironmentError(`An environment named “${input.name}” already exists.`, 409)
  const webhookSecret = newReceiverSecret()
  const row = await db.environment.create({
    data: {
      projectId,
      kind: input.kind,
      name: input.name,
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      auth: sealAuth(input.auth),
      allowPrivateNetwork: input.allowPrivateNetwork ?? false,
      options: JSON.stringify(input.options ?? {}),
      webhookScheme: input.webhook?.scheme ?? 'standard',
      webhookHeader: input.webhook?.header || null,
      webhookSecret: encryptSecret(webhookSecret),
    },
  })
  await auditAs(
    actor,
    'environment.created',
    { type: 'environment', id: row.id },
    {
      name: row.name,
      kind: row.kind,
      auth: input.auth?.type ?? 'none',
    },
  )
  return { environment: row, webhookSecret }
}

export type EnvironmentUpdate = {
  name?: string
  baseUrl?: string
  /** undefined: keep; null: remove; a value: replace. */
  auth?: EnvironmentAuth | null
  allowPrivateNetwork?: boolean
  options?: EnvironmentOptions
  webhook?: { scheme: WebhookScheme; header?: string }
}

export async function updateEnvironment(
  projectId: string,
  environmentId: string,
  change: EnvironmentUpdate,
  actor: Actor,
) {
  const row = await getEnvironment(projectId, environmentId)
  if (row.kind === 'mock' && (change.baseUrl !== undefined || change.allowPrivateNetwork === false))
    throw new EnvironmentError('A mock environment takes its URL from its mock.')
  if (change.name && change.name !== row.name) {
    const clash = await db.environment.findFirst({ where: { projectId, name: change.name } })
    if (clash)
      throw new EnvironmentError(`An environment named “${change.name}” already exists.`, 409)
  }
  const updated = await db.environment.update({
    where: { id: row.id },
    data: {
      ...(change.name ? { name: change.name } : {}),
      ...(change.baseUrl ? { baseUrl: change.baseUrl.replace(/\/+$/, '') } : {}),
      ...(change.auth !== undefined ? { auth: sealAuth(change.auth) } : {}),
      ...(change.allowPrivateNetwork !== undefined && row.kind !== 'mock'
        ? { allowPrivateNetwork: change.allowPrivateNetwork }
        : {}),
      ...(change.options ? { options: JSON.stringify(change.options) } : {}),
      ...(change.webhook
        ? { webhookScheme: change.webhook.scheme, webhookHeader: change.webhook.header || null }
        : {}),
    },
  })
  await auditAs(
    actor,
    'environment.updated',
    { type: 'environment', id: row.id },
    {
      changed: Object.keys(change),
    },
  )
  return updated
}

export async function deleteEnvironment(projectId: string, environmentId: string, actor: Actor) {
  const row = await getEnvironment(projectId, environmentId)
  await db.environment.delete({ where: { id: row.id } })
  await auditAs(
    actor,
    'environment.deleted',
    { type: 'environment', id: row.id },
    { name: row.name },
  )
}

/** A new receiver secret, returned in full this once. */
export async function rotateReceiverSecret(projectId: string, environmentId: string, actor: Actor) {
  const row = await getEnvironment(projectId, environmentId)
  const secret = newReceiverSecret()
  await db.environment.update({
    where: { id: row.id },
    data: { webhookSecret: encryptSecret(secret) },
  })
  await auditAs(actor, 'environment.webhook_secret_rotated', { type: 'environment', id: row.id })
  return secret
}

/** The Mock environment of a mock (created on first use: its URL is the mock's). */
export async function mockEnvironment(projectId: string, mockId: string) {
  const existing = await db.environment.findFirst({ where: { projectId, mockId, kind: 'mock' } })
  if (existing) return existing
  const mock = await db.mock.findFirst({
    where: { id: mockId, projectId },
    include: { specVersion: { select: { spec: { select: { name: true } } } } },
  })
  if (!mock) throw new EnvironmentError('That mock does not exist in this project.', 404)
  const base = `Mock: ${mock.specVersion.spec.name}`
  let name = base
  for (let attempt = 2; await db.environment.findFirst({ where: { projectId, name } }); attempt++)
    name = `${base} (${attempt})`
  return db.environment.create({
    data: {
      projectId,
      kind: 'mock',
      name,
      mockId,
      allowPrivateNetwork: true,
      webhookSecret: encryptSecret(newReceiverSecret()),
    },
  })
}

/**
 * The environment a run targets: `mock` (the spec's mock), `sandbox` or `uat`
 * (the project's only one of that kind), or an environment id.
 */
export async function resolveEnvironment(projectId: string, specId: string, reference: string) {
  if (reference === 'mock') {
    const mock = await db.mock.findFirst({
      where: { projectId, specVersion: { specId } },
      orderBy: { createdAt: 'asc' },
    })
    if (!mock)
      throw new EnvironmentError(
        'This spec has no mock: start one on the Mocks tab, then run against it.',
      )
    return mockEnvironment(projectId, mock.id)
  }
  if (reference === 'sandbox' || reference === 'uat') {
    const rows = await db.environment.findMany({ where: { projectId, kind: reference } })
    if (rows.length === 0)
      throw new EnvironmentError(
        `The project has no ${reference === 'uat' ? 'UAT' : 'Sandbox'} environment: create one first.`,
      )
    if (rows.length > 1)
      throw new EnvironmentError(
        `The project has ${rows.length} ${reference} environments: name one by its id (${rows.map((row) => `${row.name}: ${row.id}`).join(', ')}).`,
      )
    return rows[0]!
  }
  return getEnvironment(projectId, reference)
}

// ---- partner credentials and test variables -------------------------------------------------

export async function partnerAuth(environmentId: string, partnerProjectId: string | null) {
  if (!partnerProjectId) return null
  const row = await db.partnerCredential.findUnique({
    where: { environmentId_partnerProjectId: { environmentId, partnerProjectId } },
  })
  return row ? readAuth(row.auth) : null
}

export async function setPartnerAuth(
  projectId: string,
  environmentId: string,
  partnerProjectId: string,
  auth: EnvironmentAuth | null,
  actor: Actor,
) {
  await getEnvironment(projectId, environmentId)
  const partner = await db.partnerProject.findFirst({ where: { id: partnerProjectId, projectId } })
  if (!partner)
    throw new EnvironmentError('That partner project does not exist in this project.', 404)
  if (!auth) await db.partnerCredential.deleteMany({ where: { environmentId, partnerProjectId } })
  else
    await db.partnerCredential.upsert({
      where: { environmentId_partnerProjectId: { environmentId, partnerProjectId } },
      create: { environmentId, partnerProjectId, auth: sealAuth(auth)! },
      update: { auth: sealAuth(auth)! },
    })
  await auditAs(
    actor,
    auth ? 'environment.partner_credentials_set' : 'environment.partner_credentials_removed',
    {
      type: 'environment',
      id: environmentId,
    },
    { partnerProjectId },
  )
}

export type TestVariable = { name: string; value: string; secret: boolean }

type StoredConfig = { variables?: Record<string, { value: string; secret?: boolean }> }

/** A partner's test variables, secret ones unsealed (server side only). */
export function readTestConfig(stored: string): TestVariable[] {
  let parsed: StoredConfig = {}
  try {
    parsed = JSON.parse(stored || '{}') as StoredConfig
  } catch {
    return []
  }
  return Object.entries(parsed.variables ?? {}).flatMap(([name, entry]): TestVariable[] => {
    if (!entry || typeof entry.value !== 'string') return []
    if (!entry.secret) return [{ name, value: entry.value, secret: false }]
    try {
      return [{ name, value: decryptSecret(entry.value), secret: true }]
    } catch {
      return []
    }
  })
}

export function writeTestConfig(variables: TestVariable[]): string {
  return JSON.stringify({
    variables: Object.fromEntries(
      variables.map((variable) => [
        variable.name,
        {
          value: variable.secret ? encryptSecret(variable.value) : variable.value,
          secret: variable.secret,
        },
      ]),
    ),
  })
}

/** What pages show of test variables: secret values masked. */
export function maskedVariables(variables: TestVariable[]) {
  return variables.map((variable) => ({
    name: variable.name,
    value: variable.secret ? maskSecret(variable.value) : variable.value,
    secret: variable.secret,
  }))
}

export async function setPartnerTestConfig(
  projectId: string,
  partnerProjectId: string,
  variables: TestVariable[],
  actor: Actor,
) {
  const partner = await db.partnerProject.findFirst({ where: { id: partnerProjectId, projectId } })
  if (!partner)
    throw new EnvironmentError('That partner project does not exist in this project.', 404)
  await db.partnerProject.update({
    where: { id: partner.id },
    data: { testConfig: writeTestConfig(variables) },
  })
  await auditAs(
    actor,
    'partner.test_config_changed',
    { type: 'partner_project', id: partner.id },
    {
      variables: variables.map((variable) => variable.name),
    },
  )
}
