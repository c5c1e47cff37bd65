/**
 * The gateway's end of the wire (decision 034): one connection per mock's Unix socket,
 * opened on first use and again after the mock restarts, every request in flight on it
 * at once. Internal plumbing between processes of ours, not outbound traffic.
 */
import net from 'node:net'
import { batchedWriter, encodeFrame, frameReader, type WireAnswer, type WireRequest } from './wire'

/** Longer than the longest delay a mock may be set to (60 s fixed + 60 s random). */
const ANSWER_TIMEOUT_MS = 150_000
/** A mock's answer larger than this closes the connection (and fails what is in flight on it). */
const MAX_ANSWER_FRAME = 64 * 1024 * 1024

export class WireTimeout extends Error {}

export type WireDone = (error: Error | null, answer?: WireAnswer, body?: Buffer) => void

type InFlight = { done: WireDone; at: number }

class WireConnection {
  private socket: net.Socket | null = null
  private write: ((frame: Buffer) => void) | null = null
  /**
   * Requests awaiting their answer, by id. A plain object, not a Map: a Map's table, once
   * promoted to the old generation, links to each table that replaces it as the Map grows
   * and shrinks, and that link kept every later table, and the requests in it, alive through
   * young-generation collections until the next full one: under load after an idle spell,
   * scavenges took 7–10 ms instead of 1–2 (decision 038).
   */
  private inFlight: Record<number, InFlight> = Object.create(null) as Record<number, InFlight>
  private nextId = 1

  constructor(
    private readonly socketPath: string,
    private readonly onClosed: () => void,
  ) {}

  request(head: WireRequest, body: Buffer, done: WireDone) {
    if (!this.write) this.connect()
    const id = this.nextId
    this.nextId = this.nextId >= 0xfffffffe ? 1 : this.nextId + 1
    this.inFlight[id] = { done, at: Date.now() }
    this.write!(encodeFrame(id, head, body))
  }

  /** Fails what waits longer than `limitMs`. */
  expire(now: number, limitMs: number) {
    for (const key in this.inFlight) {
      const entry = this.inFlight[key]!
      if (now - entry.at < limitMs) continue
      delete this.inFlight[key]
      entry.done(new WireTimeout(`The mock did not answer within ${limitMs / 1000} s.`))
    }
  }

  private connect() {
    const socket = net.createConnection(this.socketPath)
    this.socket = socket
    this.write = batchedWriter(socket)
    const push = frameReader(
      (id, head, body) => {
        const entry = this.inFlight[id]
        if (!entry) return
        delete this.inFlight[id]
        if (isWireAnswer(head)) entry.done(null, head, body)
        else entry.done(new Error('The mock process answered a malformed frame.'))
      },
      MAX_ANSWER_FRAME,
      { keepsBodies: false },
    )
    socket.on('data', (chunk: Buffer) => {
      try {
        push(chunk)
      } catch (error) {
        socket.destroy(error as Error)
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.socket = null
      this.write = null
      const failed = Object.values(this.inFlight)
      this.inFlight = Object.create(null) as Record<number, InFlight>
      for (const entry of failed) entry.done(new Error('The mock process did not answer.'))
      this.onClosed()
    })
  }
}

function isWireAnswer(head: unknown): head is WireAnswer {
  const answer = head as WireAnswer | null
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.status === 'number' &&
    Array.isArray(answer.headers)
  )
}

const connections = new Map<string, WireConnection>()
let sweeper: NodeJS.Timeout | undefined

/** Sends one request to the mock listening on `socketPath`; `done` is called exactly once. */
export function sendOverWire(socketPath: string, head: WireRequest, body: Buffer, done: WireDone) {
  let connection = connections.get(socketPath)
  if (!connection) {
    const created = new WireConnection(socketPath, () => {
      if (connections.get(socketPath) === created) connections.delete(socketPath)
    })
    connection = created
    connections.set(socketPath, connection)
  }
  sweeper ??= setInterval(() => expireWaiting(), 1_000).unref()
  connection.request(head, body, done)
}

/** Fails the requests that have waited longer than ANSWER_TIMEOUT_MS at `now` (a sweep runs every second). */
export function expireWaiting(now = Date.now()) {
  for (const open of connections.values()) open.expire(now, ANSWER_TIMEOUT_MS)
}
