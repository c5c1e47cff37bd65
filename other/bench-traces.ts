/**
 * npm run bench:traces — trace evidence at volume, on this machine: the production server
 * (server-build/, so run `npm run build` first) on a fresh database seeded with the demo
 * (Acme's API, partner Globex with a known trace secret), BENCH_TRACES (100,000) signed traces
 * sent through POST /api/v1/traces in batches of 1,000, then with all of them stored: the
 * Traces tab loader's latency (first page, a filtered page, a later page), the time to verify
 * Globex's evidence chain, and the time to build its readiness report. Prints each figure with
 * the target it meets or misses. Loopback only; bounded in count and time.
 */
import crypto from 'node:crypto'
import Database from 'better-sqlite3'
import { insertApiToken, percentile, signInCookie, startBenchServer } from './bench-server'

const TOTAL = Number(process.env.BENCH_TRACES || 100_000)
const BATCH = Math.min(1000, Number(process.env.BENCH_TRACES_BATCH || 1000))
const CONCURRENCY = Number(process.env.BENCH_TRACES_CONCURRENCY || 2)
const LOADER_SAMPLES = Number(process.env.BENCH_TRACES_SAMPLES || 40)
const SECRET = `tsk_bench_${crypto.randomBytes(12).toString('hex')}`

const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED')
const ms = (value: number) => `${value.toFixed(1)} ms`

const SANDBOX = 'https://sandbox.acme-payments.test/v1'
const payment = (n: number) => ({
  id: `pay_${n}`,
  amount: 500 + (n % 5000),
  currency: ['EUR', 'GBP', 'USD'][n % 3],
  status: 'succeeded',
  description: `Order ${n}`,
  card_last4: '4242',
  created_at: '2026-12-01T10:00:00Z',
})

/** A realistic mix of the demo API's traffic; one in fifty is invalid, one in a hundred unknown. */
function trace(n: number) {
  const json = { 'Content-Type': 'application/json' }
  const auth = { Authorization: `Bearer sk_test_${(n % 97).toString().padStart(8, '0')}` }
  const at = new Date(Date.now() - (TOTAL - n) * 10).toISOString()
  switch (n % 5) {
    case 0:
      return {
        request: {
          method: 'POST',
          url: `${SANDBOX}/payments`,
          headers: { ...json, ...auth, 'Idempotency-Key': `key-${n}` },
          body: {
            amount: 500 + (n % 5000),
            currency: 'EUR',
            card_token: 'tok_visa',
            description: `Order ${n}`,
          },
        },
        response: {
          status: n % 50 === 0 ? 422 : 201,
          headers: json,
          body: n % 50 === 0 ? { title: 'Invalid' } : payment(n),
        },
        timestamp: at,
        durationMs: 40 + (n % 60),
      }
    case 1:
      return {
        request: { method: 'GET', url: `${SANDBOX}/payments?limit=10`, headers: auth },
        response: {
          status: 200,
          headers: json,
          body: { data: [payment(n), payment(n + 1)], has_more: true },
        },
        timestamp: at,
        durationMs: 20 + (n % 30),
      }
    case 2:
      return {
        request: {
          method: 'GET',
          url: n % 100 === 2 ? `${SANDBOX}/unknown/${n}` : `${SANDBOX}/payments/pay_${n}`,
          headers: auth,
        },
        response: { status: 200, headers: json, body: payment(n) },
        timestamp: at,
        durationMs: 15 + (n % 20),
      }
    case 3:
      return {
        request: {
          method: 'POST',
          url: `${SANDBOX}/refunds`,
          headers: { ...json, ...auth },
          body: { payment: `pay_${n}`, amount: 100, reason: 'requested_by_customer' },
        },
        response: {
          status: 201,
          headers: json,
          body: {
            id: `re_${n}`,
            payment: `pay_${n}`,
            amount: 100,
            status: 'succeeded',
            created_at: '2026-12-01T10:00:00Z',
          },
        },
        timestamp: at,
        durationMs: 50,
      }
    default:
      return {
        request: { method: 'GET', url: `${SANDBOX}/refunds?payment=pay_${n}`, headers: auth },
        response: { status: 200, headers: json, body: { data: [], has_more: false } },
        timestamp: at,
        durationMs: 12,
      }
  }
}

async function main() {
  const server = await startBenchServer('traces', {
    seed: true,
    env: { DEMO_TRACE_SECRET: SECRET },
  })
  const { base, dbFile } = server
  try {
    const sqlite = new Database(dbFile, { readonly: true })
    const { projectId, partnerId } = sqlite
      .prepare(
        `SELECT "projectId", "id" AS partnerId FROM "PartnerProject" WHERE "slug" = 'globex'`,
      )
      .get() as { projectId: string; partnerId: string }
    sqlite.close()
    const { token } = insertApiToken(dbFile, projectId)

    // ---- 1. Ingestion ----------------------------------------------------------------------
    const batches = Math.ceil(TOTAL / BATCH)
    console.log(
      `Sending ${TOTAL.toLocaleString('en-GB')} signed traces in ${batches} batches of ${BATCH}, ${CONCURRENCY} at a time…`,
    )
    const bodies: string[] = []
    for (let index = 0; index < batches; index++)
      bodies.push(
        JSON.stringify({
          traces: Array.from({ length: Math.min(BATCH, TOTAL - index * BATCH) }, (_, offset) =>
            trace(index * BATCH + offset),
          ),
        }),
      )
    let next = 0
    let accepted = 0
    let valid = 0
    const latencies: number[] = []
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!
          const timestamp = Math.floor(Date.now() / 1000)
          const signature = crypto
            .createHmac('sha256', SECRET)
            .update(`${timestamp}.${body}`)
            .digest('hex')
          const sent = performance.now()
          const response = await fetch(`${base}/api/v1/traces`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-Copilot-Partner': 'globex',
              'X-Copilot-Timestamp': String(timestamp),
              'X-Copilot-Signature': `sha256=${signature}`,
            },
            body,
          })
          const result = (await response.json()) as {
            accepted?: number
            valid?: number
            error?: string
          }
          if (response.status !== 201)
            throw new Error(`Batch refused: ${response.status} ${result.error}`)
          latencies.push(performance.now() - sent)
          accepted += result.accepted ?? 0
          valid += result.valid ?? 0
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const rate = accepted / seconds

    // ---- 2. The Traces tab with everything stored --------------------------------------------
    const cookie = await signInCookie(base, 'owner@acme.test', 'demo-password')
    const tab = `/projects/${projectId}/traces`
    // Single fetch (remix.config.js): a route's loader data is `<path>.data?_routes=<route id>`.
    const dataRoute = encodeURIComponent('routes/projects.$projectId.traces._index')
    const data = (query: string) => `${tab}.data?${query}${query ? '&' : ''}_routes=${dataRoute}`
    const timed = async (url: string) => {
      const before = performance.now()
      const response = await fetch(`${base}${url}`, { headers: { cookie } })
      const text = await response.text()
      if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`)
      return { ms: performance.now() - before, text }
    }
    // The "Older →" link of the first page gives a later page's cursor.
    const firstPage = await timed(tab)
    const cursor = /[?&]before=([^"&]+)/.exec(firstPage.text.replace(/&amp;/g, '&'))?.[1]
    if (cursor) await timed(data(`before=${cursor}`))
    const urls = [
      data(''),
      data('valid=no'),
      data(`partner=${partnerId}&status=2xx`),
      ...(cursor ? [data(`before=${cursor}`)] : []),
    ]
    const loader: number[] = []
    for (let sample = 0; sample < LOADER_SAMPLES; sample++)
      for (const url of urls) loader.push((await timed(url)).ms)
    const page: number[] = []
    for (let sample = 0; sample < 10; sample++) page.push((await timed(tab)).ms)

    // ---- 3. Chain verification and the readiness report ------------------------------------
    const headers = { authorization: `Bearer ${token}` }
    let before = performance.now()
    const verifyResponse = await fetch(`${base}/api/v1/partner-projects/globex/evidence/verify`, {
      headers,
    })
    const verification = (await verifyResponse.json()) as {
      ok: boolean
      entries: number
      durationMs: number
    }
    const verifyMs = performance.now() - before
    before = performance.now()
    const readinessResponse = await fetch(`${base}/api/v1/partner-projects/globex/readiness`, {
      headers,
    })
    const readinessMs = performance.now() - before
    const readiness = readinessResponse.ok
      ? ((await readinessResponse.json()) as { verdict: string; score: number })
      : null

    const p95 = percentile(loader, 95)
    console.log('\nResults (loopback, production build):')
    console.log(
      `  ingestion        ${accepted.toLocaleString('en-GB')} traces (${valid.toLocaleString('en-GB')} valid) in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en-GB')} traces/s; batch p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}   target ≥ 5,000/s: ${verdict(rate >= 5000)}`,
    )
    console.log(
      `  Traces tab       loader p50 ${ms(percentile(loader, 50))}, p95 ${ms(p95)}, max ${ms(Math.max(...loader))} over ${loader.length} requests (first page, invalid only, partner + 2xx${cursor ? ', a later page' : ''})   target p95 < 100 ms: ${verdict(p95 < 100)}`,
    )
    console.log(
      `                   whole page (HTML) p50 ${ms(percentile(page, 50))}, p95 ${ms(percentile(page, 95))}`,
    )
    console.log(
      `  verification     ${verification.entries?.toLocaleString('en-GB')} entries, ${verification.ok ? 'intact' : 'BROKEN'}: ${verification.durationMs} ms on the server, ${ms(verifyMs)} round trip   target < 5 s for 100,000: ${verdict(verifyMs < 5000)}`,
    )
    console.log(
      readiness
        ? `  readiness report ${ms(readinessMs)} (verdict ${readiness.verdict}, score ${readiness.score}; includes verifying the chain)`
        : `  readiness report not available (${readinessResponse.status})`,
    )
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
