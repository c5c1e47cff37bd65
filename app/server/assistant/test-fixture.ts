/** A fixed context (a failing case of a partner's run) for the assistant's unit tests. Test-only. */
import type { AssistantContext } from './context.server'
import type { Fact } from './facts.server'

const RUN = 'run1'

export const FIXTURE_FACTS: Fact[] = [
  {
    id: `case:${RUN}:4`,
    kind: 'case',
    label: 'Case 4: createOrder rejects an invalid body',
    url: `/partner/pp1/tests/runs/${RUN}/cases/4`,
    text: [
      'Case 4 "createOrder rejects an invalid body" (template request-validation.body, required) in Run of Shop v1 on Sandbox (sandbox).',
      'Verdict: failed — the API accepted an invalid body',
      'Failing assertions:',
      '- status is 4xx: expected 400 or 422; actual 201 (spec #/paths/~1orders/post/responses/400)',
      '0 assertion(s) passed.',
      'Exchange 1: POST https://sandbox.shop.test/v1/orders',
      'Request headers: {"authorization":"Bearer [redacted]","content-type":"application/json"}',
      'Request body: {"amount":-5,"currency":"EUR"}',
      'Response: 201 after 12 ms',
      'Response headers: {"content-type":"application/json"}',
      'Response body: {"id":"ord_1","amount":-5,"currency":"EUR"}',
    ].join('\n'),
    relevance: 110,
  },
  {
    id: 'template:request-validation.body',
    kind: 'template',
    label: 'Golden check: Invalid bodies are refused',
    url: '/docs/templates#request-validation.body',
    text: [
      'Golden template request-validation.body "Invalid bodies are refused" (request-validation).',
      'Checks: A body that breaks the schema is refused with 400 or 422.',
      'Judged by: The status of the answer to a body with a value out of range.',
      'Why it fails and how to fix it: Validate request bodies against the schema before acting on them.',
    ].join('\n'),
    relevance: 100,
  },
  {
    id: 'annotation:note1',
    kind: 'annotation',
    label: 'API team note on body/amount (createOrder)',
    url: '/partner/pp1/specs/spec1/operations/createOrder#notes',
    text: 'Note by the API team (field_note) on field body/amount of operation createOrder:\nAmounts are in cents and at least 1.',
    relevance: 95,
  },
  {
    id: 'operation:spec1:createOrder',
    kind: 'operation',
    label: 'POST /orders',
    url: '/partner/pp1/specs/spec1/operations/createOrder',
    text: 'Spec excerpt of POST /orders (operation createOrder):\n{"operation":"POST /orders","responses":{"201":{},"400":{}}}',
    relevance: 80,
  },
  {
    id: 'run:run1',
    kind: 'run',
    label: 'Run of Shop v1 on Sandbox (sandbox)',
    url: `/partner/pp1/tests/runs/${RUN}`,
    text: 'Run of Shop v1 on Sandbox (sandbox). Status: failed. Cases: 10 total, 9 passed, 1 failed.',
    relevance: 50,
  },
  {
    id: 'plan:item1',
    kind: 'plan',
    label: 'Plan: Pass the golden suite on Sandbox',
    url: '/partner/pp1/plan#item-item1',
    text: 'Plan item "Pass the golden suite on Sandbox", phase Sandbox certification, required, status open.',
    relevance: 40,
  },
]

export function fixtureContext(audience: 'vendor' | 'partner' = 'partner'): AssistantContext {
  return {
    subject: { kind: 'case', runId: RUN, seq: 4 },
    audience,
    facts: FIXTURE_FACTS.map((fact) => ({ ...fact })),
    case: {
      factId: `case:${RUN}:4`,
      runId: RUN,
      seq: 4,
      key: 'request-validation.body:createOrder',
      title: 'createOrder rejects an invalid body',
      verdict: 'failed',
      reason: 'the API accepted an invalid body',
      templateId: 'request-validation.body',
      operationId: 'createOrder',
      failing: [
        {
          name: 'status is 4xx',
          expected: '400 or 422',
          actual: '201',
          pointer: '#/paths/~1orders/post/responses/400',
        },
      ],
      passedCount: 0,
      response: {
        status: 201,
        contentType: 'application/json',
        body: '{"id":"ord_1","amount":-5,"currency":"EUR"}',
      },
      transportError: null,
    },
    run: null,
    trace: null,
    operation: {
      factId: 'operation:spec1:createOrder',
      specId: 'spec1',
      versionId: 'v1',
      operationId: 'createOrder',
      method: 'POST',
      path: '/orders',
      responses: [
        { status: '201', description: 'created' },
        { status: '400', description: 'invalid' },
      ],
    },
    templates: [
      {
        factId: 'template:request-validation.body',
        id: 'request-validation.body',
        title: 'Invalid bodies are refused',
        checks: 'A body that breaks the schema is refused with 400 or 422.',
        judgedBy: 'The status of the answer to a body with a value out of range.',
        fix: 'Validate request bodies against the schema before acting on them.',
      },
    ],
    annotations: [
      {
        factId: 'annotation:note1',
        type: 'field_note',
        fieldPath: 'body/amount',
        body: 'Amounts are in cents and at least 1.',
        operationId: 'createOrder',
      },
    ],
    plan: [
      {
        factId: 'plan:item1',
        title: 'Pass the golden suite on Sandbox',
        phase: 'sandbox',
        status: 'open',
        required: true,
        dueDate: null,
        partner: null,
      },
    ],
    latestRuns: [
      {
        factId: 'run:run1',
        runId: RUN,
        label: 'Run of Shop v1 on Sandbox (sandbox)',
        status: 'failed',
        counts: {
          total: 10,
          done: 10,
          passed: 9,
          failed: 1,
          errored: 0,
          skipped: 0,
          needs_config: 0,
          requiredFailed: 1,
        },
        failing: [
          {
            seq: 4,
            title: 'createOrder rejects an invalid body',
            templateId: 'request-validation.body',
            reason: 'the API accepted an invalid body',
          },
        ],
      },
    ],
    pattern: audience === 'vendor' ? { failedRuns: 3, partners: 2 } : null,
  }
}
