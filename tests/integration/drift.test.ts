/**
 * Drift mapped to partners: v2 changes a request field's type and removes an
 * operation; Globex's traces use both, Initech's do not. The impact names
 * Globex with evidence and not Initech, Globex alone gets a notice and an
 * email, the impact API answers 202 then the changes; reality drift lists an
 * undocumented response field, status and header.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loader as impactApi } from '~/routes/api.v1.projects.$projectId.specs.$specId.versions.$version.impact'
import {
  action as dashboardAction,
  loader as dashboardLoader,
} from '~/routes/partner.$partnerProjectId._index'
import { loader as impactPage } from '~/routes/projects.$projectId.specs.$specId.v.$versionId_.impact'
import { createApiToken } from '~/server/api-tokens.server'
import type { Actor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import type { ImpactChange } from '~/server/drift/impact.server'
import { VERSION_IMPACT_JOB } from '~/server/drift/kinds'
import { realityDrift } from '~/server/drift/reality.server'
import { importSpecVersion } from '~/server/workflows/import-spec.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createPartnerUser,
  createProject,
  formRequest,
  getRequest,
  settle,
} from '../helpers'
import { runQueuedJobs } from '../support/drift'

const spec = (amountType: 'string' | 'integer', withDelete: boolean) => `openapi: 3.0.3
info: {title: Payments, version: "${amountType}"}
paths:
  /payments:
    post:
      operationId: createPayment
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: ${amountType}}
                currency: {type: string}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  amount: {type: ${amountType}}
  /payments/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getPayment
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
${
  withDelete
    ? `    delete:
      operationId: deletePayment
      responses:
        "204": {description: deleted}
`
    : ''
}`

let projectId: string
let specId: string
let actor: Actor
let token: string
let ownerCookie: string
let globex: { id: string; cookie: string; email: string }
let initech: { id: string; email: string }
let v1Id: string
let v2Id: string

async function trace(
  partnerProjectId: string,
  operationKey: string,
  method: string,
  path: string,
  status: number,
  requestBody: unknown,
  responseBody: unknown,
  responseHeaders: Record<string, string> = { 'content-type': 'application/json' },
) {
  await db.trace.create({
    data: {
      projectId,
      partnerProjectId,
      occurredAt: new Date(),
      method,
      url: `https://api.example.test${path}`,
      operationKey,
      status,
      specVersionId: v1Id,
      request: JSON.stringify({
        headers: { 'content-type': 'application/json' },
        body: requestBody === undefined ? '' : JSON.stringify(requestBody),
        bodyTruncated: false,
      }),
      response: JSON.stringify({
        headers: responseHeaders,
        body: responseBody === undefined ? '' : JSON.stringify(responseBody),
        bodyTruncated: false,
      }),
    },
  })
}

function apiGet(version: string) {
  return settle(() =>
    impactApi({
      request: new Request(
        `http://localhost/api/v1/projects/${projectId}/specs/${specId}/versions/${version}/impact`,
        { headers: { Authorization: `Bearer ${token}` } },
      ),
      params: { projectId, specId, version },
      context: {},
    }),
  )
}

beforeAll(async () => {
  const org = await createOrg()
  const owner = await createMember(org.id, 'OWNER')
  ownerCookie = await cookieFor(owner.user.id)
  projectId = (await createProject(org.id)).id
  actor = { userId: owner.user.id, organizationId: org.id, projectId, via: 'page' }
  token = (await createApiToken({ projectId, name: 'CI', createdById: owner.user.id })).token
  const first = await importSpecVersion(
    { raw: new TextEncoder().encode(spec('string', true)), sourceKind: 'paste' },
    actor,
  )
  specId = first.spec.id
  v1Id = first.version.id
  const globexRow = await db.partnerProject.create({
    data: { projectId, name: 'Globex', slug: 'globex' },
  })
  const initechRow = await db.partnerProject.create({
    data: { projectId, name: 'Initech', slug: 'initech' },
  })
  const globexUser = await createPartnerUser(globexRow.id)
  const initechUser = await createPartnerUser(initechRow.id)
  globex = { id: globexRow.id, cookie: globexUser.cookie, email: globexUser.user.email }
  initech = { id: initechRow.id, email: initechUser.user.email }
  // Globex sends amount as a string, deletes payments, and meets an undocumented status and field.
  for (let i = 0; i < 3; i++)
    await trace(
      globex.id,
      'createPayment',
      'POST',
      '/payments',
      201,
      { amount: '12.50', currency: 'EUR' },
      { id: `p${i}`, amount: '12.50', risk_score: 3 },
      { 'content-type': 'application/json', 'x-debug-id': 'abc' },
    )
  await trace(globex.id, 'deletePayment', 'DELETE', '/payments/p1', 204, undefined, undefined)
  await trace(globex.id, 'getPayment', 'GET', '/payments/p1', 418, undefined, { teapot: true })
  // Initech only reads payments.
  for (let i = 0; i < 2; i++)
    await trace(initech.id, 'getPayment', 'GET', '/payments/p1', 200, undefined, { id: 'p1' })
  const second = await importSpecVersion(
    { name: 'Payments', raw: new TextEncoder().encode(spec('integer', false)), sourceKind: 'api' },
    actor,
  )
  expect(second.created).toBe(true)
  expect(second.spec.id).toBe(specId)
  v2Id = second.version.id
})

describe('impact of a new version', () => {
  it('answers 202 while the impact job has not run, then maps the changes', async () => {
    const pending = await apiGet('2')
    expect(pending.status).toBe(202)
    expect(await pending.response!.json()).toMatchObject({ status: 'computing' })
    const page = await settle(() =>
      impactPage({
        request: getRequest(`/projects/${projectId}/specs/${specId}/v/${v2Id}/impact`, ownerCookie),
        params: { projectId, specId, versionId: v2Id },
        context: {},
      }),
    )
    expect((page.data as { state: { status: string } }).state.status).toBe('computing')

    expect(await runQueuedJobs(VERSION_IMPACT_JOB)).toBe(1)
    const ready = await apiGet('2')
    expect(ready.status).toBe(200)
    const body = (await ready.response!.json()) as { changes: ImpactChange[] }
    for (const change of body.changes) {
      expect(Object.keys(change).sort()).toEqual(
        ['location', 'message', 'partners', 'ruleId', 'severity'].sort(),
      )
      expect(['breaking', 'potentially-breaking']).toContain(change.severity)
      for (const partner of change.partners)
        expect(Object.keys(partner).sort()).toEqual(['evidence', 'name', 'partnerProjectId'])
    }
    const typeChange = body.changes.find(
      (change) =>
        change.ruleId === 'request-property-type-changed' && change.location.endsWith('amount'),
    )!
    expect(typeChange).toBeDefined()
    expect(typeChange.partners.map((partner) => partner.name)).toEqual(['Globex'])
    expect(typeChange.partners[0]!.evidence).toMatch(
      /^Globex sent `amount` as a string to POST \/payments in 3 traces in the last 30 days; v2: /,
    )
    const removed = body.changes.find((change) => change.ruleId === 'operation-removed')!
    expect(removed.location).toBe('DELETE /payments/{id}')
    expect(removed.partners.map((partner) => partner.name)).toEqual(['Globex'])
    expect(removed.partners[0]!.evidence).toMatch(/called DELETE \/payments\/\{id\} in 1 trace/)
    expect(JSON.stringify(body)).not.toContain('Initech')
    // Running the job again changes nothing (no second notice).
    await db.job.create({
      data: { kind: VERSION_IMPACT_JOB, payload: JSON.stringify({ specVersionId: v2Id }) },
    })
    await runQueuedJobs(VERSION_IMPACT_JOB)
  })

  it('tells Globex alone: one notice with the changelog link, one email', async () => {
    const notices = await db.partnerNotice.findMany({
      where: { partnerProject: { projectId } },
    })
    expect(notices).toHaveLength(1)
    expect(notices[0]!.partnerProjectId).toBe(globex.id)
    expect(notices[0]!.link).toBe(`/partner/${globex.id}/specs/${specId}/changelog?v=2`)
    expect(notices[0]!.body).toContain('amount')
    const emails = await db.outboxEmail.findMany({
      where: { to: { in: [globex.email, initech.email] } },
    })
    expect(emails.map((email) => email.to)).toEqual([globex.email])
    expect(emails[0]!.subject).toContain('Payments v2')

    const dashboard = await settle(() =>
      dashboardLoader({
        request: getRequest(`/partner/${globex.id}`, globex.cookie),
        params: { partnerProjectId: globex.id },
        context: {},
      }),
    )
    const shown = (dashboard.data as { notices: { id: string; readAt: unknown }[] }).notices
    expect(shown.map((notice) => notice.id)).toEqual([notices[0]!.id])
    const read = await settle(() =>
      dashboardAction({
        request: formRequest(
          `/partner/${globex.id}`,
          { intent: 'read-notice', noticeId: notices[0]!.id },
          globex.cookie,
        ),
        params: { partnerProjectId: globex.id },
        context: {},
      }),
    )
    expect(read.status).toBe(302)
    expect(
      (await db.partnerNotice.findUniqueOrThrow({ where: { id: notices[0]!.id } })).readAt,
    ).not.toBeNull()
  })

  it('answers the first version with no changes, and 404 for unknown versions', async () => {
    const first = await apiGet('1')
    expect(first.status).toBe(200)
    expect(await first.response!.json()).toMatchObject({ changes: [] })
    expect((await apiGet('9')).status).toBe(404)
    expect((await apiGet('x')).status).toBe(400)
  })
})

describe('reality drift', () => {
  it('lists an undocumented response field, status and header per operation', async () => {
    const { operations } = await realityDrift(projectId, specId, v2Id)
    const create = operations.find((operation) => operation.operationId === 'createPayment')!
    expect(create.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'field', name: 'risk_score', status: 201, traces: 3 }),
        expect.objectContaining({ kind: 'header', name: 'x-debug-id', status: 201, traces: 3 }),
      ]),
    )
    expect(create.findings.some((finding) => finding.name === 'content-type')).toBe(false)
    const get = operations.find((operation) => operation.operationId === 'getPayment')!
    expect(get.findings).toEqual([
      expect.objectContaining({ kind: 'status', name: '418', traces: 1 }),
    ])
    const page = await settle(() =>
      impactPage({
        request: getRequest(`/projects/${projectId}/specs/${specId}/v/${v2Id}/impact`, ownerCookie),
        params: { projectId, specId, versionId: v2Id },
        context: {},
      }),
    )
    const data = page.data as { state: { status: string }; reality: { operations: unknown[] } }
    expect(data.state.status).toBe('ready')
    expect(data.reality.operations.length).toBe(2)
  })
})
