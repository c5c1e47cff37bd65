/**
 * The spec work that runs off the web process's thread (app/server/specs/pool.server.ts
 * sends it here): analysing an upload and diffing two versions. Results cross back as
 * JSON text and plain data; a refusal comes back as data, not as an exception, so the
 * caller can raise it as the SpecImportError it was.
 */
import { threadId } from 'node:worker_threads'
import { resetEnvCache } from '../env.server'
import { SPEC_THREAD_NICENESS, yieldCpuInThisThread } from '../priority.server'
import { analyzeSpec, type SpecSummary, summarize } from './analyze.server'
import { diffSpecs, type SpecChange } from './diff.server'
import { SpecImportError, type SpecProblem } from './problems.server'
import type { SpecSource } from './source.server'
import type { SpecWarning } from '~/shared/normalized-spec'

export type SpecTask =
  { kind: 'analyze'; source: SpecSource } | { kind: 'diff'; from: string; to: string }

export type AnalyzeOutcome =
  | {
      ok: true
      normalizedJson: string
      summary: SpecSummary
      /** The thread that did the work (not the web process's main thread). */
      threadId: number
      warnings: SpecWarning[]
      timings: { loadMs: number; normalizeMs: number; capabilitiesMs: number }
    }
  | { ok: false; problems: SpecProblem[]; status: SpecImportError['status'] }

let prioritised = false

export default async function runSpecTask(task: SpecTask): Promise<AnalyzeOutcome | SpecChange[]> {
  if (!prioritised) {
    yieldCpuInThisThread(SPEC_THREAD_NICENESS)
    prioritised = true
  }
  // The environment is shared with the web process and may change (tests do): read it anew.
  resetEnvCache()
  if (task.kind === 'diff') return diffSpecs(JSON.parse(task.from), JSON.parse(task.to))
  try {
    const analyzed = await analyzeSpec(task.source)
    return {
      ok: true,
      normalizedJson: JSON.stringify(analyzed.spec),
      summary: summarize(analyzed.spec),
      threadId,
      warnings: analyzed.warnings,
      timings: analyzed.timings,
    }
  } catch (error) {
    if (error instanceof SpecImportError)
      return { ok: false, problems: error.problems, status: error.status }
    throw error
  }
}
