/**
 * Runs mocks in a small pool of host processes (MOCK_HOSTS, default 2), each serving
 * many mocks, sharded by mock id: every mock keeps its own port from MOCK_PORT_RANGE, its
 * own state, settings and log, and mocks of one spec version in a host share the spec.
 * Health-checks the hosts, restarts a dead or hung host's mocks with backoff, stores
 * request logs, brings running mocks back after a restart of the app and stops idle
 * ones. A crash takes down one host's mocks for a restart, never the web app
 * (docs/decisions/016).
 */
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decryptSecret, encryptSecret } from '../crypto.server'
import { db, sqliteDate } from '../db.server'
import { lowerPriority, MOCK_NICENESS } from '../priority.server'
import { DEFAULT_MOCK_CONFIG, type MockConfig } from './engine.server'
import { closeLogWriter, writeLogBatch } from './log-writer.server'
import type { FromMock, ToMock } from './protocol'
import { deliverEvent } from './webhooks.server'

const HEALTH_INTERVAL_MS = Number(process.env.MOCK_HEALTH_INTERVAL_MS || 5_000)
const HOSTS = Math.max(1, Number(process.env.MOCK_HOSTS || 2))
const STOP_TIMEOUT_MS = 2_000
const START_TIMEOUT_MS = 15_000
const MAX_RESTARTS = 5
const LOG_LIMIT = Number(process.env.MOCK_LOG_LIMIT || 500)
const IDLE_STOP_MS = Number(process.env.MOCK_IDLE_STOP_MINUTES || 24 * 60) * 60_000

/** How many ports `start` tries when others are taken by other programs, and for how long it skips them. */
const PORT_ATTEMPTS = 5
const PORT_RETRY_MS = 60_000

class PortInUse extends Error {}

export function portRange(): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(process.env.MOCK_PORT_RANGE ?? '4100-4199')
  const from = Number(match?.[1] ?? 4100)
  const to = Number(match?.[2] ?? 4199)
  return to >= from ? [from, to] : [from, from]
}

/** Stored config -> runtime config; credentials are sealed with SECRETS_KEY at rest. */
let socketDir: string | undefined

/** A folder only this user can enter, for the mocks' Unix sockets (short paths: sockets allow ~100 bytes). */
function socketDirectory(): string {
  socketDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ic-mocks-'))
  return socketDir
}

export function readMockConfig(stored: string): MockConfig {
  const parsed = JSON.parse(stored || '{}') as Partial<MockConfig> & {
    credentials?: Record<string, string>
  }
  const credentials: Record<string, string> = {}
  for (const [scheme, sealed] of Object.entries(parsed.credentials ?? {})) {
    try {
      credentials[scheme] = decryptSecret(sealed)
    } catch {
      // a key rotation made it unreadable: the scheme then accepts any well-formed credential
    }
  }
  return { ...DEFAULT_MOCK_CONFIG, ...parsed, credentials }
}

export function writeMockConfig(config: MockConfig): string {
  const credentials = Object.fromEntries(
    Object.entries(config.credentials).map(([scheme, value]) => [scheme, encryptSecret(value)]),
  )
  return JSON.stringify({ ...config, credentials })
}

function mockProcessModule(): { modulePath: string; execArgv: string[] } {
  const built = path.resolve('server-build/mock-process.js')
  if (process.env.NODE_ENV === 'production' && fs.existsSync(built))
    return { modulePath: built, execArgv: [] }
  return {
    modulePath: path.resolve('app/server/mocks/process-entry.ts'),
    execArgv: ['--import', 'tsx'],
  }
}

type Host = {
  index: number
  child: ChildProcess
  /** Mocks this host serves, and the spec versions it holds for them. */
  mocks: Set<string>
  specs: Set<string>
  missedPings: number
  memoryBytes: number
  stopping: boolean
  stderr: string
}

type Running = {
  host: Host
  specKey: string
  port: number
  socketPath: string
  startedAt: number
}

type Waiter = { resolve: () => void; reject: (error: Error) => void; timeout: NodeJS.Timeout }

/** The host a mock lives in: a stable hash of its id. */
function shardOf(mockId: string): number {
  let hash = 0
  for (let index = 0; index < mockId.length; index++)
    hash = (hash * 31 + mockId.charCodeAt(index)) >>> 0
  return hash % HOSTS
}

export class MockSupervisor {
  private readonly running = new Map<string, Running>()
  private readonly hosts = new Map<number, Host>()
  private readonly restarts = new Map<string, number>()
  /** Mocks waiting for their host to say they listen, or that they stopped. */
  private readonly starting = new Map<string, Waiter>()
  private readonly stopping = new Map<string, Waiter>()
  /** Ports handed out but whose process may not be registered yet (concurrent starts). */
  private readonly reserved = new Map<string, number>()
  /** Ports of the range another program was found listening on (epoch ms when), skipped for a while. */
  private readonly taken = new Map<number, number>()
  private timer: NodeJS.Timeout | undefined
  private pingId = 0

  /** Resumes mocks that should run and starts the health/retention loop. */
  async boot() {
    const mocks = await db.mock.findMany({
      where: { desiredState: 'running' },
      select: { id: true },
    })
    await Promise.all(mocks.map((mock) => this.start(mock.id).catch(() => undefined)))
    this.timer ??= setInterval(() => void this.tick(), HEALTH_INTERVAL_MS)
    this.timer.unref()
  }

  async shutdown() {
    clearInterval(this.timer)
    this.timer = undefined
    await Promise.all([...this.running.keys()].map((id) => this.kill(id)))
    await Promise.all([...this.hosts.values()].map((host) => this.stopHost(host)))
    if (socketDir) fs.rmSync(socketDir, { recursive: true, force: true })
    socketDir = undefined
    await closeLogWriter()
  }

  portOf(mockId: string): number | undefined {
    return this.running.get(mockId)?.port
  }

  /** The Unix socket of a running mock, for the gateway. */
  socketOf(mockId: string): string | undefined {
    return this.running.get(mockId)?.socketPath
  }

  /** The host process serving the mock. */
  pidOf(mockId: string): number | undefined {
    return this.running.get(mockId)?.host.child.pid
  }

  /** The mock's share of its host's memory. */
  memoryOf(mockId: string): number | undefined {
    const host = this.running.get(mockId)?.host
    return host && host.memoryBytes ? host.memoryBytes / Math.max(1, host.mocks.size) : undefined
  }

  /** Host processes and their memory (the many-mocks bench and the health page read it). */
  hostStats() {
    return [...this.hosts.values()].map((host) => ({
      pid: host.child.pid,
      mocks: host.mocks.size,
      memoryBytes: host.memoryBytes,
    }))
  }

  private allocatePort(): number {
    const [from, to] = portRange()
    const used = new Set(
      [...this.running.values()].map((entry) => entry.port).concat([...this.reserved.values()]),
    )
    for (const [port, at] of this.taken)
      if (Date.now() - at > PORT_RETRY_MS) this.taken.delete(port)
    for (let port = from; port <= to; port++)
      if (!used.has(port) && !this.taken.has(port)) return port
    throw new Error(
      `No free mock port in MOCK_PORT_RANGE ${from}-${to}: stop a mock or widen the range.`,
    )
  }

  /** Starts the mock on a free port of the range; a port another program holds is skipped. */
  async start(mockId: string): Promise<void> {
    if (this.running.has(mockId) || this.reserved.has(mockId)) return
    for (let attempt = 1; ; attempt++) {
      const port = this.allocatePort()
      this.reserved.set(mockId, port)
      try {
        return await this.launch(mockId, port)
      } catch (error) {
        if (error instanceof PortInUse) this.taken.set(port, Date.now())
        if (!(error instanceof PortInUse) || attempt >= PORT_ATTEMPTS) {
          await db.mock.updateMany({
            where: { id: mockId },
            data: { status: 'failed', port: null, lastError: (error as Error).message },
          })
          throw error
        }
      } finally {
        this.reserved.delete(mockId)
      }
    }
  }

  /** The host of this shard, forked when it is not running. */
  private hostFor(mockId: string): Host {
    const index = shardOf(mockId)
    const existing = this.hosts.get(index)
    if (existing && !existing.stopping && existing.child.connected) return existing
    const { modulePath, execArgv } = mockProcessModule()
    const child = fork(modulePath, [], {
      execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, MOCK_HOST: String(index) },
    })
    lowerPriority(child.pid, MOCK_NICENESS)
    const host: Host = {
      index,
      child,
      mocks: new Set(),
      specs: new Set(),
      missedPings: 0,
      memoryBytes: 0,
      stopping: false,
      stderr: '',
    }
    this.hosts.set(index, host)
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (host.stderr = `${host.stderr}${chunk.toString()}`.slice(-2000)),
    )
    child.on('message', (message: FromMock) => this.onMessage(host, message))
    child.on('exit', (code, signal) => void this.onHostExit(host, code, signal))
    return host
  }

  private wait(into: Map<string, Waiter>, mockId: string, ms: number, what: string) {
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        into.delete(mockId)
        reject(new Error(what))
      }, ms)
      into.set(mockId, { resolve, reject, timeout })
    })
  }

  private settle(into: Map<string, Waiter>, mockId: string, error?: Error) {
    const waiter = into.get(mockId)
    if (!waiter) return
    into.delete(mockId)
    clearTimeout(waiter.timeout)
    if (error) waiter.reject(error)
    else waiter.resolve()
  }

  private async launch(mockId: string, port: number): Promise<void> {
    const mock = await db.mock.findUnique({
      where: { id: mockId },
      include: { specVersion: { select: { id: true, normalized: true } } },
    })
    if (!mock) throw new Error('Mock not found')
    await db.mock.update({
      where: { id: mockId },
      data: {
        status: this.restarts.get(mockId) ? 'restarting' : 'starting',
        desiredState: 'running',
        port,
        lastError: null,
      },
    })
    const host = this.hostFor(mockId)
    const specKey = mock.specVersion.id
    const entry: Running = {
      host,
      specKey,
      port,
      socketPath: path.join(socketDirectory(), `${port}.sock`),
      startedAt: Date.now(),
    }
    this.running.set(mockId, entry)
    host.mocks.add(mockId)
    const ready = this.wait(
      this.starting,
      mockId,
      START_TIMEOUT_MS,
      'The mock did not start within 15 s.',
    )
    const firstOfVersion = !host.specs.has(specKey)
    host.specs.add(specKey)
    host.child.send({
      type: 'start',
      mockId,
      specKey,
      ...(firstOfVersion ? { spec: JSON.parse(mock.specVersion.normalized) } : {}),
      config: readMockConfig(mock.config),
      port,
      socketPath: entry.socketPath,
    } satisfies ToMock)
    try {
      await ready
      await db.mock.update({
        where: { id: mockId },
        data: { status: 'up', startedAt: new Date(entry.startedAt) },
      })
    } catch (error) {
      await this.kill(mockId)
      throw error
    }
  }

  async stop(mockId: string) {
    await this.kill(mockId)
    this.restarts.delete(mockId)
    await db.mock.updateMany({
      where: { id: mockId },
      data: { status: 'stopped', desiredState: 'stopped', port: null },
    })
  }

  async restart(mockId: string) {
    await this.kill(mockId)
    await this.start(mockId)
  }

  reset(mockId: string) {
    return this.send(mockId, { type: 'reset', mockId })
  }

  async applyConfig(mockId: string) {
    const mock = await db.mock.findUnique({ where: { id: mockId } })
    if (mock) this.send(mockId, { type: 'config', mockId, config: readMockConfig(mock.config) })
  }

  private send(mockId: string, message: ToMock): boolean {
    const entry = this.running.get(mockId)
    if (!entry?.host.child.connected) return false
    entry.host.child.send(message)
    return true
  }

  /** Stops one mock in its host; a host left with no mocks stops too. */
  private async kill(mockId: string): Promise<void> {
    const entry = this.running.get(mockId)
    if (!entry) return
    this.running.delete(mockId)
    const { host } = entry
    host.mocks.delete(mockId)
    if (
      ![...this.running.values()].some(
        (other) => other.host === host && other.specKey === entry.specKey,
      )
    )
      host.specs.delete(entry.specKey)
    this.settle(this.starting, mockId, new Error('The mock was stopped.'))
    if (host.child.connected && !host.stopping) {
      const stopped = this.wait(this.stopping, mockId, STOP_TIMEOUT_MS, 'stop timed out').catch(
        () => undefined,
      )
      host.child.send({ type: 'stop', mockId } satisfies ToMock)
      await stopped
    }
    if (host.mocks.size === 0) await this.stopHost(host)
  }

  private stopHost(host: Host): Promise<void> {
    host.stopping = true
    if (this.hosts.get(host.index) === host) this.hosts.delete(host.index)
    return new Promise((resolve) => {
      if (host.child.exitCode !== null || host.child.signalCode !== null) return resolve()
      const force = setTimeout(() => host.child.kill('SIGKILL'), 2_000)
      host.child.once('exit', () => {
        clearTimeout(force)
        resolve()
      })
      host.child.kill('SIGTERM')
    })
  }

  /** A host died: its mocks restart (with backoff), in a new host. */
  private async onHostExit(host: Host, code: number | null, signal: NodeJS.Signals | null) {
    if (this.hosts.get(host.index) === host) this.hosts.delete(host.index)
    const reason = host.stderr.trim().split('\n').pop() || `exited with ${signal ?? `code ${code}`}`
    for (const mockId of [...this.starting.keys()])
      if (this.running.get(mockId)?.host === host)
        this.settle(this.starting, mockId, new Error(reason))
    for (const mockId of [...this.stopping.keys()]) this.settle(this.stopping, mockId)
    if (host.stopping) return
    const lost = [...host.mocks]
    host.mocks.clear()
    for (const mockId of lost) {
      if (this.running.get(mockId)?.host !== host) continue
      this.running.delete(mockId)
      await this.onExit(mockId, reason)
    }
  }

  private async onExit(mockId: string, reason: string) {
    const attempts = (this.restarts.get(mockId) ?? 0) + 1
    this.restarts.set(mockId, attempts)
    if (attempts > MAX_RESTARTS) {
      await db.mock.updateMany({
        where: { id: mockId },
        data: {
          status: 'failed',
          port: null,
          lastError: `Crashed ${MAX_RESTARTS} times; last: ${reason}`,
        },
      })
      return
    }
    await db.mock.updateMany({
      where: { id: mockId },
      data: { status: 'restarting', restartCount: { increment: 1 }, lastError: reason },
    })
    setTimeout(
      () => void this.start(mockId).catch(() => undefined),
      Math.min(30_000, 500 * 2 ** (attempts - 1)),
    ).unref()
  }

  private onMessage(host: Host, message: FromMock) {
    switch (message.type) {
      case 'ready':
        return this.settle(this.starting, message.mockId)
      case 'failed':
        return this.settle(
          this.starting,
          message.mockId,
          /EADDRINUSE/.test(message.message)
            ? new PortInUse(message.message)
            : new Error(message.message),
        )
      case 'stopped':
        return this.settle(this.stopping, message.mockId)
      case 'pong':
        host.missedPings = 0
        host.memoryBytes = message.memoryBytes
        for (const mockId of host.mocks) this.restarts.delete(mockId)
        return
      case 'log':
        void this.storeLogs(message.mockId, message.rows, message.lastAt, message.total).catch(
          (error: unknown) => console.error('[mocks] log write failed', error),
        )
        return
      case 'callback':
        void deliverEvent({
          mockId: message.mockId,
          event: message.event,
          url: message.url,
          payload: message.payload,
        }).catch((error: unknown) => console.error('[mocks] callback delivery failed', error))
        return
      case 'error':
        console.error(`[mocks] ${message.mockId ?? `host ${host.index}`}: ${message.message}`)
    }
  }

  /**
   * Keeps a mock's newest log entries: the rows arrive as one JSON parameter (built by the
   * host, log-rows.ts) and are stored with the request count and the trim to LOG_LIMIT by
   * the log writer's thread, off this one (log-writer.server.ts).
   */
  private async storeLogs(mockId: string, rows: string, lastAt: number, total: number) {
    await writeLogBatch({
      mockId,
      rows,
      lastAt: sqliteDate(new Date(lastAt)),
      total,
      limit: LOG_LIMIT,
    })
  }

  /** Health check (ping; two missed in a row = hung, restart its mocks) and idle retention. */
  async tick() {
    for (const host of [...this.hosts.values()]) {
      if (host.missedPings >= 2) {
        await db.mock.updateMany({
          where: { id: { in: [...host.mocks] } },
          data: { lastError: 'Did not answer health checks: restarted.' },
        })
        host.child.kill('SIGKILL')
        continue
      }
      host.missedPings++
      if (host.child.connected)
        host.child.send({ type: 'ping', id: ++this.pingId } satisfies ToMock)
    }
    const idleBefore = new Date(Date.now() - IDLE_STOP_MS)
    const idle = await db.mock.findMany({
      where: {
        desiredState: 'running',
        OR: [
          { lastRequestAt: { lt: idleBefore } },
          { lastRequestAt: null, startedAt: { lt: idleBefore } },
        ],
      },
      select: { id: true },
    })
    for (const mock of idle) {
      await this.stop(mock.id)
      await db.mock.update({
        where: { id: mock.id },
        data: { lastError: 'Stopped after being idle longer than MOCK_IDLE_STOP_MINUTES.' },
      })
    }
  }
}

const GLOBAL_KEY = Symbol.for('integration-copilot.mock-supervisor')

/** One supervisor per process, shared by the server entry and the Remix build (separate bundles). */
export function getSupervisor(): MockSupervisor {
  const holder = globalThis as unknown as Record<symbol, MockSupervisor | undefined>
  holder[GLOBAL_KEY] ??= new MockSupervisor()
  return holder[GLOBAL_KEY]
}
