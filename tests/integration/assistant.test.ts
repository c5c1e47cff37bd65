/**
 * The assistant end to end on a real database, its model a local
 * OpenAI-compatible server (tests/support/openai-server.ts): grounding, what
 * never reaches the model, streaming, the troubleshooter without a model and
 * when the model fails, rate limits, usage, partner isolation and the JSON API.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { action as apiAction } from '~/routes/api.v1.projects.$projectId.assistant'
import { createApiToken } from '~/server/api-tokens.server'
import {
  ask,
  AssistantError,
  conversationFor,
  NO_MODEL_NOTICE,
} from '~/server/assistant/ask.server'
import type { AssistantScope } from '~/server/assistant/scope.server'
import { assistantUsage } from '~/server/assistant/usage.server'
import { encryptSecret } from '~/server/crypto.server'
import { db } from '~/server/db.server'
import { writeTestConfig } from '~/server/environments/service.server'
import { resetEnvCache } from '~/server/env.server'
import type { AssistantSubject } from '~/shared/assistant'
import { BASE_URL, createMember, createPartnerUser, routeArgs } from '../helpers'
import { type OpenAIServer, startOpenAIServer, stopOpenAIServer } from '../support/openai-server'
import { shopProject, TRACE_SECRET } from '../support/traces'

// Secrets seeded below: none may appear in anything the model server receives.
const ENV_TOKEN = 'envtok-5f1c9a7e2b4d8c0a'
const ENV_WEBHOOK_SECRET = 'hooksecret-93ab71c2e4f6'
const PARTNER_KEY = 'pkey-0c4e8a2f6b1d9e3a'
const PARTNER_VARIABLE = 'pinvalue-7d2b9f4c1a6e'
const MOCK_WEBHOOK_SECRET = 'mockhook-2a8c4e6f0b1d'
const RAW_AUTH_HEADER = `Bearer ${ENV_TOKEN}`
const SECRETS = [
  ENV_TOKEN,
  ENV_WEBHOOK_SECRET,
  PARTNER_KEY,
  PARTNER_VARIABLE,
  MOCK_WEBHOOK_SECRET,
  TRACE_SECRET,
]

let server: OpenAIServer
let projectId: string
let specId: string
let specVersionId: string
let partnerId: string
let otherPartnerId: string
let vendorUserId: string
let partnerUserId: string
let secondPartnerUserId: string
let runId: string
let otherRunId: string
let traceId: string
let otherTraceId: string
let annotationId: string
let planItemId: string

const vendor = (): AssistantScope => ({
  projectId,
  partnerProjectId: null,
  userId: vendorUserId,
  via: 'page',
})
const partner = (userId = partnerUserId): AssistantScope => ({
  projectId,
  partnerProjectId: partnerId,
  userId,
  via: 'page',
})
const failingCase = (): AssistantSubject => ({ kind: 'case', runId, seq: 1 })

function setEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values))
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  resetEnvCache()
}

/** Everything the model server was sent, as one text. */
const received = () => JSON.stringify(server.requests)

async function createRun(partnerProjectId: string, environmentId: string) {
  return db.run.create({
    data: {
      projectId,
      specVersionId,
      environmentId,
      partnerProjectId,
      status: 'failed',
      caseTotal: 2,
      counts: JSON.stringify({ total: 2, done: 2, passed: 1, failed: 1, requiredFailed: 1 }),
      environmentLabel: 'Sandbox (sandbox)',
      finishedAt: new Date(),
      cases: {
        create: [
          {
            seq: 1,
            key: 'request-validation.invalid-body:createOrder',
            templateId: 'request-validation.invalid-body',
            category: 'request-validation',
            operationId: 'createOrder',
            title: 'createOrder refuses an invalid body',
            verdict: 'failed',
            reason: 'The API accepted a body with amount 0.',
            // Recorded as if redaction had missed everything: the assistant must still keep it in.
            exchanges: JSON.stringify([
              {
                request: {
                  method: 'POST',
                  url: `https://sandbox.shop.test/v1/orders?pin=${PARTNER_VARIABLE}`,
                  headers: {
                    authorization: RAW_AUTH_HEADER,
                    'x-custom': PARTNER_KEY,
                    'content-type': 'application/json',
                  },
                  body: JSON.stringify({ amount: 0, currency: 'EUR', note: PARTNER_VARIABLE }),
                },
                response: {
                  status: 201,
                  headers: { 'content-type': 'application/json', 'x-echo': TRACE_SECRET },
                  body: JSON.stringify({
                    id: 'ord_9',
                    amount: 0,
                    currency: 'EUR',
                    debug: `signed with ${ENV_WEBHOOK_SECRET} and ${MOCK_WEBHOOK_SECRET}`,
                  }),
                  truncated: false,
                },
                durationMs: 31,
                retries: 0,
              },
            ]),
            assertions: JSON.stringify([
              {
                name: 'status is 4xx',
                passed: false,
                expected: 'a 4xx status (400, 413, 415 or 422)',
                actual: '201',
                pointer: '#/paths/~1orders/post/responses/400',
              },
              { name: 'answered', passed: true, expected: 'an answer', actual: 'an answer' },
            ]),
          },
          {
            seq: 2,
            key: 'contract.status-documented:listOrders',
            templateId: 'contract.status-documented',
            category: 'contract',
            operationId: 'listOrders',
            title: 'listOrders answers a documented status',
            verdict: 'passed',
          },
        ],
      },
    },
  })
}

async function createTrace(partnerProjectId: string) {
  return db.trace.create({
    data: {
      projectId,
      partnerProjectId,
      specVersionId,
      occurredAt: new Date(),
      method: 'POST',
      url: 'https://api.shop.test/v1/orders',
      operationKey: 'createOrder',
      status: 400,
      verified: true,
      valid: false,
      violations: JSON.stringify([
        { side: 'request', location: 'body/amount', message: 'must be >= 1' },
      ]),
      request: JSON.stringify({
        headers: { authorization: RAW_AUTH_HEADER, 'x-signature-key': TRACE_SECRET },
        body: JSON.stringify({ amount: 0, currency: 'EUR', note: PARTNER_KEY }),
        bodyTruncated: false,
      }),
      response: JSON.stringify({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'amount must be at least 1' }),
        bodyTruncated: false,
      }),
    },
  })
}

beforeAll(async () => {
  server = await startOpenAIServer()
  const shop = await shopProject()
  projectId = shop.project.id
  partnerId = shop.partner.id
  specVersionId = shop.specVersionId
  specId = (await db.specVersion.findUniqueOrThrow({ where: { id: specVersionId } })).specId
  vendorUserId = (await createMember(shop.org.id, 'VENDOR')).user.id
  partnerUserId = (await createPartnerUser(partnerId)).user.id
  secondPartnerUserId = (await createPartnerUser(partnerId)).user.id
  const other = await db.partnerProject.create({
    data: { projectId, name: 'Other Co', slug: 'other-co' },
  })
  otherPartnerId = other.id

  const environment = await db.environment.create({
    data: {
      projectId,
      kind: 'sandbox',
      name: 'Sandbox',
      baseUrl: 'https://sandbox.shop.test/v1',
      auth: encryptSecret(JSON.stringify({ type: 'bearer', token: ENV_TOKEN })),
      webhookSecret: encryptSecret(ENV_WEBHOOK_SECRET),
    },
  })
  await db.partnerCredential.create({
    data: {
      environmentId: environment.id,
      partnerProjectId: partnerId,
      auth: encryptSecret(
        JSON.stringify({ type: 'apiKey', in: 'header', name: 'x-custom', value: PARTNER_KEY }),
      ),
    },
  })
  await db.partnerProject.update({
    where: { id: partnerId },
    data: {
      testConfig: writeTestConfig([
        { name: 'customer', value: 'cust_public_1', secret: false },
        { name: 'pin', value: PARTNER_VARIABLE, secret: true },
      ]),
    },
  })
  await db.mock.create({
    data: {
      projectId,
      specVersionId,
      webhookSecret: encryptSecret(MOCK_WEBHOOK_SECRET),
    },
  })

  runId = (await createRun(partnerId, environment.id)).id
  otherRunId = (await createRun(otherPartnerId, environment.id)).id
  traceId = (await createTrace(partnerId)).id
  otherTraceId = (await createTrace(otherPartnerId)).id
  annotationId = (
    await db.annotation.create({
      data: {
        projectId,
        specId,
        type: 'field_note',
        operationId: 'createOrder',
        fieldPath: 'body/amount',
        body: 'Amounts are in **cents** and at least 1.',
      },
    })
  ).id
  planItemId = (
    await db.planItem.create({
      data: {
        partnerProjectId: partnerId,
        phase: 'sandbox',
        title: 'Pass the golden suite on Sandbox',
        required: true,
        linkedCases: JSON.stringify(['request-validation.invalid-body:createOrder']),
      },
    })
  ).id
})

afterAll(async () => {
  await stopOpenAIServer(server)
  setEnv({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, OPENAI_TIMEOUT_MS: undefined })
})

beforeEach(async () => {
  server.reset()
  setEnv({
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: server.url,
    OPENAI_MODEL: 'fake-model',
    OPENAI_TIMEOUT_MS: '5000',
    ASSISTANT_QUESTIONS_PER_HOUR: '20',
  })
  await db.assistantCall.deleteMany({})
})

afterEach(() => {
  setEnv({ ASSISTANT_QUESTIONS_PER_HOUR: undefined })
})

describe('grounding', () => {
  it('sends the model the failing case, the template, the spec, the notes and the plan', async () => {
    const answer = await ask(partner(), {
      prompt: 'troubleshoot',
      question: 'Why does this fail?',
      subject: failingCase(),
    })
    expect(server.requests).toHaveLength(1)
    const request = server.requests[0]!
    expect(request.model).toBe('fake-model')
    expect(request.stream).toBe(true)
    const user = request.messages!.at(-1)!.content
    expect(user).toContain(`[case:${runId}:1]`)
    expect(user).toContain('expected a 4xx status (400, 413, 415 or 422); actual 201')
    expect(user).toContain('[template:request-validation.invalid-body]')
    expect(user).toContain('Enforce the schema’s limits')
    expect(user).toContain(`[operation:${specId}:createOrder]`)
    expect(user).toContain('"operation": "POST /orders"')
    expect(user).toContain(`[annotation:${annotationId}]`)
    expect(user).toContain('Amounts are in **cents** and at least 1.')
    expect(user).toContain(`[plan:${planItemId}]`)
    expect(user).toContain(`[trace:${traceId}]`)
    expect(user).toContain('First hint')
    expect(user).toContain('Question: Why does this fail?')
    expect(request.messages![0]!.content).toContain('Answer only from the facts')

    expect(answer.source).toBe('model')
    expect(answer.notice).toBeNull()
    expect(answer.answer).toContain(`[case:${runId}:1]`)
    expect(answer.citations).toEqual([
      {
        kind: 'case',
        id: `case:${runId}:1`,
        url: `/partner/${partnerId}/tests/runs/${runId}/cases/1`,
        label: 'Case 1: createOrder refuses an invalid body',
      },
    ])
  })

  it('never sends a credential, token, webhook secret, secret variable or sealed value', async () => {
    for (const scope of [partner(), vendor()])
      for (const subject of [
        failingCase(),
        { kind: 'trace', traceId } as const,
        { kind: 'run', runId } as const,
        { kind: 'operation', specId, operationId: 'createOrder' } as const,
        { kind: 'next-steps' } as const,
      ])
        for (const prompt of ['troubleshoot', 'explain-error', 'next-steps'] as const)
          await ask(scope, {
            prompt,
            question: `What is wrong? My token is ${ENV_TOKEN}`,
            subject,
          })
    expect(server.requests.length).toBe(30)
    const everything = received()
    for (const secret of SECRETS) expect(everything).not.toContain(secret)
    expect(everything).not.toContain(RAW_AUTH_HEADER)
    // What was redacted is still visibly there, as [redacted].
    expect(everything).toContain('Bearer [redacted]')
    expect(everything).toContain('[redacted]')
    // Nor is anything stored or returned with them.
    const stored = await db.assistantMessage.findMany({ select: { content: true } })
    for (const secret of SECRETS) expect(JSON.stringify(stored)).not.toContain(secret)
  })
})

describe('streaming', () => {
  it('streams the model’s text in pieces, and the answer is their concatenation', async () => {
    const pieces: string[] = []
    const answer = await ask(
      partner(),
      { prompt: 'troubleshoot', question: 'Why?', subject: failingCase() },
      { onToken: (text) => pieces.push(text) },
    )
    expect(pieces.length).toBeGreaterThan(3)
    expect(pieces.join('')).toBe(answer.answer)
    expect(answer.source).toBe('model')
    const call = await db.assistantCall.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })
    expect(call).toMatchObject({ outcome: 'ok', source: 'model', model: 'fake-model', via: 'page' })
    expect(call.tokensIn).toBeGreaterThan(100)
    expect(call.tokensOut).toBeGreaterThan(5)
  })

  it('drops a marker that names no fact instead of linking it', async () => {
    server.setAnswer(`It fails [case:${runId}:1] because of [annotation:made-up-note].`)
    const answer = await ask(partner(), {
      prompt: 'troubleshoot',
      question: 'Why?',
      subject: failingCase(),
    })
    expect(answer.answer).toBe(`It fails [case:${runId}:1] because of.`)
    expect(answer.citations.map((citation) => citation.id)).toEqual([`case:${runId}:1`])
  })
})

describe('without a model, or when it fails', () => {
  it('answers from the troubleshooter and says a model gives richer answers', async () => {
    setEnv({ OPENAI_API_KEY: undefined })
    const tokens: string[] = []
    const answer = await ask(
      partner(),
      { prompt: 'troubleshoot', question: 'Why?', subject: failingCase() },
      { onToken: (text) => tokens.push(text) },
    )
    expect(server.requests).toHaveLength(0)
    expect(tokens).toEqual([])
    expect(answer.source).toBe('troubleshooter')
    expect(answer.notice).toBe(NO_MODEL_NOTICE)
    expect(answer.answer).toContain('Enforce the schema’s limits')
    expect(answer.answer).toContain(
      'status is 4xx: expected a 4xx status (400, 413, 415 or 422), got 201',
    )
    expect(answer.answer).toContain('Amounts are in **cents** and at least 1.')
    expect(answer.citations.map((citation) => citation.kind)).toEqual(
      expect.arrayContaining(['case', 'template', 'annotation', 'operation']),
    )
    const call = await db.assistantCall.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })
    expect(call).toMatchObject({ outcome: 'no-model', source: 'troubleshooter', model: '' })
  })

  for (const [mode, outcome, notice] of [
    ['429', 'rate-limited-upstream', 'The model server is busy (429 Too Many Requests)'],
    ['500', 'upstream-error', 'The model server failed (a 5xx error)'],
    [
      'slow',
      'timeout',
      "The model did not answer in time; here is the built-in troubleshooter's answer.",
    ],
  ] as const)
    it(`falls back to the troubleshooter on ${mode === 'slow' ? 'a timeout' : mode}, and logs it`, async () => {
      server.setMode(mode, { slowMs: 4000 })
      if (mode === 'slow') setEnv({ OPENAI_TIMEOUT_MS: '1000' })
      const started = Date.now()
      const answer = await ask(partner(), {
        prompt: 'explain-error',
        question: 'What does this mean?',
        subject: failingCase(),
      })
      expect(Date.now() - started).toBeLessThan(3500)
      expect(server.requests).toHaveLength(1) // no retries: the asker is waiting
      expect(answer.source).toBe('troubleshooter')
      expect(answer.notice).toContain(notice)
      expect(answer.answer).toContain('**The API answered 201**')
      const call = await db.assistantCall.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })
      expect(call).toMatchObject({ outcome, source: 'troubleshooter', model: 'fake-model' })
    })

  it('refuses an annotation draft for a partner, and drafts one for the vendor', async () => {
    const refused = await ask(partner(), {
      prompt: 'draft-annotation',
      question: 'Draft a note',
      subject: failingCase(),
    })
    expect(refused.answer).toContain('Drafting annotations is for the API team')
    expect(server.requests).toHaveLength(0)
    setEnv({ OPENAI_API_KEY: undefined })
    const drafted = await ask(vendor(), {
      prompt: 'draft-annotation',
      question: 'Draft a note',
      subject: failingCase(),
    })
    expect(drafted.answer).toContain('A draft note (type `error_note`) for **POST /orders**')
    expect(drafted.answer).toContain('failed in 2 runs of 2 partner project(s)')
    expect(drafted.citations[0]!.url).toBe(
      `/projects/${projectId}/specs/${specId}/v/${specVersionId}/operations/createOrder`,
    )
  })
})

describe('rate limits', () => {
  it('stops a user after the hour’s questions with a clear message', async () => {
    setEnv({ ASSISTANT_QUESTIONS_PER_HOUR: '2', OPENAI_API_KEY: undefined })
    const question = { prompt: 'next-steps', question: 'Next?', subject: failingCase() } as const
    await ask(vendor(), question)
    await ask(vendor(), question)
    const error = await ask(vendor(), question).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AssistantError)
    expect((error as AssistantError).status).toBe(429)
    expect((error as AssistantError).message).toMatch(
      /^You have asked 2 questions in the last hour; ask again after \d\d:\d\d UTC\.$/,
    )
    expect(await db.assistantCall.count()).toBe(2)
  })

  it('counts the questions of all the users of a partner project together', async () => {
    setEnv({ ASSISTANT_QUESTIONS_PER_HOUR: '2', OPENAI_API_KEY: undefined })
    const question = { prompt: 'next-steps', question: 'Next?', subject: failingCase() } as const
    await ask(partner(partnerUserId), question)
    await ask(partner(secondPartnerUserId), question)
    await expect(ask(partner(secondPartnerUserId), question)).rejects.toThrow(
      /^Your team has asked 2 questions in the last hour; ask again after \d\d:\d\d UTC\.$/,
    )
    // The vendor's own users are not held back by a partner's limit.
    await expect(ask(vendor(), question)).resolves.toMatchObject({ source: 'troubleshooter' })
  })
})

describe('usage', () => {
  it('totals the calls per partner project and for the vendor, and lists them', async () => {
    const question = { prompt: 'troubleshoot', question: 'Why?', subject: failingCase() } as const
    await ask(partner(), question)
    await ask(partner(secondPartnerUserId), question)
    server.setMode('500')
    await ask(vendor(), question)
    const usage = await assistantUsage(projectId)
    const row = (id: string | null) => usage.totals.find((entry) => entry.partnerProjectId === id)!
    expect(row(partnerId)).toMatchObject({
      name: 'Partner Co',
      calls: 2,
      modelAnswers: 2,
      troubleshooterAnswers: 0,
      fallbacks: 0,
    })
    expect(row(partnerId).tokensIn).toBeGreaterThan(0)
    expect(row(otherPartnerId)).toMatchObject({ calls: 0, tokensIn: 0, lastAt: null })
    expect(row(null)).toMatchObject({ calls: 1, troubleshooterAnswers: 1, fallbacks: 1 })
    expect(usage.overall.calls).toBe(3)
    expect(usage.calls).toHaveLength(3)
    expect(usage.calls[0]).toMatchObject({
      outcome: 'upstream-error',
      partner: null,
      prompt: 'troubleshoot',
      via: 'page',
    })
    expect(usage.calls[2]).toMatchObject({ partner: 'Partner Co', source: 'model' })
    expect(usage).toMatchObject({ page: 1, pages: 1, total: 3 })
  })
})

describe('conversations and isolation', () => {
  it('keeps the question and the answer with its citations for the panel', async () => {
    const asker = partner((await createPartnerUser(partnerId)).user.id)
    const colleague = partner((await createPartnerUser(partnerId)).user.id)
    const otherPartner: AssistantScope = { ...asker, partnerProjectId: otherPartnerId }
    const asked = await ask(asker, {
      prompt: 'troubleshoot',
      question: 'Why does this fail?',
      subject: failingCase(),
    })
    const conversation = await conversationFor(asker, failingCase())
    expect(conversation!.id).toBe(asked.conversationId)
    const [question, answer] = conversation!.messages.slice(-2)
    expect(question).toMatchObject({ role: 'user', content: 'Why does this fail?', source: '' })
    expect(answer).toMatchObject({
      role: 'assistant',
      content: asked.answer,
      source: 'model',
      citations: asked.citations,
    })
    // Another user of the same partner project, the same user in another partner project: nothing.
    expect(await conversationFor(colleague, failingCase())).toBeNull()
    expect(await conversationFor(otherPartner, failingCase())).toBeNull()
    // A second question goes to the same conversation, and the model sees the first turn.
    await ask(asker, { prompt: 'troubleshoot', question: 'And then?', subject: failingCase() })
    expect((await conversationFor(asker, failingCase()))!.messages).toHaveLength(4)
    expect(server.requests.at(-1)!.messages!.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ])
  })

  it('answers 404 when a partner asks about another partner’s case, run or trace', async () => {
    for (const subject of [
      { kind: 'case', runId: otherRunId, seq: 1 },
      { kind: 'run', runId: otherRunId },
      { kind: 'trace', traceId: otherTraceId },
      { kind: 'case', runId, seq: 99 },
    ] as const) {
      const error = await ask(partner(), {
        prompt: 'troubleshoot',
        question: 'Why?',
        subject,
      }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(AssistantError)
      expect((error as AssistantError).status).toBe(404)
    }
    expect(server.requests).toHaveLength(0)
    expect(await db.assistantCall.count()).toBe(0)
  })

  it('answers 404 for an operation of a spec not shared with the partner', async () => {
    await db.spec.update({ where: { id: specId }, data: { visibility: 'restricted' } })
    try {
      await expect(
        ask(partner(), {
          prompt: 'troubleshoot',
          question: 'How?',
          subject: { kind: 'operation', specId, operationId: 'createOrder' },
        }),
      ).rejects.toMatchObject({ status: 404 })
    } finally {
      await db.spec.update({ where: { id: specId }, data: { visibility: 'all' } })
    }
  })
})

describe('POST /api/v1/projects/:projectId/assistant', () => {
  const post = async (body: string, token?: string, id = projectId) => {
    const request = new Request(`${BASE_URL}/api/v1/projects/${id}/assistant`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body,
    })
    try {
      return (await apiAction(routeArgs(request, { projectId: id }))) as Response
    } catch (thrown) {
      if (thrown instanceof Response) return thrown
      throw thrown
    }
  }

  it('answers a question about a case with absolute citation links', async () => {
    const { token, record } = await createApiToken({
      projectId,
      name: 'CI',
      createdById: vendorUserId,
    })
    const response = await post(
      JSON.stringify({ question: 'Why does it fail?', caseId: `${runId}:1` }),
      token,
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      answer: string
      citations: { kind: string; id: string; url: string }[]
      source: string
    }
    expect(body.source).toBe('model')
    expect(body.answer).toContain(`[case:${runId}:1]`)
    expect(body.citations[0]).toMatchObject({
      kind: 'case',
      id: `case:${runId}:1`,
      url: `${BASE_URL}/projects/${projectId}/tests/runs/${runId}/cases/1`,
    })
    const call = await db.assistantCall.findFirstOrThrow({ orderBy: { createdAt: 'desc' } })
    expect(call).toMatchObject({ via: 'api', apiTokenId: record.id, userId: null })
  })

  it('finds an operation by its id alone, and explains a trace', async () => {
    const { token } = await createApiToken({ projectId, name: 'Bot', createdById: vendorUserId })
    const operation = await post(
      JSON.stringify({ question: 'How do I call it?', operationId: 'createOrder' }),
      token,
    )
    expect(operation.status).toBe(200)
    const trace = await post(
      JSON.stringify({ question: 'Explain', prompt: 'explain-error', traceId }),
      token,
    )
    expect(trace.status).toBe(200)
    expect(JSON.stringify(server.requests)).toContain(`[trace:${traceId}]`)
  })

  it('refuses without a token (401), with malformed JSON (400), an invalid body (400) or too big a body (413)', async () => {
    const { token } = await createApiToken({ projectId, name: 'Bad', createdById: vendorUserId })
    expect((await post(JSON.stringify({ question: 'Why?' }))).status).toBe(401)
    const malformed = await post('{"question": ', token)
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as { error: string }).error).toContain('Send a JSON body')
    const invalid = await post(JSON.stringify({ question: '', caseId: 'no-seq' }), token)
    expect(invalid.status).toBe(400)
    expect(
      ((await invalid.json()) as { problems: { path: string }[] }).problems.map((p) => p.path),
    ).toEqual(['question', 'caseId'])
    const huge = await post(JSON.stringify({ question: 'x'.repeat(20_000) }), token)
    expect(huge.status).toBe(413)
    expect(server.requests).toHaveLength(0)
  })

  it('answers 404 for a case that is not in the project, and 429 per token with Retry-After', async () => {
    setEnv({ ASSISTANT_QUESTIONS_PER_HOUR: '1', OPENAI_API_KEY: undefined })
    const { token } = await createApiToken({
      projectId,
      name: 'Limited',
      createdById: vendorUserId,
    })
    const missing = await post(JSON.stringify({ question: 'Why?', caseId: 'nope:1' }), token)
    expect(missing.status).toBe(404)
    expect((await post(JSON.stringify({ question: 'Next?' }), token)).status).toBe(200)
    const limited = await post(JSON.stringify({ question: 'Next?' }), token)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(3000)
    expect(((await limited.json()) as { error: string }).error).toMatch(
      /^You have asked 1 question in the last hour/,
    )
    // Another token of the project has its own budget.
    const { token: second } = await createApiToken({
      projectId,
      name: 'Other',
      createdById: vendorUserId,
    })
    expect((await post(JSON.stringify({ question: 'Next?' }), second)).status).toBe(200)
  })
})
