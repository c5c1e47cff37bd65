/**
 * The production server as the benches run it: server-build/ (run `npm run build` first) on
 * a fresh SQLite database in a temporary folder, loopback only, with an API token for a
 * project written straight into the database. Shared by bench:suite and bench:import.
 */
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  )
}

export type BenchServer = {
  base: string
  pid: number
  dbFile: string
  /** Everything the server printed so far. */
  log: () => string
  stop: () => Promise<void>
}

/** Starts the built server; `seed` adds the demo organisation (logins of prisma/seed.ts). */
export async function startBenchServer(
  name: string,
  {
    seed = false,
    env = {},
    nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  }: { seed?: boolean; env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<BenchServer> {
  if (!fs.existsSync('server-build/index.js') || !fs.existsSync('build/index.js'))
    throw new Error('Build first: npm run build (the bench runs the production server).')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ic-bench-${name}-`))
  const port = await freePort()
  const mockBase = await freePort()
  const dbFile = path.join(dir, 'app.db')
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: `file:${dbFile}`,
    DATA_DIR: dir,
    SESSION_SECRET: crypto.randomBytes(24).toString('hex'),
    SECRETS_KEY: crypto.randomBytes(32).toString('hex'),
    INSECURE_COOKIES: '1',
    MOCK_PORT_RANGE: `${mockBase}-${mockBase + 10}`,
    ...env,
  }
  if (seed) {
    for (const script of ['other/migrate.ts', 'prisma/seed.ts']) {
      const done = spawnSync(process.execPath, ['--import', 'tsx', script, 'deploy'], {
        env: environment,
        encoding: 'utf8',
      })
      if (done.status !== 0) throw new Error(`${script} failed:\n${done.stderr}`)
    }
  }
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the web process.
  const server = spawn(process.execPath, [...nodeArgs, 'server-build/index.js'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let serverLog = ''
  server.stdout.on('data', (chunk: Buffer) => (serverLog += chunk.toString()))
  server.stderr.on('data', (chunk: Buffer) => (serverLog += chunk.toString()))
  const stop = async () => {
    if (process.env.BENCH_SHOW_SERVER_LOG) console.log(serverLog)
    server.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    if (server.exitCode === null) server.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const base = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    const ok = await fetch(`${base}/healthz`)
      .then((response) => response.ok)
      .catch(() => false)
    if (ok) break
    if (attempt > 150) {
      await stop()
      throw new Error(`The server did not start:\n${serverLog.slice(-2000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { base, pid: server.pid!, dbFile, log: () => serverLog, stop }
}

/**
 * An API token for `projectId`, or for a new organisation and project when none is given,
 * written straight into the database.
 */
export function insertApiToken(dbFile: string, projectId?: string) {
  const token = `ic_bench_${crypto.randomBytes(12).toString('hex')}`
  const sqlite = new Database(dbFile)
  const now = new Date().toISOString()
  const id = () => `bench${crypto.randomBytes(8).toString('hex')}`
  let project = projectId
  if (!project) {
    const orgId = id()
    project = id()
    sqlite
      .prepare(
        'INSERT INTO Organization (id, name, slug, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)',
      )
      .run(orgId, 'Bench', `bench-${orgId}`, now, now)
    sqlite
      .prepare(
        'INSERT INTO Project (id, name, organizationId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)',
      )
      .run(project, 'Bench API', orgId, now, now)
  }
  sqlite
    .prepare(
      'INSERT INTO ApiToken (id, name, tokenHash, prefix, projectId, createdAt) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(
      id(),
      'bench',
      crypto.createHash('sha256').update(token).digest('hex'),
      token.slice(0, 9),
      project,
      now,
    )
  sqlite.close()
  return { projectId: project, token }
}

/** Signs in through the login form and returns the session cookie. */
export async function signInCookie(base: string, email: string, password: string) {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  })
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!)
  if (response.status !== 302 || cookies.length === 0)
    throw new Error(`Sign-in as ${email} failed: HTTP ${response.status}`)
  return cookies.join('; ')
}

export type Api = (route: string, init?: RequestInit) => Promise<Record<string, unknown>>

/** JSON API calls with the token; anything but 2xx throws with the answer. */
export function apiClient(base: string, token: string): Api {
  return async (route, init = {}) => {
    const response = await fetch(`${base}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    })
    const text = await response.text()
    if (!response.ok)
      throw new Error(`${init.method ?? 'GET'} ${route}: ${response.status} ${text.slice(0, 500)}`)
    return JSON.parse(text) as Record<string, unknown>
  }
}
