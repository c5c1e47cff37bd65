/**
 * Pushed spec updates: POST /api/v1/projects/:id/specs/:specId/versions from
 * CI, and the signed inbound webhook /hooks/specs/:specId that makes the
 * server fetch the source URL (through the guarded client, in a job). On a new
 * version the mock moves and, when asked, a run starts against it.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action as pushAction } from '~/routes/api.v1.projects.$projectId.specs.$specId.versions'
import { action as hookAction } from '~/routes/hooks.specs.$specId'
import {
  action as sourceAction,
  loader as sourceLoader,
} from '~/routes/projects.$projectId.specs.$specId.source'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { SPEC_FETCH_JOB, VERSION_IMPACT_JOB } from '~/server/drift/kinds'
import { resetEnvCache } from '~/server/env.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { importSpec } from '~/server/specs/store.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  settle as settleRoute,
} from '../helpers'
import { copilotSignature, githubSignature, runQueuedJobs } from '../support/drift'

/** settle(), with a JSON Response's body read into data. */
async function settle(run: () => Promise<unknown>) {
  const result = await settleRoute(run)
  if (result.response && result.data === undefined) {
    const text = await result.response.clone().text()
    try {
      return { ...result, data: JSON.parse(text) as unknown }
    } catch {
      return { ...result, data: text }
    }
  }
  return result
}

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 5}`

const specText = (version: string, extraPath = '') =>
  `openapi: 3.0.3\ninfo: {title: Pushed, version: "${version}"}\npaths:\n  /ping:\n    get:\n      responses:\n        "200": {description: pong}\n${extraPath}`
const V2 = specText(
  '2',
  '  /pong:\n    get:\n      responses:\n        "200": {description: ping}\n',
)
const V3 = specText(
  '3',
  '  /pang:\n    get:\n      responses:\n        "200": {description: pang}\n',
)

let projectId: string
let otherProjectId: string
let specId: string
let token: string
let otherToken: string
let ownerCookie: string
let remote: http.Server
let remoteBase: string
const remoteBody = V3
let remoteHits = 0

beforeAll(async () => {
  const org = await createOrg()
  const owner = await createMember(org.id, 'OWNER')
  ownerCookie = await cookieFor(owner.user.id)
  projectId = (await createProject(org.id)).id
  otherProjectId = (await createProject(org.id, 'Other')).id
  specId = (
    await importSpec({
      projectId,
      raw: new TextEncoder().encode(specText('1')),
      sourceKind: 'paste',
    })
  ).spec.id
  token = (await createApiToken({ projectId, name: 'CI', createdById: owner.user.id })).token
  otherToken = (
    await createApiToken({ projectId: otherProjectId, name: 'CI', createdById: owner.user.id })
  ).token
  remote = http.createServer((request, response) => {
    remoteHits++
    if (request.url === '/openapi.yaml') return void response.end(remoteBody)
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve))
  remoteBase = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`
})

afterAll(async () => {
  remote.close()
  await getSupervisor().shutdown()
  delete process.env.OUTBOUND_ALLOW_PRIVATE
  resetEnvCache()
})

function push(
  body: string | Uint8Array,
  options: { token?: string | null; type?: string; spec?: string; project?: string } = {},
) {
  const headers: Record<string, string> = { 'Content-Type': options.type ?? 'application/yaml' }
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? token}`
  const project = options.project ?? projectId
  const spec = options.spec ?? specId
  return settle(() =>
    pushAction({
      request: new Request(`http://localhost/api/v1/projects/${project}/specs/${spec}/versions`, {
        method: 'POST',
        headers,
        body: body as BodyInit,
      }),
      params: { projectId: project, specId: spec },
      context: {},
    }),
  )
}

function hook(body: string, headers: Record<string, string>, id = specId) {
  return settle(() =>
    hookAction({
      request: new Request(`http://localhost/hooks/specs/${id}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body,
      }),
      params: { specId: id },
      context: {},
    }),
  )
}

async function saveSource(fields: Record<string, string>) {
  return settle(() =>
    sourceAction({
      request: formRequest(`/projects/${projectId}/specs/${specId}/source`, fields, ownerCookie),
      params: { projectId, specId },
      context: {},
    }),
  )
}

describe('POST /api/v1/projects/:projectId/specs/:specId/versions', () => {
  it('refuses a request without a token (401) and another project’s token (404)', async () => {
    expect((await push(V2, { token: null })).status).toBe(401)
    expect((await push(V2, { token: otherToken })).status).toBe(404)
    expect((await push(V2, { token: otherToken, project: otherProjectId })).status).toBe(404)
  })

  it('adds a version (201) and recognises unchanged content (200, no duplicate)', async () => {
    const created = await push(V2)
    expect(created.status).toBe(201)
    const body = created.data as { version: number; specId: string; impactUrl: string }
    expect(body.version).toBe(2)
    expect(body.specId).toBe(specId)
    expect(body.impactUrl).toBe(`/api/v1/projects/${projectId}/specs/${specId}/versions/2/impact`)
    // The impact job of the new version is queued.
    const impactJobs = await db.job.findMany({ where: { kind: VERSION_IMPACT_JOB } })
    expect(impactJobs).toHaveLength(1)

    const again = await push(V2)
    expect(again.status).toBe(200)
    expect((again.data as { version: number }).version).toBe(2)
    expect(await db.specVersion.count({ where: { specId } })).toBe(2)
    expect(await db.job.count({ where: { kind: VERSION_IMPACT_JOB } })).toBe(1)
  })

  it('answers malformed, oversized and hostile bodies as the spec API does', async () => {
    const malformed = await push('openapi: 3.0.3\ninfo: [unclosed', {})
    expect([400, 422]).toContain(malformed.status)
    expect((malformed.data as { problems: unknown[] }).problems.length).toBeGreaterThan(0)
    expect((await push('', {})).status).toBe(400)
    expect((await push(V2, { type: 'text/html' })).status).toBe(415)
    const huge = new Uint8Array(21 * 1024 * 1024).fill(32)
    expect((await push(huge)).status).toBe(413)
    // A billion-laughs YAML and a prototype-polluting JSON are refused or neutralised, never crash.
    const laughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`
    expect([400, 413, 422]).toContain((await push(laughs)).status)
    const polluted = await push(
      '{"openapi":"3.0.3","info":{"title":"Pushed","version":"x"},"paths":{},"__proto__":{"polluted":true}}',
      { type: 'application/json' },
    )
    expect([200, 201, 422]).toContain(polluted.status)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // An unknown spec of the project.
    expect((await push(V2, { spec: 'nope' })).status).toBe(404)
  })
})

describe('the spec source page and the inbound webhook', () => {
  let secret: string

  it('registers the source URL and shows the signing secret once', async () => {
    const saved = await saveSource({
      intent: 'save',
      sourceUrl: `${remoteBase}/openapi.yaml`,
      inboundScheme: 'github',
      runOnNewVersion: 'on',
    })
    expect(saved.status).toBe(200)
    secret = (saved.data as { secret: string }).secret
    expect(secret).toMatch(/^spsec_/)
    const row = await db.spec.findUniqueOrThrow({ where: { id: specId } })
    expect(row.inboundSecret).not.toContain(secret)
    expect(row.runOnNewVersion).toBe(true)
    const page = await settle(() =>
      sourceLoader({
        request: getRequest(`/projects/${projectId}/specs/${specId}/source`, ownerCookie),
        params: { projectId, specId },
        context: {},
      }),
    )
    const data = page.data as { inboundUrl: string; secretMask: string }
    expect(data.inboundUrl).toMatch(new RegExp(`/hooks/specs/${specId}$`))
    expect(data.secretMask).toBe(`••••${secret.slice(-4)}`)
    expect(JSON.stringify(page.data)).not.toContain(secret)
    // A second save keeps the secret (not shown again).
    const again = await saveSource({
      intent: 'save',
      sourceUrl: `${remoteBase}/openapi.yaml`,
      inboundScheme: 'github',
      runOnNewVersion: 'on',
    })
    expect((again.data as { secret: string | null }).secret).toBeNull()
    // Not a URL: refused.
    const bad = await saveSource({
      intent: 'save',
      sourceUrl: 'javascript:alert(1)',
      inboundScheme: 'github',
    })
    expect((bad.data as { errors: string[] }).errors.length).toBeGreaterThan(0)
  })

  it('checks the GitHub signature: missing and wrong are refused, a ping answers 200', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' })
    expect((await hook(body, {})).status).toBe(401)
    expect(
      (await hook(body, { 'X-Hub-Signature-256': githubSignature('wrong', body) })).status,
    ).toBe(401)
    expect((await hook(body, { 'X-Hub-Signature-256': 'sha256=' })).status).toBe(401)
    expect(
      (await hook(body, { 'X-Hub-Signature-256': githubSignature(secret, body) }, 'unknown'))
        .status,
    ).toBe(404)
    const ping = await hook('{"zen":"Keep it logically awesome."}', {
      'X-GitHub-Event': 'ping',
      'X-Hub-Signature-256': githubSignature(secret, '{"zen":"Keep it logically awesome."}'),
    })
    expect(ping.status).toBe(200)
    expect(await db.job.count({ where: { kind: SPEC_FETCH_JOB } })).toBe(0)
  })

  it('queues a fetch on a signed push; the job fetches through the guarded client, the mock moves and a run starts', async () => {
    // The mock of the spec (on v2) must move to v3 with the same id (its URL).
    const v2 = await db.specVersion.findFirstOrThrow({
      where: { specId },
      orderBy: { number: 'desc' },
    })
    const mock = await db.mock.create({
      data: { projectId, specVersionId: v2.id, status: 'stopped', desiredState: 'stopped' },
    })
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [] })
    const accepted = await hook(body, {
      'X-GitHub-Event': 'push',
      'X-Hub-Signature-256': githubSignature(secret, body),
    })
    expect(accepted.status).toBe(202)
    expect(remoteHits).toBe(0) // never fetched in the request

    // The guarded client refuses the loopback server while private targets are not allowed.
    process.env.OUTBOUND_ALLOW_PRIVATE = 'false'
    resetEnvCache()
    await expect(runQueuedJobs(SPEC_FETCH_JOB)).rejects.toThrow(/could not be fetched/)
    expect(remoteHits).toBe(0)

    process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
    process.env.MOCK_AUTOSTART = 'true'
    resetEnvCache()
    await hook(body, {
      'X-GitHub-Event': 'push',
      'X-Hub-Signature-256': githubSignature(secret, body),
    })
    expect(await runQueuedJobs(SPEC_FETCH_JOB)).toBe(1)
    process.env.MOCK_AUTOSTART = 'false'
    expect(remoteHits).toBe(1)
    const v3 = await db.specVersion.findFirstOrThrow({
      where: { specId },
      orderBy: { number: 'desc' },
    })
    expect(v3.sourceKind).toBe('url')
    const moved = await db.mock.findUniqueOrThrow({ where: { id: mock.id } })
    expect(moved.specVersionId).toBe(v3.id)
    expect(await db.mock.count({ where: { projectId } })).toBe(1)
    const run = await db.run.findFirst({ where: { projectId, specVersionId: v3.id } })
    expect(run).not.toBeNull()
    expect(
      await db.job.count({ where: { kind: VERSION_IMPACT_JOB, payload: { contains: v3.id } } }),
    ).toBe(1)
  })

  it('verifies the generic HMAC scheme with a timestamp (an old one is refused)', async () => {
    const saved = await saveSource({
      intent: 'save',
      sourceUrl: `${remoteBase}/openapi.yaml`,
      inboundScheme: 'hmac',
    })
    expect(saved.status).toBe(200)
    const body = '{"changed":true}'
    const versionsBefore = await db.specVersion.count({ where: { specId } })
    const now = Math.floor(Date.now() / 1000)
    // GitHub's header does not count under this scheme.
    expect(
      (await hook(body, { 'X-Hub-Signature-256': githubSignature(secret, body) })).status,
    ).toBe(401)
    const old = now - 600
    const stale = await hook(body, {
      'X-Copilot-Timestamp': String(old),
      'X-Copilot-Signature': copilotSignature(secret, old, body),
    })
    expect(stale.status).toBe(401)
    expect((stale.data as { error: string }).error).toMatch(/timestamp/)
    const wrong = await hook(body, {
      'X-Copilot-Timestamp': String(now),
      'X-Copilot-Signature': copilotSignature(secret, now, `${body} `),
    })
    expect(wrong.status).toBe(401)
    const good = await hook(body, {
      'X-Copilot-Timestamp': String(now),
      'X-Copilot-Signature': copilotSignature(secret, now, body),
    })
    expect(good.status).toBe(202)
    // Unchanged content at the URL: no new version.
    await runQueuedJobs(SPEC_FETCH_JOB)
    expect(await db.specVersion.count({ where: { specId } })).toBe(versionsBefore)
  })

  it('keeps viewers out of the source settings (403)', async () => {
    const org = await db.project.findUniqueOrThrow({ where: { id: projectId } })
    const viewer = await cookieFor((await createMember(org.organizationId, 'VIEWER')).user.id)
    const result = await settle(() =>
      sourceAction({
        request: formRequest(
          `/projects/${projectId}/specs/${specId}/source`,
          { intent: 'rotate' },
          viewer,
        ),
        params: { projectId, specId },
        context: {},
      }),
    )
    expect(result.status).toBe(403)
  })
})
