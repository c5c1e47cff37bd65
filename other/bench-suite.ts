/**
 * npm run bench:suite — the golden suite as users run it, on this machine:
 * the production server (server-build/, so run `npm run build` first) on a
 * fresh database, the largest spec of ../shared/specs imported through the
 * API with its mock, one full run against the mock followed live over SSE,
 * then BENCH_SUITE_RUNS (20) runs queued at once while /healthz is sampled.
 * Prints cases, wall time, cases/s, the delay from a case finishing to its
 * SSE event arriving (p50/p95), the time for all queued runs, and /healthz
 * latency, with the targets they meet or miss. Loopback only, bounded in time.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { readEventStream } from '../tests/support/sse-reader'
import { insertApiToken, percentile, startBenchServer } from './bench-server'

const SPECS = path.resolve('../shared/specs')
const LARGE_SPEC = process.env.BENCH_SUITE_SPEC || 'stripe-spec3.json'
const QUEUED_SPEC = process.env.BENCH_SUITE_QUEUED_SPEC || 'twilio_messaging_v1.yaml'
const QUEUED_RUNS = Number(process.env.BENCH_SUITE_RUNS || 20)
const RUN_TIMEOUT_MS = 15 * 60_000

const ms = (value: number) => `${value.toFixed(1)} ms`
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED')

async function main() {
  const server = await startBenchServer('suite', {
    env: { MOCK_LOG_LIMIT: process.env.MOCK_LOG_LIMIT ?? '50' },
  })
  const { base, dbFile } = server
  try {
    const { projectId, token } = insertApiToken(dbFile)
    const headers = { Authorization: `Bearer ${token}` }
    const api = async (route: string, init: RequestInit = {}) => {
      const response = await fetch(`${base}${route}`, {
        ...init,
        headers: { ...headers, ...(init.headers ?? {}) },
      })
      const text = await response.text()
      if (!response.ok)
        throw new Error(
          `${init.method ?? 'GET'} ${route}: ${response.status} ${text.slice(0, 500)}`,
        )
      return JSON.parse(text) as Record<string, unknown>
    }
    const importSpec = async (file: string) => {
      const raw = fs.readFileSync(path.join(SPECS, file))
      const imported = await api(
        `/api/v1/projects/${projectId}/specs?filename=${encodeURIComponent(file)}`,
        {
          method: 'POST',
          headers: {
            'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml',
          },
          body: raw,
        },
      )
      const mockId = String(imported.mockId)
      for (let attempt = 0; attempt < 300; attempt++) {
        const mock = await api(`/api/v1/projects/${projectId}/mocks/${mockId}`)
        if (mock.status === 'up') break
        if (mock.status === 'failed')
          throw new Error(`The mock of ${file} failed: ${String(mock.lastError)}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      return String(imported.specId)
    }

    // ---- 1. One full run of the largest spec, followed live ------------------------------
    console.log(`Importing ${LARGE_SPEC} and starting its mock…`)
    const largeSpecId = await importSpec(LARGE_SPEC)
    const started = await api(`/api/v1/projects/${projectId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ specId: largeSpecId, environment: 'mock' }),
    })
    const runId = String(started.runId)
    const received = new Map<number, number>() // seq -> epoch ms when its event arrived
    const stream = await fetch(`${base}/api/v1/runs/${runId}/events`, { headers })
    const deadline = Date.now() + RUN_TIMEOUT_MS
    await readEventStream(stream.body!, (event, at) => {
      if (Date.now() > deadline) throw new Error('The run did not finish in time.')
      if (event.event === 'case') received.set((JSON.parse(event.data) as { seq: number }).seq, at)
      return event.event === 'end'
    })
    const run = await api(`/api/v1/runs/${runId}`)
    const db = new Database(dbFile, { readonly: true })
    const timing = db.prepare('SELECT startedAt, finishedAt FROM Run WHERE id = ?').get(runId) as {
      startedAt: string | number
      finishedAt: string | number
    }
    const toMs = (value: string | number) => (typeof value === 'number' ? value : Date.parse(value))
    const cases = db.prepare('SELECT seq, finishedAt FROM RunCase WHERE runId = ?').all(runId) as {
      seq: number
      finishedAt: string | number | null
    }[]
    // When each case event was written: splits the delay into recording and delivery.
    const written = new Map<number, number>()
    const eventRows = db
      .prepare("SELECT data, createdAt FROM RunEvent WHERE runId = ? AND type = 'case'")
      .all(runId) as { data: string; createdAt: string }[]
    for (const row of eventRows)
      written.set((JSON.parse(row.data) as { seq: number }).seq, Date.parse(row.createdAt))
    db.close()
    const wallMs = toMs(timing.finishedAt) - toMs(timing.startedAt)
    const delays = cases
      .filter((row) => row.finishedAt !== null && received.has(row.seq))
      .map((row) => received.get(row.seq)! - toMs(row.finishedAt!))
    const recording = cases
      .filter((row) => row.finishedAt !== null && written.has(row.seq))
      .map((row) => written.get(row.seq)! - toMs(row.finishedAt!))
    const delivery = cases
      .filter((row) => written.has(row.seq) && received.has(row.seq))
      .map((row) => received.get(row.seq)! - written.get(row.seq)!)
    const casesPerSecond = cases.length / (wallMs / 1000)
    const counts = run.counts as Record<string, number>

    // ---- 2. Queued runs at once, /healthz sampled meanwhile ------------------------------
    console.log(`Importing ${QUEUED_SPEC} and queueing ${QUEUED_RUNS} runs at once…`)
    const queuedSpecId = await importSpec(QUEUED_SPEC)
    const health: number[] = []
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const startedAt = performance.now()
        await fetch(`${base}/healthz`)
          .then((response) => response.arrayBuffer())
          .catch(() => undefined)
        health.push(performance.now() - startedAt)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    const queuedAt = performance.now()
    const runIds = await Promise.all(
      Array.from({ length: QUEUED_RUNS }, async () =>
        String(
          (
            await api(`/api/v1/projects/${projectId}/runs`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ specId: queuedSpecId, environment: 'mock' }),
            })
          ).runId,
        ),
      ),
    )
    // Polled lightly (the run list, 500 ms apart), so the bench does not load the server it measures.
    let queuedCases = 0
    const pending = new Set(runIds)
    while (pending.size > 0) {
      if (performance.now() - queuedAt > RUN_TIMEOUT_MS)
        throw new Error('The queued runs did not finish in time.')
      await new Promise((resolve) => setTimeout(resolve, 500))
      const listed = (await api(`/api/v1/projects/${projectId}/runs`)).runs as {
        id: string
        status: string
        counts: { total: number }
      }[]
      for (const entry of listed)
        if (pending.has(entry.id) && !['queued', 'running'].includes(entry.status)) {
          pending.delete(entry.id)
          queuedCases += entry.counts.total
        }
    }
    const allMs = performance.now() - queuedAt
    sampling = false
    await sampler

    const p95Delay = percentile(delays, 95)
    const p95Health = percentile(health, 95)
    console.log('')
    console.log(
      `Golden suite of ${LARGE_SPEC} against its mock (run ${runId}, ${String(run.status)})`,
    )
    console.log(
      `  cases            ${cases.length} (${counts.passed} passed, ${counts.failed} failed, ${counts.errored} errored, ${counts.needs_config} need configuration, ${counts.skipped} skipped)`,
    )
    console.log(`  wall time        ${(wallMs / 1000).toFixed(2)} s`)
    console.log(
      `  cases/s          ${casesPerSecond.toFixed(0)}   target >= 300: ${verdict(casesPerSecond >= 300)}`,
    )
    console.log(
      `  SSE delay        p50 ${ms(percentile(delays, 50))}, p95 ${ms(p95Delay)}, max ${ms(Math.max(...delays))} over ${delays.length} events   target p95 < 50 ms: ${verdict(p95Delay < 50)}`,
    )
    console.log(
      `    of which        recording p95 ${ms(percentile(recording, 95))} (case finished -> event stored), delivery p95 ${ms(percentile(delivery, 95))} (stored -> received)`,
    )
    console.log(`${QUEUED_RUNS} runs of ${QUEUED_SPEC} queued at once`)
    console.log(
      `  all finished in  ${(allMs / 1000).toFixed(1)} s (${queuedCases} cases, ${(queuedCases / (allMs / 1000)).toFixed(0)} cases/s)`,
    )
    console.log(
      `  /healthz         p50 ${ms(percentile(health, 50))}, p95 ${ms(p95Health)}, max ${ms(Math.max(...health))} over ${health.length} samples   target p95 < 100 ms: ${verdict(p95Health < 100)}`,
    )
    const met = [casesPerSecond >= 300, p95Delay < 50, p95Health < 100].filter(Boolean).length
    console.log(`Targets met: ${met} of 3`)
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
