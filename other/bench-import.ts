/**
 * npm run bench:import — imports every spec in ../shared/specs in one process
 * and prints size, operations and milliseconds per stage, then totals, and for
 * the largest spec the ratio to @apidevtools/swagger-parser validating it alone.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SwaggerParser from '@apidevtools/swagger-parser'
import { deployMigrations } from './migrate-engine.ts'
import { zipFolder } from '../tests/support/zip-folder.ts'

const SPECS = path.resolve('../shared/specs')
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'))
process.env.DATABASE_URL = `file:${path.join(workDir, 'bench.db')}`
process.env.DATA_DIR = workDir
process.env.NODE_ENV = 'test'
await deployMigrations({ databaseUrl: process.env.DATABASE_URL })

const { analyzeSpec } = await import('../app/server/specs/analyze.server.ts')
const { saveAnalyzedSpec, sourceFromRaw } = await import('../app/server/specs/store.server.ts')
const { SpecImportError } = await import('../app/server/specs/problems.server.ts')
const { db } = await import('../app/server/db.server.ts')

const entries: { name: string; raw: Uint8Array; root?: string }[] = fs
  .readFileSync(path.join(SPECS, 'INDEX.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t')[0]!)
  .filter((file) => file && !file.includes('/spec/') && !file.startsWith('lichess'))
  .map((file) => ({ name: file, raw: fs.readFileSync(path.join(SPECS, file)) }))
entries.push({
  name: 'oai-petstore-separate (zip)',
  raw: zipFolder(path.join(SPECS, 'oai-petstore-separate')),
  root: 'spec/swagger.json',
})
entries.push({
  name: 'lichess-multifile (zip)',
  raw: zipFolder(path.join(SPECS, 'lichess-multifile')),
})

const organization = await db.organization.create({
  data: { name: 'Bench', slug: `bench-${Date.now()}` },
})
const project = await db.project.create({
  data: { organizationId: organization.id, name: 'Bench' },
})

const pad = (value: string | number, width: number) => String(value).padStart(width)
console.log(
  `${'spec'.padEnd(40)} ${pad('KB', 7)} ${pad('ops', 5)} ${pad('load', 7)} ${pad('norm', 6)} ${pad('caps', 6)} ${pad('store', 6)} ${pad('total', 7)}  (ms)`,
)
const totals = { load: 0, normalize: 0, capabilities: 0, store: 0 }
let largest = { name: '', bytes: 0, totalMs: 0 }
for (const entry of entries) {
  const input = {
    projectId: project.id,
    name: entry.name,
    raw: entry.raw,
    root: entry.root,
    sourceKind: 'upload' as const,
    sourceName: path.basename(entry.name),
  }
  try {
    const source = sourceFromRaw(input)
    const analyzed = await analyzeSpec(source)
    const storeStart = performance.now()
    await saveAnalyzedSpec(input, source, analyzed)
    const storeMs = performance.now() - storeStart
    const { loadMs, normalizeMs, capabilitiesMs } = analyzed.timings
    const totalMs = loadMs + normalizeMs + capabilitiesMs + storeMs
    totals.load += loadMs
    totals.normalize += normalizeMs
    totals.capabilities += capabilitiesMs
    totals.store += storeMs
    if (entry.raw.byteLength > largest.bytes && !entry.name.includes('zip'))
      largest = { name: entry.name, bytes: entry.raw.byteLength, totalMs }
    console.log(
      `${entry.name.padEnd(40)} ${pad((entry.raw.byteLength / 1024).toFixed(0), 7)} ${pad(analyzed.spec.operations.length, 5)} ${pad(loadMs.toFixed(0), 7)} ${pad(normalizeMs.toFixed(1), 6)} ${pad(capabilitiesMs.toFixed(1), 6)} ${pad(storeMs.toFixed(0), 6)} ${pad(totalMs.toFixed(0), 7)}`,
    )
  } catch (error) {
    const reason = error instanceof SpecImportError ? error.problems[0]?.message : String(error)
    console.log(
      `${entry.name.padEnd(40)} ${pad((entry.raw.byteLength / 1024).toFixed(0), 7)}   refused: ${reason}`,
    )
  }
}
const total = totals.load + totals.normalize + totals.capabilities + totals.store
console.log(
  `${'TOTAL'.padEnd(40)} ${pad('', 7)} ${pad('', 5)} ${pad(totals.load.toFixed(0), 7)} ${pad(totals.normalize.toFixed(0), 6)} ${pad(totals.capabilities.toFixed(0), 6)} ${pad(totals.store.toFixed(0), 6)} ${pad(total.toFixed(0), 7)}`,
)

// swagger-parser alone on the largest spec, measured in the same run (best of 3 for both sides).
const largestPath = path.join(SPECS, largest.name)
const baselineRuns: number[] = []
for (let run = 0; run < 3; run++) {
  const started = performance.now()
  await SwaggerParser.validate(largestPath)
  baselineRuns.push(performance.now() - started)
}
const oursRuns: number[] = [largest.totalMs]
for (let run = 0; run < 2; run++) {
  const raw = fs.readFileSync(largestPath)
  const input = {
    projectId: project.id,
    name: `${largest.name} #${run}`,
    raw,
    sourceKind: 'upload' as const,
    sourceName: path.basename(largest.name),
  }
  const started = performance.now()
  const source = sourceFromRaw(input)
  await saveAnalyzedSpec(input, source, await analyzeSpec(source))
  oursRuns.push(performance.now() - started)
}
const baseline = Math.min(...baselineRuns)
const ours = Math.min(...oursRuns)
console.log(`\nLargest spec: ${largest.name} (${(largest.bytes / 1024 / 1024).toFixed(1)} MB)`)
console.log(`  swagger-parser validate alone: ${baseline.toFixed(0)} ms (best of 3)`)
console.log(
  `  full import (parse, validate, normalise, capabilities, store): ${ours.toFixed(0)} ms (best of 3)`,
)
console.log(`  ratio: ${(ours / baseline).toFixed(2)}x (target < 3x)`)
await db.$disconnect()
fs.rmSync(workDir, { recursive: true, force: true })
