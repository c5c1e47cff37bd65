/**
 * Connector settings as forms and the JSON API take them (isomorphic). Every
 * value a tenant types is hostile: URLs are https (http only for loopback, a
 * local receiver), without credentials, spaces or control characters.
 */
import { z } from 'zod'
import { EVENT_TYPES, type EventType } from './connector-events'

const MAX_URL = 2000
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u00a0\u2028\u2029\ufeff]/

function isLoopbackHost(hostname: string) {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Why `value` cannot be a connector's target URL, or null. */
export function connectorUrlProblem(value: string): string | null {
  if (value.length > MAX_URL) return `Keep the URL under ${MAX_URL} characters.`
  if (CONTROL_OR_SPACE.test(value)) return 'The URL must not contain spaces or control characters.'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter an absolute URL starting with https://.'
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return 'Use an https:// URL (plain http is accepted for localhost only).'
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Use an https:// URL.'
  if (url.username || url.password) return 'Do not put a user name or password in the URL.'
  return null
}

const targetUrl = z
  .string({ error: 'Enter a URL.' })
  .trim()
  .min(1, 'Enter a URL.')
  .superRefine((value, context) => {
    const problem = connectorUrlProblem(value)
    if (problem) context.addIssue({ code: 'custom', message: problem })
  })

const line = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `Keep ${label} under ${max} characters.`)
    .refine(
      (value) => !CONTROL.test(value),
      `${label[0]!.toUpperCase()}${label.slice(1)} must not contain control characters.`,
    )

/** The events chosen: a list of known types; [] (or none sent) means every event. */
export const EventsSchema = z
  .array(z.enum(EVENT_TYPES, { error: 'Unknown event type.' }))
  .max(EVENT_TYPES.length)
  .optional()
  .transform((events): EventType[] => {
    const chosen = [...new Set(events ?? [])]
    return chosen.length === EVENT_TYPES.length ? [] : chosen
  })

/** Checkboxes: one value arrives as a string, several as an array, none as undefined. */
const formEvents = z
  .preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z
      .array(z.enum(EVENT_TYPES, { error: 'Unknown event type.' }))
      .min(1, 'Choose at least one event.'),
  )
  .transform((events) => EventsSchema.parse(events))

const checkbox = z.preprocess(
  (value) => value === 'on' || value === 'true' || value === true,
  z.boolean(),
)

const ProjectKey = z
  .string({ error: 'Enter the Jira project key.' })
  .trim()
  .regex(
    /^[A-Z][A-Z0-9_]{0,9}$/,
    'A Jira project key is 1-10 capital letters, digits or _, e.g. PAY.',
  )

const JiraBase = z.object({
  baseUrl: targetUrl,
  email: z.email('Enter the Atlassian account email.').max(254),
  projectKey: ProjectKey,
  issueType: line('the issue type', 60),
})

/** JSON API bodies. */
export const SlackApiSchema = z.strictObject({
  webhookUrl: targetUrl,
  events: EventsSchema,
  enabled: z.boolean().optional(),
})
export const JiraApiSchema = JiraBase.extend({
  apiToken: line('the API token', 500),
  autoCreate: z.boolean().optional(),
  events: EventsSchema,
  enabled: z.boolean().optional(),
}).strict()
export const WebhookApiSchema = z.strictObject({
  url: targetUrl,
  name: line('a name', 80).optional(),
  events: EventsSchema,
})

/** Settings forms (a blank secret field keeps the stored one). */
export const SlackFormSchema = z.object({
  intent: z.literal('save-slack'),
  webhookUrl: targetUrl.optional(),
  events: formEvents,
  enabled: checkbox,
})
export const JiraFormSchema = JiraBase.extend({
  intent: z.literal('save-jira'),
  apiToken: line('the API token', 500).optional(),
  autoCreate: checkbox,
  events: formEvents.optional(),
  enabled: checkbox,
})
export const WebhookFormSchema = z.object({
  intent: z.literal('add-webhook'),
  url: targetUrl,
  name: line('a name', 80).optional(),
  events: formEvents,
})

export type SlackSettings = { webhookUrl?: string; events: EventType[]; enabled?: boolean }
export type JiraSettings = {
  baseUrl: string
  email: string
  apiToken?: string
  projectKey: string
  issueType: string
  autoCreate?: boolean
  events?: EventType[]
  enabled?: boolean
}
export type WebhookSettings = { url: string; name?: string; events: EventType[] }
