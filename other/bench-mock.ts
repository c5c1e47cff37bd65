/**
 * npm run bench:mock — our mock process vs Stoplight Prism on the same specs,
 * both with request validation on, driven by autocannon with the same
 * connections and duration: a GET with a path parameter, a list GET with
 * query parameters, and a POST with a validated body. Prints requests/s,
 * p50/p99 latency, the ratios ours/Prism, and memory per running mock.
 * Only loopback addresses are used; every run is bounded in time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import autocannon from 'autocannon'
import { analyzeSpec } from '../app/server/specs/analyze.server.ts'
import { singleFileSource } from '../app/server/specs/source.server.ts'
import { DEFAULT_MOCK_CONFIG } from '../app/server/mocks/engine.server.ts'

const DURATION_S = Number(process.env.BENCH_DURATION || 5)
const PRISM_START_TIMEOUT_S = Number(process.env.PRISM_START_TIMEOUT || 180)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10)
const SPECS = path.resolve('../shared/specs')

type Endpoint = {
  name: string
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
  /** Ours in stateful mode (POST stores the resource); Prism has no such mode and answers as usual. */
  stateful?: boolean
}
type Target = { file: string; endpoints: Endpoint[] }

const XERO = {
  authorization: 'Bearer bench-token',
  'xero-tenant-id': '00000000-0000-4000-8000-000000000000',
}
const BASIC = { authorization: `Basic ${Buffer.from('sk_test_bench:').toString('base64')}` }
const TARGETS: Target[] = [
  {
    file: 'oai-v2-petstore-expanded.json',
    endpoints: [
      // Prism serves Swagger 2 paths without the basePath; ours accepts both.
      { name: 'GET item', method: 'GET', path: '/pets/42' },
      { name: 'GET list', method: 'GET', path: '/pets?tags=dog&tags=cat&limit=10' },
      {
        name: 'POST body',
        method: 'POST',
        path: '/pets',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Rex', tag: 'dog' }),
      },
      {
        name: 'POST stateful create',
        method: 'POST',
        path: '/pets',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Rex', tag: 'dog' }),
        stateful: true,
      },
    ],
  },
  {
    // The second largest spec: the largest one Prism loads in reasonable time here.
    file: 'xero_accounting.yaml',
    endpoints: [
      {
        name: 'GET item',
        method: 'GET',
        path: '/Contacts/4a2a3b1c-0f6e-4a59-9c1e-2f5d8a7b6c01',
        headers: XERO,
      },
      {
        name: 'GET list',
        method: 'GET',
        path: '/Contacts?page=1&pageSize=10&includeArchived=false',
        headers: XERO,
      },
      {
        name: 'POST body',
        method: 'POST',
        path: '/Contacts',
        headers: { ...XERO, 'content-type': 'application/json' },
        body: JSON.stringify({
          Contacts: [{ Name: 'Bench Ltd', EmailAddress: 'bench@example.com' }],
        }),
      },
    ],
  },
  {
    // The largest spec.
    file: 'stripe-spec3.json',
    endpoints: [
      { name: 'GET item', method: 'GET', path: '/v1/customers/cus_123', headers: BASIC },
      {
        name: 'GET list',
        method: 'GET',
        path: '/v1/customers?limit=3&email=a%40example.com',
        headers: BASIC,
      },
      {
        name: 'POST body',
        method: 'POST',
        path: '/v1/customers',
        headers: { ...BASIC, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com&name=Ann&description=bench',
      },
      {
        name: 'POST stateful create',
        method: 'POST',
        path: '/v1/customers',
        headers: { ...BASIC, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com&name=Ann&metadata[order]=42',
        stateful: true,
      },
    ],
  },
]

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs = 60_000) {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`Nothing listened on ${port} within ${timeoutMs / 1000} s`)
}

function rssOf(pid: number | undefined): number {
  if (!pid) return 0
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

async function startOurs(
  file: string,
  stateful = false,
): Promise<{ child: ChildProcess; port: number; prefix: string; startMs: number }> {
  const started = Date.now()
  const { spec } = await analyzeSpec(
    singleFileSource(fs.readFileSync(path.join(SPECS, file), 'utf8'), file),
  )
  const port = await freePort()
  const built = path.resolve('server-build/mock-process.js')
  const child = fs.existsSync(built)
    ? fork(built, [], { stdio: 'ignore' })
    : fork(path.resolve('app/server/mocks/process-entry.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: 'ignore',
      })
  child.send({ type: 'start', spec, config: { ...DEFAULT_MOCK_CONFIG, stateful }, port })
  await waitForPort(port)
  return { child, port, prefix: '', startMs: Date.now() - started }
}

async function startPrism(
  file: string,
): Promise<
  { child: ChildProcess; port: number; prefix: string; startMs: number } | { error: string }
> {
  const port = await freePort()
  const started = Date.now()
  const child = spawn(
    process.execPath,
    [
      'node_modules/@stoplight/prism-cli/dist/index.js',
      'mock',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '--errors',
      'false',
      path.join(SPECS, file),
    ],
    { stdio: 'ignore' },
  )
  try {
    await waitForPort(port, PRISM_START_TIMEOUT_S * 1000)
    return { child, port, prefix: '', startMs: Date.now() - started }
  } catch {
    child.kill('SIGKILL')
    return {
      error: `Prism did not start within ${PRISM_START_TIMEOUT_S} s (it was still loading the spec)`,
    }
  }
}

type Measure = { rps: number; p50: number; p99: number; non2xx: number }

async function drive(port: number, endpoint: Endpoint): Promise<Measure> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${endpoint.path}`,
    method: endpoint.method,
    headers: endpoint.headers,
    body: endpoint.body,
    connections: CONNECTIONS,
    duration: DURATION_S,
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  }
}

const fmt = (value: number, digits = 0) => value.toFixed(digits).padStart(8)

/** BENCH_SPECS=petstore,xero limits the run to targets whose file name contains one of the words. */
const only = (process.env.BENCH_SPECS ?? '').split(',').filter(Boolean)
const selected = only.length
  ? TARGETS.filter((target) => only.some((word) => target.file.includes(word)))
  : TARGETS
if (selected.length === 0) {
  console.error(
    `BENCH_SPECS=${only.join(',')} matches none of: ${TARGETS.map((t) => t.file).join(', ')}`,
  )
  process.exit(2)
}
console.log(
  `autocannon: ${CONNECTIONS} connections, ${DURATION_S} s per endpoint and server, request validation on in both\n`,
)
console.log(
  `${'spec / endpoint'.padEnd(42)} ${'ours rps'.padStart(8)} ${'prism rps'.padStart(9)} ${'x rps'.padStart(7)}  ${'ours p50'.padStart(8)} ${'p99'.padStart(6)}  ${'prism p50'.padStart(9)} ${'p99'.padStart(6)}  ${'p99 ratio'.padStart(9)}  non-2xx o/p`,
)
const RPS_TARGET = 10
const P99_TARGET = 1 / 5
const verdicts: { label: string; met: boolean }[] = []
for (const target of selected) {
  const ours = await startOurs(target.file)
  const oursStateful = target.endpoints.some((endpoint) => endpoint.stateful)
    ? await startOurs(target.file, true)
    : null
  const prism = await startPrism(target.file)
  try {
    for (const endpoint of target.endpoints) {
      const a = await drive((endpoint.stateful ? oursStateful! : ours).port, endpoint)
      const label = `${target.file} ${endpoint.name}`.padEnd(42)
      if ('error' in prism) {
        console.log(
          `${label} ${fmt(a.rps)} ${'—'.padStart(9)} ${'—'.padStart(7)}  ${fmt(a.p50, 1)} ${fmt(a.p99).padStart(6)}  ${'—'.padStart(9)} ${'—'.padStart(6)}  ${'—'.padStart(9)}  ${a.non2xx}/—`,
        )
        continue
      }
      const b = await drive(prism.port, endpoint)
      verdicts.push({
        label: label.trim(),
        met: a.rps >= RPS_TARGET * b.rps && a.p99 <= P99_TARGET * Math.max(b.p99, 1),
      })
      console.log(
        `${label} ${fmt(a.rps)} ${fmt(b.rps).padStart(9)} ${fmt(a.rps / Math.max(b.rps, 1), 1).padStart(7)}  ${fmt(a.p50, 1)} ${fmt(a.p99).padStart(6)}  ${fmt(b.p50, 1).padStart(9)} ${fmt(b.p99).padStart(6)}  ${fmt(a.p99 / Math.max(b.p99, 1), 2).padStart(9)}  ${a.non2xx}/${b.non2xx}`,
      )
    }
    const prismInfo =
      'error' in prism
        ? prism.error
        : `prism ${(rssOf(prism.child.pid) / 1024 / 1024).toFixed(0)} MB, started in ${(prism.startMs / 1000).toFixed(1)} s`
    console.log(
      `  memory / start: ours ${(rssOf(ours.child.pid) / 1024 / 1024).toFixed(0)} MB, started in ${(ours.startMs / 1000).toFixed(1)} s; ${prismInfo}\n`,
    )
  } finally {
    ours.child.kill()
    oursStateful?.child.kill()
    if (!('error' in prism)) prism.child.kill()
  }
}
const missed = verdicts.filter((verdict) => !verdict.met)
console.log(
  `Targets: ours >= ${RPS_TARGET}x Prism requests/s and ours p99 <= 1/${1 / P99_TARGET} of Prism p99: met on ${verdicts.length - missed.length} of ${verdicts.length} comparisons${missed.length ? ` (missed: ${missed.map((verdict) => verdict.label).join('; ')})` : ''}.`,
)
process.exit(0)
