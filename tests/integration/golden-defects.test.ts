/**
 * The golden suite against a real HTTP sandbox on 127.0.0.1 (tests/support/ledger-api.ts):
 * a conforming API gets no failure at all, and each planted defect makes exactly the
 * templates of its kind fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { GOLDEN_TEMPLATES } from '~/shared/golden-templates'
import { explain, runGolden, specFrom, startReceiver } from '../support/golden-run'
import {
  type Defect,
  LEDGER_READONLY_TOKEN,
  LEDGER_SPEC,
  LEDGER_TOKEN,
  startLedger,
} from '../support/ledger-api'

const SECRET = 'whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OQ=='
let spec: NormalizedSpec
beforeAll(async () => {
  spec = await specFrom(LEDGER_SPEC)
})

const RATE = 30

/** Runs the whole suite against the ledger with `defects` planted. */
async function suiteAgainst(defects: Defect[], { rateLimited = false } = {}) {
  const ledger = await startLedger({
    defects: new Set(defects),
    webhookSecret: SECRET,
    rateLimit: rateLimited ? RATE : 10_000,
  })
  const receiver = await startReceiver(spec, SECRET)
  ledger.webhookTarget = receiver.url
  try {
    return await runGolden(spec, {
      baseUrl: ledger.baseUrl,
      token: LEDGER_TOKEN,
      variables: { forbidden_credential: LEDGER_READONLY_TOKEN },
      webhooks: () => receiver.received,
      options: {
        timeoutMs: defects.includes('hang') ? 800 : 5_000,
        // Generous unless latency is the defect: a loaded CI machine must not look slow.
        latencyBudgetMs: defects.includes('slow') ? 250 : 5_000,
        webhookWaitMs: 1_500,
        // Paced below the limit where it is enforced, so only the burst meets it.
        requestsPerSecond: rateLimited ? 20 : 0,
        rateLimitBurst: { enabled: rateLimited, maxRequests: 60 },
      },
    })
  } finally {
    await ledger.close()
    await receiver.close()
  }
}

describe('the golden suite against a conforming sandbox', () => {
  it('passes every case it can judge, with bursts on', async () => {
    const run = await suiteAgainst([], { rateLimited: true })
    expect(run.failed, explain(run)).toEqual([])
    expect(
      run.results.filter((result) => result.outcome.verdict === 'errored'),
      explain(run),
    ).toEqual([])
    // Every template of the catalogue is instantiated for this spec, and most are judged.
    const instantiated = new Set(run.results.map((result) => result.plannedCase.templateId))
    const missing = GOLDEN_TEMPLATES.map((template) => template.id).filter(
      (id) => !instantiated.has(id),
    )
    expect(missing).toEqual([])
    const passedTemplates = new Set(
      run.results
        .filter((result) => result.outcome.verdict === 'passed')
        .map((result) => result.plannedCase.templateId),
    )
    const neverPassed = GOLDEN_TEMPLATES.map((template) => template.id).filter(
      (id) => !passedTemplates.has(id) && id !== 'connectivity.tls',
    )
    expect(neverPassed, explain(run)).toEqual([])
  })
})

const CASES: [Defect, string[], { rateLimited?: boolean }?][] = [
  ['auth-ignored', ['authentication.no-credentials', 'authentication.wrong-credentials']],
  ['wrong-credentials-accepted', ['authentication.wrong-credentials']],
  // Its 401 body is not the documented error either.
  ['no-www-authenticate', ['authentication.challenge', 'errors.error-schema']],
  ['valid-credentials-rejected', ['authentication.valid-credentials']],
  ['forbidden-ignored', ['authentication.forbidden']],
  ['undocumented-status', ['contract.status-documented']],
  ['wrong-content-type', ['contract.content-type']],
  ['schema-violation', ['contract.schema']],
  ['missing-required-field', ['contract.required-fields', 'contract.schema', 'workflow.crud']],
  ['missing-header', ['contract.headers']],
  ['accepts-missing-required', ['request-validation.missing-required']],
  ['accepts-wrong-type', ['request-validation.wrong-type']],
  // The invalid account it stored then goes out in an invalid event.
  ['accepts-bad-enum', ['request-validation.enum', 'webhooks.payload-valid']],
  ['malformed-json-500', ['request-validation.malformed-json']],
  ['stack-trace-leak', ['errors.no-leaks', 'request-validation.malformed-json']],
  ['accepts-oversized', ['request-validation.invalid-body', 'webhooks.payload-valid']],
  ['not-found-200', ['errors.not-found', 'workflow.crud']],
  ['method-404', ['errors.method-not-allowed']],
  [
    'error-shape',
    [
      'errors.error-schema',
      'request-validation.enum',
      'request-validation.invalid-body',
      'request-validation.malformed-json',
      'request-validation.missing-required',
      'request-validation.wrong-type',
    ],
  ],
  ['pagination-ignores-limit', ['pagination.page-size']],
  ['pagination-duplicates', ['pagination.consistency']],
  ['has-more-wrong', ['pagination.consistency']],
  [
    'idempotency-ignored',
    ['idempotency.conflict', 'idempotency.replay', 'idempotency.replay-marked'],
  ],
  ['idempotency-no-conflict', ['idempotency.conflict']],
  ['no-replay-marker', ['idempotency.replay-marked']],
  ['no-rate-headers', ['rate-limiting.headers'], { rateLimited: true }],
  ['no-rate-limit', ['rate-limiting.burst'], { rateLimited: true }],
  ['no-retry-after', ['rate-limiting.retry-after'], { rateLimited: true }],
  ['slow', ['connectivity.latency', 'resilience.p95-latency']],
  ['hang', ['resilience.timeouts']],
  ['inconsistent', ['resilience.parallel-consistency']],
  ['crud-lost-field', ['workflow.crud']],
  ['delete-not-final', ['workflow.crud']],
  ['unsigned-webhooks', ['webhooks.signature-valid', 'webhooks.signed']],
  ['bad-signature', ['webhooks.signature-valid']],
  ['bad-webhook-payload', ['webhooks.payload-valid']],
]

describe('each planted defect fails exactly its templates', () => {
  // Generous: the cases run concurrently, and a loaded 2-core CI machine runs other files too.
  it.concurrent.each(CASES)(
    '%s',
    async (defect, expected, options) => {
      const run = await suiteAgainst([defect], options)
      expect(run.failed, explain(run)).toEqual([...expected].sort())
    },
    120_000,
  )
})

describe('an unreachable environment', () => {
  it('fails reachability and errors the rest without blaming the API', async () => {
    const run = await runGolden(spec, {
      baseUrl: 'http://127.0.0.1:9/v1',
      token: LEDGER_TOKEN,
      options: { timeoutMs: 1_000 },
    })
    expect(run.failed).toEqual(['connectivity.reachable'])
  })
})

afterAll(() => undefined)
