/**
 * What a diff change touches, read from its location (`POST /payments >
 * request body > application/json > body.amount`): the operation label, the
 * side (request, response, parameter), the field path, the parameter, the
 * response status or header. And whether one exchange touches it. Pure.
 */
import type { SpecChange } from '../specs/diff.server'
import { type Observation, parseJsonBody } from './observations.server'

export type ChangeTarget = {
  /** `METHOD /path` (or `webhook name`); null for spec-wide changes (servers, security schemes). */
  label: string | null
  side: 'request' | 'response' | 'parameter' | 'operation'
  /** Response status of a response change (`200`, `4XX`, `default`). */
  status?: string
  /** Property path inside the body: ['items', 'amount'] for body.items[].amount. */
  field?: string[]
  parameter?: { in: string | null; name: string }
  header?: string
}

/** A change about something the consumer must now send: partners affected are those that do not send it. */
const MUST_NOW_SEND = new Set([
  'required-parameter-added',
  'parameter-became-required',
  'required-request-property-added',
  'request-property-became-required',
  'request-body-added-required',
  'request-body-became-required',
])

export function mustNowSend(change: Pick<SpecChange, 'ruleId'>) {
  return MUST_NOW_SEND.has(change.ruleId)
}

const OPERATION_LABEL = /^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE|QUERY) \/\S*$/

export function parseTarget(location: string): ChangeTarget {
  const parts = location.split(' > ')
  const first = parts[0] ?? ''
  if (!OPERATION_LABEL.test(first)) return { label: null, side: 'operation' }
  const target: ChangeTarget = { label: first, side: 'operation' }
  for (const part of parts.slice(1)) {
    if (part === 'request body') target.side = 'request'
    else if (part.startsWith('response ')) {
      target.side = 'response'
      target.status = part.slice('response '.length)
    } else if (part.startsWith('parameter ')) {
      target.side = 'parameter'
      const text = part.slice('parameter '.length)
      const dot = text.indexOf('.')
      const inPart = dot > 0 ? text.slice(0, dot) : ''
      const known = ['query', 'header', 'path', 'cookie'].includes(inPart)
      const name = (known ? text.slice(dot + 1) : text).replace(/\[.*$/, '')
      target.parameter = { in: known ? inPart : null, name }
    } else if (part.startsWith('header '))
      target.header = part.slice('header '.length).toLowerCase()
    else if (/^body([.[]|$)/.test(part)) {
      const path = part
        .replace(/^body\.?/, '')
        .split('.')
        .map((segment) => segment.replace(/\[\]/g, ''))
        .filter((segment) => segment !== '' && segment !== '*')
      if (path.length > 0) target.field = path
    }
  }
  return target
}

/** The values found at a property path (arrays are walked through); absent: []. */
export function valuesAt(value: unknown, path: string[]): unknown[] {
  let current: unknown[] = [value]
  for (const segment of path) {
    const next: unknown[] = []
    for (const item of current.flatMap((entry) => (Array.isArray(entry) ? entry : [entry]))) {
      if (item && typeof item === 'object' && Object.hasOwn(item, segment))
        next.push((item as Record<string, unknown>)[segment])
    }
    current = next
    if (current.length === 0) return []
  }
  return current
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function statusMatches(pattern: string | undefined, status: number | null) {
  if (!pattern || pattern === 'default' || status === null) return true
  if (/^\dXX$/i.test(pattern)) return String(status)[0] === pattern[0]
  return String(status) === pattern
}

export type Touch = { touched: boolean; types?: string[] }

/**
 * Whether one exchange exercised the target: the operation (and the status
 * of a response change), the field in the body on its side, the parameter,
 * the response header. For a must-now-send change, whether it lacked it.
 */
export function touches(target: ChangeTarget, change: SpecChange, exchange: Observation): Touch {
  if (target.side === 'response' && !statusMatches(target.status, exchange.status))
    return { touched: false }
  const lacking = mustNowSend(change)
  if (target.parameter) {
    const present = hasParameter(target.parameter, exchange)
    return { touched: lacking ? !present : present }
  }
  if (target.header) return { touched: target.header in exchange.responseHeaders }
  if (target.field) {
    const body = target.side === 'response' ? exchange.responseBody : exchange.requestBody
    const json = parseJsonBody(body)
    if (json === undefined) {
      // Not JSON, or cut: a plain search for the property name.
      const present = body.includes(`"${target.field.at(-1)}"`)
      return { touched: lacking ? !present : present }
    }
    const values = valuesAt(json, target.field)
    if (lacking) return { touched: values.length === 0 }
    return values.length > 0
      ? { touched: true, types: [...new Set(values.map(jsonType))] }
      : { touched: false }
  }
  if (lacking && target.side === 'request') return { touched: exchange.requestBody.trim() === '' }
  return { touched: true }
}

function hasParameter(parameter: { in: string | null; name: string }, exchange: Observation) {
  const name = parameter.name
  const lower = name.toLowerCase()
  const inQuery = () => {
    try {
      return new URL(exchange.url, 'http://x.invalid').searchParams.has(name)
    } catch {
      return false
    }
  }
  const inHeader = () => lower in exchange.requestHeaders
  const inCookie = () =>
    (exchange.requestHeaders.cookie ?? '')
      .split(';')
      .some((pair) => pair.trim().startsWith(`${name}=`))
  switch (parameter.in) {
    case 'query':
      return inQuery()
    case 'header':
      return inHeader()
    case 'cookie':
      return inCookie()
    case 'path':
      return true
    default:
      return inQuery() || inHeader() || inCookie()
  }
}
