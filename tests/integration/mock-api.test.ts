import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  action as createAction,
  loader as listLoader,
} from '~/routes/api.v1.projects.$projectId.mocks'
import {
  action as deleteAction,
  loader as getLoader,
} from '~/routes/api.v1.projects.$projectId.mocks.$mockId'
import { action as resetAction } from '~/routes/api.v1.projects.$projectId.mocks.$mockId.reset'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject, createUser, settle } from '../helpers'

const base = 40_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

let projectId: string
let specId: string
let token: string
beforeAll(async () => {
  projectId = (await createProject((await createOrg()).id)).id
  token = (await createApiToken({ projectId, name: 'CI', createdById: (await createUser()).id }))
    .token
  const spec =
    'openapi: 3.0.3\ninfo: {title: Api, version: "1"}\npaths:\n  /ping:\n    get:\n      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {ok: {type: boolean}}}}}}}\n'
  specId = (await importSpec({ projectId, raw: new TextEncoder().encode(spec), sourceKind: 'api' }))
    .spec.id
})
afterAll(() => getSupervisor().shutdown())

const request = (path: string, method = 'GET', body?: unknown) =>
  new Request(`http://localhost/api/v1/projects/${projectId}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })

it('creates, reads, resets and deletes a mock over the JSON API', async () => {
  const created = await settle(() =>
    createAction({
      request: request('/mocks', 'POST', { specId, stateful: false }),
      params: { projectId },
      context: {},
    }),
  )
  expect(created.status).toBe(201)
  const mock = (await created.response!.json()) as {
    mockId: string
    baseUrl: string
    proxyUrl: string
    status: string
  }
  expect(mock).toMatchObject({ status: 'up', proxyUrl: `http://localhost/mock/${mock.mockId}` })
  expect(mock.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(await (await fetch(`${mock.baseUrl}/ping`)).json()).toHaveProperty('ok')
  expect(
    JSON.parse((await db.mock.findUniqueOrThrow({ where: { id: mock.mockId } })).config).stateful,
  ).toBe(false)

  const params = { projectId, mockId: mock.mockId }
  const list = await settle(() =>
    listLoader({ request: request('/mocks'), params: { projectId }, context: {} }),
  )
  expect(((await list.response!.json()) as { mocks: unknown[] }).mocks).toHaveLength(1)
  expect(
    (
      await settle(() =>
        getLoader({ request: request(`/mocks/${mock.mockId}`), params, context: {} }),
      )
    ).status,
  ).toBe(200)
  expect(
    (
      await settle(() =>
        resetAction({
          request: request(`/mocks/${mock.mockId}/reset`, 'POST'),
          params,
          context: {},
        }),
      )
    ).status,
  ).toBe(200)
  expect(
    (
      await settle(() =>
        deleteAction({ request: request(`/mocks/${mock.mockId}`, 'DELETE'), params, context: {} }),
      )
    ).status,
  ).toBe(204)
  expect(
    (
      await settle(() =>
        getLoader({ request: request(`/mocks/${mock.mockId}`), params, context: {} }),
      )
    ).status,
  ).toBe(404)
})

/** POST /mocks with `body` (a JSON value, or raw text when a string). */
const createWith = (body: unknown) =>
  settle(() =>
    createAction({ request: request('/mocks', 'POST', body), params: { projectId }, context: {} }),
  )

it('refuses malformed bodies and unknown specs with JSON errors', async () => {
  const huge = await createWith({ specId, padding: 'x'.repeat(20_000) })
  expect(huge.status).toBe(413)
  expect(((await huge.response!.json()) as { error: string }).error).toMatch(/limit (is|of) 10000/)
  for (const body of ['null', '[1,2]', '"specId"', '{nope', { specId: 42 }])
    expect((await createWith(body)).status).toBe(400)
  expect((await createWith({ specId: 'missing' })).status).toBe(404)
  expect(
    (
      await settle(() =>
        resetAction({
          request: request('/mocks/none/reset', 'POST'),
          params: { projectId, mockId: 'none' },
          context: {},
        }),
      )
    ).status,
  ).toBe(404)
})
