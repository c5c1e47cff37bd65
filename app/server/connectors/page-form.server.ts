/** The Settings → Connectors form actions: one intent each, all 'project:manage', validated with the shared schemas. */
import { parseWithZod } from '@conform-to/zod/v4'
import { z } from 'zod'
import { JiraFormSchema, SlackFormSchema, WebhookFormSchema } from '~/shared/connector-forms'
import type { Actor } from '../audit/log.server'
import {
  addWebhook,
  ConnectorError,
  deleteConnector,
  requestJiraIssue,
  retryDelivery,
  saveJira,
  saveSlack,
  sendTest,
} from './settings.server'

export type ConnectorFormResult =
  | { ok: true; message: string; newSecret?: { name: string; value: string } }
  | { ok: false; form: string; errors: Record<string, string[]>; status: number }

const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/)

function invalid(
  form: string,
  errors: Record<string, string[] | null | undefined>,
): ConnectorFormResult {
  const clean: Record<string, string[]> = {}
  for (const [key, value] of Object.entries(errors)) if (value?.length) clean[key || 'form'] = value
  return { ok: false, form, errors: clean, status: 400 }
}

export async function connectorFormAction(
  projectId: string,
  formData: FormData,
  actor: Actor,
): Promise<ConnectorFormResult> {
  const intent = String(formData.get('intent') ?? '')
  try {
    switch (intent) {
      case 'save-slack': {
        const submission = parseWithZod(formData, { schema: SlackFormSchema })
        if (submission.status !== 'success') return invalid('slack', submission.error ?? {})
        await saveSlack(projectId, submission.value, actor)
        return { ok: true, message: 'Slack settings saved.' }
      }
      case 'save-jira': {
        const submission = parseWithZod(formData, { schema: JiraFormSchema })
        if (submission.status !== 'success') return invalid('jira', submission.error ?? {})
        await saveJira(projectId, submission.value, actor)
        return { ok: true, message: 'Jira settings saved.' }
      }
      case 'add-webhook': {
        const submission = parseWithZod(formData, { schema: WebhookFormSchema })
        if (submission.status !== 'success') return invalid('webhook', submission.error ?? {})
        const { connector, secret } = await addWebhook(projectId, submission.value, actor)
        return {
          ok: true,
          message: 'Webhook added. Copy its signing secret now: it is shown once.',
          newSecret: { name: connector.name, value: secret },
        }
      }
      case 'delete':
      case 'test':
      case 'retry': {
        const id = IdSchema.safeParse(
          formData.get(intent === 'retry' ? 'deliveryId' : 'connectorId'),
        )
        if (!id.success) return invalid(intent, { form: ['Choose a connector or delivery.'] })
        if (intent === 'delete') {
          const removed = await deleteConnector(projectId, id.data, actor)
          return { ok: true, message: `${removed.name || removed.kind} removed.` }
        }
        if (intent === 'test') {
          await sendTest(projectId, id.data, actor)
          return { ok: true, message: 'Test queued: it appears in the delivery log in a moment.' }
        }
        await retryDelivery(projectId, id.data, actor)
        return { ok: true, message: 'Delivery queued again.' }
      }
      default:
        return invalid('form', { form: [`Unknown action "${intent.slice(0, 40)}".`] })
    }
  } catch (error) {
    if (error instanceof ConnectorError)
      return { ok: false, form: intent, errors: { form: [error.message] }, status: error.status }
    throw error
  }
}

/** The case page's "Create Jira issue": a toast saying what happened (queued, already open, or why not). */
export async function jiraFromCase(
  projectId: string,
  runId: string,
  seq: number,
  actor: Actor,
): Promise<{ type: 'success' | 'error'; message: string }> {
  try {
    const result = await requestJiraIssue(projectId, runId, seq, actor)
    return result.key
      ? { type: 'success', message: `Already tracked as ${result.key}.` }
      : { type: 'success', message: 'Opening the Jira issue: its key appears here in a moment.' }
  } catch (error) {
    if (error instanceof ConnectorError) return { type: 'error', message: error.message }
    throw error
  }
}
