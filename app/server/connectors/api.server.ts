/** The connectors' JSON API: validated with the shared schemas, answered as JSON (400 with the problems). */
import { JiraApiSchema, SlackApiSchema, WebhookApiSchema } from '~/shared/connector-forms'
import type { z } from 'zod'
import type { Actor } from '../audit/log.server'
import { jsonError } from '../http.server'
import { putWebhook, ConnectorError, listConnectors, saveJira, saveSlack } from './settings.server'

function problems(error: z.ZodError) {
  return error.issues
    .slice(0, 20)
    .map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
}

function json(value: unknown, status = 200) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

async function view(projectId: string, id: string) {
  const connector = (await listConnectors(projectId, 0)).find((entry) => entry.id === id)!
  const { deliveries: _deliveries, ...rest } = connector
  return rest
}

export async function putConnector(projectId: string, kind: string, body: unknown, actor: Actor) {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return jsonError(400, 'Send a JSON object.')
  try {
    if (kind === 'slack') {
      const parsed = SlackApiSchema.safeParse(body)
      if (!parsed.success)
        return jsonError(400, 'Invalid Slack settings.', { problems: problems(parsed.error) })
      const connector = await saveSlack(projectId, parsed.data, actor)
      return json({ connector: await view(projectId, connector.id) })
    }
    if (kind === 'jira') {
      const parsed = JiraApiSchema.safeParse(body)
      if (!parsed.success)
        return jsonError(400, 'Invalid Jira settings.', { problems: problems(parsed.error) })
      const connector = await saveJira(projectId, parsed.data, actor)
      return json({ connector: await view(projectId, connector.id) })
    }
    if (kind === 'webhooks') {
      const parsed = WebhookApiSchema.safeParse(body)
      if (!parsed.success)
        return jsonError(400, 'Invalid webhook settings.', { problems: problems(parsed.error) })
      const { connector, secret, created } = await putWebhook(projectId, parsed.data, actor)
      return json(
        {
          id: connector.id,
          // Shown once, when the webhook is created; a repeated PUT updates its events only.
          signingSecret: secret,
          connector: await view(projectId, connector.id),
        },
        created ? 201 : 200,
      )
    }
  } catch (error) {
    if (error instanceof ConnectorError) return jsonError(error.status, error.message)
    throw error
  }
  return jsonError(404, 'Unknown connector kind: use slack, jira or webhooks.')
}
