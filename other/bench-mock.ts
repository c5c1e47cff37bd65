/**
 * npm run bench:mock — our mocks vs Stoplight Prism on the same specs, both with request
 * validation on, driven by autocannon with the same connections and duration: a GET with
 * a path parameter, a list GET with query parameters, a POST with a validated body and a
 * stateful create. Ours run as users get them: the production server (`npm run build`
 * first) imports each spec through the API and starts its mocks; each endpoint is driven
 * on the mock's own port ("direct") and through the public URL the app serves
 * (`/mock/<id>/…`), Prism beside them, in alternating rounds. Prints requests/s, p50/p99,
 * the ratios to Prism and public/direct, memory per mock, and the targets met or missed.
 * Loopback only, bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { lowerPriority, MOCK_NICENESS } from '../app/server/priority.server.ts'
import { type Api, apiClient, freePort, insertApiToken, startBenchServer } from './bench-server.ts'

/** `--many`: the one mock measured while the others idle. */
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

type OursMock = { direct: string; public: string }

/** Our mock of `file`, started through the API (stateful or not), with both of its URLs. */
async function startOurs(
  api: Api,
  projectId: string,
  specId: string,
  stateful: boolean,
): Promise<OursMock> {
  const created = await api(`/api/v1/projects/${projectId}/mocks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ specId, stateful }),
  })
  const mockId = String(created.mockId ?? created.id)
  for (let attempt = 0; attempt < 600; attempt++) {
    const mock = await api(`/api/v1/projects/${projectId}/mocks/${mockId}`)
    if (mock.status === 'up') return { direct: String(mock.baseUrl), public: String(mock.proxyUrl) }
    if (mock.status === 'failed') throw new Error(`The mock failed: ${String(mock.lastError)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('The mock did not start within 60 s')
}

/** The mock host processes of the server: its children whose environment names a host. */
function hostPids(serverPid: number): number[] {
  const pids: number[] = []
  for (const task of fs.readdirSync(`/proc/${serverPid}/task`)) {
    const children = fs.readFileSync(`/proc/${serverPid}/task/${task}/children`, 'utf8')
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      try {
        if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes('MOCK_HOST=')) pids.push(pid)
      } catch {
        // gone
      }
    }
  }
  return pids
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

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
  lowerPriority(child.pid, MOCK_NICENESS)
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

/** Each server gets the same warm-up on each endpoint before it is measured (JIT, caches, pools). */
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 1)
/**
 * Servers are compared in rounds, each measured in turn within a round, and the ratios taken
 * per round: this machine's speed drifts by a third within a minute (other tenants of the
 * host), and a ratio of two figures measured a few seconds apart is what survives that.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 2)

/**
 * Latency percentiles from every 2xx response's own time (autocannon's `response` event, in
 * fractional milliseconds): autocannon's histogram keeps whole milliseconds, so its p99 of "1"
 * means anything from 1 to 2 ms, too coarse to compare two fast servers.
 */
const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0

async function load(base: string, endpoint: Endpoint, seconds: number): Promise<Measure> {
  let times = new Float64Array(1 << 16)
  let count = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}${endpoint.path}`,
        method: endpoint.method,
        headers: endpoint.headers,
        body: endpoint.body,
        connections: CONNECTIONS,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 200 || status > 299) return
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2)
        grown.set(times)
        times = grown
      }
      times[count++] = ms
    })
  })
  const sorted = times.subarray(0, count).sort()
  return {
    rps: result.requests.average,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    non2xx: result.non2xx,
  }
}

/** One server on its own: warm-up, then DURATION_S of load. */
async function drive(base: string, endpoint: Endpoint): Promise<Measure> {
  if (WARMUP_S > 0) await load(base, endpoint, WARMUP_S)
  return load(base, endpoint, DURATION_S)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * Several servers on one endpoint, round by round: the median of each server's figures, and
 * `ratio(a, b)`, the median over rounds of a's requests/s over b's in the same round.
 */
async function compare(bases: string[], endpoint: Endpoint) {
  if (WARMUP_S > 0) for (const base of bases) await load(base, endpoint, WARMUP_S)
  const rounds: Measure[][] = []
  for (let round = 0; round < ROUNDS; round++) {
    const measured: Measure[] = []
    for (const base of bases) measured.push(await load(base, endpoint, ROUND_S))
    rounds.push(measured)
  }
  const summary = bases.map((_, index): Measure => ({
    rps: median(rounds.map((round) => round[index]!.rps)),
    p50: median(rounds.map((round) => round[index]!.p50)),
    p99: median(rounds.map((round) => round[index]!.p99)),
    non2xx: rounds.reduce((sum, round) => sum + round[index]!.non2xx, 0),
  }))
  const ratio = (a: number, b: number) =>
    median(rounds.map((round) => round[a]!.rps / Math.max(round[b]!.rps, 1)))
  /** The median over rounds of a's p99 over b's in the same round. */
  const p99Ratio = (a: number, b: number) =>
    median(rounds.map((round) => round[a]!.p99 / Math.max(round[b]!.p99, 0.001)))
  return { summary, ratio, p99Ratio }
}

const fmt = (value: number, digits = 0) => value.toFixed(digits).padStart(8)

/**
 * `--many 100`: mocks as a vendor with many partners has them: 10 spec versions (the largest
 * included), as many mocks of each, every one with its own state and settings. Prints the
 * memory of all mock hosts and of the web process, the time to start them all, and the
 * requests/s of one mock while the others idle.
 */
const MANY_SPECS = [
  'stripe-spec3.json',
  'xero_accounting.yaml',
  'twilio_messaging_v1.yaml',
  'adyen-TransferService-v4.yaml',
  'oai-v2-petstore-expanded.json',
  'oai-v2-uber.yaml',
  'oai-v3.0-uspto.json',
  'oai-v3.0-link-example.yaml',
  'pagerduty-events-v2-openapiv3.json',
  'nytimes-books_api.json',
]
const MEMORY_TARGET = 1.5 * 1024 * 1024 * 1024

async function many(count: number) {
  const portBase = 30_000 + Math.floor(Math.random() * 20_000)
  const server = await startBenchServer('many', {
    env: { MOCK_PORT_RANGE: `${portBase}-${portBase + count + 50}` },
  })
  try {
    const { projectId, token } = insertApiToken(server.dbFile)
    const api = apiClient(server.base, token)
    const perSpec = Math.ceil(count / MANY_SPECS.length)
    const specIds: string[] = []
    for (const file of MANY_SPECS) {
      const imported = await api(
        `/api/v1/projects/${projectId}/specs?name=${encodeURIComponent(file)}&filename=${encodeURIComponent(file)}`,
        {
          method: 'POST',
          headers: {
            'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml',
          },
          body: fs.readFileSync(path.join(SPECS, file)),
        },
      )
      specIds.push(String(imported.specId))
    }
    // Importing started one mock per spec; the rest start now, alternately stateful.
    const started = Date.now()
    const wanted = specIds.flatMap((specId) =>
      Array.from({ length: perSpec - 1 }, (_, index) => ({ specId, stateful: index % 2 === 0 })),
    )
    const mocks: (OursMock & { specId: string; stateful: boolean })[] = []
    const queue = [...wanted]
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift())
          mocks.push({ ...(await startOurs(api, projectId, next.specId, next.stateful)), ...next })
      }),
    )
    const startMs = Date.now() - started
    const listed = await api(`/api/v1/projects/${projectId}/mocks`)
    const all = (listed.mocks ?? listed.data ?? []) as { status: string }[]
    const up = all.filter((mock) => mock.status === 'up').length
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const hosts = hostPids(server.pid)
    const hostsBytes = hosts.reduce((sum, pid) => sum + rssOf(pid), 0)
    const webBytes = rssOf(server.pid)
    const petstoreId = specIds[MANY_SPECS.indexOf('oai-v2-petstore-expanded.json')]
    const petstore = mocks.find((mock) => mock.specId === petstoreId && !mock.stateful)!
    const one = await drive(petstore.direct, {
      name: 'GET list',
      method: 'GET',
      path: '/pets?limit=10',
    })
    console.log(
      `${up} mocks up (${MANY_SPECS.length} spec versions, ${perSpec} mocks each, half of them stateful), the last ${mocks.length} started in ${(startMs / 1000).toFixed(1)} s`,
    )
    console.log(
      `  memory: ${hosts.length} mock hosts ${megabytes(hostsBytes)}, web process ${megabytes(webBytes)}, total ${megabytes(hostsBytes + webBytes)} (target < 1.5 GB): ${hostsBytes + webBytes < MEMORY_TARGET ? 'MET' : 'MISSED'}`,
    )
    console.log(
      `  one mock while the others idle: ${one.rps.toFixed(0)} requests/s, p99 ${one.p99.toFixed(2)} ms (${one.non2xx} non-2xx)`,
    )
  } finally {
    await server.stop()
  }
}

const manyIndex = process.argv.indexOf('--many')
if (manyIndex !== -1) {
  await many(Number(process.argv[manyIndex + 1] ?? 100))
  process.exit(0)
}

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
  `autocannon: ${CONNECTIONS} connections; per endpoint, ${WARMUP_S} s of warm-up for each server, then ${ROUNDS} rounds of ${ROUND_S} s on each in turn (figures: medians; ratios: median of the per-round ratios); request validation on in both\n`,
)
console.log(
  `${'spec / endpoint'.padEnd(42)} ${'direct'.padStart(8)} ${'public'.padStart(8)} ${'pub/dir'.padStart(7)} ${'prism'.padStart(7)} ${'x rps'.padStart(6)}  ${'p99 direct'.padStart(10)} ${'public'.padStart(6)} ${'prism'.padStart(6)}  non-2xx d/p/P`,
)
// Mock processes run at nice 5 (app/server/priority.server.ts: partners' load must not slow
// the app down). The load generator and Prism get the same niceness, so that all three
// compete for the two cores on equal terms.
os.setPriority(0, MOCK_NICENESS)
const RPS_TARGET = 10
const P99_TARGET = 1 / 5
const PUBLIC_RPS_TARGET = 0.5
const PUBLIC_P99_TARGET = 3
const verdicts: { label: string; met: boolean }[] = []
const server = await startBenchServer('mock')
try {
  const { projectId, token } = insertApiToken(server.dbFile)
  const api = apiClient(server.base, token)
  for (const target of selected) {
    const started = Date.now()
    const imported = await api(
      `/api/v1/projects/${projectId}/specs?name=${encodeURIComponent(target.file)}&filename=${encodeURIComponent(target.file)}`,
      {
        method: 'POST',
        headers: {
          'content-type': target.file.endsWith('.json') ? 'application/json' : 'application/yaml',
        },
        body: fs.readFileSync(path.join(SPECS, target.file)),
      },
    )
    const specId = String(imported.specId)
    const ours = await startOurs(api, projectId, specId, false)
    const oursStartMs = Date.now() - started
    const oursStateful = target.endpoints.some((endpoint) => endpoint.stateful)
      ? await startOurs(api, projectId, specId, true)
      : null
    const prism = await startPrism(target.file)
    try {
      for (const endpoint of target.endpoints) {
        const mock = endpoint.stateful ? oursStateful! : ours
        const label = `${target.file} ${endpoint.name}`.padEnd(42)
        const bases = [mock.direct, mock.public]
        if (!('error' in prism)) bases.push(`http://127.0.0.1:${prism.port}`)
        const { summary, ratio, p99Ratio } = await compare(bases, endpoint)
        const [direct, viaPublic, b] = summary as [Measure, Measure, Measure | undefined]
        const publicShare = ratio(1, 0)
        const timesPrism = b ? ratio(0, 2) : 0
        verdicts.push({
          label: `${label.trim()} (public URL)`,
          met: publicShare >= PUBLIC_RPS_TARGET && p99Ratio(1, 0) <= PUBLIC_P99_TARGET,
        })
        if (b)
          verdicts.push({
            label: label.trim(),
            met: timesPrism >= RPS_TARGET && p99Ratio(0, 2) <= P99_TARGET,
          })
        console.log(
          `${label} ${fmt(direct.rps)} ${fmt(viaPublic.rps)} ${`${(publicShare * 100).toFixed(0)}%`.padStart(7)} ${b ? fmt(b.rps).padStart(7) : '—'.padStart(7)} ${b ? fmt(timesPrism, 1).padStart(6) : '—'.padStart(6)}  ${fmt(direct.p99, 2).padStart(10)} ${fmt(viaPublic.p99, 2).padStart(6)} ${b ? fmt(b.p99, 2).padStart(6) : '—'.padStart(6)}  ${direct.non2xx}/${viaPublic.non2xx}/${b ? b.non2xx : '—'}`,
        )
      }
      const prismInfo =
        'error' in prism
          ? prism.error
          : `prism ${(rssOf(prism.child.pid) / 1024 / 1024).toFixed(0)} MB, started in ${(prism.startMs / 1000).toFixed(1)} s`
      console.log(
        `  memory / start: our mock hosts ${megabytes(hostPids(server.pid).reduce((sum, pid) => sum + rssOf(pid), 0))} (this spec's ${oursStateful ? 3 : 2} mocks and earlier targets'), imported and started in ${(oursStartMs / 1000).toFixed(1)} s; ${prismInfo}\n`,
      )
    } finally {
      if (!('error' in prism)) prism.child.kill()
    }
  }
} finally {
  await server.stop()
}
const missed = verdicts.filter((verdict) => !verdict.met)
console.log(
  `Targets: direct >= ${RPS_TARGET}x Prism requests/s and p99 <= 1/${1 / P99_TARGET} of Prism's; public URL >= ${PUBLIC_RPS_TARGET * 100}% of direct requests/s and p99 <= ${PUBLIC_P99_TARGET}x direct: met on ${verdicts.length - missed.length} of ${verdicts.length} comparisons${missed.length ? ` (missed: ${missed.map((verdict) => verdict.label).join('; ')})` : ''}.`,
)
process.exit(0)
