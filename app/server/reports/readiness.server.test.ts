/** The readiness judgement over hand-made facts: score, blockers, verdict, comparison, audiences. */
import { describe, expect, it } from 'vitest'
import type { EnvironmentKind, OperationRef, RunFact, TraceFacts } from '../plans/facts.server'
import { compareReports } from './compare.server'
import {
  composeReport,
  forAudience,
  MAX_TRACE_BLOCKERS,
  type PlanInput,
  type ReportFacts,
  readinessForCi,
} from './readiness.server'

function run(kind: EnvironmentKind, overrides: Partial<RunFact> = {}): RunFact {
  return {
    runId: `run-${kind}`,
    environmentKind: kind,
    environmentName: `${kind} environment`,
    status: 'passed',
    finishedAt: '2026-11-30T10:00:00.000Z',
    spec: 'Shop API v1',
    byCategory: {
      connectivity: {
        requiredTotal: 2,
        requiredPassed: 2,
        requiredFailed: 0,
        total: 2,
        passed: 2,
        failed: 0,
      },
      authentication: {
        requiredTotal: 4,
        requiredPassed: 4,
        requiredFailed: 0,
        total: 5,
        passed: 5,
        failed: 0,
      },
    },
    requiredTotal: 6,
    requiredPassed: 6,
    requiredFailed: 0,
    requiredUnsettled: 0,
    failures: [],
    ...overrides,
  }
}

function operation(id: string): OperationRef {
  return { id, method: 'GET', path: `/${id}`, summary: null, specName: 'Shop API' }
}

function traces(required: string[], covered: string[]): TraceFacts {
  return {
    total: covered.length * 3,
    verifiedValid: covered.length * 2,
    unmatched: 1,
    byOperation: new Map(
      covered.map((id) => [id, { total: 3, verifiedValid: 2, lastAt: '2026-11-29T00:00:00.000Z' }]),
    ),
    requiredOperations: required.map(operation),
    missing: required.filter((id) => !covered.includes(id)).map(operation),
  }
}

function plan(done: boolean): PlanInput {
  const item = (id: string, required: boolean, status: 'open' | 'done') => ({
    id,
    title: `Item ${id}`,
    required,
    status,
    ownerName: 'Ana',
    dueDate: '2026-11-01',
    overdue: status !== 'done',
    notes: [
      {
        body: 'shared words',
        internal: false,
        authorName: 'Ana',
        createdAt: '2026-11-02T00:00:00Z',
      },
      { body: 'vendor only', internal: true, authorName: 'Bo', createdAt: '2026-11-03T00:00:00Z' },
    ],
  })
  return {
    currentPhase: done ? null : 'sandbox',
    phases: [
      {
        phase: 'discovery',
        requiredTotal: 1,
        requiredDone: 1,
        complete: true,
        items: [item('d1', true, 'done'), item('d2', false, 'open')],
      },
      {
        phase: 'sandbox',
        requiredTotal: 2,
        requiredDone: done ? 2 : 0,
        complete: done,
        items: [item('s1', true, done ? 'done' : 'open'), item('s2', true, done ? 'done' : 'open')],
      },
    ],
  }
}

function facts(overrides: Partial<ReportFacts> = {}): ReportFacts {
  return {
    generatedAt: '2026-12-01T08:00:00.000Z',
    project: { id: 'p1', name: 'Shop' },
    partner: { id: 'pp1', name: 'Globex', slug: 'globex' },
    evidence: { runs: { sandbox: run('sandbox') }, traces: traces(['a', 'b'], ['a', 'b']) },
    plan: plan(true),
    verification: {
      ok: true,
      entries: 12,
      head: { seq: 12, hash: 'f'.repeat(64) },
      firstBreak: null,
      problemCount: 0,
      checkedAt: '2026-12-01T08:00:00.000Z',
    },
    ...overrides,
  }
}

describe('composeReport', () => {
  it('says go with 100 when everything is proven', () => {
    const report = composeReport(facts())
    expect(report.verdict).toBe('go')
    expect(report.blockers).toEqual([])
    expect(report.blockerCount).toBe(0)
    expect(report.score).toBe(100)
    expect(report.scoreParts).toEqual({ categories: 100, phases: 100, traces: 100 })
    expect(report.certification).toMatchObject({ environmentKind: 'sandbox', runId: 'run-sandbox' })
    expect(report.reasons.join(' ')).toMatch(/Every Required case passed/)
    expect(report.categories.find((c) => c.category === 'authentication')).toMatchObject({
      requiredPassed: 4,
      requiredTotal: 4,
      percent: 100,
    })
    expect(report.categories.find((c) => c.category === 'webhooks')?.percent).toBeNull()
    expect(report.openItems.map((item) => item.id)).toEqual(['d2'])
  })

  it('says no-go with every blocker for a partner with no evidence', () => {
    const report = composeReport(
      facts({
        evidence: { runs: {}, traces: traces(['a', 'b'], []) },
        plan: plan(false),
      }),
    )
    expect(report.verdict).toBe('no-go')
    expect(report.certification).toBeNull()
    expect(report.blockers.map((blocker) => [blocker.kind, blocker.operationId ?? null])).toEqual([
      ['run', null],
      ['traces', 'a'],
      ['traces', 'b'],
      ['plan-item', null],
      ['plan-item', null],
    ])
    expect(report.blockers[0]!.reason).toMatch(/no Sandbox run; no UAT run/)
    expect(report.blockers[3]!.reason).toMatch(/Item s1.*owner Ana, due 01\/11\/2026, overdue/)
    // Categories count 0 without a run; phases 1/3; traces 0: (0×50 + 33.3×30 + 0×20) / 100.
    expect(report.scoreParts).toEqual({ categories: 0, phases: 33, traces: 0 })
    expect(report.score).toBe(10)
    expect(report.reasons[0]).toMatch(/not run to a verdict/)
  })

  it('certifies on UAT before Sandbox before Mock, and lists its Required failures', () => {
    const failing = run('uat', {
      status: 'failed',
      requiredTotal: 6,
      requiredPassed: 4,
      requiredFailed: 2,
      byCategory: {
        authentication: {
          requiredTotal: 4,
          requiredPassed: 2,
          requiredFailed: 2,
          total: 4,
          passed: 2,
          failed: 2,
        },
        connectivity: {
          requiredTotal: 2,
          requiredPassed: 2,
          requiredFailed: 0,
          total: 2,
          passed: 2,
          failed: 0,
        },
      },
      failures: [
        {
          seq: 3,
          key: 'auth.missing:getOrder',
          templateId: 'auth.missing',
          operationId: 'getOrder',
          category: 'authentication',
          title: 'No credentials',
          verdict: 'failed',
          reason: 'answered 200',
        },
        {
          seq: 4,
          key: 'auth.invalid:getOrder',
          templateId: 'auth.invalid',
          operationId: 'getOrder',
          category: 'authentication',
          title: 'Bad credentials',
          verdict: 'errored',
          reason: null,
        },
      ],
    })
    const report = composeReport(
      facts({
        evidence: {
          runs: { mock: run('mock'), sandbox: run('sandbox'), uat: failing },
          traces: traces(['a'], ['a']),
        },
      }),
    )
    expect(report.certification?.environmentKind).toBe('uat')
    expect(report.runs.map((entry) => [entry.environmentKind, entry.certification])).toEqual([
      ['mock', false],
      ['sandbox', false],
      ['uat', true],
    ])
    const cases = report.blockers.filter((blocker) => blocker.kind === 'case')
    expect(cases).toEqual([
      expect.objectContaining({
        templateId: 'auth.missing',
        operationId: 'getOrder',
        runId: 'run-uat',
        seq: 3,
        reason: 'Authentication: “No credentials” failed in UAT: answered 200',
      }),
      expect.objectContaining({
        templateId: 'auth.invalid',
        reason: expect.stringMatching(/errored in UAT\.$/),
      }),
    ])
    // A passing Sandbox run is enough for the run rule.
    expect(report.blockers.some((blocker) => blocker.kind === 'run')).toBe(false)
    expect(report.verdict).toBe('no-go')
    // Categories: (50% + 100%) / 2 = 75; phases 100; traces 100 → (75×50 + 100×30 + 100×20)/100.
    expect(report.scoreParts.categories).toBe(75)
    expect(report.score).toBe(88)
    expect(report.reasons[0]).toMatch(/2 Required cases fail in the certification run \(UAT run/)
  })

  it('sums up failures and operations beyond the lists, and counts them all', () => {
    const required = Array.from({ length: MAX_TRACE_BLOCKERS + 5 }, (_, index) => `op${index}`)
    const report = composeReport(
      facts({
        evidence: {
          runs: {
            sandbox: run('sandbox', {
              status: 'failed',
              requiredFailed: 60,
              requiredUnsettled: 3,
              failures: Array.from({ length: 50 }, (_, index) => ({
                seq: index + 1,
                key: `contract.schema:op${index}`,
                templateId: 'contract.schema',
                operationId: `op${index}`,
                category: 'contract',
                title: 'Schema',
                verdict: 'failed',
                reason: 'bad',
              })),
            }),
          },
          traces: traces(required, []),
        },
      }),
    )
    const kinds = (kind: string) => report.blockers.filter((blocker) => blocker.kind === kind)
    expect(kinds('case')).toHaveLength(52)
    expect(kinds('case')[50]!.reason).toMatch(/And 10 more Required cases fail/)
    expect(kinds('case')[51]!.reason).toMatch(/3 Required cases .* reached no verdict/)
    expect(kinds('traces')).toHaveLength(MAX_TRACE_BLOCKERS + 1)
    expect(kinds('traces').at(-1)!.reason).toMatch(/And 5 more Required operations/)
    // 60 failures + 3 unsettled + the run rule + 25 operations.
    expect(report.blockerCount).toBe(60 + 3 + 1 + MAX_TRACE_BLOCKERS + 5)
  })

  it('blocks on a broken evidence chain with the first break', () => {
    const report = composeReport(
      facts({
        verification: {
          ok: false,
          entries: 12,
          head: { seq: 12, hash: 'a'.repeat(64) },
          firstBreak: {
            seq: 4,
            message: 'Entry #4 was edited: its fields no longer match its hash.',
          },
          problemCount: 3,
          checkedAt: '2026-12-01T08:00:00.000Z',
        },
      }),
    )
    expect(report.verdict).toBe('no-go')
    expect(report.blockers).toEqual([
      expect.objectContaining({
        kind: 'evidence',
        reason:
          'The evidence chain is broken: Entry #4 was edited: its fields no longer match its hash. (2 more problems.)',
      }),
    ])
    expect(report.score).toBe(100)
  })

  it('leaves parts with nothing to measure out of the score', () => {
    const report = composeReport(
      facts({
        evidence: { runs: { sandbox: run('sandbox') }, traces: traces([], []) },
        plan: { currentPhase: null, phases: [] },
      }),
    )
    expect(report.scoreParts).toEqual({ categories: 100, phases: null, traces: null })
    expect(report.score).toBe(100)
    expect(report.verdict).toBe('go')
    expect(report.reasons).toContain('No operation requires traffic evidence.')
  })
})

describe('forAudience', () => {
  it('drops only the notes marked internal for the partner', () => {
    const report = composeReport(facts())
    const partner = forAudience(report, 'partner')
    expect(report.notes.flatMap((item) => item.notes.map((note) => note.body))).toContain(
      'vendor only',
    )
    expect(partner.notes.flatMap((item) => item.notes.map((note) => note.body))).not.toContain(
      'vendor only',
    )
    const { notes: _vendorNotes, ...vendorRest } = report
    const { notes: _partnerNotes, ...partnerRest } = partner
    expect(partnerRest).toEqual(vendorRest)
    expect(forAudience(report, 'vendor')).toBe(report)
  })
})

describe('compareReports', () => {
  it('names what improved, what regressed and the blockers that came and went', () => {
    const before = composeReport(
      facts({ evidence: { runs: {}, traces: traces(['a', 'b'], ['a']) }, plan: plan(false) }),
    )
    const after = composeReport(facts())
    const comparison = compareReports(before, after)
    expect(comparison.verdict).toEqual({ a: 'no-go', b: 'go', changed: true })
    expect(comparison.score.change).toBe('improved')
    expect(comparison.phases.find((row) => row.key === 'sandbox')).toMatchObject({
      a: 0,
      b: 100,
      change: 'improved',
    })
    expect(comparison.categories.find((row) => row.key === 'authentication')?.change).toBe('n/a')
    expect(comparison.categories.find((row) => row.key === 'webhooks')?.change).toBe('unchanged')
    expect(comparison.traces).toMatchObject({ a: 50, b: 100, change: 'improved' })
    expect(comparison.blockersRemoved.map((blocker) => blocker.ref)).toEqual([
      'run',
      'traces:b',
      'plan-item:s1',
      'plan-item:s2',
    ])
    expect(comparison.blockersAdded).toEqual([])
    const back = compareReports(after, before)
    expect(back.score.change).toBe('regressed')
    expect(back.blockersAdded).toHaveLength(4)
  })
})

describe('readinessForCi', () => {
  it('answers the documented shape without internal fields', () => {
    const ci = readinessForCi(
      composeReport(facts({ evidence: { runs: {}, traces: traces(['a'], []) } })),
    )
    expect(ci).toMatchObject({ verdict: 'no-go', generatedAt: '2026-12-01T08:00:00.000Z' })
    expect(ci.blockers).toEqual([
      { kind: 'run', reason: expect.any(String) },
      { kind: 'traces', operationId: 'a', reason: 'No verified, valid trace of GET /a (a) yet.' },
    ])
    expect(ci.phases[0]).toEqual({
      phase: 'discovery',
      label: 'Discovery & access',
      complete: true,
      requiredDone: 1,
      requiredTotal: 1,
    })
    expect(ci.phases).toHaveLength(5)
  })
})
