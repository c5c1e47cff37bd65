/** Allowed email domains of a connection: parsed from the settings form, checked at sign-in. */
import { SsoSettingsError } from './errors.server'

export const MAX_DOMAINS = 50

/** A DNS name with at least one dot, labels of letters, digits and hyphens (IDNs as xn--). */
const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/** "Example.com, @corp.example.org" -> ["example.com", "corp.example.org"] (deduplicated), or a refusal. */
export function parseDomainList(text: string): string[] {
  const entries = text
    .split(/[\s,;]+/)
    .map((entry) => entry.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, ''))
    .filter(Boolean)
  const domains = [...new Set(entries)]
  if (domains.length > MAX_DOMAINS)
    throw new SsoSettingsError(
      'allowedDomains',
      `List at most ${MAX_DOMAINS} domains (${domains.length} given).`,
    )
  for (const domain of domains)
    if (!DOMAIN.test(domain))
      throw new SsoSettingsError(
        'allowedDomains',
        `"${domain.slice(0, 80)}" is not a domain name. Write domains like example.com, separated by commas.`,
      )
  return domains
}

/** The stored JSON list; anything unreadable counts as no list. */
export function readDomains(stored: string): string[] {
  try {
    const value: unknown = JSON.parse(stored)
    return Array.isArray(value) ? value.filter((entry) => typeof entry === 'string') : []
  } catch {
    return []
  }
}

export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@')
  return at < 0 ? '' : email.slice(at + 1).toLowerCase()
}

/** An empty list allows every domain (the schema's rule); otherwise the exact domain must be listed. */
export function domainAllowed(domains: readonly string[], email: string): boolean {
  if (domains.length === 0) return true
  return domains.includes(emailDomain(email))
}
