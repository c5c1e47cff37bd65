/**
 * Redaction of credentials before anything is stored or shown: mock request
 * logs, recorded test cases, traces. By name (headers, query and form
 * parameters, JSON fields whose names are token-, secret-, password-, card- or
 * session-like) and by value (Bearer/Basic credentials, JWTs, well-known key
 * formats and card numbers anywhere in a text). Pure; no I/O.
 */

export const REDACTED = '[redacted]'

/** Words that make a name secret on their own. */
const SECRET_WORDS = new Set([
  'auth',
  'authorization',
  'authentication',
  'bearer',
  'cookie',
  'cookies',
  'session',
  'sessionid',
  'sid',
  'token',
  'tokens',
  'jwt',
  'secret',
  'secrets',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'apikey',
  'credential',
  'credentials',
  'signature',
  'sig',
  'hmac',
  'card',
  'cvc',
  'cvv',
  'cvc2',
  'pan',
  'pin',
  'otp',
  'ssn',
  'iban',
  'privatekey',
])
/** `key` is secret beside one of these (api_key, x-secret-key, clientKey, privateKey, accessKey). */
const KEY_QUALIFIERS = new Set([
  'api',
  'secret',
  'private',
  'access',
  'signing',
  'client',
  'app',
  'x',
])
/** Names that contain a secret word but carry no secret. */
const NOT_SECRET =
  /^(idempotency[-_]?key|www-authenticate|x-ratelimit-.*|ratelimit-.*|content-.*|access-control-.*|token[-_]?type|expires[-_]?in|auth[-_]?type|scope|cards?[-_]?(last[-_]?4|brand|type|country|funding|network|exp(iry)?([-_]?(month|year))?|holder([-_]?name)?|fingerprint|id))$/i

/** `x-api-key` -> [x, api, key]; `clientSecret` -> [client, secret]; `card[number]` -> [card, number]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

export function isSecretName(name: string): boolean {
  if (NOT_SECRET.test(name)) return false
  const parts = words(name)
  if (parts.some((part) => SECRET_WORDS.has(part))) return true
  const keyAt = parts.lastIndexOf('key')
  if (keyAt === -1) return false
  return parts.length === 1 || parts.slice(0, keyAt).some((part) => KEY_QUALIFIERS.has(part))
}

function luhn(digits: string): boolean {
  let sum = 0
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index])
    if (index % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

const VALUE_PATTERNS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  // Authorization-style values: keep the scheme, drop the credential.
  [
    /\b(Bearer|Basic|Token|Digest|ApiKey|Api-Key)(\s+)[A-Za-z0-9._~+/=:-]{6,}/gi,
    (_match, scheme: string, space: string) => `${scheme}${space}${REDACTED}`,
  ],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, () => REDACTED],
  // Well-known key formats: Stripe-style, webhook secrets, GitHub and Slack tokens.
  [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}/g, () => REDACTED],
  [/\bwhsec_[A-Za-z0-9+/=_-]{8,}/g, () => REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, () => REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, () => REDACTED],
  // Card numbers: 13-19 digits (spaces or dashes allowed) that pass the Luhn check.
  [
    /\b\d(?:[ -]?\d){12,18}\b/g,
    (match: string) => (luhn(match.replace(/[ -]/g, '')) ? REDACTED : match),
  ],
]

/** Credentials found by their shape anywhere in a text. */
export function redactText(text: string): string {
  let out = text
  for (const [pattern, replace] of VALUE_PATTERNS)
    out = out.replace(pattern, replace as (substring: string, ...args: string[]) => string)
  return out
}

const CHALLENGE_HEADER = /^(www|proxy)-authenticate$/i

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  extraSecretNames: readonly string[] = [],
): Record<string, string> {
  const extra = new Set(extraSecretNames.map((name) => name.toLowerCase()))
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : value
    const scheme = /^(proxy-)?authorization$/i.test(name)
      ? /^([A-Za-z][\w-]*)\s+\S/.exec(text)?.[1]
      : undefined
    out[name] =
      isSecretName(name) || extra.has(name.toLowerCase())
        ? scheme
          ? `${scheme} ${REDACTED}` // the scheme says how the request authenticated; the credential stays out
          : REDACTED
        : CHALLENGE_HEADER.test(name)
          ? text // a challenge (`Bearer realm="api"`) names a scheme, it carries no credential
          : redactText(text)
  }
  return out
}

function redactParams(params: URLSearchParams, extra: readonly string[]): URLSearchParams {
  const copy = new URLSearchParams()
  for (const [name, value] of params)
    copy.append(name, isSecretName(name) || extra.includes(name) ? REDACTED : redactText(value))
  return copy
}

/** A query string with secret parameters (and those named in `extraSecretNames`) redacted. */
export function redactQuery(
  query: URLSearchParams,
  extraSecretNames: readonly string[] = [],
): string {
  return redactParams(query, extraSecretNames).toString()
}

/** A URL with its userinfo and secret query parameters redacted (for logs and curl lines). */
export function redactUrl(url: string, extraSecretNames: readonly string[] = []): string {
  try {
    const parsed = new URL(url)
    if (parsed.username) parsed.username = REDACTED
    if (parsed.password) parsed.password = REDACTED
    parsed.search = redactParams(parsed.searchParams, extraSecretNames).toString()
    return parsed.toString()
  } catch {
    return redactText(url)
  }
}

function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 64) return REDACTED
  if (typeof value === 'string') return redactText(value)
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value))
      out[key] = isSecretName(key) ? REDACTED : redactJson(item, depth + 1)
    return out
  }
  return value
}

const MAX_PARSED_BODY = 1024 * 1024

/**
 * A body as text with its credentials redacted: JSON by field name and value,
 * form bodies by parameter name (`card[number]`, `password`), anything else by
 * value. `contentType` decides; without one the text is sniffed.
 */
export function redactBody(text: string, contentType = ''): string {
  if (text === '') return text
  const type = contentType.toLowerCase()
  const trimmed = text.trimStart()
  if (
    text.length <= MAX_PARSED_BODY &&
    (type.includes('json') || (!type && (trimmed.startsWith('{') || trimmed.startsWith('['))))
  ) {
    try {
      return JSON.stringify(redactJson(JSON.parse(text)))
    } catch {
      // not JSON after all: fall through to the value patterns
    }
  }
  if (text.length <= MAX_PARSED_BODY && type.includes('x-www-form-urlencoded'))
    return redactParams(new URLSearchParams(text), []).toString()
  return redactText(text)
}
