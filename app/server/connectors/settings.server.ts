/**
 * Connector settings (Settings → Connectors and PUT /api/v1/.../connectors/:kind):
 * one Slack and one Jira connector per project, any number of outgoing
 * webhooks. Settings are sealed at rest; pages get them masked. Test
 * messages and retries go through the job queue like every delivery.
 */
import type { ConnectorKind, EventType } from '~/shared/connector-events'
import { JIRA_REQUEST_EVENT, TEST_EVENT } from '~/shared/connector-events'
import type { JiraSettings, SlackSettings, WebhookSettings } from '~/shared/connector-forms'
import { type Actor, auditAs } from '../audit/log.server'
import { maskSecret, maskUrl } from '../crypto.server'
import { db } from '../db.server'
import { parseEvents, recordDirectEvent } from '../events/record.server'
import { CONNECTOR_DELIVER_JOB } from '../jobs/kinds'
import { announceJob, enqueueJob } from '../jobs/queue.server'
import {
  type JiraConfig,
  openConfig,
  sealConfig,
  type SlackConfig,
  type WebhookConfig,
} from './config.server'
import { storedJiraIssue } from './jira.server'
import { newSigningSecret } from './webhooks.server'

export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

/** The most outgoing webhooks a project may have. */
export const MAX_WEBHOOKS = 10

async function single(projectId: string, kind: 'slack' | 'jira') {
  return db.connector.findFirst({ where: { projectId, kind }, orderBy: { createdAt: 'asc' } })
}

function readable<T>(sealed: string): T | null {
  try {
    return openConfig(sealed as string) as T
  } catch {
    return null
  }
}

/** Creates or updates the project's Slack connector (a blank URL keeps the stored one). */
export async function saveSlack(projectId: string, input: SlackSettings, actor: Actor) {
  const existing = await single(projectId, 'slack')
  const previous = existing ? readable<SlackConfig>(existing.config) : null
  const webhookUrl = input.webhookUrl || previous?.webhookUrl
  if (!webhookUrl) throw new ConnectorError('Enter the Slack incoming-webhook URL.')
  const data = {
    events: JSON.stringify(input.events),
    enabled: input.enabled ?? true,
    config: sealConfig({ ...previous, webhookUrl }),
  }
  const connector = existing
    ? await db.connector.update({ where: { id: existing.id }, data })
    : await db.connector.create({ data: { ...data, projectId, kind: 'slack', name: 'Slack' } })
  await auditAs(
    actor,
    existing ? 'connector.updated' : 'connector.created',
    { type: 'connector', id: connector.id },
    {
      kind: 'slack',
      events: input.events,
      urlChanged: Boolean(input.webhookUrl),
    },
  )
  return connector
}

/** Creates or updates the project's Jira connector (a blank API token keeps the stored one). */
export async function saveJira(projectId: string, input: JiraSettings, actor: Actor) {
  const existing = await single(projectId, 'jira')
  const previous = existing ? readable<JiraConfig>(existing.config) : null
  const apiToken = input.apiToken || previous?.apiToken
  if (!apiToken) throw new ConnectorError('Enter the Jira API token.')
  const config: JiraConfig = {
    ...previous,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    email: input.email,
    apiToken,
    projectKey: input.projectKey,
    issueType: input.issueType,
    autoCreate: input.autoCreate ?? false,
  }
  const data = {
    events: JSON.stringify(input.events ?? []),
    enabled: input.enabled ?? true,
    config: sealConfig(config),
  }
  const connector = existing
    ? await db.connector.update({ where: { id: existing.id }, data })
    : await db.connector.create({ data: { ...data, projectId, kind: 'jira', name: 'Jira' } })
  await auditAs(
    actor,
    existing ? 'connector.updated' : 'connector.created',
    { type: 'connector', id: connector.id },
    {
      kind: 'jira',
      projectKey: config.projectKey,
      autoCreate: config.autoCreate,
      tokenChanged: Boolean(input.apiToken),
    },
  )
  return connector
}

/** Adds an outgoing webhook; its signing secret is returned this one time. */
/**
 * The API's PUT: the webhook for this URL, created once (its signing secret returned that
 * time only) and updated (events, name) when it exists, so CI may repeat the call.
 */
export async function putWebhook(projectId: string, input: WebhookSettings, actor: Actor) {
  const webhooks = await db.connector.findMany({ where: { projectId, kind: 'webhook' } })
  const existing = webhooks.find(
    (connector) => readable<{ url?: string }>(connector.config)?.url === input.url,
  )
  if (!existing) return { ...(await addWebhook(projectId, input, actor)), created: true }
  const connector = await db.connector.update({
    where: { id: existing.id },
    data: {
      events: JSON.stringify(input.events),
      ...(input.name ? { name: input.name } : {}),
    },
  })
  await auditAs(
    actor,
    'connector.updated',
    { type: 'connector', id: connector.id },
    { kind: 'webhook', events: input.events },
  )
  return { connector, secret: null, created: false }
}

export async function addWebhook(projectId: string, input: WebhookSettings, actor: Actor) {
  const count = await db.connector.count({ where: { projectId, kind: 'webhook' } })
  if (count >= MAX_WEBHOOKS)
    throw new ConnectorError(`A project can have at most ${MAX_WEBHOOKS} outgoing webhooks.`)
  const secret = newSigningSecret()
  const connector = await db.connector.create({
    data: {
      projectId,
      kind: 'webhook',
      name: input.name ?? new URL(input.url).host,
      events: JSON.stringify(input.events),
      config: sealConfig({ url: input.url, secret }),
    },
  })
  await auditAs(
    actor,
    'connector.created',
    { type: 'connector', id: connector.id },
    { kind: 'webhook', events: input.events },
  )
  return { connector, secret }
}

async function owned(projectId: string, connectorId: string) {
  const connector = await db.connector.findFirst({ where: { id: connectorId, projectId } })
  if (!connector) throw new ConnectorError('No such connector.', 404)
  return connector
}

export async function deleteConnector(projectId: string, connectorId: string, actor: Actor) {
  const connector = await owned(projectId, connectorId)
  await db.connector.deleteMany({ where: { id: connector.id, projectId } })
  await auditAs(
    actor,
    'connector.deleted',
    { type: 'connector', id: connector.id },
    { kind: connector.kind },
  )
  return connector
}

/** "Send test message" / "Test": a test event delivered to this connector only, by a job. */
export async function sendTest(projectId: string, connectorId: string, actor: Actor) {
  const connector = await owned(projectId, connectorId)
  const result = await recordDirectEvent(projectId, connector.id, TEST_EVENT, {
    title: 'Integration Copilot test message',
    summary: `This ${connector.kind === 'webhook' ? 'webhook' : connector.kind === 'jira' ? 'Jira connection' : 'Slack channel'} receives the project's events.`,
    path: `/projects/${projectId}/settings/connectors`,
  })
  await auditAs(
    actor,
    'connector.tested',
    { type: 'connector', id: connector.id },
    { kind: connector.kind },
  )
  return result
}

/** Puts a dead letter back in the queue (its attempt log is kept). */
export async function retryDelivery(projectId: string, deliveryId: string, actor: Actor) {
  const delivery = await db.connectorDelivery.findFirst({
    where: { id: deliveryId, connector: { projectId } },
    select: { id: true, status: true, connectorId: true },
  })
  if (!delivery) throw new ConnectorError('No such delivery.', 404)
  if (delivery.status !== 'failed')
    throw new ConnectorError('Only a failed delivery can be retried.')
  const claimed = await db.connectorDelivery.updateMany({
    where: { id: delivery.id, status: 'failed' },
    data: { status: 'pending' },
  })
  if (claimed.count === 1) {
    await enqueueJob(CONNECTOR_DELIVER_JOB, { deliveryId: delivery.id, attempt: 1 })
    announceJob()
  }
  await auditAs(
    actor,
    'connector.delivery_retried',
    { type: 'connector_delivery', id: delivery.id },
    {
      connectorId: delivery.connectorId,
    },
  )
}

/** "Create Jira issue" on a case page: a job opens it (or finds the stored one). */
export async function requestJiraIssue(
  projectId: string,
  runId: string,
  seq: number,
  actor: Actor,
) {
  const jira = await single(projectId, 'jira')
  if (!jira || !jira.enabled)
    throw new ConnectorError('Set up Jira in Settings → Connectors first.')
  const entry = await db.runCase.findFirst({
    where: { runId, seq, run: { projectId } },
    select: {
      id: true,
      key: true,
      title: true,
      seq: true,
      run: { select: { id: true, partnerProjectId: true } },
    },
  })
  if (!entry) throw new ConnectorError('No such case.', 404)
  const stored = await storedJiraIssue(projectId, entry.key, entry.run.partnerProjectId)
  if (stored) return { key: stored.key, url: stored.url, queued: false }
  await recordDirectEvent(
    projectId,
    jira.id,
    JIRA_REQUEST_EVENT,
    {
      title: entry.title,
      runCaseId: entry.id,
      caseKey: entry.key,
      path: `/projects/${projectId}/tests/runs/${entry.run.id}/cases/${entry.seq}`,
    },
    entry.run.partnerProjectId,
  )
  await auditAs(
    actor,
    'jira.issue_requested',
    { type: 'run_case', id: entry.id },
    { caseKey: entry.key },
  )
  return { key: null, url: null, queued: true }
}

/** The case page's Jira state: the stored issue, or whether one is being opened. */
export async function caseJiraState(projectId: string, runId: string, seq: number) {
  const entry = await db.runCase.findFirst({
    where: { runId, seq, run: { projectId } },
    select: { id: true, key: true, run: { select: { partnerProjectId: true } } },
  })
  const jira = await single(projectId, 'jira')
  if (!entry) return { configured: Boolean(jira?.enabled), issue: null, pending: false }
  const issue = await storedJiraIssue(projectId, entry.key, entry.run.partnerProjectId)
  const pending =
    !issue &&
    Boolean(
      jira &&
      (await db.connectorDelivery.findFirst({
        where: {
          connectorId: jira.id,
          status: 'pending',
          event: { type: JIRA_REQUEST_EVENT, payload: { contains: `"runCaseId":"${entry.id}"` } },
        },
        select: { id: true },
      })),
    )
  return {
    configured: Boolean(jira?.enabled),
    issue: issue ? { key: issue.key, url: issue.url } : null,
    pending,
  }
}

export type ConnectorView = {
  id: string
  kind: ConnectorKind
  name: string
  enabled: boolean
  events: EventType[]
  /** Masked settings: never a secret in full. */
  target: string
  details: Record<string, string | boolean>
  deliveries: DeliveryView[]
}

export type DeliveryView = {
  id: string
  type: string
  title: string
  status: string
  createdAt: string
  deliveredAt: string | null
  lastError: string | null
  attempts: { at: string; status: number | null; error: string | null; durationMs: number }[]
}

/** The settings page's read model: connectors masked, each with its recent deliveries (the log and dead letters). */
export async function listConnectors(
  projectId: string,
  deliveriesPer = 20,
): Promise<ConnectorView[]> {
  const connectors = await db.connector.findMany({
    where: { projectId },
    orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
    include: {
      deliveries: {
        orderBy: { createdAt: 'desc' },
        take: deliveriesPer,
        include: { event: { select: { type: true, payload: true } } },
      },
    },
  })
  return connectors.map((connector) => {
    let target = 'unreadable (enter the settings again)'
    let details: Record<string, string | boolean> = {}
    const config = readable<SlackConfig & JiraConfig & WebhookConfig>(connector.config)
    if (config) {
      if (connector.kind === 'slack') target = maskUrl(config.webhookUrl)
      if (connector.kind === 'webhook') {
        target = maskUrl(config.url)
        details = { secret: maskSecret(config.secret) }
      }
      if (connector.kind === 'jira') {
        target = config.baseUrl
        details = {
          email: config.email,
          apiToken: maskSecret(config.apiToken),
          projectKey: config.projectKey,
          issueType: config.issueType,
          autoCreate: config.autoCreate,
        }
      }
    }
    return {
      id: connector.id,
      kind: connector.kind as ConnectorKind,
      name: connector.name,
      enabled: connector.enabled,
      events: parseEvents(connector.events) as EventType[],
      target,
      details,
      deliveries: connector.deliveries.map((delivery) => {
        let title = delivery.event.type
        try {
          title = String((JSON.parse(delivery.event.payload) as { title?: unknown }).title ?? title)
        } catch {
          // keep the type
        }
        return {
          id: delivery.id,
          type: delivery.event.type,
          title,
          status: delivery.status,
          createdAt: delivery.createdAt.toISOString(),
          deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
          lastError: delivery.lastError,
          attempts: JSON.parse(delivery.attempts) as DeliveryView['attempts'],
        }
      }),
    }
  })
}
