/** The mock page's request log: newest first, 50 per page, older pages by cursor, a problems-only filter. */
import { threadId } from 'node:worker_threads'
import { beforeAll, expect, it } from 'vitest'
import { loader } from '~/routes/projects.$projectId.mocks.$mockId'
import { db } from '~/server/db.server'
import { logRowsJson } from '~/server/mocks/log-rows'
import { closeLogWriter, writeLogBatch } from '~/server/mocks/log-writer.server'
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

it('stores batches in the log writer thread: the newest LOG_LIMIT kept, every request counted, a deleted mock ignored', async () => {
  const other = await db.mock.create({
    data: {
      projectId,
      specVersionId: (await db.mock.findUniqueOrThrow({ where: { id: mockId } })).specVersionId,
    },
  })
  const batch = (from: number, count: number) =>
    logRowsJson(
      Array.from({ length: count }, (_, index) => ({
        at: Date.UTC(2026, 10, 2) + (from + index) * 1000,
        method: 'POST',
        path: `/batch/${from + index}`,
        status: 201,
        durationMs: 2,
        operationId: 'create',
        violations: [],
        request: { headers: {}, query: '', body: `{"n":${from + index}}` },
        response: { headers: {}, body: '{}' },
      })),
    )
  const first = await writeLogBatch({
    mockId: other.id,
    rows: batch(0, 3),
    lastAt: '2026-11-02T00:00:03.000+00:00',
    total: 7,
    limit: 4,
  })
  expect(first.stored).toBe(true)
  expect(first.threadId).not.toBe(threadId)
  expect(
    (
      await writeLogBatch({
        mockId: other.id,
        rows: batch(3, 3),
        lastAt: '2026-11-02T00:00:06.000+00:00',
        total: 3,
        limit: 4,
      })
    ).stored,
  ).toBe(true)
  const kept = await db.mockRequestLog.findMany({
    where: { mockId: other.id },
    orderBy: { at: 'desc' },
  })
  expect(kept.map((entry) => entry.path)).toEqual(['/batch/5', '/batch/4', '/batch/3', '/batch/2'])
  expect(kept[0]).toMatchObject({
    method: 'POST',
    status: 201,
    operationId: 'create',
    durationMs: 2,
  })
  const counted = await db.mock.findUniqueOrThrow({ where: { id: other.id } })
  expect(counted.requestCount).toBe(10)
  expect(counted.lastRequestAt?.toISOString()).toBe('2026-11-02T00:00:06.000Z')

  // Closing waits for every batch handed over, even while its thread is still starting.
  await closeLogWriter()
  const queued = [6, 7, 8, 9].map((from) =>
    writeLogBatch({
      mockId: other.id,
      rows: batch(from, 1),
      lastAt: '2026-11-02T00:00:10.000+00:00',
      total: 1,
      limit: 4,
    }),
  )
  await closeLogWriter()
  expect((await Promise.all(queued)).every((outcome) => outcome.stored)).toBe(true)
  expect((await db.mock.findUniqueOrThrow({ where: { id: other.id } })).requestCount).toBe(14)

  await db.mock.delete({ where: { id: other.id } })
  expect(
    (
      await writeLogBatch({
        mockId: other.id,
        rows: batch(6, 1),
        lastAt: '2026-11-02T00:00:07.000+00:00',
        total: 1,
        limit: 4,
      })
    ).stored,
  ).toBe(false)
  await closeLogWriter()
})
