import crypto from 'node:crypto'
import { getEnv } from './env.server'

export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url')
}

export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}

function secretsKey(): Buffer {
  return Buffer.from(getEnv().SECRETS_KEY, 'hex')
}

/** AES-256-GCM; output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptSecret(plaintext: string): string {
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', secretsKey(), iv)
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined)
    throw new Error('Not an encrypted secret')
  const decipher = crypto.createDecipheriv(
    'aes-256-gcm',
    secretsKey(),
    Buffer.from(iv, 'base64url'),
  )
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, 'base64url')),
    decipher.final(),
  ]).toString('utf8')
}

/** Shows the last four characters only. */
export function maskSecret(secret: string): string {
  return secret.length <= 4 ? '••••' : `••••${secret.slice(-4)}`
}

/**
 * A URL as pages show it: scheme and host, then only the last four characters
 * of the rest. Webhook URLs (Slack's, for one) carry their secret in the path
 * or the query, so neither is shown.
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const rest = `${parsed.pathname}${parsed.search}`.replace(/^\/$/, '')
    if (!rest) return `${parsed.protocol}//${parsed.host}/`
    return `${parsed.protocol}//${parsed.host}/••••${rest.length > 8 ? rest.slice(-4) : ''}`
  } catch {
    return '(invalid URL)'
  }
}
