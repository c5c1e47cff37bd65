/** The mock page's forms (settings, webhook target) with malformed, oversized and hostile input. */
import { beforeAll, describe, expect, it } from 'vitest'
import { action } from '~/routes/projects.$projectId.mocks.$mockId'
import { db } from '~/server/db.server'
import { DEFAULT_MOCK_CONFIG } from '~/server/mocks/engine.server'
import { readMockConfig, writeMockConfig } from '~/server/mocks/supervisor.server'
import { webhookTarget } from '~/server/mocks/webhooks.server'
import { importSpec } from '~/server/specs/store.server'
import { cookieFor, createMember, createOrg, createProject, formRequest, settle } from '../helpers'

const SPEC = `openapi: 3.1.0
info: {title: Settings API, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
security: [{key: []}]
paths:
  /ping:
    get:
      responses: {"200": {description: ok}}
webhooks:
  pinged:
    post:
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
`

let projectId: string
let mockId: string
let cookie: string
const VALID = {
  stateful: 'on',
  rateLimitRequests: '10',
  rateLimitWindow: '60',
  latencyFixed: '0',
  latencyRandom: '0',
  errorRatePercent: '0',
}

beforeAll(async () => {
  const org = await createOrg()
  projectId = (await createProject(org.id)).id
  cookie = await cookieFor((await createMember(org.id, 'VENDOR')).user.id)
  const { version } = await importSpec({
    projectId,
    raw: new TextEncoder().encode(SPEC),
    sourceKind: 'paste',
  })
  mockId = (
    await db.mock.create({
      data: {
        projectId,
        specVersionId: version.id,
        desiredState: 'stopped',
        status: 'stopped',
        config: writeMockConfig(DEFAULT_MOCK_CONFIG),
      },
    })
  ).id
})

const submit = (fields: Record<string, string>) =>
  settle(() =>
    action({
      request: formRequest(`/projects/${projectId}/mocks/${mockId}`, fields, cookie),
      params: { projectId, mockId },
      context: {},
    }),
  )

type Reply = { status?: string; error?: Record<string, string[]>; initialValue?: unknown }
const settingsReply = (data: unknown) => (data as { settings: Reply }).settings
const storedConfig = async () =>
  readMockConfig((await db.mock.findUniqueOrThrow({ where: { id: mockId } })).config)

describe('mock settings form', () => {
  it('saves valid settings, with an unchecked box meaning stateful off', async () => {
    const { stateful: _, ...withoutStateful } = VALID
    expect((await submit(withoutStateful)).status).toBe(302)
    expect(await storedConfig()).toMatchObject({
      stateful: false,
      rateLimit: { requests: 10, windowSeconds: 60 },
    })
  })

  it.each([
    ['rateLimitRequests', '-1', 'Use 0 or more.'],
    ['errorRatePercent', '101', 'Use at most 100.'],
    ['latencyFixed', '1e12', 'Use at most 60,000.'],
    ['rateLimitWindow', 'soon', 'Enter a whole number (0 or more).'],
    ['latencyRandom', '2.5', 'Use a whole number.'],
    ['errorRatePercent', '', 'Enter a whole number (0 or more).'],
  ])(
    'refuses %s=%j with a message on the field, keeping what was typed',
    async (field, value, message) => {
      const before = await storedConfig()
      const result = await submit({ ...VALID, [field]: value })
      expect(result.status).toBe(400)
      const reply = settingsReply(result.data)
      expect(reply.error?.[field]).toEqual([message])
      const typed = Object.entries({ ...VALID, [field]: value }).filter(([, entry]) => entry !== '')
      expect(reply.initialValue).toEqual(Object.fromEntries(typed))
      expect(await storedConfig()).toEqual(before)
    },
  )

  it('saves CORS origins normalised, and refuses what is not an origin', async () => {
    const saved = await submit({
      ...VALID,
      corsOrigins: 'https://App.Example.com:443, http://localhost:5173\nhttps://app.example.com',
    })
    expect(saved.status).toBe(302)
    expect((await storedConfig()).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ])
    for (const [value, message] of [
      ['https://app.example.com/path', /"https:\/\/app.example.com\/path" is not an origin/],
      ['javascript:alert(1)', /is not an origin/],
      ['*', /"\*" is not an origin/],
      [Array.from({ length: 21 }, (_, index) => `https://a${index}.test`).join(' '), /at most 20/],
      ['x'.repeat(5000), /at most 4000 characters/],
    ] as const) {
      const refused = await submit({ ...VALID, corsOrigins: value })
      expect(refused.status).toBe(400)
      expect(settingsReply(refused.data).error?.corsOrigins?.[0]).toMatch(message)
    }
    expect((await storedConfig()).corsOrigins).toHaveLength(2)
    expect((await submit({ ...VALID, corsOrigins: '' })).status).toBe(302)
    expect((await storedConfig()).corsOrigins).toEqual([])
  })

  it('never sends a typed credential back when the form is refused', async () => {
    const result = await submit({ ...VALID, errorRatePercent: '-5', 'credential:key': 'sk_live_x' })
    expect(result.status).toBe(400)
    expect(JSON.stringify(result.data)).not.toContain('sk_live_x')
  })

  it('stores a hostile credential sealed and truncated, never in the clear', async () => {
    const credential = `<script>alert(1)</script>${'k'.repeat(10_000)}`
    expect((await submit({ ...VALID, 'credential:key': credential })).status).toBe(302)
    const raw = (await db.mock.findUniqueOrThrow({ where: { id: mockId } })).config
    expect(raw).not.toContain('<script>')
    expect((await storedConfig()).credentials.key).toBe(credential.slice(0, 500))
    expect((await submit({ ...VALID, 'credential:key': '', 'clear:key': 'on' })).status).toBe(302)
    expect((await storedConfig()).credentials).toEqual({})
  })
})

describe('webhook target form', () => {
  it.each([
    ['a javascript: URL', 'javascript:alert(1)', 'Enter an http(s) URL'],
    ['an ftp URL', 'ftp://files.example.com/hook', 'Enter an http(s) URL'],
    ['a URL with a space', 'https://example.com/has space', 'Enter an http(s) URL'],
    ['a 2100-character URL', `https://example.com/${'a'.repeat(2100)}`, 'at most 2000 characters'],
  ])('refuses %s and keeps the stored target', async (_, targetUrl, message) => {
    const result = await submit({ intent: 'webhook-target', targetUrl })
    expect(result.status).toBe(400)
    const reply = (result.data as { webhook: Reply }).webhook
    expect(reply.error?.targetUrl?.[0]).toContain(message)
    expect(await webhookTarget(mockId)).toBeNull()
  })

  it('saves an http(s) target and removes it when emptied', async () => {
    // The first target creates the signing secret and shows it this once.
    const first = await submit({
      intent: 'webhook-target',
      targetUrl: ' https://partner.example/hooks ',
    })
    expect(first.status).toBe(200)
    expect((first.data as { revealedSecret: string }).revealedSecret).toMatch(/^whsec_/)
    expect(
      (await submit({ intent: 'webhook-target', targetUrl: 'https://partner.example/hooks2' }))
        .status,
    ).toBe(302)
    expect(await webhookTarget(mockId)).toBe('https://partner.example/hooks2')
    expect((await submit({ intent: 'webhook-target', targetUrl: '   ' })).status).toBe(302)
    expect(await webhookTarget(mockId)).toBeNull()
  })
})
