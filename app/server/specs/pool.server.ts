/**
 * Spec work off the request path: parsing, validation, normalisation and diffing run in a
 * small pool of worker threads (piscina), so the web process keeps answering while
 * someone imports a 10 MB spec. Two threads at most (the machine has two cores), kept
 * warm for a minute after use, at lower CPU priority than the web thread.
 */
import type { Piscina } from 'piscina'
import { createTaskPool } from '../task-pool.server'
import type { NormalizedSpec, SpecWarning } from '~/shared/normalized-spec'
import type { AnalyzedSpec, SpecSummary } from './analyze.server'
import type { AnalyzeOutcome, SpecTask } from './analyze-task'
import type { SpecChange } from './diff.server'
import { SpecImportError } from './problems.server'
import type { SpecSource } from './source.server'

let pool: Piscina | null = null

function specPool(): Piscina {
  pool ??= createTaskPool({
    built: 'spec-task.js',
    dev: 'app/server/specs/analyze-task-dev.mjs',
    maxThreads: 2,
  })
  return pool
}

/** An import analysed in the pool: the normalised spec as stored (JSON), parsed here only when asked for. */
export type ImportAnalysis = {
  normalizedJson: string
  summary: SpecSummary
  /** The thread that analysed it. */
  threadId?: number
  warnings: SpecWarning[]
  timings: AnalyzedSpec['timings']
  readonly spec: NormalizedSpec
}

export async function analyzeOffThread(source: SpecSource): Promise<ImportAnalysis> {
  const outcome = (await specPool().run({
    kind: 'analyze',
    source,
  } satisfies SpecTask)) as AnalyzeOutcome
  if (!outcome.ok) throw new SpecImportError(outcome.problems, outcome.status)
  let parsed: NormalizedSpec | undefined
  return {
    normalizedJson: outcome.normalizedJson,
    summary: outcome.summary,
    threadId: outcome.threadId,
    warnings: outcome.warnings,
    timings: outcome.timings,
    get spec() {
      return (parsed ??= JSON.parse(outcome.normalizedJson) as NormalizedSpec)
    },
  }
}

/** The changes from one stored normalised spec (JSON) to another, worked out in the pool. */
export async function diffOffThread(from: string, to: string): Promise<SpecChange[]> {
  return (await specPool().run({ kind: 'diff', from, to } satisfies SpecTask)) as SpecChange[]
}

/** Stops the pool's threads (tools that exit when done). */
export async function closeSpecPool() {
  const closing = pool
  pool = null
  await closing?.destroy()
}
