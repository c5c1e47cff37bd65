import { beforeAll, expect, it } from 'vitest'
import { loader as apiDiff } from '~/routes/api.v1.projects.$projectId.specs.$specId.diff'
import { loader as changelogLoader } from '~/routes/projects.$projectId.specs.$specId.changelog'
import { loader as diffLoader } from '~/routes/projects.$projectId.specs.$specId.diff'
import { createApiToken } from '~/server/api-tokens.server'
import { importSpec } from '~/server/specs/store.server'
import { cookieFor, createMember, createOrg, createProject, getRequest, settle } from '../helpers'

const V1 = `openapi: 3.0.3
info: {title: Orders, version: "1"}
paths:
  /orders:
    get:
      operationId: listOrders
      responses: {"200": {description: ok}}
  /orders/{id}:
    delete:
      operationId: deleteOrder
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
`
const V2 = V1.replace(
  `  /orders/{id}:
    delete:
      operationId: deleteOrder
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
`,
  '',
).replace(
  'operationId: listOrders',
  'operationId: listOrders\n      parameters: [{name: region, in: query, required: true, schema: {type: string}}]',
)

let projectId: string
let specId: string
let cookie: string
let token: string
beforeAll(async () => {
  const org = await createOrg()
  projectId = (await createProject(org.id)).id
  const member = await createMember(org.id, 'VIEWER')
  cookie = await cookieFor(member.user.id)
  token = (await createApiToken({ projectId, name: 'CI', createdById: member.user.id })).token
  specId = (
    await importSpec({
      projectId,
      name: 'Orders',
      raw: new TextEncoder().encode(V1),
      sourceKind: 'paste',
    })
  ).spec.id
  await importSpec({
    projectId,
    name: 'Orders',
    raw: new TextEncoder().encode(V2),
    sourceKind: 'paste',
  })
})

it('serves the classified diff as JSON to a CI token', async () => {
  const request = getRequest(
    `/api/v1/projects/${projectId}/specs/${specId}/diff?from=1&to=v2`,
    undefined,
    { Authorization: `Bearer ${token}` },
  )
  const result = await settle(() =>
    apiDiff({ request, params: { projectId, specId }, context: {} }),
  )
  expect(result.status).toBe(200)
  const body = (await result.response!.json()) as {
    changes: { ruleId: string; severity: string }[]
    summary: Record<string, number>
  }
  expect(body.changes.map((change) => change.ruleId)).toEqual(
    expect.arrayContaining(['operation-removed', 'required-parameter-added']),
  )
  expect(body.summary.breaking).toBeGreaterThanOrEqual(2)
  const missing = await settle(() =>
    apiDiff({
      request: getRequest(
        `/api/v1/projects/${projectId}/specs/${specId}/diff?from=1&to=9`,
        undefined,
        { Authorization: `Bearer ${token}` },
      ),
      params: { projectId, specId },
      context: {},
    }),
  )
  expect(missing.status).toBe(404)
  const incomplete = await settle(() =>
    apiDiff({
      request: getRequest(`/api/v1/projects/${projectId}/specs/${specId}/diff?from=1`, undefined, {
        Authorization: `Bearer ${token}`,
      }),
      params: { projectId, specId },
      context: {},
    }),
  )
  expect(incomplete.status).toBe(400)
})

it('shows the newest two versions by default and downloads a Markdown changelog', async () => {
  const page = await settle(() =>
    diffLoader({
      request: getRequest(`/projects/${projectId}/specs/${specId}/diff`, cookie),
      params: { projectId, specId },
      context: {},
    }),
  )
  expect(page.data).toMatchObject({ comparison: { from: { number: 1 }, to: { number: 2 } } })
  const changelog = await settle(() =>
    changelogLoader({
      request: getRequest(`/projects/${projectId}/specs/${specId}/changelog?from=1&to=2`, cookie),
      params: { projectId, specId },
      context: {},
    }),
  )
  const markdown = await changelog.response!.text()
  expect(markdown).toContain('Breaking changes')
  expect(markdown).toContain('operation-removed')
})
