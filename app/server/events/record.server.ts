/**
 * Domain events (decision 025): `recordEvent` stores what happened once (a
 * dedupe key makes a second record of the same occurrence a no-op), then
 * queues one delivery job per enabled connector subscribed to the type. It
 * never calls a receiver itself and never throws into its caller: an event
 * that cannot be recorded is logged, the request or job that emitted it goes on.
 */
import type { JIRA_REQUEST_EVENT, TEST_EVENT } from '~/shared/connector-events'
import { isEventType, subscribes } from '~/shared/connector-events'
import { db } from '../db.server'
import { CONNECTOR_DELIVER_JOB } from '../jobs/kinds'
import { announceJob, enqueueJob } from '../jobs/queue.server'

/** What an event says: labels and ids, and `path` (an app path the messages link to). Never a secret. */
export type EventPayload = {
  title: string
  summary?: string
  path?: string
  [key: string]: unknown
}

export type RecordedEvent = { eventId: string; deliveryIds: string[] }

/** Attempts per delivery before it becomes a dead letter. */
export const MAX_DELIVERY_ATTEMPTS = 5

function isUniqueViolation(error: unknown) {
  return (error as { code?: string }).code === 'P2002'
}

/** The enabled connectors of a project that receive `type`. */
async function subscribers(projectId: string, type: string) {
  const connectors = await db.connector.findMany({
    where: { projectId, enabled: true },
    select: { id: true, kind: true, events: true },
  })
  return connectors.filter((connector) => {
    // Jira opens issues for failing cases only; the rest of its subscription is its auto-create switch.
    if (connector.kind === 'jira')
      return type === 'case.newly_failing' && subscribes(parseEvents(connector.events), type)
    return subscribes(parseEvents(connector.events), type)
  })
}

export function parseEvents(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown
    return Array.isArray(value)
      ? value.filter((entry): entry is string => typeof entry === 'string')
      : []
  } catch {
    return []
  }
}

/** Queues a delivery of `eventId` to each connector (one job each) and wakes the workers. */
export async function queueDeliveries(eventId: string, connectorIds: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const connectorId of connectorIds) {
    const delivery = await db.connectorDelivery.upsert({
      where: { eventId_connectorId: { eventId, connectorId } },
      create: { eventId, connectorId },
      update: {},
    })
    if (delivery.status !== 'pending' || delivery.attempts !== '[]') continue
    await enqueueJob(CONNECTOR_DELIVER_JOB, { deliveryId: delivery.id, attempt: 1 })
    ids.push(delivery.id)
  }
  if (ids.length > 0) announceJob()
  return ids
}

/**
 * Records a domain event durably and fans it out to the project's subscribed
 * connectors through the job queue. Returns null for a duplicate (same
 * dedupeKey) or when recording failed (logged).
 */
export async function recordEvent(
  projectId: string,
  type: string,
  payload: EventPayload,
  { partnerProjectId, dedupeKey }: { partnerProjectId?: string | null; dedupeKey?: string } = {},
): Promise<RecordedEvent | null> {
  try {
    if (!isEventType(type)) throw new Error(`Unknown event type "${type}".`)
    let eventId: string
    try {
      const event = await db.domainEvent.create({
        data: {
          projectId,
          type,
          payload: JSON.stringify(payload),
          dedupeKey: dedupeKey ?? null,
          partnerProjectId: partnerProjectId ?? null,
        },
        select: { id: true },
      })
      eventId = event.id
    } catch (error) {
      if (isUniqueViolation(error)) return null
      throw error
    }
    const connectors = await subscribers(projectId, type)
    const deliveryIds = await queueDeliveries(
      eventId,
      connectors.map((connector) => connector.id),
    )
    return { eventId, deliveryIds }
  } catch (error) {
    console.error(
      `[events] could not record ${type}`,
      error instanceof Error ? error.message : error,
    )
    return null
  }
}

/** An event for one connector only (a test message, a Jira issue asked for by hand). */
export async function recordDirectEvent(
  projectId: string,
  connectorId: string,
  type: typeof TEST_EVENT | typeof JIRA_REQUEST_EVENT,
  payload: EventPayload,
  partnerProjectId?: string | null,
): Promise<RecordedEvent> {
  const event = await db.domainEvent.create({
    data: {
      projectId,
      type,
      payload: JSON.stringify(payload),
      partnerProjectId: partnerProjectId ?? null,
    },
    select: { id: true },
  })
  return { eventId: event.id, deliveryIds: await queueDeliveries(event.id, [connectorId]) }
}
