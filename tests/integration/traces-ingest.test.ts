/**
 * POST /api/v1/traces: signed batches (JSON and HAR), refusals (unsigned, wrong, old,
 * replayed, unknown partner) logged for the vendor, rotation with an overlap, size limits,
 * malformed and hostile bodies, and what is stored: the matched operation, violations,
 * redacted credentials.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { rotateTraceSecret, retirePreviousSecret } from '~/server/traces/secrets.server'
import type { Actor } from '~/server/audit/log.server'
import { createMember } from '../helpers'
import { order, postTraces, shopProject, TRACE_SECRET } from '../support/traces'

let partner: { id: string; slug: string; projectId: string }
let actor: Actor

beforeAll(async () => {
  const shop = await shopProject('globex-test')
  partner = shop.partner
  const { user } = await createMember(shop.org.id, 'OWNER')
  actor = { userId: user.id, organizationId: shop.org.id, projectId: shop.project.id, via: 'page' }
})

const batch = (...traces: unknown[]) => JSON.stringify({ traces })

describe('signed batches', () => {
  it('accepts a signed batch, matches each trace to its operation and judges it', async () => {
    const { status, json } = await postTraces(
      partner.slug,
      batch(
        order(),
        order({
          request: { method: 'GET', url: 'https://api.shop.test/v1/orders/ord_1?limit=5' },
          response: {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: { id: 'ord_1', amount: 1200, currency: 'EUR' },
          },
        }),
        // Invalid: the request misses currency, the answer has a string amount.
        order({
          request: {
            method: 'POST',
            url: '/v1/orders',
            headers: { 'content-type': 'application/json' },
            body: { amount: 5 },
          },
          response: {
            status: 201,
            headers: { 'content-type': 'application/json' },
            body: { id: 'ord_2', amount: 'five', currency: 'EUR' },
          },
        }),
        // Undocumented status, unknown path.
        order({
          request: { method: 'DELETE', url: 'https://api.shop.test/v1/orders/ord_1' },
          response: { status: 204 },
        }),
        order({
          request: { method: 'GET', url: 'https://api.shop.test/v1/nothing' },
          response: { status: 404 },
        }),
      ),
    )
    expect(status).toBe(201)
    expect(json).toMatchObject({ accepted: 5, valid: 2, rejected: [] })
    const ids = json.ids as string[]
    const traces = await db.trace.findMany({ where: { id: { in: ids } } })
    const byId = new Map(traces.map((trace) => [trace.id, trace]))
    const [created, fetched, invalid, wrongMethod, unknown] = ids.map((id) => byId.get(id)!)
    expect(created).toMatchObject({ operationKey: 'createOrder', valid: true, verified: true })
    expect(fetched).toMatchObject({ operationKey: 'getOrder', valid: true, status: 200 })
    expect(invalid).toMatchObject({ operationKey: 'createOrder', valid: false })
    const violations = JSON.parse(invalid!.violations) as { side: string; location: string }[]
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ side: 'request', location: 'body/currency' }),
        expect.objectContaining({ side: 'response', location: 'body/amount' }),
      ]),
    )
    expect(wrongMethod).toMatchObject({ operationKey: '', valid: false })
    expect(wrongMethod!.violations).toContain('does not document DELETE')
    expect(unknown).toMatchObject({ operationKey: '', valid: false })
    // Credentials are redacted before storage, the scheme kept.
    const request = JSON.parse(created!.request) as { headers: Record<string, string> }
    expect(request.headers.authorization).toBe('Bearer [redacted]')
    expect(created!.request).not.toContain('sk_live_abcdef123456')
  })

  it('rejects malformed traces alone, with their index and reason', async () => {
    const { status, json } = await postTraces(
      partner.id,
      batch(
        order(),
        { request: { method: 'GET' }, response: { status: 200 } },
        order({ response: { status: 99 } }),
        order({ request: { method: 'GET', url: 'ftp://example.test/x' } }),
        order({ timestamp: 'yesterday-ish' }),
        'not an object',
      ),
    )
    expect(status).toBe(201)
    expect(json.accepted).toBe(1)
    const rejected = json.rejected as { index: number; reason: string }[]
    expect(rejected.map((entry) => entry.index)).toEqual([1, 2, 3, 4, 5])
    expect(rejected[0]!.reason).toMatch(/url/)
    expect(rejected[1]!.reason).toMatch(/100-599/)
    expect(rejected[2]!.reason).toMatch(/http\(s\)/)
    expect(rejected[3]!.reason).toMatch(/timestamp/)
  })

  it('takes a HAR 1.2 file', async () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: [
          {
            startedDateTime: new Date().toISOString(),
            time: 12.7,
            request: {
              method: 'POST',
              url: 'https://api.shop.test/v1/orders',
              httpVersion: 'HTTP/1.1',
              headers: [
                { name: 'Content-Type', value: 'application/json' },
                { name: 'Cookie', value: 'session=abc123secret' },
              ],
              postData: { mimeType: 'application/json', text: '{"amount":3,"currency":"USD"}' },
            },
            response: {
              status: 201,
              headers: [{ name: 'Content-Type', value: 'application/json' }],
              content: {
                mimeType: 'application/json',
                encoding: 'base64',
                text: Buffer.from('{"id":"o","amount":3,"currency":"USD"}').toString('base64'),
              },
            },
          },
        ],
      },
    }
    const { status, json } = await postTraces(partner.slug, JSON.stringify(har), {
      contentType: 'application/har+json',
    })
    expect(status).toBe(201)
    expect(json).toMatchObject({ accepted: 1, valid: 1 })
    const trace = await db.trace.findUniqueOrThrow({ where: { id: (json.ids as string[])[0] } })
    expect(trace.durationMs).toBe(13)
    expect(trace.request).not.toContain('abc123secret')
  })
})

describe('refusals', () => {
  it('refuses unsigned, wrongly signed, old and future batches with the reason, and logs them', async () => {
    const body = batch(order())
    const before = await db.traceRefusal.count({ where: { partnerProjectId: partner.id } })
    const unsigned = await postTraces(partner.slug, body, { sign: false })
    expect(unsigned.status).toBe(401)
    expect(unsigned.json.error).toMatch(/not signed/)
    const wrong = await postTraces(partner.slug, body, { secret: 'tsk_someone_else' })
    expect(wrong.status).toBe(401)
    expect(wrong.json.error).toMatch(/does not match/)
    const old = await postTraces(partner.slug, body, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    })
    expect(old.status).toBe(401)
    expect(old.json.error).toMatch(/too old/)
    const future = await postTraces(partner.slug, body, {
      timestamp: Math.floor(Date.now() / 1000) + 10 * 60,
    })
    expect(future.status).toBe(401)
    expect(future.json.error).toMatch(/future/)
    const garbled = await postTraces(partner.slug, body, {
      headers: { 'X-Copilot-Signature': 'md5=abc' },
    })
    expect(garbled.status).toBe(401)
    expect(garbled.json.error).toMatch(/sha256=/)
    const refusals = await db.traceRefusal.findMany({
      where: { partnerProjectId: partner.id },
      orderBy: { at: 'asc' },
    })
    expect(refusals.length - before).toBe(5)
    expect(refusals.at(-1)!.reason).toMatch(/sha256=/)
  })

  it('refuses a replayed batch, also once the process has forgotten it (the signature is stored)', async () => {
    const body = batch(order())
    const timestamp = Math.floor(Date.now() / 1000)
    expect((await postTraces(partner.slug, body, { timestamp })).status).toBe(201)
    const again = await postTraces(partner.slug, body, { timestamp })
    expect(again.status).toBe(401)
    expect(again.json.error).toMatch(/replay/)
    expect(await db.traceSignature.count()).toBeGreaterThan(0)
  })

  it('says which partner project is unknown or missing', async () => {
    const missing = await postTraces('', batch(order()))
    expect(missing.status).toBe(401)
    expect(missing.json.error).toMatch(/X-Copilot-Partner/)
    const unknown = await postTraces('no-such-partner', batch(order()))
    expect(unknown.status).toBe(401)
    expect(unknown.json.error).toMatch(/No partner project/)
  })

  it('asks for the id when two projects use the same slug', async () => {
    await shopProject('twin')
    await shopProject('twin')
    const { status, json } = await postTraces('twin', batch(order()))
    expect(status).toBe(400)
    expect(json.error).toMatch(/send its id/)
  })
})

describe('rotation', () => {
  it('verifies with the previous secret during the overlap, and only with the new one after', async () => {
    const fresh = await shopProject()
    const newSecret = await rotateTraceSecret(fresh.project.id, fresh.partner.id, actor, {
      overlapHours: 24,
    })
    expect(newSecret).toMatch(/^tsk_/)
    expect((await postTraces(fresh.partner.id, batch(order()))).status).toBe(201)
    expect((await postTraces(fresh.partner.id, batch(order()), { secret: newSecret })).status).toBe(
      201,
    )
    await retirePreviousSecret(fresh.project.id, fresh.partner.id, actor)
    const old = await postTraces(fresh.partner.id, batch(order()))
    expect(old.status).toBe(401)
    expect((await postTraces(fresh.partner.id, batch(order()), { secret: newSecret })).status).toBe(
      201,
    )
    const stored = await db.partnerProject.findUniqueOrThrow({ where: { id: fresh.partner.id } })
    expect(stored.traceSecret).not.toContain(newSecret)
    expect(stored.traceSecret).not.toContain(TRACE_SECRET)
  })
})

describe('limits and hostile input', () => {
  it('answers 413 beyond 1,000 traces or 10 MB', async () => {
    const many = await postTraces(
      partner.slug,
      batch(...Array.from({ length: 1001 }, () => order())),
    )
    expect(many.status).toBe(413)
    expect(many.json.error).toMatch(/at most 1,000/)
    const big = await postTraces(
      partner.slug,
      batch(order({ response: { status: 200, body: 'x'.repeat(10 * 1024 * 1024) } })),
    )
    expect(big.status).toBe(413)
  })

  it('answers 400 for a body that is not a batch, 415 for another content type', async () => {
    for (const body of ['{"traces": [', '[]', '{"traces": []}', '{"log": {}}', 'null']) {
      const { status, json } = await postTraces(partner.slug, body)
      expect(status, body).toBe(400)
      expect(String(json.error)).not.toMatch(/at .*\.ts:/)
    }
    const xml = await postTraces(partner.slug, '<traces/>', { contentType: 'application/xml' })
    expect(xml.status).toBe(415)
  })

  it('survives absurd nesting and hostile strings, storing them inert', async () => {
    const deep = `{"traces":[${'['.repeat(50_000)}${']'.repeat(50_000)}]}`
    const nested = await postTraces(partner.slug, deep)
    // Parsed, then rejected alone (a list is not a trace): nothing accepted, so 422.
    expect(nested.status).toBe(422)
    expect(nested.json).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] })
    const hostile = await postTraces(
      partner.slug,
      batch(
        order({
          request: {
            method: 'GET',
            url: 'https://api.shop.test/v1/orders/<script>alert(1)</script>?token=abc123def456',
          },
          response: {
            status: 200,
            headers: { 'content-type': 'text/html' },
            body: '<img src=x onerror=alert(1)>',
          },
        }),
      ),
    )
    expect(hostile.status).toBe(201)
    const trace = await db.trace.findUniqueOrThrow({
      where: { id: (hostile.json.ids as string[])[0] },
    })
    expect(trace.url).not.toContain('abc123def456')
  })
})
