/**
 * Runs planned cases against a RunContext, phase by phase: ordinary cases
 * concurrently (the environment's concurrency), stateful ones (fixtures,
 * workflows, pagination) with less, bursts and run-wide judgements last and
 * one at a time. Each result is handed to `onResult` as soon as it is known.
 * Pure of storage: the runner (runner.server.ts) records, tests call it
 * directly against local servers.
 */
import type { RunContext } from './context.server'
import type { CaseOutcome, Phase, PlannedCase } from './model.server'
import { templateImpl } from './templates/index.server'

export type CaseResult = {
  plannedCase: PlannedCase
  outcome: CaseOutcome
  startedAt: Date
  finishedAt: Date
  durationMs: number
}

const PHASES: Phase[] = ['main', 'stateful', 'burst', 'final']

export async function runCase(context: RunContext, plannedCase: PlannedCase): Promise<CaseResult> {
  const startedAt = new Date()
  const started = performance.now()
  let outcome: CaseOutcome
  try {
    outcome = await templateImpl(plannedCase.templateId).run(context, plannedCase)
  } catch (error) {
    outcome = {
      verdict: 'errored',
      reason: `The test kit failed on this case: ${error instanceof Error ? error.message : String(error)}`,
      assertions: [],
      exchanges: [],
    }
  }
  return {
    plannedCase,
    outcome,
    startedAt,
    finishedAt: new Date(),
    durationMs: Math.round(performance.now() - started),
  }
}

async function pool<T>(
  items: T[],
  size: number,
  work: (item: T) => Promise<void>,
  signal: AbortSignal,
) {
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker))
}

export async function executeCases(
  context: RunContext,
  cases: PlannedCase[],
  {
    concurrency,
    onResult,
    signal,
  }: {
    concurrency: number
    onResult: (result: CaseResult) => void | Promise<void>
    signal: AbortSignal
  },
): Promise<void> {
  for (const phase of PHASES) {
    if (signal.aborted) return
    const inPhase = cases.filter((entry) => entry.phase === phase)
    const size =
      phase === 'main' ? concurrency : phase === 'stateful' ? Math.min(concurrency, 4) : 1
    await pool(inPhase, size, async (entry) => onResult(await runCase(context, entry)), signal)
  }
}
