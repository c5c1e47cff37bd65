/**
 * The delivery job (CONNECTOR_DELIVER_JOB): one attempt to hand one event to
 * one connector, recorded on the ConnectorDelivery row. A failed attempt
 * queues the next as a new job after a backoff (base x 4^(n-1): 5 s, 20 s,
 * 80 s, 320 s by default); after MAX_DELIVERY_ATTEMPTS, or at once for a
 * target the SSRF guard refuses, the delivery is failed: a dead letter the
 * Settings page lists with a Retry button. The sweep job lives here too.
 */
import { JIRA_REQUEST_EVENT, TEST_EVENT } from '~/shared/connector-events'
import { maskUrl } from '../crypto.server'
import { db } from '../db.server'
import { getEnv } from '../env.server'
import { emitSweep } from './sweep.server'
import type { EventPayload } from '../events/record.server'
import { MAX_DELIVERY_ATTEMPTS } from '../events/record.server'
import { CONNECTOR_DELIVER_JOB, EVENTS_SWEEP_JOB } from '../jobs/kinds'
import { announceJob, enqueueJob } from '../jobs/queue.server'
import type { JobHandler } from '../jobs/worker.server'
import { fetchGuarded, OutboundError } from '../outbound.server'
import {
  type JiraConfig,
  openConfig,
  publicOrigin,
  type SlackConfig,
  type WebhookConfig,
} from './config.server'
import { createJiraIssue, JiraError, testJira } from './jira.server'
import { slackMessage } from './slack.server'
import { webhookBody, webhookHeaders } from './webhooks.server'

export type DeliveryAttempt = {
  at: string
  status: number | null
  error: string | null
  durationMs: number
}

/** The wait before attempt `attempt + 1` (CONNECTOR_BACKOFF_MS is the base; tests make it small). */
export function backoffMs(attempt: number): number {
  const base = Number(process.env.CONNECTOR_BACKOFF_MS || 5_000)
  return base * 4 ** (attempt - 1)
}

function timeoutMs() {
  return Number(process.env.CONNECTOR_TIMEOUT_MS || 10_000)
}

class SendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly permanent = false,
  ) {
    super(message)
  }
}

/** Error texts may quote the target, whose path or query carries its secret (Slack's URL). */
function scrub(message: string): string {
  return message.replace(/https?:\/\/[^\s"'<>]+/g, (found) => maskUrl(found)).slice(0, 500)
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetchGuarded(url, {
    method: 'POST',
    body,
    headers,
    timeoutMs: timeoutMs(),
    maxBytes: 64 * 1024,
    followRedirects: false,
  })
  if (response.status < 200 || response.status >= 300) {
    const said = new TextDecoder()
      .decode(response.body.subarray(0, 200))
      .replace(/\s+/g, ' ')
      .trim()
    throw new SendError(`HTTP ${response.status}${said ? `: ${said}` : ''}`, response.status)
  }
  return response.status
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadDelivery>>>

function loadDelivery(deliveryId: string) {
  return db.connectorDelivery.findUnique({
    where: { id: deliveryId },
    include: { event: true, connector: true },
  })
}

/** Sends the event to the connector; returns the HTTP status (null when nothing was sent). */
async function send(delivery: Loaded): Promise<number | null> {
  const { event, connector } = delivery
  const payload = JSON.parse(event.payload) as EventPayload
  const origin = publicOrigin(getEnv())
  switch (connector.kind) {
    case 'slack': {
      const config = openConfig<SlackConfig>(connector.config)
      const message = slackMessage(event, payload, origin)
      return post(config.webhookUrl, JSON.stringify(message), {
        'content-type': 'application/json',
      })
    }
    case 'webhook': {
      const config = openConfig<WebhookConfig>(connector.config)
      const body = webhookBody(event, payload, origin)
      return post(config.url, body, webhookHeaders(config.secret, delivery.id, body))
    }
    case 'jira': {
      const config = openConfig<JiraConfig>(connector.config)
      if (event.type === TEST_EVENT) {
        await testJira(config)
        return 200
      }
      if (event.type === 'case.newly_failing' && !config.autoCreate) return null
      if (event.type !== 'case.newly_failing' && event.type !== JIRA_REQUEST_EVENT) return null
      const runCaseId = typeof payload.runCaseId === 'string' ? payload.runCaseId : ''
      const issue = await createJiraIssue(event.projectId, config, runCaseId, origin)
      return issue.created ? 201 : 200
    }
    default:
      throw new SendError(`Unknown connector kind "${connector.kind}".`, null, true)
  }
}

function failure(error: unknown): { status: number | null; message: string; permanent: boolean } {
  if (error instanceof SendError)
    return { status: error.status, message: scrub(error.message), permanent: error.permanent }
  if (error instanceof JiraError)
    return { status: null, message: scrub(error.message), permanent: error.permanent }
  if (error instanceof OutboundError)
    return {
      status: null,
      message: scrub(error.message),
      permanent: error.code === 'blocked' || error.code === 'bad-url',
    }
  return {
    status: null,
    message: scrub(error instanceof Error ? error.message : String(error)),
    permanent: false,
  }
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped'

/** One attempt of a delivery (the job's work). */
export async function attemptDelivery(
  deliveryId: string,
  attempt: number,
): Promise<DeliveryOutcome> {
  const delivery = await loadDelivery(deliveryId)
  if (!delivery || delivery.status !== 'pending') return 'skipped'
  const started = Date.now()
  let record: DeliveryAttempt
  let permanent = false
  if (!delivery.connector.enabled && delivery.event.type !== TEST_EVENT) {
    record = {
      at: new Date(started).toISOString(),
      status: null,
      error: 'The connector is disabled.',
      durationMs: 0,
    }
    permanent = true
  } else {
    try {
      const status = await send(delivery)
      record = {
        at: new Date(started).toISOString(),
        status,
        error: null,
        durationMs: Date.now() - started,
      }
    } catch (error) {
      const failed = failure(error)
      permanent = failed.permanent
      record = {
        at: new Date(started).toISOString(),
        status: failed.status,
        error: failed.message,
        durationMs: Date.now() - started,
      }
    }
  }
  const attempts = [...(JSON.parse(delivery.attempts) as DeliveryAttempt[]), record].slice(-50)
  const delivered = record.error === null
  const dead = !delivered && (permanent || attempt >= MAX_DELIVERY_ATTEMPTS)
  await db.connectorDelivery.update({
    where: { id: deliveryId },
    data: {
      attempts: JSON.stringify(attempts),
      status: delivered ? 'delivered' : dead ? 'failed' : 'pending',
      lastError: record.error,
      ...(delivered ? { deliveredAt: new Date() } : {}),
    },
  })
  if (delivered) return 'delivered'
  if (dead) return 'failed'
  await enqueueJob(
    CONNECTOR_DELIVER_JOB,
    { deliveryId, attempt: attempt + 1 },
    { runAt: new Date(Date.now() + backoffMs(attempt)) },
  )
  announceJob()
  return 'retrying'
}

type DeliverPayload = { deliveryId: string; attempt?: number }

export const connectorJobHandlers: Record<string, JobHandler> = {
  [CONNECTOR_DELIVER_JOB]: {
    run: async (job) => {
      const { deliveryId, attempt = 1 } = JSON.parse(job.payload) as DeliverPayload
      await attemptDelivery(deliveryId, attempt)
    },
    // The worker died mid-attempt: count it as a failed attempt and go on (retry or dead letter).
    abandoned: async (job) => {
      const { deliveryId, attempt = 1 } = JSON.parse(job.payload) as DeliverPayload
      const delivery = await db.connectorDelivery.findUnique({ where: { id: deliveryId } })
      if (!delivery || delivery.status !== 'pending') return
      const dead = attempt >= MAX_DELIVERY_ATTEMPTS
      await db.connectorDelivery.update({
        where: { id: deliveryId },
        data: {
          status: dead ? 'failed' : 'pending',
          lastError: 'The worker stopped during the attempt.',
        },
      })
      if (!dead)
        await enqueueJob(
          CONNECTOR_DELIVER_JOB,
          { deliveryId, attempt: attempt + 1 },
          {
            runAt: new Date(Date.now() + backoffMs(attempt)),
          },
        )
    },
  },
  [EVENTS_SWEEP_JOB]: {
    run: async () => {
      await emitSweep()
    },
  },
}
