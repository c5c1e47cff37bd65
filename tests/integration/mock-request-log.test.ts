/** The mock page's request log: newest first, 50 per page, older pages by cursor, a problems-only filter. */
import { beforeAll, expect, it } from 'vitest'
import { loader } from '~/routes/projects.$projectId.mocks.$mockId'
import { db } from '~/server/db.server'
import { importSpec } from '~/server/specs/store.server'
import { cookieFor, createMember, createOrg, createProject, getRequest, settle } from '../helpers'

let projectId: string
let mockId: string
let cookie: string

beforeAll(async () => {
  const org = await createOrg()
  projectId = (await createProject(org.id)).id
  cookie = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  const { version } = await importSpec({
    projectId,
    raw: new TextEncoder().encode('openapi: 3.0.3\ninfo: {title: Log, version: "1"}\npaths: {}\n'),
    sourceKind: 'paste',
  })
  mockId = (await db.mock.create({ data: { projectId, specVersionId: version.id } })).id
  // 120 requests one second apart; every 4th one failed. Two share the newest timestamp.
  const start = Date.UTC(2026, 10, 1)
  await db.mockRequestLog.createMany({
    data: Array.from({ length: 120 }, (_, index) => ({
      mockId,
      at: new Date(start + Math.min(index, 118) * 1000),
      method: 'GET',
      path: `/items/${index}`,
      status: index % 4 === 0 ? 422 : 200,
      durationMs: 1,
      request: '{}',
      response: '{}',
    })),
  })
})

type Page = {
  requests: { path: string; status: number }[]
  log: { problemsOnly: boolean; older: string | null; paged: boolean }
}
const load = async (search = '') =>
  (
    await settle(() =>
      loader({
        request: getRequest(`/projects/${projectId}/mocks/${mockId}${search}`, cookie),
        params: { projectId, mockId },
        context: {},
      }),
    )
  ).data as Page

it('pages through every request exactly once, newest first', async () => {
  const seen: string[] = []
  let page = await load()
  expect(page.log.paged).toBe(false)
  expect(page.requests[0]!.path).toMatch(/^\/items\/11[89]$/)
  for (;;) {
    seen.push(...page.requests.map((entry) => entry.path))
    if (!page.log.older) break
    page = await load(`?before=${page.log.older}`)
    expect(page.log.paged).toBe(true)
  }
  expect(seen).toHaveLength(120)
  expect(new Set(seen).size).toBe(120)
  expect(seen.at(-1)).toBe('/items/0')
})

it('filters to 4xx/5xx answers, and pages within the filter', async () => {
  const first = await load('?problems=1')
  expect(first.log.problemsOnly).toBe(true)
  expect(first.requests).toHaveLength(30)
  expect(first.requests.every((entry) => entry.status >= 400)).toBe(true)
  expect(first.log.older).toBeNull()
})

it('treats an unknown or hostile cursor as the first page', async () => {
  for (const before of ['nope', "' OR 1=1 --", 'x'.repeat(5000)]) {
    const page = await load(`?before=${encodeURIComponent(before)}`)
    expect(page.log.paged).toBe(false)
    expect(page.requests).toHaveLength(50)
  }
})
