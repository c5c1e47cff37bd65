/** Domain event types connectors subscribe to (isomorphic: settings forms list them). */
export const EVENT_TYPES = [
  'run.finished',
  'run.failed',
  'case.newly_failing',
  'phase.completed',
  'plan_item.overdue',
  'partner.idle',
  'spec.version_added',
  'spec.breaking_change',
  'trace.rejected',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const EVENT_LABELS: Record<EventType, string> = {
  'run.finished': 'Run finished',
  'run.failed': 'Run failed',
  'case.newly_failing': 'Required case newly failing',
  'phase.completed': 'Plan phase completed',
  'plan_item.overdue': 'Plan item overdue',
  'partner.idle': 'Partner idle',
  'spec.version_added': 'Spec version added',
  'spec.breaking_change': 'Breaking spec change',
  'trace.rejected': 'Trace rejected',
}

/** A test delivery from Settings ("Send test message"): goes to one connector only. */
export const TEST_EVENT = 'connector.test'
/** A vendor asked for a Jira issue from a case page: goes to the Jira connector only. */
export const JIRA_REQUEST_EVENT = 'case.jira_requested'

export const CONNECTOR_KINDS = ['slack', 'jira', 'webhook'] as const
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number]

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value)
}

/** Whether a connector subscribed to `events` ([] = every event) receives `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.length === 0 || events.includes(type)
}

/** Days without traces or runs before a partner is reported idle. */
export const DEFAULT_IDLE_DAYS = 7
