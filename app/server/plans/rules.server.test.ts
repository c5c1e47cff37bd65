import { describe, expect, it } from 'vitest'
import type { EvidenceFacts, RunFact } from './facts.server'
import { describeRule, judgeRule, readRule } from './rules.server'

function run(overrides: Partial<RunFact> = {}): RunFact {
  return {
    runId: 'r1',
    environmentKind: 'sandbox',
    environmentName: 'Sandbox',
    status: 'passed',
    finishedAt: '2026-12-01T10:00:00.000Z',
    spec: 'Shop v1',
    byCategory: {
      authentication: {
        requiredTotal: 4,
        requiredPassed: 4,
        requiredFailed: 0,
        total: 4,
        passed: 4,
        failed: 0,
      },
      contract: {
        requiredTotal: 6,
        requiredPassed: 6,
        requiredFailed: 0,
        total: 6,
        passed: 6,
        failed: 0,
      },
    },
    requiredTotal: 10,
    requiredPassed: 10,
    requiredFailed: 0,
    requiredUnsettled: 0,
    failures: [],
    ...overrides,
  }
}

function facts(overrides: Partial<EvidenceFacts> = {}): EvidenceFacts {
  return {
    runs: {},
    traces: {
      total: 0,
      verifiedValid: 0,
      byOperation: new Map(),
      unmatched: 0,
      requiredOperations: [
        { id: 'getOrder', method: 'GET', path: '/orders/{id}', summary: null, specName: 'Shop' },
        { id: 'createOrder', method: 'POST', path: '/orders', summary: null, specName: 'Shop' },
      ],
      missing: [
        { id: 'getOrder', method: 'GET', path: '/orders/{id}', summary: null, specName: 'Shop' },
        { id: 'createOrder', method: 'POST', path: '/orders', summary: null, specName: 'Shop' },
      ],
    },
    credentials: new Set(),
    traceSecret: false,
    ...overrides,
  }
}

describe('run rules', () => {
  const rule = { kind: 'run', environment: 'sandbox' } as const
  it('waits for a run', () => {
    expect(judgeRule(rule, facts())).toEqual({
      met: false,
      reason: 'No finished run against Sandbox yet.',
    })
  })
  it('is met when every Required case passed, and says so', () => {
    const outcome = judgeRule(rule, facts({ runs: { sandbox: run() } }))
    expect(outcome).toEqual({
      met: true,
      reason: 'The Sandbox run of 01/12/2026 passed all 10 Required cases.',
    })
  })
  it('names the first Required failure', () => {
    const outcome = judgeRule(
      rule,
      facts({
        runs: {
          sandbox: run({
            status: 'failed',
            requiredPassed: 9,
            requiredFailed: 1,
            failures: [
              {
                seq: 3,
                key: 'k',
                templateId: 'auth.missing',
                operationId: 'getOrder',
                category: 'authentication',
                title: 'Refuses a request without credentials',
                verdict: 'failed',
                reason: null,
              },
            ],
          }),
        },
      }),
    )
    expect(outcome.met).toBe(false)
    expect(outcome.reason).toMatch(
      /failed 1 of 10 Required cases \(first: Refuses a request without credentials\)/,
    )
  })
  it('judges one category alone', () => {
    const category = { kind: 'run', environment: 'sandbox', category: 'authentication' } as const
    const failingContract = run({
      byCategory: {
        authentication: {
          requiredTotal: 4,
          requiredPassed: 4,
          requiredFailed: 0,
          total: 4,
          passed: 4,
          failed: 0,
        },
        contract: {
          requiredTotal: 6,
          requiredPassed: 5,
          requiredFailed: 1,
          total: 6,
          passed: 5,
          failed: 1,
        },
      },
      requiredFailed: 1,
      requiredPassed: 9,
    })
    expect(judgeRule(category, facts({ runs: { sandbox: failingContract } })).met).toBe(true)
    expect(judgeRule(rule, facts({ runs: { sandbox: failingContract } })).met).toBe(false)
    expect(
      judgeRule({ ...category, category: 'webhooks' }, facts({ runs: { sandbox: run() } })),
    ).toMatchObject({
      met: false,
      reason: expect.stringMatching(/had no Required Webhooks cases/),
    })
  })
  it('is not met while Required cases need configuration', () => {
    const outcome = judgeRule(
      rule,
      facts({ runs: { sandbox: run({ requiredPassed: 8, requiredUnsettled: 2 }) } }),
    )
    expect(outcome).toMatchObject({ met: false, reason: expect.stringMatching(/2 did not run/) })
  })
})

describe('trace rules', () => {
  it('any: met by one verified, valid trace', () => {
    const rule = { kind: 'traces', coverage: 'any' } as const
    expect(judgeRule(rule, facts()).reason).toBe('No trace received yet.')
    expect(judgeRule(rule, facts({ traces: { ...facts().traces, total: 3 } })).reason).toMatch(
      /none both signed and valid/,
    )
    expect(
      judgeRule(rule, facts({ traces: { ...facts().traces, total: 3, verifiedValid: 1 } })),
    ).toEqual({
      met: true,
      reason: '1 verified, valid trace received.',
    })
  })
  it('required operations: lists what is missing', () => {
    const rule = { kind: 'traces', coverage: 'required-operations' } as const
    const base = facts().traces
    expect(judgeRule(rule, facts()).reason).toMatch(
      /0 of 2 .* missing: GET \/orders\/\{id\}, POST \/orders/,
    )
    expect(judgeRule(rule, facts({ traces: { ...base, missing: [] } }))).toEqual({
      met: true,
      reason: 'All 2 Required operations have verified, valid traffic.',
    })
  })
})

describe('stored rules', () => {
  it('reads only rules it knows, and describes them', () => {
    expect(readRule('{"kind":"run","environment":"uat"}')).toEqual({
      kind: 'run',
      environment: 'uat',
    })
    expect(readRule('{"kind":"run","environment":"prod"}')).toBeNull()
    expect(readRule('not json')).toBeNull()
    expect(readRule(null)).toBeNull()
    expect(describeRule({ kind: 'credentials', environment: 'sandbox' })).toBe(
      'the partner has its own Sandbox credentials',
    )
  })
})
