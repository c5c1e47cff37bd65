/**
 * The Traces tab, through its loaders and actions: the list (each filter, keyset pages both
 * ways, the scan budget, hostile cursors and filter values), a trace's page (violations on
 * their lines, 404 across projects), coverage counts, and the partners' page (secrets shown
 * once and stored sealed, HAR uploads with a bad entry, the size limit, permissions).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loader as coverageLoader } from '~/routes/projects.$projectId.traces.coverage'
import { loader as detailLoader } from '~/routes/projects.$projectId.traces.$traceId'
import { loader as listLoader } from '~/routes/projects.$projectId.traces._index'
import {
  action as partnersAction,
  loader as partnersLoader,
} from '~/routes/projects.$projectId.traces.partners'
import { decryptSecret } from '~/server/crypto.server'
import { db } from '~/server/db.server'
import type { listTraces, TraceDetail, traceCoverage } from '~/server/traces/query.server'
import { MAX_BATCH_BYTES } from '~/server/traces/parse.server'
import { setTraceSecret } from '~/server/traces/secrets.server'
import { BASE_URL, cookieFor, createMember, formRequest, getRequest, settle } from '../helpers'
import { order, postTraces, shopProject, TRACE_SECRET, type TraceJson } from '../support/traces'

type Shop = Awaited<ReturnType<typeof shopProject>>
type ListData = {
  page: Awaited<ReturnType<typeof listTraces>>
  problems: string[]
  filtered: boolean
  values: Record<string, string>
}
type Cookies = { viewer: string; vendor: string; owner: string }

const batch = (...traces: TraceJson[]) => JSON.stringify({ traces })

async function membersOf(shop: Shop): Promise<Cookies> {
  return {
    viewer: await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id),
    vendor: await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id),
    owner: await cookieFor((await createMember(shop.org.id, 'OWNER')).user.id),
  }
}

async function post(partnerRef: string, ...traces: TraceJson[]) {
  const { status, json } = await postTraces(partnerRef, batch(...traces))
  expect(status, JSON.stringify(json)).toBe(201)
  return json.ids as string[]
}

function listOf(projectId: string, cookie: string) {
  return async (query = '') => {
    const result = await settle(() =>
      listLoader({
        request: getRequest(`/projects/${projectId}/traces${query ? `?${query}` : ''}`, cookie),
        params: { projectId },
        context: {},
      }),
    )
    expect(result.status).toBe(200)
    return result.data as ListData
  }
}

function harOf(entries: unknown[]) {
  return JSON.stringify({
    log: { version: '1.2', creator: { name: 'test', version: '1' }, entries },
  })
}

const harEntry = (
  method: string,
  url: string,
  status: number,
  body?: unknown,
  postData?: unknown,
) => ({
  startedDateTime: new Date().toISOString(),
  time: 20,
  request: {
    method,
    url,
    headers: [{ name: 'Authorization', value: 'Bearer sk_live_fromthebrowser' }],
    ...(postData
      ? { postData: { mimeType: 'application/json', text: JSON.stringify(postData) } }
      : {}),
  },
  response: {
    status,
    headers: [{ name: 'Content-Type', value: 'application/json' }],
    content: { mimeType: 'application/json', text: body === undefined ? '' : JSON.stringify(body) },
  },
})

function uploadRequest(
  projectId: string,
  cookie: string,
  file: { name: string; content: string | Uint8Array<ArrayBuffer>; type?: string },
  partnerProjectId: string,
  headers: Record<string, string> = {},
) {
  const form = new FormData()
  form.set('intent', 'upload')
  form.set('partnerProjectId', partnerProjectId)
  form.set('file', new File([file.content], file.name, { type: file.type ?? '' }))
  return new Request(`${BASE_URL}/projects/${projectId}/traces/partners`, {
    method: 'POST',
    headers: { Cookie: cookie, ...headers },
    body: form,
  })
}

const runPartners = (projectId: string, request: Request) =>
  settle(() => partnersAction({ request, params: { projectId }, context: {} }) as Promise<unknown>)

describe('the list', () => {
  let shop: Shop
  let cookies: Cookies
  let list: ReturnType<typeof listOf>
  let second: { id: string; slug: string }
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    shop = await shopProject()
    cookies = await membersOf(shop)
    list = listOf(shop.project.id, cookies.viewer)
    second = await db.partnerProject.create({
      data: {
        projectId: shop.project.id,
        name: 'Second Partner',
        slug: `second-${shop.partner.slug}`,
      },
    })
    await setTraceSecret(second.id, TRACE_SECRET)
    const first = await post(
      shop.partner.slug,
      order(),
      order({
        request: { method: 'GET', url: 'https://api.shop.test/v1/orders/ord_1' },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { id: 'ord_1', amount: 1200, currency: 'EUR' },
        },
      }),
      order({
        request: {
          method: 'POST',
          url: 'https://api.shop.test/v1/orders',
          headers: { 'content-type': 'application/json' },
          body: { amount: 5 },
        },
        response: {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: { id: 'ord_2', amount: 'five', currency: 'EUR' },
        },
      }),
      order({
        request: { method: 'GET', url: 'https://api.shop.test/v1/nothing' },
        response: { status: 404 },
      }),
      order({
        request: { method: 'GET', url: 'https://api.shop.test/v1/orders?limit=500' },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { data: [] },
        },
      }),
    )
    for (const [index, name] of [
      'created',
      'fetched',
      'invalid',
      'unmatched',
      'overLimit',
    ].entries())
      ids[name] = first[index]!
    const old = await post(
      second.id,
      order(),
      order({
        request: { method: 'GET', url: 'https://api.shop.test/v1/orders/missing' },
        response: {
          status: 404,
          headers: { 'content-type': 'application/json' },
          body: { message: 'not found' },
        },
      }),
    )
    // This batch arrived on 15/01/2026.
    await db.trace.updateMany({
      where: { id: { in: old } },
      data: { receivedAt: new Date('2026-01-15T10:00:00Z') },
    })
    const uploaded = await runPartners(
      shop.project.id,
      uploadRequest(
        shop.project.id,
        cookies.vendor,
        {
          name: 'session.har',
          content: harOf([
            harEntry('GET', 'https://api.shop.test/v1/orders/ord_9', 200, {
              id: 'ord_9',
              amount: 9,
              currency: 'USD',
            }),
            harEntry(
              'POST',
              'https://api.shop.test/v1/orders',
              201,
              { id: 'o', amount: 3, currency: 'USD' },
              {
                amount: 3,
                currency: 'USD',
              },
            ),
          ]),
        },
        second.id,
      ),
    )
    expect(uploaded.status).toBe(200)
  })

  const count = async (query: string) => (await list(query)).page.traces.length

  it('shows every trace, newest first, without bodies', async () => {
    const { page, filtered, problems } = await list()
    expect(filtered).toBe(false)
    expect(problems).toEqual([])
    expect(page.traces).toHaveLength(9)
    expect(page.older).toBeNull()
    expect(page.paged).toBe(false)
    const times = page.traces.map((trace) => trace.receivedAt)
    expect([...times].sort().reverse()).toEqual(times)
    expect(Object.keys(page.traces[0]!)).not.toContain('request')
    expect(JSON.stringify(page)).not.toContain('sk_live')
  })

  it('filters by partner (id or slug)', async () => {
    expect(await count(`partner=${shop.partner.id}`)).toBe(5)
    expect(await count(`partner=${second.slug}`)).toBe(4)
  })

  it('filters by operation, and by no operation', async () => {
    const created = await list('operation=createOrder')
    expect(created.page.traces).toHaveLength(4)
    expect(created.page.matching).toBe(4)
    expect(await count('operation=getOrder')).toBe(3)
    expect(await count('operation=listOrders')).toBe(1)
    const unmatched = await list('operation=(unmatched)')
    expect(unmatched.page.traces.map((trace) => trace.id)).toEqual([ids.unmatched])
    expect(await count(`operation=getOrder&partner=${second.id}&verified=no`)).toBe(1)
  })

  it('filters by status code and class', async () => {
    expect(await count('status=404')).toBe(2)
    expect(await count('status=4xx')).toBe(2)
    expect(await count('status=2XX')).toBe(7)
    expect(await count('status=201')).toBe(4)
    expect(await count('status=500')).toBe(0)
  })

  it('filters by verified and valid', async () => {
    const unverified = await list('verified=no')
    expect(unverified.page.traces).toHaveLength(2)
    expect(unverified.page.traces.every((trace) => trace.source === 'upload')).toBe(true)
    expect(await count('verified=yes')).toBe(7)
    const invalid = await list('valid=no')
    expect(invalid.page.traces.map((trace) => trace.id).sort()).toEqual(
      [ids.invalid, ids.unmatched, ids.overLimit].sort(),
    )
    const row = invalid.page.traces.find((trace) => trace.id === ids.invalid)!
    expect(row.violationCount).toBeGreaterThanOrEqual(2)
    expect(row.firstViolation).toMatch(/^body\//)
    expect(await count('valid=yes')).toBe(6)
  })

  it('filters by the day received (UTC, both ends included)', async () => {
    expect(await count('from=2026-01-15&to=2026-01-15')).toBe(2)
    expect(await count('to=2026-01-14')).toBe(0)
    expect(await count('from=2026-01-16')).toBe(7)
  })

  it('ignores hostile and malformed filter values, and says so (no 500)', async () => {
    const hostile = await list(
      new URLSearchParams({
        partner: '<script>alert(1)</script>',
        status: '1\'; DROP TABLE "Trace"; --',
        verified: 'maybe',
        valid: 'x'.repeat(10_000),
        from: '2026-99-99',
        to: '\u0000',
      }).toString(),
    )
    expect(hostile.page.traces).toHaveLength(9)
    expect(hostile.problems).toHaveLength(6)
    expect(hostile.values).toMatchObject({ partner: '', status: '', verified: '', valid: '' })
    // An operation nobody has is a filter like any other: nothing matches.
    const unknown = await list(`operation=${encodeURIComponent("x' OR 1=1 --".repeat(100))}`)
    expect(unknown.page.traces).toHaveLength(0)
    // Another project's partner is not a partner here.
    const other = await shopProject()
    expect((await list(`partner=${other.partner.id}`)).problems[0]).toMatch(/not a partner/)
    expect(await db.trace.count()).toBeGreaterThan(0)
  })

  it('treats a hostile or stale cursor as the first page', async () => {
    for (const cursor of [
      'nope',
      "' OR 1=1 --",
      'x'.repeat(5000),
      Buffer.from('1|trace"; DROP').toString('base64url'),
      Buffer.from(`${Number.MAX_SAFE_INTEGER}|tr`).toString('base64url'),
    ]) {
      for (const name of ['before', 'after']) {
        const page = await list(new URLSearchParams({ [name]: cursor }).toString())
        expect(page.page.paged).toBe(false)
        expect(page.page.traces.length).toBeGreaterThan(0)
      }
    }
    const ignored = await list('before=nope')
    expect(ignored.problems.at(-1)).toMatch(/page link was not understood/)
    // A well-formed cursor from long ago: nothing older.
    const ancient = Buffer.from(`1000|a`).toString('base64url')
    expect((await list(`before=${ancient}`)).page.traces).toHaveLength(0)
  })

  it('lets another organisation see nothing of it (404)', async () => {
    const other = await shopProject()
    const outsider = await cookieFor((await createMember(other.org.id, 'OWNER')).user.id)
    const result = await settle(() =>
      listLoader({
        request: getRequest(`/projects/${shop.project.id}/traces`, outsider),
        params: { projectId: shop.project.id },
        context: {},
      }),
    )
    expect(result.status).toBe(404)
  })

  describe("a trace's page", () => {
    const detail = (
      traceId: string,
      projectId = shop.project.id,
      cookie = cookies.viewer,
      query = '',
    ) =>
      settle(() =>
        detailLoader({
          request: getRequest(`/projects/${projectId}/traces/${traceId}${query}`, cookie),
          params: { projectId, traceId },
          context: {},
        }),
      )
    type Detail = {
      back: string
      trace: TraceDetail
    }

    it('places each body violation on its line and keeps the others beside their place', async () => {
      const result = await detail(
        ids.invalid!,
        shop.project.id,
        cookies.viewer,
        `?from=${encodeURIComponent('partner=x&status=201')}`,
      )
      expect(result.status).toBe(200)
      const { trace, back } = result.data as Detail
      expect(back).toBe(`/projects/${shop.project.id}/traces?partner=x&status=201`)
      expect(trace.operation).toMatchObject({
        key: 'createOrder',
        method: 'POST',
        path: '/orders',
        specName: expect.any(String),
      })
      // The request misses currency: its parent (the body's object) on line 1.
      const missing = trace.request.body.violations.find(
        (entry) => entry.location === 'body/currency',
      )!
      expect(missing).toMatchObject({ line: 1, exact: false })
      // The response's amount is a string: on the line of "amount".
      const amount = trace.response.body.violations.find(
        (entry) => entry.location === 'body/amount',
      )!
      expect(amount.exact).toBe(true)
      expect(trace.response.body.text.split('\n')[amount.line! - 1]).toBe('  "amount": "five",')
      expect(trace.response.body.kind).toBe('json')
      // Credentials were redacted on the way in.
      expect(JSON.stringify(trace)).not.toContain('sk_live_abcdef123456')
    })

    it('shows query violations apart, and "no operation" as its own kind', async () => {
      const overLimit = (await detail(ids.overLimit!)).data as Detail
      expect(overLimit.trace.request.other.map((entry) => entry.location)).toContain('query.limit')
      const unmatched = (await detail(ids.unmatched!)).data as Detail
      expect(unmatched.trace.operation).toBeNull()
      expect(unmatched.trace.operationViolations).toHaveLength(1)
      expect(unmatched.trace.request.other).toEqual([])
      // A "from" that is not a query string is re-encoded as one.
      const odd = (
        await detail(
          ids.fetched!,
          shop.project.id,
          cookies.viewer,
          `?from=${encodeURIComponent('//evil.example/?a=1')}`,
        )
      ).data as Detail
      expect(odd.back.startsWith(`/projects/${shop.project.id}/traces?`)).toBe(true)
    })

    it("is a 404 for another project's trace, and for ids that do not exist", async () => {
      const other = await shopProject()
      const [foreign] = await post(other.partner.slug, order())
      expect((await detail(foreign!)).status).toBe(404)
      // ...although it exists, in its own project.
      const otherCookie = await cookieFor((await createMember(other.org.id, 'VIEWER')).user.id)
      expect((await detail(foreign!, other.project.id, otherCookie)).status).toBe(200)
      expect((await detail('nope')).status).toBe(404)
      expect((await detail('x'.repeat(500))).status).toBe(404)
    })
  })

  it('counts coverage per operation and partner', async () => {
    const result = await settle(() =>
      coverageLoader({
        request: getRequest(`/projects/${shop.project.id}/traces/coverage`, cookies.viewer),
        params: { projectId: shop.project.id },
        context: {},
      }),
    )
    expect(result.status).toBe(200)
    const coverage = result.data as Awaited<ReturnType<typeof traceCoverage>>
    const operations = new Map(
      coverage.specs[0]!.operations.map((operation) => [operation.key, operation]),
    )
    expect([...operations.keys()]).toEqual(['listOrders', 'createOrder', 'getOrder'])
    const p1 = shop.partner.id
    const p2 = second.id
    expect(operations.get('createOrder')!.cells[p1]).toMatchObject({ total: 2, verifiedValid: 1 })
    expect(operations.get('createOrder')!.cells[p2]).toMatchObject({ total: 2, verifiedValid: 1 })
    expect(operations.get('getOrder')!.cells[p1]).toMatchObject({ total: 1, verifiedValid: 1 })
    // Second Partner's getOrder traffic: a verified 404 and an uploaded (unverified) 200.
    expect(operations.get('getOrder')!.cells[p2]).toMatchObject({ total: 2, verifiedValid: 1 })
    expect(operations.get('listOrders')!.cells[p1]).toMatchObject({ total: 1, verifiedValid: 0 })
    expect(operations.get('listOrders')!.cells[p2]).toBeUndefined()
    expect(coverage.unmatched[p1]).toMatchObject({ total: 1, verifiedValid: 0 })
    expect(coverage.unmatched[p2]).toBeUndefined()
    expect(coverage.covered).toEqual({ [p1]: 2, [p2]: 2 })
    expect(coverage.operationCount).toBe(3)
    expect(operations.get('createOrder')!.cells[p2]!.lastAt).toBe(
      (
        await db.trace.findFirstOrThrow({
          where: { partnerProjectId: p2, operationKey: 'createOrder' },
          orderBy: { receivedAt: 'desc' },
        })
      ).receivedAt.toISOString(),
    )
  })
})

describe('keyset pages', () => {
  let shop: Shop
  let list: ReturnType<typeof listOf>
  let expected: string[]

  beforeAll(async () => {
    shop = await shopProject()
    const { viewer } = await membersOf(shop)
    list = listOf(shop.project.id, viewer)
    // 130 traces in three batches; every third one answers 404.
    for (const size of [60, 40, 30]) {
      await post(
        shop.partner.slug,
        ...Array.from({ length: size }, (_, index) =>
          index % 3 === 0
            ? order({
                request: { method: 'GET', url: `https://api.shop.test/v1/orders/o${index}` },
                response: {
                  status: 404,
                  headers: { 'content-type': 'application/json' },
                  body: { message: 'none' },
                },
              })
            : order(),
        ),
      )
    }
    expected = (
      await db.trace.findMany({
        where: { projectId: shop.project.id },
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      })
    ).map((row) => row.id)
    expect(expected).toHaveLength(130)
  })

  async function walk(filter: string) {
    const pages: string[][] = []
    let query = filter
    for (let guard = 0; guard < 20; guard += 1) {
      const { page } = await list(query)
      pages.push(page.traces.map((trace) => trace.id))
      if (!page.older) break
      query = new URLSearchParams([
        ...new URLSearchParams(filter),
        ['before', page.older],
      ]).toString()
    }
    return pages
  }

  it('pages through every trace exactly once, newest first, and back', async () => {
    const pages = await walk('')
    expect(pages.map((page) => page.length)).toEqual([50, 50, 30])
    expect(pages.flat()).toEqual(expected)
    // From the third page, "newer" gives the second, then the first.
    const second = await list('')
    const third = await list(`before=${second.page.older}`)
    const last = await list(`before=${third.page.older}`)
    expect(last.page.paged).toBe(true)
    expect(last.page.older).toBeNull()
    const back = await list(`after=${last.page.newer}`)
    expect(back.page.traces.map((trace) => trace.id)).toEqual(pages[1])
    expect(back.page.paged).toBe(true)
    const top = await list(`after=${back.page.newer}`)
    expect(top.page.traces.map((trace) => trace.id)).toEqual(pages[0])
    expect(top.page.paged).toBe(false)
    expect(top.page.newer).toBeNull()
  })

  it('pages within a filter, through the index each filter uses', async () => {
    const notFound = expected.filter((_, index) => index >= 0)
    const byStatus = (await walk('status=404')).flat()
    const rows = await db.trace.findMany({
      where: { id: { in: notFound }, status: 404 },
      select: { id: true },
    })
    expect(byStatus).toHaveLength(rows.length)
    expect(byStatus).toEqual(expected.filter((id) => rows.some((row) => row.id === id)))
    expect((await walk(`partner=${shop.partner.id}`)).flat()).toEqual(expected)
    const byOperation = await walk('operation=createOrder')
    expect(byOperation.flat()).toHaveLength(130 - rows.length)
    expect(byOperation[0]).toHaveLength(50)
  })

  it('stops a page short after examining 10,000 traces and says how far back it searched', async () => {
    const big = await shopProject()
    const { viewer } = await membersOf(big)
    const bigList = listOf(big.project.id, viewer)
    const start = Date.UTC(2026, 5, 1)
    // The oldest trace is the only 503; 10,050 newer ones (a second apart) answered 200.
    await db.$executeRawUnsafe(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 10050)
       INSERT INTO "Trace" ("id", "receivedAt", "occurredAt", "method", "url", "operationKey", "status",
         "verified", "valid", "request", "response", "projectId", "partnerProjectId")
       SELECT printf('trbulk%06d', i), strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-06-01 00:00:00', '+' || i || ' seconds'),
         strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-06-01 00:00:00', '+' || i || ' seconds'),
         'GET', '/v1/orders', 'listOrders', CASE WHEN i = 0 THEN 503 ELSE 200 END, 1, 1, '{}', '{}', ?, ?
       FROM n`,
      big.project.id,
      big.partner.id,
    )
    const first = await bigList('status=503')
    expect(first.page.traces).toHaveLength(0)
    expect(first.page.searchedBack).toBe(new Date(start + 51 * 1000).toISOString())
    expect(first.page.older).not.toBeNull()
    const next = await bigList(`status=503&before=${first.page.older}`)
    expect(next.page.traces.map((trace) => trace.id)).toEqual(['trbulk000000'])
    expect(next.page.searchedBack).toBeNull()
    expect(next.page.older).toBeNull()
    // Without a filter the index answers alone: full pages, no budget.
    const all = await bigList('')
    expect(all.page.traces).toHaveLength(50)
    expect(all.page.searchedBack).toBeNull()
  })
})

describe('secrets and uploads', () => {
  let shop: Shop
  let cookies: Cookies
  const path = () => `/projects/${'' + shop.project.id}/traces/partners`
  const act = (fields: Record<string, string>, cookie: string) =>
    runPartners(shop.project.id, formRequest(path(), fields, cookie))
  const load = async (cookie: string) => {
    const result = await settle(() =>
      partnersLoader({
        request: getRequest(path(), cookie),
        params: { projectId: shop.project.id },
        context: {},
      }),
    )
    expect(result.status).toBe(200)
    return result.data as Awaited<ReturnType<typeof partnersLoader>>
  }

  beforeAll(async () => {
    shop = await shopProject()
    cookies = await membersOf(shop)
  })

  it('lets a viewer read, but not rotate, retire or upload (403)', async () => {
    const page = await load(cookies.viewer)
    expect(page.canManage).toBe(false)
    expect(page.canUpload).toBe(false)
    expect(page.partners[0]!.secret).toMatchObject({ configured: true })
    for (const intent of ['rotate', 'retire'])
      expect(
        (await act({ intent, partnerProjectId: shop.partner.id }, cookies.viewer)).status,
      ).toBe(403)
    const upload = await runPartners(
      shop.project.id,
      uploadRequest(
        shop.project.id,
        cookies.viewer,
        { name: 't.har', content: harOf([]) },
        shop.partner.id,
      ),
    )
    expect(upload.status).toBe(403)
    // A vendor uploads, but only admins and owners manage secrets.
    expect((await load(cookies.vendor)).canUpload).toBe(true)
    expect(
      (await act({ intent: 'rotate', partnerProjectId: shop.partner.id }, cookies.vendor)).status,
    ).toBe(403)
    expect(
      await db.auditLog.count({
        where: { action: { startsWith: 'trace_secret' }, projectId: shop.project.id },
      }),
    ).toBe(0)
  })

  it('shows a rotated secret once, stores it sealed, and keeps the old one for the window', async () => {
    const result = await act(
      { intent: 'rotate', partnerProjectId: shop.partner.id, overlapHours: '2' },
      cookies.owner,
    )
    expect(result.status).toBe(200)
    const reply = result.data as { secret: string; partnerProjectId: string }
    expect(reply.secret).toMatch(/^tsk_/)
    expect(reply.partnerProjectId).toBe(shop.partner.id)
    const row = await db.partnerProject.findUniqueOrThrow({ where: { id: shop.partner.id } })
    expect(row.traceSecret).not.toContain(reply.secret)
    expect(decryptSecret(row.traceSecret!)).toBe(reply.secret)
    expect(row.traceSecretPrevUntil!.getTime() - Date.now()).toBeGreaterThan(1.9 * 3600_000)
    expect(row.traceSecretPrevUntil!.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3600_000)
    // The page shows it masked from now on; the full value is nowhere in its data.
    const page = await load(cookies.owner)
    expect(JSON.stringify(page)).not.toContain(reply.secret)
    expect(page.partners[0]!.secret.masked).toBeTruthy()
    expect(page.partners[0]!.secret.previousValidUntil).toBe(
      row.traceSecretPrevUntil!.toISOString(),
    )
    // Both verify during the window; retiring the previous one stops it.
    expect(
      (await postTraces(shop.partner.slug, batch(order()), { secret: reply.secret })).status,
    ).toBe(201)
    expect(
      (await postTraces(shop.partner.slug, batch(order()), { secret: TRACE_SECRET })).status,
    ).toBe(201)
    const retired = await act(
      { intent: 'retire', partnerProjectId: shop.partner.id },
      cookies.owner,
    )
    expect(retired.status).toBe(302)
    expect(
      (await postTraces(shop.partner.slug, batch(order()), { secret: TRACE_SECRET })).status,
    ).toBe(401)
    // The refusal is listed for the vendor.
    expect((await load(cookies.viewer)).refusals[0]).toMatchObject({
      partner: { id: shop.partner.id },
      reason: expect.stringMatching(/does not match/),
    })
  })

  it('refuses a rotation with a bad window or another project’s partner, and an unknown intent', async () => {
    const tooLong = await act(
      { intent: 'rotate', partnerProjectId: shop.partner.id, overlapHours: '100000' },
      cookies.owner,
    )
    expect(tooLong.status).toBe(400)
    expect(JSON.stringify(tooLong.data)).toMatch(/At most 336 hours/)
    const other = await shopProject()
    const foreign = await act(
      { intent: 'rotate', partnerProjectId: other.partner.id },
      cookies.owner,
    )
    expect(foreign.status).toBe(404)
    expect(
      decryptSecret(
        (await db.partnerProject.findUniqueOrThrow({ where: { id: other.partner.id } }))
          .traceSecret!,
      ),
    ).toBe(TRACE_SECRET)
    expect((await act({ intent: 'rename' }, cookies.owner)).status).toBe(400)
  })

  it('stores the good entries of a HAR file and names the bad one', async () => {
    const result = await runPartners(
      shop.project.id,
      uploadRequest(
        shop.project.id,
        cookies.vendor,
        {
          name: 'checkout.har',
          content: harOf([
            harEntry('GET', 'https://api.shop.test/v1/orders/ord_1', 200, {
              id: 'ord_1',
              amount: 1,
              currency: 'EUR',
            }),
            { request: { url: 'https://api.shop.test/v1/orders' }, response: { status: 200 } },
            harEntry('GET', 'https://api.shop.test/v1/orders?limit=5', 200, { data: [] }),
          ]),
        },
        shop.partner.id,
      ),
    )
    expect(result.status).toBe(200)
    const { outcome } = result.data as {
      outcome: { accepted: number; valid: number; rejected: { index: number; reason: string }[] }
    }
    expect(outcome).toMatchObject({ accepted: 2, valid: 2 })
    expect(outcome.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/method/) }])
    const stored = await db.trace.findMany({
      where: { projectId: shop.project.id, source: 'upload' },
    })
    expect(stored).toHaveLength(2)
    expect(stored.every((trace) => !trace.verified)).toBe(true)
    expect(stored.map((trace) => trace.request).join()).not.toContain('sk_live_fromthebrowser')
  })

  it('explains a file that is not a trace file, a missing file, and a missing partner', async () => {
    const notJson = await runPartners(
      shop.project.id,
      uploadRequest(
        shop.project.id,
        cookies.vendor,
        { name: 'notes.json', content: 'hello' },
        shop.partner.id,
      ),
    )
    expect(notJson.status).toBe(400)
    expect(JSON.stringify(notJson.data)).toMatch(/not valid JSON/)
    const form = new FormData()
    form.set('intent', 'upload')
    form.set('partnerProjectId', '')
    const empty = await runPartners(
      shop.project.id,
      new Request(`${BASE_URL}${path()}`, {
        method: 'POST',
        headers: { Cookie: cookies.vendor },
        body: form,
      }),
    )
    expect(empty.status).toBe(400)
    expect(JSON.stringify(empty.data)).toMatch(/Choose the partner/)
    expect(JSON.stringify(empty.data)).toMatch(/Choose a \.har or \.json file/)
  })

  it('refuses a file over 10 MB with a clear message (413)', async () => {
    expect(MAX_BATCH_BYTES).toBe(10 * 1024 * 1024)
    const big = new Uint8Array(MAX_BATCH_BYTES + 1024).fill(32)
    const before = await db.trace.count({ where: { projectId: shop.project.id } })
    const read = await runPartners(
      shop.project.id,
      uploadRequest(
        shop.project.id,
        cookies.vendor,
        { name: 'big.har', content: big },
        shop.partner.id,
      ),
    )
    expect(read.status).toBe(413)
    expect(JSON.stringify(read.data)).toMatch(/larger than 10 MB/)
    // Announced too large: refused before the body is read.
    const announced = await runPartners(
      shop.project.id,
      new Request(`${BASE_URL}${path()}`, {
        method: 'POST',
        headers: {
          Cookie: cookies.vendor,
          'Content-Type': 'multipart/form-data; boundary=x',
          'Content-Length': String(MAX_BATCH_BYTES * 2),
        },
        body: '--x--',
      }),
    )
    expect(announced.status).toBe(413)
    expect(await db.trace.count({ where: { projectId: shop.project.id } })).toBe(before)
  })
})
