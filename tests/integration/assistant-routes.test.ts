/**
 * The assistant's page routes: the streamed answer (POST .../assistant/stream,
 * server-sent events over the response) and the plain form post that answers
 * whole and sends the browser back to the panel. Who may ask what, malformed
 * forms, the rate-limit message in the panel, and the stream's framing
 * against a local OpenAI-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loader as partnerCaseLoader } from '~/routes/partner.$partnerProjectId.tests.runs.$runId_.cases.$seq'
import {
  action as partnerAsk,
  loader as partnerAssistantLoader,
} from '~/routes/partner.$partnerProjectId.assistant'
import { action as partnerStream } from '~/routes/partner.$partnerProjectId.assistant.stream'
import { action as vendorAsk, loader as usageLoader } from '~/routes/projects.$projectId.assistant'
import { action as vendorStream } from '~/routes/projects.$projectId.assistant.stream'
import type { AssistantAnswer } from '~/shared/assistant'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { readEventStream, type SseEvent } from '../support/sse-reader'
import { type OpenAIServer, startOpenAIServer } from '../support/openai-server'
import { failingPartnerRun, shopProject } from '../support/traces'
import {
  cookieFor,
  createMember,
  createOrg,
  createPartnerUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'

let shop: Awaited<ReturnType<typeof shopProject>>
let runId: string
let siblingRunId: string
let siblingId: string
let partnerCookie: string
let siblingCookie: string
let foreignPartnerCookie: string
let outsiderCookie: string
let viewerCookie: string
let vendorCookie: string
let openai: OpenAIServer

beforeAll(async () => {
  shop = await shopProject('assist-routes')
  const environmentId = (
    await db.environment.create({
      data: {
        projectId: shop.project.id,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sandbox.shop.test/v1',
      },
    })
  ).id
  const sibling = await db.partnerProject.create({
    data: { projectId: shop.project.id, name: 'Sibling', slug: 'assist-sibling' },
  })
  siblingId = sibling.id
  runId = await failingPartnerRun(shop, shop.partner.id, environmentId)
  siblingRunId = await failingPartnerRun(shop, sibling.id, environmentId)
  partnerCookie = (await createPartnerUser(shop.partner.id)).cookie
  siblingCookie = (await createPartnerUser(sibling.id)).cookie
  const foreign = await shopProject('assist-foreign')
  foreignPartnerCookie = (await createPartnerUser(foreign.partner.id)).cookie
  outsiderCookie = await cookieFor(
    (await createMember((await createOrg('Other')).id, 'OWNER')).user.id,
  )
  viewerCookie = await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id)
  vendorCookie = await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id)
  openai = await startOpenAIServer()
})

afterAll(async () => {
  delete process.env.OPENAI_API_KEY
  delete process.env.OPENAI_BASE_URL
  resetEnvCache()
  await openai?.close()
})

const vendorPath = () => `/projects/${shop.project.id}/assistant`
const partnerPath = () => `/partner/${shop.partner.id}/assistant`
const vendorParams = () => ({ projectId: shop.project.id })
const partnerParams = () => ({ partnerProjectId: shop.partner.id })

function caseQuestion(overrides: Record<string, string> = {}) {
  return {
    subjectKind: 'case',
    runId,
    seq: '1',
    prompt: 'troubleshoot',
    question: 'Why does this case fail?',
    ...overrides,
  }
}

async function events(response: Response) {
  const seen: SseEvent[] = []
  await readEventStream(response.body!, (event) => {
    seen.push(event)
  })
  return seen
}

describe('who may ask', () => {
  it('hides the project from an outsider and from partners (404)', async () => {
    for (const cookie of [outsiderCookie, partnerCookie]) {
      for (const [route, path] of [
        [vendorStream, `${vendorPath()}/stream`],
        [vendorAsk, vendorPath()],
      ] as const) {
        const result = await settle(() =>
          route(routeArgs(formRequest(path, caseQuestion(), cookie), vendorParams())),
        )
        expect(result.status).toBe(404)
      }
    }
  })

  it("hides a partner project from the project's other partner and another project's partner (404)", async () => {
    for (const cookie of [siblingCookie, foreignPartnerCookie, vendorCookie]) {
      for (const [route, path] of [
        [partnerStream, `${partnerPath()}/stream`],
        [partnerAsk, partnerPath()],
      ] as const) {
        const result = await settle(() =>
          route(routeArgs(formRequest(path, caseQuestion(), cookie), partnerParams())),
        )
        expect(result.status).toBe(404)
      }
    }
  })

  it("finds no other partner's run under a partner's own URL (404)", async () => {
    const stream = await settle(() =>
      partnerStream(
        routeArgs(
          formRequest(
            `${partnerPath()}/stream`,
            caseQuestion({ runId: siblingRunId }),
            partnerCookie,
          ),
          partnerParams(),
        ),
      ),
    )
    expect(stream.status).toBe(404)
    const page = await settle(() =>
      partnerAsk(
        routeArgs(
          formRequest(partnerPath(), caseQuestion({ runId: siblingRunId }), partnerCookie),
          partnerParams(),
        ),
      ),
    )
    expect(page.status).toBe(404)
    expect(siblingId).toBeTruthy()
  })

  it('lets a viewer ask, but not draft an annotation (403); a vendor drafts', async () => {
    const asked = await settle(() =>
      vendorStream(
        routeArgs(
          formRequest(`${vendorPath()}/stream`, caseQuestion(), viewerCookie),
          vendorParams(),
        ),
      ),
    )
    expect(asked.status).toBe(200)
    expect(asked.response!.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect((await events(asked.response!)).at(-1)?.event).toBe('done')

    const draft = caseQuestion({ prompt: 'draft-annotation' })
    for (const [route, path] of [
      [vendorStream, `${vendorPath()}/stream`],
      [vendorAsk, vendorPath()],
    ] as const) {
      const refused = await settle(() =>
        route(routeArgs(formRequest(path, draft, viewerCookie), vendorParams())),
      )
      expect(refused.status).toBe(403)
    }
    const drafted = await settle(() =>
      vendorStream(
        routeArgs(formRequest(`${vendorPath()}/stream`, draft, vendorCookie), vendorParams()),
      ),
    )
    expect(drafted.status).toBe(200)
    expect((await events(drafted.response!)).at(-1)?.event).toBe('done')
  })

  it('does not let a partner draft annotations (403)', async () => {
    const result = await settle(() =>
      partnerStream(
        routeArgs(
          formRequest(
            `${partnerPath()}/stream`,
            caseQuestion({ prompt: 'draft-annotation' }),
            partnerCookie,
          ),
          partnerParams(),
        ),
      ),
    )
    expect(result.status).toBe(403)
  })
})

describe('malformed questions', () => {
  const malformed: Record<string, string>[] = [
    caseQuestion({ question: '   ' }),
    caseQuestion({ question: 'x'.repeat(2001) }),
    caseQuestion({ seq: 'zero' }),
    caseQuestion({ subjectKind: 'galaxy' }),
    { subjectKind: 'case', runId, prompt: 'troubleshoot', question: 'Why?' },
    { subjectKind: 'trace', prompt: 'explain-error', question: 'Why?' },
    caseQuestion({ prompt: 'write-a-poem' }),
  ]

  it('answers 400 with what is wrong, on both routes and both sides', async () => {
    for (const fields of malformed) {
      for (const [route, path, params, cookie] of [
        [vendorStream, `${vendorPath()}/stream`, vendorParams(), vendorCookie],
        [vendorAsk, vendorPath(), vendorParams(), vendorCookie],
        [partnerStream, `${partnerPath()}/stream`, partnerParams(), partnerCookie],
        [partnerAsk, partnerPath(), partnerParams(), partnerCookie],
      ] as const) {
        const result = await settle(() =>
          route(routeArgs(formRequest(path, fields, cookie), params)),
        )
        expect(result.status, JSON.stringify(fields)).toBe(400)
        expect((await result.response!.text()).length).toBeGreaterThan(3)
      }
    }
  })
})

describe('without JavaScript', () => {
  it('answers, then sends the browser back to the panel, where the conversation shows it', async () => {
    const back = `/partner/${shop.partner.id}/tests/runs/${runId}/cases/1`
    const result = await settle(() =>
      partnerAsk(
        routeArgs(
          formRequest(
            partnerPath(),
            caseQuestion({ question: 'No-JS: why does it fail?', redirectTo: back }),
            partnerCookie,
          ),
          partnerParams(),
        ),
      ),
    )
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe(`${back}#assistant`)
    const page = await settle(() =>
      partnerCaseLoader(
        routeArgs(getRequest(back, partnerCookie), {
          ...partnerParams(),
          runId,
          seq: '1',
        }),
      ),
    )
    const { assistant } = page.data as {
      assistant: { conversation: { messages: { role: string; content: string }[] } | null }
    }
    const messages = assistant.conversation!.messages
    expect(messages.at(-2)).toMatchObject({ role: 'user', content: 'No-JS: why does it fail?' })
    expect(messages.at(-1)?.role).toBe('assistant')
    expect(messages.at(-1)?.content.length).toBeGreaterThan(20)
  })

  it('goes back only to a page of this site', async () => {
    for (const redirectTo of ['https://evil.example/x', '//evil.example', '/\\evil.example']) {
      const result = await settle(() =>
        partnerAsk(
          routeArgs(
            formRequest(partnerPath(), caseQuestion({ redirectTo }), partnerCookie),
            partnerParams(),
          ),
        ),
      )
      expect(result.response!.headers.get('Location')).toBe(`/partner/${shop.partner.id}#assistant`)
    }
  })

  it('shows the rate limit in the panel once, with the question kept', async () => {
    const user = await createPartnerUser(shop.partner.id)
    const limit = 20
    await db.assistantCall.createMany({
      data: Array.from({ length: limit }, () => ({
        projectId: shop.project.id,
        partnerProjectId: null,
        userId: user.user.id,
        promptKind: 'troubleshoot',
        source: 'troubleshooter',
        outcome: 'no-model',
      })),
    })
    const back = `/partner/${shop.partner.id}/tests/runs/${runId}/cases/1`
    const refused = await settle(() =>
      partnerAsk(
        routeArgs(
          formRequest(
            partnerPath(),
            caseQuestion({ question: 'One more?', redirectTo: back }),
            user.cookie,
          ),
          partnerParams(),
        ),
      ),
    )
    expect(refused.status).toBe(302)
    const flash = refused.response!.headers.get('Set-Cookie')!.split(';')[0]!
    const page = await settle(() =>
      partnerCaseLoader(
        routeArgs(getRequest(back, `${user.cookie}; ${flash}`), {
          ...partnerParams(),
          runId,
          seq: '1',
        }),
      ),
    )
    const { assistant } = page.data as {
      assistant: { flash: { message: string; question: string; status: number } | null }
    }
    expect(assistant.flash).toMatchObject({ status: 429, question: 'One more?' })
    expect(assistant.flash!.message).toMatch(/questions in the last hour/)

    // With JavaScript the stream route refuses before streaming: a plain 429 with the message.
    const streamed = await settle(() =>
      partnerStream(
        routeArgs(
          formRequest(`${partnerPath()}/stream`, caseQuestion(), user.cookie),
          partnerParams(),
        ),
      ),
    )
    expect(streamed.status).toBe(429)
    expect(((await streamed.response!.json()) as { error: string }).error).toMatch(/last hour/)
  })

  it('leaves the partner assistant URL itself to the dashboard', async () => {
    const result = await settle(() =>
      partnerAssistantLoader(routeArgs(getRequest(partnerPath(), partnerCookie), partnerParams())),
    )
    expect(result.status).toBe(302)
    expect(result.response!.headers.get('Location')).toBe(`/partner/${shop.partner.id}`)
  })
})

describe('the stream, with a model', () => {
  it('sends the model’s tokens as they come, then the whole answer citing the case', async () => {
    process.env.OPENAI_API_KEY = 'sk-test-assistant-routes'
    process.env.OPENAI_BASE_URL = openai.url
    resetEnvCache()
    try {
      const result = await settle(() =>
        partnerStream(
          routeArgs(
            formRequest(`${partnerPath()}/stream`, caseQuestion(), partnerCookie),
            partnerParams(),
          ),
        ),
      )
      expect(result.status).toBe(200)
      const response = result.response!
      expect(response.headers.get('cache-control')).toContain('no-transform')
      const raw = await response.text()
      // Framing: `event:` and `data:` lines, blank line between events.
      expect(raw).toMatch(/^event: token\ndata: "/)
      const blocks = raw.split('\n\n').filter(Boolean)
      const names = blocks.map((block) => /^event: (.+)$/m.exec(block)?.[1])
      expect(names.filter((name) => name === 'token').length).toBeGreaterThan(2)
      expect(names.at(-1)).toBe('done')
      expect(names.indexOf('done')).toBe(names.length - 1)
      const tokens = blocks
        .filter((block) => block.startsWith('event: token'))
        .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as string)
        .join('')
      const answer = JSON.parse(
        blocks.at(-1)!.slice(blocks.at(-1)!.indexOf('data: ') + 6),
      ) as AssistantAnswer
      expect(answer.source).toBe('model')
      expect(tokens).toContain('The facts show')
      const caseLink = `/partner/${shop.partner.id}/tests/runs/${runId}/cases/1`
      expect(answer.citations.map((citation) => citation.url)).toContain(caseLink)
      expect(answer.answer).toContain(`[case:${runId}:1]`)
    } finally {
      delete process.env.OPENAI_API_KEY
      delete process.env.OPENAI_BASE_URL
      resetEnvCache()
    }
  })

  it('counts every question on the vendor’s usage page', async () => {
    const result = await settle(() =>
      usageLoader(routeArgs(getRequest(vendorPath(), viewerCookie), vendorParams())),
    )
    expect(result.status).toBe(200)
    const usage = result.data as {
      totals: { partnerProjectId: string | null; calls: number; modelAnswers: number }[]
      calls: { who: string; prompt: string; source: string }[]
    }
    const partnerRow = usage.totals.find((row) => row.partnerProjectId === shop.partner.id)!
    expect(partnerRow.calls).toBeGreaterThanOrEqual(2)
    expect(partnerRow.modelAnswers).toBeGreaterThanOrEqual(1)
    expect(usage.totals.find((row) => row.partnerProjectId === null)!.calls).toBeGreaterThanOrEqual(
      2,
    )
    expect(usage.calls.some((call) => call.source === 'model')).toBe(true)
  })
})
