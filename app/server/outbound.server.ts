/**
 * The one way out: every outbound HTTP request (spec URL import today; test
 * runner, playground, connectors later) goes through `fetchGuarded`, an
 * undici client with timeouts, a response size cap and an SSRF guard that
 * checks every address a name resolves to, at connect time (no DNS rebinding).
 */
import dns from 'node:dns'
import net from 'node:net'
import os from 'node:os'
import { Agent, request } from 'undici'
import { getEnv } from './env.server'

export class OutboundError extends Error {
  constructor(
    message: string,
    readonly code: 'blocked' | 'timeout' | 'too-large' | 'failed' | 'bad-url' | 'cancelled',
  ) {
    super(message)
    this.name = 'OutboundError'
  }
}

const ALWAYS_BLOCKED = new net.BlockList()
ALWAYS_BLOCKED.addSubnet('169.254.0.0', 16, 'ipv4') // link-local, cloud metadata (169.254.169.254)
ALWAYS_BLOCKED.addSubnet('0.0.0.0', 8, 'ipv4')
ALWAYS_BLOCKED.addSubnet('224.0.0.0', 4, 'ipv4')
ALWAYS_BLOCKED.addSubnet('240.0.0.0', 4, 'ipv4') // reserved, and 255.255.255.255
ALWAYS_BLOCKED.addSubnet('fe80::', 10, 'ipv6')
ALWAYS_BLOCKED.addSubnet('ff00::', 8, 'ipv6') // multicast
ALWAYS_BLOCKED.addAddress('::', 'ipv6')
ALWAYS_BLOCKED.addAddress('fd00:ec2::254', 'ipv6') // AWS metadata over IPv6

/** Private networks and loopback: reachable only with OUTBOUND_ALLOW_PRIVATE. */
const PRIVATE = new net.BlockList()
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4') // carrier-grade NAT
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addAddress('::1', 'ipv6')
PRIVATE.addSubnet('fc00::', 7, 'ipv6') // unique local

/**
 * IANA special-purpose ranges that are not public hosts (RFC 6890 and its
 * registries): protocol assignments, documentation, benchmarking, relays,
 * and the IPv6 prefixes that embed an IPv4 address (NAT64, 6to4, Teredo),
 * which could otherwise smuggle a private address past the check.
 */
const SPECIAL_PURPOSE = new net.BlockList()
SPECIAL_PURPOSE.addSubnet('192.0.0.0', 24, 'ipv4') // IETF protocol assignments
SPECIAL_PURPOSE.addSubnet('192.0.2.0', 24, 'ipv4') // TEST-NET-1
SPECIAL_PURPOSE.addSubnet('192.31.196.0', 24, 'ipv4') // AS112-v4
SPECIAL_PURPOSE.addSubnet('192.52.193.0', 24, 'ipv4') // AMT
SPECIAL_PURPOSE.addSubnet('192.88.99.0', 24, 'ipv4') // 6to4 relay anycast
SPECIAL_PURPOSE.addSubnet('192.175.48.0', 24, 'ipv4') // direct delegation AS112
SPECIAL_PURPOSE.addSubnet('198.18.0.0', 15, 'ipv4') // benchmarking
SPECIAL_PURPOSE.addSubnet('198.51.100.0', 24, 'ipv4') // TEST-NET-2
SPECIAL_PURPOSE.addSubnet('203.0.113.0', 24, 'ipv4') // TEST-NET-3
SPECIAL_PURPOSE.addSubnet('64:ff9b::', 96, 'ipv6') // NAT64 well-known prefix
SPECIAL_PURPOSE.addSubnet('64:ff9b:1::', 48, 'ipv6') // local-use NAT64
SPECIAL_PURPOSE.addSubnet('100::', 64, 'ipv6') // discard-only
SPECIAL_PURPOSE.addSubnet('2001::', 23, 'ipv6') // IETF protocol assignments, Teredo (2001::/32)
SPECIAL_PURPOSE.addSubnet('2001:db8::', 32, 'ipv6') // documentation
SPECIAL_PURPOSE.addSubnet('2002::', 16, 'ipv6') // 6to4
SPECIAL_PURPOSE.addSubnet('3fff::', 20, 'ipv6') // documentation
SPECIAL_PURPOSE.addSubnet('5f00::', 16, 'ipv6') // segment routing
SPECIAL_PURPOSE.addSubnet('::', 96, 'ipv6') // IPv4-compatible (deprecated)

/** OUTBOUND_ALLOW_PRIVATE=true lets requests reach loopback, private and special-purpose networks and this host (tests, on-premise). Link-local and metadata stay blocked. */
function privateAllowedGlobally() {
  return getEnv().OUTBOUND_ALLOW_PRIVATE
}

/** This machine's own interface addresses (a public address of the host reaches its own services). */
let ownAddresses: { at: number; list: Set<string> } | undefined
function isOwnAddress(ip: string): boolean {
  if (!ownAddresses || Date.now() - ownAddresses.at > 60_000) {
    const list = new Set<string>()
    for (const entries of Object.values(os.networkInterfaces()))
      for (const entry of entries ?? []) list.add(entry.address.toLowerCase().replace(/%.*$/, ''))
    ownAddresses = { at: Date.now(), list }
  }
  return ownAddresses.list.has(ip.toLowerCase())
}

/**
 * Why a connection to `address` is refused, or null. `allowPrivate` (an
 * environment marked "may reach private addresses") lifts the private and
 * special-purpose refusals for that request as OUTBOUND_ALLOW_PRIVATE does
 * for all; link-local and metadata addresses are refused whatever is set.
 */
export function addressRefusal(address: string, allowPrivate = false): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  const ip = mapped ?? address
  const family = net.isIPv6(ip) ? 'ipv6' : 'ipv4'
  if (ALWAYS_BLOCKED.check(ip, family)) return `${address} is a link-local or metadata address`
  if (allowPrivate || privateAllowedGlobally()) return null
  if (PRIVATE.check(ip, family)) return `${address} is a private or loopback address`
  if (SPECIAL_PURPOSE.check(ip, family))
    return `${address} is in an IANA special-purpose range, not a public host`
  if (isOwnAddress(ip)) return `${address} is an address of this server`
  return null
}

function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4)
      const list = addresses as dns.LookupAddress[]
      for (const entry of list) {
        const refusal = addressRefusal(entry.address, allowPrivate)
        if (refusal)
          return callback(
            new OutboundError(`Refused to connect to ${hostname}: ${refusal}.`, 'blocked'),
            '',
            4,
          )
      }
      if ((options as dns.LookupOptions).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      callback(null, list[0]!.address, list[0]!.family)
    })
  }
}

/** Two pooled agents: the default one, and one for targets allowed to be private. */
const agents = new Map<boolean, Agent>()
function guardedAgent(allowPrivate: boolean) {
  let agent = agents.get(allowPrivate)
  if (!agent) {
    agent = new Agent({
      connect: { lookup: guardedLookup(allowPrivate), timeout: 5_000 },
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      keepAliveTimeout: 4_000,
      connections: 64,
    })
    agents.set(allowPrivate, agent)
  }
  return agent
}

export type GuardedResponse = {
  status: number
  headers: Record<string, string>
  body: Uint8Array
  url: string
  /** The body was longer than `truncateAt` and was cut there. */
  truncated: boolean
  /** Time to the response headers, and to the end of the body (ms). */
  timing: { headersMs: number; totalMs: number }
}

export type OutboundMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/**
 * One guarded request. Redirects are followed for GET only (and only when
 * `followRedirects`); a body over `maxBytes` is an error, unless `truncateAt`
 * asks to keep its first bytes instead (the test runner records, it does not
 * refuse). Times out after `timeoutMs` as a whole.
 */
export async function fetchGuarded(
  target: string,
  {
    maxBytes = 20 * 1024 * 1024,
    truncateAt,
    timeoutMs = 15_000,
    maxRedirects = 3,
    followRedirects = true,
    headers = {},
    method = 'GET',
    body,
    allowPrivate = false,
    signal,
  }: {
    maxBytes?: number
    truncateAt?: number
    timeoutMs?: number
    maxRedirects?: number
    followRedirects?: boolean
    headers?: Record<string, string>
    method?: OutboundMethod | (string & {})
    body?: string | Uint8Array
    allowPrivate?: boolean
    signal?: AbortSignal
  } = {},
): Promise<GuardedResponse> {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new OutboundError(`"${target}" is not a valid URL.`, 'bad-url')
  }
  const started = performance.now()
  const timeout = AbortSignal.timeout(timeoutMs)
  const abort = signal ? AbortSignal.any([timeout, signal]) : timeout
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundError(
        `Only http and https URLs can be fetched, not ${url.protocol}`,
        'bad-url',
      )
    const literal = url.hostname.replace(/^\[|\]$/g, '')
    if (net.isIP(literal)) {
      const refusal = addressRefusal(literal, allowPrivate)
      if (refusal) throw new OutboundError(`Refused to fetch ${url.host}: ${refusal}.`, 'blocked')
    }
    let response
    try {
      response = await request(url, {
        dispatcher: guardedAgent(allowPrivate),
        method: method as OutboundMethod,
        ...(body === undefined ? {} : { body }),
        headers: { 'user-agent': 'IntegrationCopilot/1.0', ...headers },
        signal: abort,
      })
    } catch (error) {
      throw outboundFailure(error, url, timeoutMs, signal)
    }
    const headersMs = performance.now() - started
    const location = response.headers.location
    if (
      followRedirects &&
      method === 'GET' &&
      response.statusCode >= 300 &&
      response.statusCode < 400 &&
      typeof location === 'string'
    ) {
      await response.body.dump()
      if (hop >= maxRedirects)
        throw new OutboundError(`Too many redirects from ${target}.`, 'failed')
      url = new URL(location, url)
      continue
    }
    const limit = truncateAt ?? maxBytes
    const declared = Number(response.headers['content-length'] ?? '0')
    if (truncateAt === undefined && declared > maxBytes) {
      await response.body.dump()
      throw new OutboundError(
        `The response is ${declared} bytes; the limit is ${maxBytes}.`,
        'too-large',
      )
    }
    const chunks: Uint8Array[] = []
    let total = 0
    let truncated = false
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Uint8Array
        if (total + bytes.byteLength > limit) {
          if (truncateAt === undefined) {
            response.body.destroy()
            throw new OutboundError(
              `The response is larger than the limit of ${maxBytes} bytes.`,
              'too-large',
            )
          }
          chunks.push(bytes.subarray(0, limit - total))
          total = limit
          truncated = true
          response.body.destroy()
          break
        }
        total += bytes.byteLength
        chunks.push(bytes)
      }
    } catch (error) {
      if (error instanceof OutboundError) throw error
      throw outboundFailure(error, url, timeoutMs, signal)
    }
    const flatHeaders = Object.fromEntries(
      Object.entries(response.headers).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join(', ') : String(value ?? ''),
      ]),
    )
    return {
      status: response.statusCode,
      headers: flatHeaders,
      body: Buffer.concat(chunks),
      url: url.href,
      truncated,
      timing: { headersMs, totalMs: performance.now() - started },
    }
  }
}

function outboundFailure(
  error: unknown,
  url: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): OutboundError {
  if (error instanceof OutboundError) return error
  const cause = (error as { cause?: unknown }).cause
  if (cause instanceof OutboundError) return cause
  if (signal?.aborted) return new OutboundError('The request was cancelled.', 'cancelled')
  const name = (error as Error).name
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    /timeout/i.test(String((error as Error).message))
  )
    return new OutboundError(`${url.host} did not answer within ${timeoutMs / 1000} s.`, 'timeout')
  return new OutboundError(`Could not fetch ${url.href}: ${(error as Error).message}`, 'failed')
}
