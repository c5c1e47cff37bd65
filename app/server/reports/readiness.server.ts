/**
 * The readiness report of a partner project: may it go live, and why. One
 * plain JSON value (version 1) gathered from the evidence facts, the plan
 * board and the evidence chain's verification, and judged by pure functions
 * (`composeReport` and the helpers it uses), so the score, the blockers and
 * the verdict are unit-tested over hand-made facts. Snapshots store this
 * value; the HTML, Markdown and PDF views and the CI API render it.
 *
 * The score (0-100) is a weighted average of three parts, each a fraction:
 *   - categories (weight 50): the mean, over the golden categories that have
 *     Required cases in the certification run, of Required passed / Required
 *     total; 0 when there is no certification run at all;
 *   - phases (weight 30): Required plan items done / Required plan items, all
 *     phases pooled;
 *   - traces (weight 20): Required operations with verified, valid traffic /
 *     Required operations.
 * A part with nothing to measure (a run without Required cases, a plan without
 * Required items, a project without Required operations) is left out and the
 * other weights count in proportion; with no part at all the score is 0.
 * score = round(100 × Σ weight × part / Σ weight of the parts that count).
 * The score measures progress; the verdict is separate: "go" only when there
 * is no blocker at all.
 */
import { CATEGORIES, CATEGORY_LABELS, type Category } from '~/shared/golden-templates'
import { formatDate } from '~/shared/format'
import { PHASE_LABELS, PHASES, type ItemStatus, type Phase } from '~/shared/plan'
import { db } from '../db.server'
import { type EvidenceVerification, verifyEvidence } from '../evidence/verify.server'
import { planBoard } from '../plans/board.server'
import { ensurePlan, evaluatePlan } from '../plans/evaluate.server'
import {
  ENVIRONMENT_KINDS,
  ENVIRONMENT_LABELS,
  evidenceFacts,
  type EnvironmentKind,
  type EvidenceFacts,
  type RunFact,
} from '../plans/facts.server'

export const REPORT_VERSION = 1

export const SCORE_WEIGHTS = { categories: 50, phases: 30, traces: 20 } as const

/** Operations listed one by one as trace blockers; the rest are summed up in one. */
export const MAX_TRACE_BLOCKERS = 20

export type BlockerKind = 'case' | 'run' | 'traces' | 'plan-item' | 'evidence'

export type Blocker = {
  kind: BlockerKind
  templateId?: string
  operationId?: string
  reason: string
  /** Stable identity across reports (a case key, an operation, a plan item), for comparing. */
  ref: string
  /** Where to look: the failing case (run and seq), or the plan item. */
  runId?: string
  seq?: number
  itemId?: string
}

export type ReportRun = {
  environmentKind: EnvironmentKind
  environmentLabel: string
  environmentName: string
  runId: string
  status: string
  finishedAt: string | null
  spec: string
  requiredPassed: number
  requiredFailed: number
  requiredTotal: number
  certification: boolean
}

export type CategoryScore = {
  category: Category
  label: string
  requiredPassed: number
  requiredTotal: number
  /** Rounded %; null when the certification run has no Required case of the category (n/a). */
  percent: number | null
}

export type PhaseScore = {
  phase: Phase
  label: string
  requiredDone: number
  requiredTotal: number
  /** Rounded %; null when the phase has no Required item. */
  percent: number | null
  complete: boolean
}

export type CoveredOperation = {
  operationId: string
  method: string
  path: string
  summary: string | null
  specName: string
  total: number
  verifiedValid: number
  lastAt: string | null
}

export type TraceCoverage = {
  requiredTotal: number
  covered: number
  percent: number | null
  /** Every trace of the partner, verified and valid ones, and those matching no operation. */
  total: number
  verifiedValid: number
  unmatched: number
  operations: CoveredOperation[]
}

export type OpenItem = {
  id: string
  title: string
  phase: Phase
  phaseLabel: string
  required: boolean
  status: ItemStatus
  owner: string
  due: string | null
  overdue: boolean
}

export type ReportNote = {
  author: string
  createdAt: string
  body: string
  internal: boolean
}

export type ItemNotes = {
  itemId: string
  itemTitle: string
  phase: Phase
  phaseLabel: string
  notes: ReportNote[]
}

export type EvidenceStatus = {
  ok: boolean
  entries: number
  head: { seq: number; hash: string } | null
  firstBreak: { seq: number | null; message: string } | null
  problemCount: number
  checkedAt: string
}

export type Verdict = 'go' | 'no-go'

export type ReadinessReport = {
  version: typeof REPORT_VERSION
  generatedAt: string
  project: { id: string; name: string }
  partner: { id: string; name: string; slug: string }
  verdict: Verdict
  reasons: string[]
  score: number
  /** Each part of the score as a rounded %, null when it did not count. */
  scoreParts: { categories: number | null; phases: number | null; traces: number | null }
  certification: {
    runId: string
    environmentKind: EnvironmentKind
    environmentLabel: string
  } | null
  runs: ReportRun[]
  categories: CategoryScore[]
  phases: PhaseScore[]
  currentPhase: Phase | null
  blockers: Blocker[]
  /** Every blocker, also those summed up in one entry ("and 12 more …"). */
  blockerCount: number
  traceCoverage: TraceCoverage
  openItems: OpenItem[]
  notes: ItemNotes[]
  evidence: EvidenceStatus
}

// ---------------------------------------------------------------------------
// Pure judgement over facts.

export type PlanInput = {
  currentPhase: Phase | null
  phases: {
    phase: Phase
    requiredTotal: number
    requiredDone: number
    complete: boolean
    items: {
      id: string
      title: string
      required: boolean
      status: ItemStatus
      ownerName: string
      dueDate: string | null
      overdue: boolean
      notes: { body: string; internal: boolean; authorName: string; createdAt: string }[]
    }[]
  }[]
}

export type EvidenceInput = Pick<
  EvidenceVerification,
  'ok' | 'entries' | 'head' | 'problemCount' | 'checkedAt'
> & { firstBreak: { seq: number | null; message: string } | null }

export type ReportFacts = {
  generatedAt: string
  project: { id: string; name: string }
  partner: { id: string; name: string; slug: string }
  evidence: Pick<EvidenceFacts, 'runs' | 'traces'>
  plan: PlanInput
  verification: EvidenceInput
}

const percentOf = (part: number, total: number) =>
  total > 0 ? Math.round((part / total) * 100) : null

/** The run that certifies: the latest UAT run, else Sandbox, else Mock. */
export function certificationRun(runs: Partial<Record<EnvironmentKind, RunFact>>): RunFact | null {
  return runs.uat ?? runs.sandbox ?? runs.mock ?? null
}

export function categoryScores(run: RunFact | null): CategoryScore[] {
  return CATEGORIES.map((category) => {
    const tally = run?.byCategory[category]
    const requiredTotal = tally?.requiredTotal ?? 0
    const requiredPassed = tally?.requiredPassed ?? 0
    return {
      category,
      label: CATEGORY_LABELS[category],
      requiredPassed,
      requiredTotal,
      percent: percentOf(requiredPassed, requiredTotal),
    }
  })
}

export function phaseScores(plan: PlanInput): PhaseScore[] {
  return PHASES.map((phase) => {
    const found = plan.phases.find((entry) => entry.phase === phase)
    const requiredTotal = found?.requiredTotal ?? 0
    const requiredDone = found?.requiredDone ?? 0
    return {
      phase,
      label: PHASE_LABELS[phase],
      requiredDone,
      requiredTotal,
      percent: percentOf(requiredDone, requiredTotal),
      complete: found?.complete ?? false,
    }
  })
}

export function traceCoverage(traces: EvidenceFacts['traces']): TraceCoverage {
  const operations = traces.requiredOperations.map((operation) => {
    const counts = traces.byOperation.get(operation.id)
    return {
      operationId: operation.id,
      method: operation.method,
      path: operation.path,
      summary: operation.summary,
      specName: operation.specName,
      total: counts?.total ?? 0,
      verifiedValid: counts?.verifiedValid ?? 0,
      lastAt: counts?.lastAt ?? null,
    }
  })
  const covered = operations.filter((operation) => operation.verifiedValid > 0).length
  return {
    requiredTotal: operations.length,
    covered,
    percent: percentOf(covered, operations.length),
    total: traces.total,
    verifiedValid: traces.verifiedValid,
    unmatched: traces.unmatched,
    operations,
  }
}

/** The score and its parts (see the formula at the top of this file). */
export function scoreOf(input: {
  certification: RunFact | null
  categories: CategoryScore[]
  phases: PhaseScore[]
  coverage: TraceCoverage
}): { score: number; parts: ReadinessReport['scoreParts'] } {
  const measured = input.categories.filter((category) => category.requiredTotal > 0)
  const categories = !input.certification
    ? 0
    : measured.length > 0
      ? measured.reduce(
          (sum, category) => sum + category.requiredPassed / category.requiredTotal,
          0,
        ) / measured.length
      : null
  const requiredItems = input.phases.reduce((sum, phase) => sum + phase.requiredTotal, 0)
  const doneItems = input.phases.reduce((sum, phase) => sum + phase.requiredDone, 0)
  const phases = requiredItems > 0 ? doneItems / requiredItems : null
  const traces =
    input.coverage.requiredTotal > 0 ? input.coverage.covered / input.coverage.requiredTotal : null
  let weighted = 0
  let weights = 0
  for (const [part, weight] of [
    [categories, SCORE_WEIGHTS.categories],
    [phases, SCORE_WEIGHTS.phases],
    [traces, SCORE_WEIGHTS.traces],
  ] as const) {
    if (part === null) continue
    weighted += part * weight
    weights += weight
  }
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100))
  return {
    score: weights > 0 ? Math.round((weighted / weights) * 100) : 0,
    parts: { categories: round(categories), phases: round(phases), traces: round(traces) },
  }
}

const runWhen = (run: RunFact) => (run.finishedAt ? ` of ${formatDate(run.finishedAt)}` : '')
const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`

/** Everything that stands between the partner and going live, with the true total. */
export function findBlockers(facts: ReportFacts): { blockers: Blocker[]; count: number } {
  const blockers: Blocker[] = []
  let count = 0
  const runs = facts.evidence.runs
  const certification = certificationRun(runs)

  if (certification) {
    const where = ENVIRONMENT_LABELS[certification.environmentKind]
    for (const failure of certification.failures) {
      const category = CATEGORY_LABELS[failure.category as Category] ?? failure.category
      blockers.push({
        kind: 'case',
        templateId: failure.templateId,
        ...(failure.operationId ? { operationId: failure.operationId } : {}),
        reason: `${category}: “${failure.title}” ${failure.verdict === 'errored' ? 'errored' : 'failed'} in ${where}${failure.reason ? `: ${failure.reason}` : '.'}`,
        ref: `case:${failure.key}`,
        runId: certification.runId,
        seq: failure.seq,
      })
    }
    count += Math.max(certification.requiredFailed, certification.failures.length)
    const more = certification.requiredFailed - certification.failures.length
    if (more > 0)
      blockers.push({
        kind: 'case',
        reason: `And ${plural(more, 'more Required case')} ${more === 1 ? 'fails' : 'fail'} in the ${where} run${runWhen(certification)}.`,
        ref: 'case:more',
        runId: certification.runId,
      })
    if (certification.requiredUnsettled > 0) {
      count += certification.requiredUnsettled
      blockers.push({
        kind: 'case',
        reason: `${plural(certification.requiredUnsettled, 'Required case')} of the ${where} run${runWhen(certification)} reached no verdict (needs configuration or skipped): configure ${certification.requiredUnsettled === 1 ? 'it' : 'them'} and run again.`,
        ref: 'case:unsettled',
        runId: certification.runId,
      })
    }
  }

  if (runs.sandbox?.status !== 'passed' && runs.uat?.status !== 'passed') {
    const state = (kind: 'sandbox' | 'uat') => {
      const run = runs[kind]
      const label = ENVIRONMENT_LABELS[kind]
      return run ? `the latest ${label} run${runWhen(run)} ${run.status}` : `no ${label} run`
    }
    count += 1
    blockers.push({
      kind: 'run',
      reason: `No passing run against Sandbox or UAT yet (${state('sandbox')}; ${state('uat')}).`,
      ref: 'run',
    })
  }

  const missing = facts.evidence.traces.missing
  count += missing.length
  for (const operation of missing.slice(0, MAX_TRACE_BLOCKERS))
    blockers.push({
      kind: 'traces',
      operationId: operation.id,
      reason: `No verified, valid trace of ${operation.method} ${operation.path}${operation.id !== `${operation.method} ${operation.path}` ? ` (${operation.id})` : ''} yet.`,
      ref: `traces:${operation.id}`,
    })
  if (missing.length > MAX_TRACE_BLOCKERS)
    blockers.push({
      kind: 'traces',
      reason: `And ${plural(missing.length - MAX_TRACE_BLOCKERS, 'more Required operation')} without verified, valid traffic (${plural(missing.length, 'operation')} in all).`,
      ref: 'traces:more',
    })

  // Go-live's own items (the date, the vendor's approval) follow the verdict; they do not block it.
  for (const phase of facts.plan.phases.filter((entry) => entry.phase !== 'golive'))
    for (const item of phase.items) {
      if (!item.required || item.status === 'done') continue
      count += 1
      const details = [
        item.ownerName ? `owner ${item.ownerName}` : null,
        item.dueDate ? `due ${formatDate(item.dueDate)}${item.overdue ? ', overdue' : ''}` : null,
      ].filter(Boolean)
      blockers.push({
        kind: 'plan-item',
        reason: `Open Required item of ${PHASE_LABELS[phase.phase]}: “${item.title}”${details.length > 0 ? ` (${details.join(', ')})` : ''}.`,
        ref: `plan-item:${item.id}`,
        itemId: item.id,
      })
    }

  const verification = facts.verification
  if (!verification.ok) {
    count += 1
    const others = verification.problemCount - 1
    blockers.push({
      kind: 'evidence',
      reason: `The evidence chain is broken: ${verification.firstBreak?.message ?? 'verification failed.'}${others > 0 ? ` (${plural(others, 'more problem')}.)` : ''}`,
      ref: 'evidence',
    })
  }
  return { blockers, count }
}

/** The verdict and its reasons in words: what holds it back, or what it rests on. */
export function decide(
  facts: ReportFacts,
  blockers: Blocker[],
  coverage: TraceCoverage,
  phases: PhaseScore[],
): { verdict: Verdict; reasons: string[] } {
  const certification = certificationRun(facts.evidence.runs)
  const countOf = (kind: BlockerKind) => blockers.filter((blocker) => blocker.kind === kind)
  if (blockers.length > 0) {
    const reasons: string[] = []
    if (certification) {
      const failing = certification.requiredFailed
      const where = `${ENVIRONMENT_LABELS[certification.environmentKind]} run${runWhen(certification)}`
      if (failing > 0)
        reasons.push(
          `${plural(failing, 'Required case')} ${failing === 1 ? 'fails' : 'fail'} in the certification run (${where}).`,
        )
      if (certification.requiredUnsettled > 0)
        reasons.push(
          `${plural(certification.requiredUnsettled, 'Required case')} of the certification run (${where}) reached no verdict.`,
        )
    } else reasons.push('The golden suite has not run to a verdict for this partner yet.')
    const run = countOf('run')[0]
    if (run) reasons.push(run.reason)
    const missing = facts.evidence.traces.missing.length
    if (missing > 0)
      reasons.push(
        `${plural(missing, 'Required operation')} of ${coverage.requiredTotal.toLocaleString('en-GB')} ${missing === 1 ? 'has' : 'have'} no verified, valid trace.`,
      )
    const open = countOf('plan-item').length
    if (open > 0)
      reasons.push(`${plural(open, 'Required plan item')} ${open === 1 ? 'is' : 'are'} still open.`)
    const evidence = countOf('evidence')[0]
    if (evidence) reasons.push(evidence.reason)
    return { verdict: 'no-go', reasons }
  }
  const reasons: string[] = []
  if (certification)
    reasons.push(
      `Every Required case passed in the certification run (${ENVIRONMENT_LABELS[certification.environmentKind]} run${runWhen(certification)}: ${certification.requiredPassed.toLocaleString('en-GB')}/${certification.requiredTotal.toLocaleString('en-GB')}).`,
    )
  reasons.push(
    coverage.requiredTotal > 0
      ? `Every Required operation has verified, valid traffic (${coverage.covered.toLocaleString('en-GB')}/${coverage.requiredTotal.toLocaleString('en-GB')}).`
      : 'No operation requires traffic evidence.',
  )
  const items = phases.reduce((sum, phase) => sum + phase.requiredTotal, 0)
  reasons.push(
    items > 0
      ? `Every Required plan item is done (${items.toLocaleString('en-GB')}/${items.toLocaleString('en-GB')}).`
      : 'The plan has no Required item.',
  )
  reasons.push(
    `The evidence chain verifies (${plural(facts.verification.entries, 'entry', 'entries')}).`,
  )
  return { verdict: 'go', reasons }
}

/** The report from gathered facts. Pure. */
export function composeReport(facts: ReportFacts): ReadinessReport {
  const certification = certificationRun(facts.evidence.runs)
  const categories = categoryScores(certification)
  const phases = phaseScores(facts.plan)
  const coverage = traceCoverage(facts.evidence.traces)
  const { score, parts } = scoreOf({ certification, categories, phases, coverage })
  const { blockers, count } = findBlockers(facts)
  const { verdict, reasons } = decide(facts, blockers, coverage, phases)
  const runs: ReportRun[] = ENVIRONMENT_KINDS.flatMap((kind) => {
    const run = facts.evidence.runs[kind]
    if (!run) return []
    return [
      {
        environmentKind: kind,
        environmentLabel: ENVIRONMENT_LABELS[kind],
        environmentName: run.environmentName,
        runId: run.runId,
        status: run.status,
        finishedAt: run.finishedAt,
        spec: run.spec,
        requiredPassed: run.requiredPassed,
        requiredFailed: run.requiredFailed,
        requiredTotal: run.requiredTotal,
        certification: run === certification,
      },
    ]
  })
  const items = facts.plan.phases.flatMap((phase) =>
    phase.items.map((item) => ({ ...item, phase: phase.phase })),
  )
  return {
    version: REPORT_VERSION,
    generatedAt: facts.generatedAt,
    project: facts.project,
    partner: facts.partner,
    verdict,
    reasons,
    score,
    scoreParts: parts,
    certification: certification
      ? {
          runId: certification.runId,
          environmentKind: certification.environmentKind,
          environmentLabel: ENVIRONMENT_LABELS[certification.environmentKind],
        }
      : null,
    runs,
    categories,
    phases,
    currentPhase: facts.plan.currentPhase,
    blockers,
    blockerCount: count,
    traceCoverage: coverage,
    openItems: items
      .filter((item) => item.status !== 'done')
      .map((item) => ({
        id: item.id,
        title: item.title,
        phase: item.phase,
        phaseLabel: PHASE_LABELS[item.phase],
        required: item.required,
        status: item.status,
        owner: item.ownerName,
        due: item.dueDate,
        overdue: item.overdue,
      })),
    notes: items
      .filter((item) => item.notes.length > 0)
      .map((item) => ({
        itemId: item.id,
        itemTitle: item.title,
        phase: item.phase,
        phaseLabel: PHASE_LABELS[item.phase],
        notes: item.notes.map((note) => ({
          author: note.authorName,
          createdAt: note.createdAt,
          body: note.body,
          internal: note.internal,
        })),
      })),
    evidence: {
      ok: facts.verification.ok,
      entries: facts.verification.entries,
      head: facts.verification.head,
      firstBreak: facts.verification.firstBreak
        ? {
            seq: facts.verification.firstBreak.seq,
            message: facts.verification.firstBreak.message,
          }
        : null,
      problemCount: facts.verification.problemCount,
      checkedAt: facts.verification.checkedAt,
    },
  }
}

export type Audience = 'vendor' | 'partner'

/** The partner's version: the same report without the notes marked internal. */
export function forAudience(report: ReadinessReport, audience: Audience): ReadinessReport {
  if (audience === 'vendor') return report
  return {
    ...report,
    notes: report.notes
      .map((item) => ({ ...item, notes: item.notes.filter((note) => !note.internal) }))
      .filter((item) => item.notes.length > 0),
  }
}

// ---------------------------------------------------------------------------
// Gathering (I/O).

/**
 * The live report of a partner project (the caller has scoped it to a project).
 * `refreshPlan` (on the primary: it writes) first generates the default plan if
 * it never was, and judges the plan's evidence rules again.
 */
export async function buildReadiness(
  partnerProjectId: string,
  { refreshPlan = false, now = new Date() }: { refreshPlan?: boolean; now?: Date } = {},
): Promise<ReadinessReport> {
  const partner = await db.partnerProject.findUniqueOrThrow({
    where: { id: partnerProjectId },
    select: { id: true, name: true, slug: true, project: { select: { id: true, name: true } } },
  })
  const facts = await evidenceFacts(partnerProjectId)
  if (refreshPlan) {
    await ensurePlan(partnerProjectId)
    await evaluatePlan(partnerProjectId, { facts })
  }
  const [board, verification] = await Promise.all([
    planBoard(partnerProjectId, 'vendor', now),
    verifyEvidence(partnerProjectId),
  ])
  return composeReport({
    generatedAt: now.toISOString(),
    project: partner.project,
    partner: { id: partner.id, name: partner.name, slug: partner.slug },
    evidence: facts,
    plan: board,
    verification,
  })
}

/** The JSON the CI API answers: the verdict, the score, the blockers and the phases. */
export function readinessForCi(report: ReadinessReport) {
  return {
    partnerProjectId: report.partner.id,
    verdict: report.verdict,
    score: report.score,
    blockers: report.blockers.map((blocker) => ({
      kind: blocker.kind,
      ...(blocker.templateId ? { templateId: blocker.templateId } : {}),
      ...(blocker.operationId ? { operationId: blocker.operationId } : {}),
      reason: blocker.reason,
    })),
    blockerCount: report.blockerCount,
    phases: report.phases.map((phase) => ({
      phase: phase.phase,
      label: phase.label,
      complete: phase.complete,
      requiredDone: phase.requiredDone,
      requiredTotal: phase.requiredTotal,
    })),
    reasons: report.reasons,
    generatedAt: report.generatedAt,
  }
}
