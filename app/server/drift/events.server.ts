/**
 * The one place pushed specs and drift hand their domain events
 * (`spec.version_added`, `spec.breaking_change`) to the events module
 * (decision 025's recordEvent: durable, deduplicated, never throws).
 */
import { recordEvent } from '../events/record.server'

export type DriftEventType = 'spec.version_added' | 'spec.breaking_change'

export async function recordDriftEvent(
  projectId: string,
  type: DriftEventType,
  payload: { title: string; summary?: string; path: string; [key: string]: unknown },
  options: { dedupeKey: string },
): Promise<void> {
  await recordEvent(projectId, type, payload, { dedupeKey: options.dedupeKey })
}
