/**
 * Which documented event a webhook payload is: the spec's webhooks and the
 * callbacks of its operations, each with its request body schema. A payload
 * valid against one of them matches it; otherwise the closest one is named
 * with its violations.
 */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import type { SpecSchemas, Violation } from '../specs/schemas.server'

export type EventMatch = {
  eventName: string | null
  valid: boolean | null
  violations: Violation[]
}

export function documentedEvents(
  spec: NormalizedSpec,
): { name: string; operation: NormalizedOperation }[] {
  const events = spec.webhooks.map((operation) => ({ name: operation.path, operation }))
  for (const operation of spec.operations)
    for (const callback of operation.callbacks)
      for (const callbackOperation of callback.operations)
        events.push({ name: `${callback.name} (${operation.id})`, operation: callbackOperation })
  return events
}

export function matchEvent(spec: NormalizedSpec, schemas: SpecSchemas, body: string): EventMatch {
  const events = documentedEvents(spec)
  if (events.length === 0) return { eventName: null, valid: null, violations: [] }
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return {
      eventName: null,
      valid: false,
      violations: [{ location: 'body', message: 'is not JSON' }],
    }
  }
  let best: EventMatch | null = null
  for (const { name, operation } of events) {
    const media =
      Object.entries(operation.requestBody?.content ?? {}).find(([type]) =>
        /json/i.test(type),
      )?.[1] ?? Object.values(operation.requestBody?.content ?? {})[0]
    if (!media?.schema) {
      best ??= { eventName: name, valid: true, violations: [] }
      continue
    }
    const violations = schemas.check(`event:${name}`, media.schema, value, 'request')
    if (violations.length === 0) return { eventName: name, valid: true, violations: [] }
    if (!best || (best.valid === false && violations.length < best.violations.length))
      best = { eventName: name, valid: false, violations }
  }
  return best ?? { eventName: null, valid: false, violations: [] }
}
