/**
 * Two reports side by side: per golden category and per phase whether it
 * improved, regressed or stayed; the blockers that appeared and those that
 * went away (matched by their stable ref); the verdict and score change.
 * Pure, over stored report content.
 */
import type { Blocker, ReadinessReport } from './readiness.server'

export type Change = 'improved' | 'regressed' | 'unchanged' | 'n/a'

export type ScoreRow = {
  key: string
  label: string
  a: number | null
  b: number | null
  aDetail: string
  bDetail: string
  change: Change
}

export type ReportComparison = {
  verdict: { a: ReadinessReport['verdict']; b: ReadinessReport['verdict']; changed: boolean }
  score: { a: number; b: number; change: Change; delta: number }
  categories: ScoreRow[]
  phases: ScoreRow[]
  traces: ScoreRow
  blockersAdded: Blocker[]
  blockersRemoved: Blocker[]
  blockersKept: number
}

export function changeOf(a: number | null, b: number | null): Change {
  if (a === null || b === null) return a === b ? 'unchanged' : 'n/a'
  return b > a ? 'improved' : b < a ? 'regressed' : 'unchanged'
}

const detail = (part: number, total: number) =>
  total > 0 ? `${part.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}` : '—'

/** What changed from report `a` to report `b`. */
export function compareReports(a: ReadinessReport, b: ReadinessReport): ReportComparison {
  const categories = b.categories.map((after) => {
    const before = a.categories.find((entry) => entry.category === after.category)
    return {
      key: after.category,
      label: after.label,
      a: before?.percent ?? null,
      b: after.percent,
      aDetail: before ? detail(before.requiredPassed, before.requiredTotal) : '—',
      bDetail: detail(after.requiredPassed, after.requiredTotal),
      change: changeOf(before?.percent ?? null, after.percent),
    }
  })
  const phases = b.phases.map((after) => {
    const before = a.phases.find((entry) => entry.phase === after.phase)
    return {
      key: after.phase,
      label: after.label,
      a: before?.percent ?? null,
      b: after.percent,
      aDetail: before ? detail(before.requiredDone, before.requiredTotal) : '—',
      bDetail: detail(after.requiredDone, after.requiredTotal),
      change: changeOf(before?.percent ?? null, after.percent),
    }
  })
  const beforeRefs = new Set(a.blockers.map((blocker) => blocker.ref))
  const afterRefs = new Set(b.blockers.map((blocker) => blocker.ref))
  return {
    verdict: { a: a.verdict, b: b.verdict, changed: a.verdict !== b.verdict },
    score: { a: a.score, b: b.score, change: changeOf(a.score, b.score), delta: b.score - a.score },
    categories,
    phases,
    traces: {
      key: 'traces',
      label: 'Required operations with verified, valid traffic',
      a: a.traceCoverage.percent,
      b: b.traceCoverage.percent,
      aDetail: detail(a.traceCoverage.covered, a.traceCoverage.requiredTotal),
      bDetail: detail(b.traceCoverage.covered, b.traceCoverage.requiredTotal),
      change: changeOf(a.traceCoverage.percent, b.traceCoverage.percent),
    },
    blockersAdded: b.blockers.filter((blocker) => !beforeRefs.has(blocker.ref)),
    blockersRemoved: a.blockers.filter((blocker) => !afterRefs.has(blocker.ref)),
    blockersKept: b.blockers.filter((blocker) => beforeRefs.has(blocker.ref)).length,
  }
}
