/**
 * Slack incoming webhooks: a Block Kit message per event (a header, the
 * summary, the facts, a button linking back to the run, case, phase or
 * partner), POSTed as JSON to the project's webhook URL. Tenant text is
 * escaped for Slack's mrkdwn (&, <, >) so a case title cannot forge a link.
 */
import { EVENT_LABELS, isEventType, TEST_EVENT } from '~/shared/connector-events'
import type { EventPayload } from '../events/record.server'

export type SlackMessage = { text: string; blocks: Record<string, unknown>[] }

export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text

function plain(text: string, max = 150) {
  // Header blocks are plain_text, at most 150 characters; no control characters.
  // eslint-disable-next-line no-control-regex
  return clip(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), max)
}

export function eventLabel(type: string): string {
  if (type === TEST_EVENT) return 'Test message'
  return isEventType(type) ? EVENT_LABELS[type] : type
}

export function slackMessage(
  event: { id: string; type: string; createdAt: Date },
  payload: EventPayload,
  origin: string,
): SlackMessage {
  const url = payload.path ? `${origin}${payload.path}` : null
  const title = plain(String(payload.title ?? eventLabel(event.type)))
  const facts: [string, unknown][] = [
    ['Event', eventLabel(event.type)],
    ['Partner', payload.partner],
    ['Spec', payload.spec],
    ['Environment', payload.environment],
    ['Status', payload.status],
    ['Phase', payload.phase],
  ]
  const fields = facts
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .map(([name, value]) => ({
      type: 'mrkdwn',
      text: `*${name}*\n${slackEscape(clip(String(value), 200))}`,
    }))
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title, emoji: false } },
  ]
  if (payload.summary)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: slackEscape(clip(String(payload.summary), 2900)) },
    })
  if (fields.length > 0) blocks.push({ type: 'section', fields: fields.slice(0, 10) })
  if (url)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Integration Copilot' },
          url,
          action_id: 'open',
        },
      ],
    })
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${slackEscape(event.type)} · ${event.createdAt.toISOString()}${url ? ` · <${url}|link>` : ''}`,
      },
    ],
  })
  return { text: `${title}${url ? ` ${url}` : ''}`, blocks }
}
