/**
 * Mocks of a project: create (and start), list, control, configure, delete.
 * Every query is scoped by project; every write made for a person (`actor`)
 * writes its audit entry here, whether it came through a page or the API.
 * `actor: null` is the system acting on its own (a mock started by an import).
 */
import { type Actor, auditAs } from '../audit/log.server'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { publicMockUrl } from './proxy.server'
import { DEFAULT_MOCK_CONFIG, type MockConfig } from './engine.server'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { eventPayload } from './callbacks.server'
import { SpecSchemas } from '../specs/schemas.server'
import { getSupervisor, readMockConfig, writeMockConfig } from './supervisor.server'
import {
  deliverEvent,
  ensureWebhookSecret,
  rotateWebhookSecret,
  setWebhookTarget,
  webhookEvents,
  webhookTarget,
} from './webhooks.server'

export class MockError extends Error {}

export function listMocks(projectId: string) {
  return db.mock.findMany({
    where: { projectId },
    orderBy: { createdAt: 'desc' },
    include: {
      specVersion: {
        select: { id: true, number: true, title: true, spec: { select: { id: true, name: true } } },
      },
    },
  })
}

export function getMock(projectId: string, mockId: string) {
  return db.mock.findFirst({
    where: { id: mockId, projectId },
    include: {
      specVersion: {
        select: { id: true, number: true, title: true, spec: { select: { id: true, name: true } } },
      },
    },
  })
}

/**
 * The spec version a new mock serves: `versionId` when given, else the spec's
 * latest; null when the spec (or that version of it) is not in this project.
 */
export function findVersionToMock(projectId: string, specId: string, versionId?: string) {
  return db.specVersion.findFirst({
    where: { specId, spec: { projectId }, ...(versionId ? { id: versionId } : {}) },
    orderBy: { number: 'desc' },
    select: { id: true },
  })
}

async function startQuietly(mockId: string) {
  await getSupervisor()
    .start(mockId)
    .catch(() => undefined) // the failure is recorded on the mock (status failed, lastError)
}

export async function createMock(
  projectId: string,
  specVersionId: string,
  overrides: Partial<MockConfig> = {},
  actor: Actor | null = null,
) {
  const version = await db.specVersion.findFirst({
    where: { id: specVersionId, spec: { projectId } },
  })
  if (!version) throw new MockError('That spec version does not exist in this project.')
  const mock = await db.mock.create({
    data: {
      projectId,
      specVersionId,
      desiredState: 'running',
      status: 'starting',
      config: writeMockConfig({ ...DEFAULT_MOCK_CONFIG, ...overrides }),
    },
  })
  if (actor) await auditAs(actor, 'mock.created', { type: 'mock', id: mock.id }, { specVersionId })
  await startQuietly(mock.id)
  return db.mock.findUniqueOrThrow({ where: { id: mock.id } })
}

/**
 * After an import: the spec's existing mock moves to the new version (same
 * URL for partners) and restarts; a spec without a mock gets one.
 */
export async function mockNewVersion(projectId: string, specId: string, specVersionId: string) {
  const existing = await db.mock.findFirst({
    where: { projectId, specVersion: { specId } },
    orderBy: { createdAt: 'asc' },
  })
  if (!existing) return createMock(projectId, specVersionId)
  if (existing.specVersionId === specVersionId) return existing
  await db.mock.update({
    where: { id: existing.id },
    data: { specVersionId, desiredState: 'running' },
  })
  await getSupervisor().stop(existing.id)
  await startQuietly(existing.id)
  return db.mock.findUniqueOrThrow({ where: { id: existing.id } })
}

async function owned(projectId: string, mockId: string) {
  const mock = await db.mock.findFirst({ where: { id: mockId, projectId } })
  if (!mock) throw new MockError('That mock does not exist in this project.')
  return mock
}

export async function controlMock(
  projectId: string,
  mockId: string,
  command: 'start' | 'stop' | 'restart' | 'reset',
  actor: Actor | null = null,
) {
  await owned(projectId, mockId)
  const supervisor = getSupervisor()
  if (command === 'stop') await supervisor.stop(mockId)
  else if (command === 'reset') {
    if (!supervisor.reset(mockId)) throw new MockError('The mock is not running: start it first.')
  } else {
    if (command === 'restart') await supervisor.stop(mockId)
    await db.mock.update({ where: { id: mockId }, data: { desiredState: 'running' } })
    await startQuietly(mockId)
  }
  if (actor) await auditAs(actor, `mock.${command}`, { type: 'mock', id: mockId })
}

export async function deleteMock(projectId: string, mockId: string, actor: Actor | null = null) {
  await owned(projectId, mockId)
  await getSupervisor().stop(mockId)
  await db.mock.delete({ where: { id: mockId } })
  if (actor) await auditAs(actor, 'mock.deleted', { type: 'mock', id: mockId })
}

export async function updateMockConfig(
  projectId: string,
  mockId: string,
  change: Partial<MockConfig>,
  actor: Actor | null = null,
) {
  const mock = await owned(projectId, mockId)
  const config = { ...readMockConfig(mock.config), ...change }
  await db.mock.update({ where: { id: mockId }, data: { config: writeMockConfig(config) } })
  await getSupervisor().applyConfig(mockId)
  if (actor)
    await auditAs(
      actor,
      'mock.configured',
      { type: 'mock', id: mockId },
      // Which settings changed, never the credentials' values.
      { changed: Object.keys(change) },
    )
  return config
}

export type MockSettings = Pick<
  MockConfig,
  'stateful' | 'rateLimit' | 'latency' | 'errorRate' | 'idempotencyKeyOnPost' | 'corsOrigins'
> & {
  /** Credentials to set (scheme -> value) and schemes whose credential is cleared. */
  credentials: { set: Record<string, string>; clear: string[] }
}

/** The settings form: new values, and credentials changed only where typed or cleared. */
export async function configureMock(
  projectId: string,
  mockId: string,
  settings: MockSettings,
  actor: Actor,
) {
  const mock = await owned(projectId, mockId)
  const credentials = { ...readMockConfig(mock.config).credentials }
  for (const scheme of settings.credentials.clear) delete credentials[scheme]
  for (const [scheme, value] of Object.entries(settings.credentials.set))
    if (!settings.credentials.clear.includes(scheme)) credentials[scheme] = value
  const { credentials: _typed, ...rest } = settings
  return updateMockConfig(projectId, mockId, { ...rest, credentials }, actor)
}

/** Saves (or removes) the webhook target; a mock without a signing secret gets one, returned to show once. */
export async function saveWebhookTarget(
  projectId: string,
  mockId: string,
  url: string | null,
  actor: Actor,
): Promise<{ newSecret: string | null }> {
  await owned(projectId, mockId)
  await setWebhookTarget(mockId, url)
  const newSecret = url ? await ensureWebhookSecret(mockId) : null
  await auditAs(actor, url ? 'mock.webhook_target_set' : 'mock.webhook_target_removed', {
    type: 'mock',
    id: mockId,
  })
  return { newSecret }
}

/** A new signing secret, returned in full this once. */
export async function rotateSigningSecret(projectId: string, mockId: string, actor: Actor) {
  await owned(projectId, mockId)
  const secret = await rotateWebhookSecret(mockId)
  await auditAs(actor, 'mock.webhook_secret_rotated', { type: 'mock', id: mockId })
  return secret
}

/** `proxyUrl` is the URL partners are given: on the mocks' own origin when MOCK_PUBLIC_URL is set. */
export function mockUrls(mock: { id: string; port: number | null }, appOrigin: string) {
  return {
    baseUrl: mock.port ? `http://127.0.0.1:${mock.port}` : null,
    proxyUrl: publicMockUrl(mock.id, appOrigin, getEnv().MOCK_PUBLIC_URL),
  }
}

/** After a spec import: start (or move) the spec's mock unless MOCK_AUTOSTART=false. */
export async function autostartMock(projectId: string, specId: string, specVersionId: string) {
  if (process.env.MOCK_AUTOSTART === 'false') return null
  return mockNewVersion(projectId, specId, specVersionId)
}

/** Sends a generated event of the mock's spec (a webhook, or a callback) to the mock's target URL. */
export async function sendTestEvent(
  projectId: string,
  mockId: string,
  eventName: string,
  actor: Actor | null = null,
) {
  const mock = await db.mock.findFirst({
    where: { id: mockId, projectId },
    include: { specVersion: { select: { normalized: true } } },
  })
  if (!mock) throw new MockError('That mock does not exist in this project.')
  const spec = JSON.parse(mock.specVersion.normalized) as NormalizedSpec
  const event = webhookEvents(spec).find((entry) => entry.name === eventName)
  if (!event) throw new MockError(`The spec has no webhook or callback named "${eventName}".`)
  const url = await webhookTarget(mock.id)
  if (!url) throw new MockError('Set the webhook target URL of this mock first.')
  const payload = eventPayload(event.operation, new SpecSchemas(spec), `${eventName}|${Date.now()}`)
  if (actor)
    await auditAs(actor, 'mock.test_event_sent', { type: 'mock', id: mockId }, { eventName })
  return deliverEvent({ mockId: mock.id, event: eventName, url, payload })
}
