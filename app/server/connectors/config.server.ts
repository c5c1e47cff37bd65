/** A connector's settings, sealed at rest (AES-256-GCM through crypto.server) and read back typed. */
import { decryptSecret, encryptSecret } from '../crypto.server'

export type SlackConfig = { webhookUrl: string; idleDays?: number }
export type JiraConfig = {
  baseUrl: string
  email: string
  apiToken: string
  projectKey: string
  issueType: string
  autoCreate: boolean
  idleDays?: number
}
export type WebhookConfig = { url: string; secret: string; idleDays?: number }
export type ConnectorConfig = SlackConfig | JiraConfig | WebhookConfig

export function sealConfig(config: ConnectorConfig): string {
  return encryptSecret(JSON.stringify(config))
}

export function openConfig<T extends ConnectorConfig>(sealed: string): T {
  return JSON.parse(decryptSecret(sealed)) as T
}

/** The app's public origin for links in messages (no request in a worker): APP_URL, else localhost:PORT. */
export function publicOrigin(env: { APP_URL?: string; PORT: number }): string {
  return env.APP_URL ? new URL(env.APP_URL).origin : `http://localhost:${env.PORT}`
}
