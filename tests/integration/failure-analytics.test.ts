/**
 * Failure analytics: patterns counted from each partner's latest complete run only, the
 * vendor's own runs reported apart, a weekly trend, a rule-based note from the template's
 * fix text, accepting it (one audited annotation; viewer 403, outsider 404), the JSON API,
 * and a scale check with a few thousand cases.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loader as apiLoader } from '~/routes/api.v1.projects.$projectId.analytics.failures'
import { action, loader } from '~/routes/projects.$projectId.analytics'
import { failureAnalytics, trendWeeks, weekOf } from '~/server/analytics/failures.server'
import { createApiToken } from '~/server/api-tokens.server'
import type { Actor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import { importSpecVersion } from '~/server/workflows/import-spec.server'
import { goldenTemplate } from '~/shared/golden-templates'
import {
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'

const SPEC = `openapi: 3.0.3
info: {title: Pay, version: "1"}
paths:
  /payments:
    post:
      operationId: createPayment
      responses: {"201": {description: created}, "401": {description: no}}
  /payments/{id}:
    get:
      operationId: getPayment
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

const CHALLENGE = 'authentication.challenge'
const SCHEMA = 'contract.schema'
const DAY = 24 * 3600 * 1000
const NOW = new Date()

let projectId: string
let specId: string
let versionId: string
let environmentId: string
let token: string
const partners: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' }
const cookies = { vendor: '', viewer: '', outsider: '' }

type CaseSpec = {
  templateId: string
  operationId: string
  verdict: string
  reason?: string
  actual?: string
}

async function run(
  partnerProjectId: string | null,
  finishedAt: Date | null,
  cases: CaseSpec[],
  status = 'failed',
) {
  return db.run.create({
    data: {
      projectId,
      specVersionId: versionId,
      environmentId,
      partnerProjectId,
      status,
      finishedAt,
      caseTotal: cases.length,
      cases: {
        create: cases.map((entry, index) => ({
          seq: index + 1,
          key: `${entry.templateId}:${entry.operationId}`,
          templateId: entry.templateId,
          category: goldenTemplate(entry.templateId)!.category,
          operationId: entry.operationId,
          title: entry.templateId,
          verdict: entry.verdict,
          reason: entry.reason ?? null,
          assertions: JSON.stringify(
            entry.actual
              ? [
                  {
                    name: 'WWW-Authenticate header',
                    passed: false,
                    expected: 'present',
                    actual: entry.actual,
                  },
                ]
              : [],
          ),
        })),
      },
    },
  })
}

const failChallenge = (reason = 'The 401 answer has no WWW-Authenticate header') => ({
  templateId: CHALLENGE,
  operationId: 'createPayment',
  verdict: 'failed',
  reason,
  actual: '(missing)',
})

beforeAll(async () => {
  const org = await createOrg('Pay Co')
  projectId = (await createProject(org.id, 'Payments')).id
  const vendor = await createMember(org.id, 'VENDOR')
  cookies.vendor = await cookieFor(vendor.user.id)
  cookies.viewer = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  const other = await createOrg('Other Co')
  cookies.outsider = await cookieFor((await createMember(other.id, 'OWNER')).user.id)
  const actor: Actor = { userId: vendor.user.id, organizationId: org.id, projectId, via: 'page' }
  const imported = await importSpecVersion(
    { raw: new TextEncoder().encode(SPEC), sourceKind: 'paste', name: 'Pay' },
    actor,
  )
  specId = imported.spec.id
  versionId = imported.version.id
  environmentId = (await db.environment.create({ data: { projectId, kind: 'mock', name: 'Mock' } }))
    .id
  for (const slug of ['a', 'b', 'c'] as const)
    partners[slug] = (
      await db.partnerProject.create({ data: { projectId, name: `Partner ${slug}`, slug } })
    ).id
  token = (await createApiToken({ projectId, name: 'ci', createdById: vendor.user.id })).token

  // A failed two weeks ago, then fixed it: its latest run passes.
  await run(partners.a, new Date(NOW.getTime() - 14 * DAY), [failChallenge()])
  await run(
    partners.a,
    NOW,
    [
      { templateId: CHALLENGE, operationId: 'createPayment', verdict: 'passed' },
      { templateId: SCHEMA, operationId: 'getPayment', verdict: 'passed' },
    ],
    'passed',
  )
  // B and C fail it in their latest run; B fails the schema check too.
  await run(partners.b, new Date(NOW.getTime() - DAY), [
    failChallenge(),
    {
      templateId: SCHEMA,
      operationId: 'getPayment',
      verdict: 'failed',
      reason: 'id must be string',
    },
  ])
  await run(partners.c, new Date(NOW.getTime() - 2 * DAY), [
    failChallenge(),
    failChallenge('Another reason'),
  ])
  // C's run still going (not complete) and one errored case: neither counts.
  await run(
    partners.c,
    null,
    [{ templateId: SCHEMA, operationId: 'getPayment', verdict: 'failed' }],
    'running',
  )
  await run(
    partners.a,
    new Date(NOW.getTime() - 3 * DAY),
    [{ templateId: 'errors.not-found', operationId: 'getPayment', verdict: 'errored' }],
    'errored',
  )
  // The vendor's own run fails the schema check, and a check no partner fails.
  await run(null, NOW, [
    { templateId: SCHEMA, operationId: 'getPayment', verdict: 'failed' },
    { templateId: 'errors.not-found', operationId: 'getPayment', verdict: 'failed' },
  ])
})

const pagePath = () => `/projects/${projectId}/analytics`

describe('counting', () => {
  it('counts each partner’s latest run only, most partners first; the vendor apart', async () => {
    const result = await failureAnalytics(projectId, { page: 1, perPage: 50 }, NOW)
    expect(result.partnersWithRuns).toBe(3)
    expect(
      result.patterns.map((p) => [
        p.templateId,
        p.operationId,
        p.failedPartners,
        p.ranPartners,
        p.vendor,
      ]),
    ).toEqual([
      [CHALLENGE, 'createPayment', 2, 3, null],
      [SCHEMA, 'getPayment', 1, 2, 'failed'],
    ])
    const challenge = result.patterns[0]!
    expect(challenge.operation).toEqual({ method: 'POST', path: '/payments' })
    expect(challenge.topReason).toBe('The 401 answer has no WWW-Authenticate header')
    expect(challenge.topReasonCount).toBe(2)
    expect(challenge.topActuals[0]).toMatchObject({
      name: 'WWW-Authenticate header',
      actual: '(missing)',
    })
  })

  it('gives a trend per week over 8 weeks (partners failing in any run that week)', async () => {
    const result = await failureAnalytics(projectId, { page: 1, perPage: 50 }, NOW)
    const trend = result.patterns[0]!.trend
    expect(trend.map((point) => point.week)).toEqual(trendWeeks(NOW))
    expect(trend).toHaveLength(8)
    const expected = new Map<string, number>()
    for (const days of [14, 1, 2]) {
      const week = weekOf(new Date(NOW.getTime() - days * DAY))
      expected.set(week, (expected.get(week) ?? 0) + 1)
    }
    for (const point of trend) expect(point.failed).toBe(expected.get(point.week) ?? 0)
    expect(weekOf(new Date('2026-11-25T10:00:00Z'))).toBe('2026-11-23')
  })
})

describe('the page', () => {
  it('suggests a note from the template’s fix text, then accepts it once (audited)', async () => {
    const result = await settle(() =>
      loader(routeArgs(getRequest(pagePath(), cookies.vendor), { projectId })),
    )
    expect(result.status).toBe(200)
    const page = result.data as Awaited<ReturnType<typeof loader>>
    const pattern = page.patterns[0]!
    expect(pattern.annotated).toBe(false)
    expect(pattern.suggestion).toMatchObject({ type: 'auth_note', fieldPath: '' })
    expect(pattern.suggestion!.body).toContain(goldenTemplate(CHALLENGE)!.fix)
    expect(pattern.suggestion!.body).toContain('2 of 3 partners')
    expect(pattern.suggestion!.body).toContain('POST /payments')
    expect(page.patterns[1]!.suggestion!.type).toBe('error_note')

    const fields = {
      intent: 'accept',
      specId,
      templateId: CHALLENGE,
      operationId: 'createPayment',
      type: 'auth_note',
      fieldPath: '',
      body: pattern.suggestion!.body,
    }
    const viewer = await settle(() =>
      action(routeArgs(formRequest(pagePath(), fields, cookies.viewer), { projectId })),
    )
    expect(viewer.status).toBe(403)
    const outsider = await settle(() =>
      action(routeArgs(formRequest(pagePath(), fields, cookies.outsider), { projectId })),
    )
    expect(outsider.status).toBe(404)
    const accepted = await settle(() =>
      action(routeArgs(formRequest(pagePath(), fields, cookies.vendor), { projectId })),
    )
    expect(accepted.status).toBe(302)
    const again = await settle(() =>
      action(routeArgs(formRequest(pagePath(), fields, cookies.vendor), { projectId })),
    )
    expect(again.status).toBe(409)

    const notes = await db.annotation.findMany({ where: { specId, operationId: 'createPayment' } })
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatchObject({ type: 'auth_note', fieldPath: '' })
    const audits = await db.auditLog.findMany({
      where: { projectId, action: 'annotation.created', targetId: notes[0]!.id },
    })
    expect(audits).toHaveLength(1)

    const after = (
      await settle(() => loader(routeArgs(getRequest(pagePath(), cookies.vendor), { projectId })))
    ).data as Awaited<ReturnType<typeof loader>>
    expect(after.patterns[0]!.annotated).toBe(true)
    expect(after.patterns[0]!.operationHref).toBe(
      `/projects/${projectId}/specs/${specId}/v/${versionId}/operations/createPayment`,
    )
    expect(after.patterns[1]!.annotated).toBe(false)
  })

  it('is hidden from another organisation', async () => {
    const result = await settle(() =>
      loader(routeArgs(getRequest(pagePath(), cookies.outsider), { projectId })),
    )
    expect(result.status).toBe(404)
  })

  it('answers a draft with the rule-based text when no model is configured', async () => {
    const result = await settle(() =>
      action(
        routeArgs(
          formRequest(
            pagePath(),
            { intent: 'draft', specId, templateId: SCHEMA, operationId: 'getPayment' },
            cookies.vendor,
          ),
          { projectId },
        ),
      ),
    )
    expect(result.status).toBe(200)
    expect(result.data).toMatchObject({ ok: true, kind: 'drafted', source: 'rules' })
  })
})

describe('the JSON API', () => {
  const apiPath = (query = '') => `/api/v1/projects/${projectId}/analytics/failures${query}`

  it('needs a token (401)', async () => {
    const result = await settle(() => apiLoader(routeArgs(getRequest(apiPath()), { projectId })))
    expect(result.status).toBe(401)
  })

  it('answers the patterns, ignoring malformed query parameters', async () => {
    for (const query of ['', '?page=abc&limit=-4', '?page=0&limit=100000', '?page[]=1']) {
      const result = await settle(() =>
        apiLoader(
          routeArgs(getRequest(apiPath(query), undefined, { Authorization: `Bearer ${token}` }), {
            projectId,
          }),
        ),
      )
      expect(result.status).toBe(200)
      const body = (await result.response!.json()) as {
        page: number
        patterns: Record<string, unknown>[]
      }
      expect(body.page).toBe(1)
      expect(body.patterns).toHaveLength(2)
      expect(body.patterns[0]).toMatchObject({
        templateId: CHALLENGE,
        operationId: 'createPayment',
        failedPartners: 2,
        ranPartners: 3,
        topReason: 'The 401 answer has no WWW-Authenticate header',
        suggestion: { type: 'auth_note', fieldPath: '' },
      })
      expect(body.patterns[0]!.trend).toEqual(
        expect.arrayContaining([{ week: expect.any(String), failed: expect.any(Number) }]),
      )
    }
  })
})

describe('scale', () => {
  it('aggregates a few thousand cases across many partners', async () => {
    const org = await createOrg('Scale Co')
    const scaleProject = (await createProject(org.id, 'Scale')).id
    const saved = { projectId, versionId, environmentId }
    projectId = scaleProject
    const imported = await importSpecVersion(
      { raw: new TextEncoder().encode(SPEC), sourceKind: 'paste', name: 'Pay' },
      { userId: null, organizationId: org.id, projectId, via: 'page' },
    )
    versionId = imported.version.id
    environmentId = (
      await db.environment.create({ data: { projectId, kind: 'mock', name: 'Mock' } })
    ).id
    const templates = [
      'authentication.challenge',
      'contract.schema',
      'errors.not-found',
      'contract.headers',
    ]
    for (let p = 0; p < 30; p++) {
      const partner = await db.partnerProject.create({
        data: { projectId, name: `P${p}`, slug: `p${p}` },
      })
      for (let r = 0; r < 3; r++) {
        const cases: CaseSpec[] = []
        for (let i = 0; i < 40; i++)
          cases.push({
            templateId: templates[i % templates.length]!,
            operationId: i % 2 ? 'createPayment' : 'getPayment',
            verdict: (i + p + r) % 3 === 0 ? 'failed' : 'passed',
            reason: `reason ${i % 5}`,
            actual: 'x',
          })
        await run(partner.id, new Date(NOW.getTime() - r * 8 * DAY), cases)
      }
    }
    expect(await db.runCase.count({ where: { run: { projectId } } })).toBe(3600)
    const result = await failureAnalytics(projectId, { page: 1, perPage: 50 }, NOW)
    expect(result.partnersWithRuns).toBe(30)
    expect(result.patterns.length).toBeGreaterThan(0)
    for (const pattern of result.patterns) {
      expect(pattern.ranPartners).toBe(30)
      expect(pattern.failedPartners).toBeLessThanOrEqual(30)
    }
    projectId = saved.projectId
    versionId = saved.versionId
    environmentId = saved.environmentId
  })
})
