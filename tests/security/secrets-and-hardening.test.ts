/**
 * Findings 6-8 of the attack review: SSRF gaps, secrets shown to every
 * member, and malformed input, file permissions and unaudited API writes.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployMigrations } from '../../other/migrate-engine'
import { action as specsApi } from '~/routes/api.v1.projects.$projectId.specs'
import { action as mocksApi } from '~/routes/api.v1.projects.$projectId.mocks'
import { action as mockApi } from '~/routes/api.v1.projects.$projectId.mocks.$mockId'
import {
  action as mockPage,
  loader as mockPageLoader,
} from '~/routes/projects.$projectId.mocks.$mockId'
import { action as specsPage } from '~/routes/projects.$projectId.specs._index'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { DEFAULT_MOCK_CONFIG } from '~/server/mocks/engine.server'
import { getSupervisor, writeMockConfig } from '~/server/mocks/supervisor.server'
import { inviteMember } from '~/server/orgs/members.server'
import { addressRefusal, fetchGuarded, OutboundError } from '~/server/outbound.server'
import { importSpec } from '~/server/specs/store.server'
import { isAppMethod } from '~/server/web-security.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createProject,
  createUser,
  formRequest,
  getRequest,
  settle,
  uniqueEmail,
  routeArgs,
} from '../helpers'

const base = 20_000 + Math.floor(Math.random() * 20_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 5}`

const args = routeArgs

const SPEC = `openapi: 3.1.0
info: {title: Secrets API, version: "1"}
components:
  securitySchemes:
    partnerKey: {type: apiKey, in: header, name: X-Partner-Credential}
paths:
  /payments:
    post:
      operationId: pay
      security: [{partnerKey: []}]
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {type: object}}}}}
webhooks:
  paid:
    post:
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
`

let orgId: string
let projectId: string
let versionId: string
let specId: string
let viewerCookie: string
let vendorCookie: string
let token: string
let tokenId: string
beforeAll(async () => {
  orgId = (await createOrg()).id
  projectId = (await createProject(orgId)).id
  viewerCookie = await cookieFor((await createMember(orgId, 'VIEWER')).user.id)
  vendorCookie = await cookieFor((await createMember(orgId, 'VENDOR')).user.id)
  const imported = await importSpec({
    projectId,
    raw: new TextEncoder().encode(SPEC),
    sourceKind: 'paste',
  })
  versionId = imported.version.id
  specId = imported.spec.id
  const created = await createApiToken({
    projectId,
    name: 'CI',
    createdById: (await createUser()).id,
  })
  token = created.token
  tokenId = created.record.id
})
afterAll(() => getSupervisor().shutdown())

/** POST /api/v1/projects/:id/mocks with the project token. */
function createMockThroughApi() {
  return settle(() =>
    mocksApi(
      args(
        new Request(`http://localhost/api/v1/projects/${projectId}/mocks`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ specId, stateful: false }),
        }),
        { projectId },
      ),
    ),
  )
}

describe('finding 6: the SSRF guard', () => {
  it('refuses IANA special-purpose ranges and IPv4-embedding IPv6 prefixes', () => {
    for (const address of [
      '192.0.0.8',
      '192.0.2.10',
      '198.51.100.7',
      '203.0.113.9',
      '198.18.0.1',
      '192.88.99.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      '2001:db8::1',
      '2001::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '100::1',
    ])
      expect(addressRefusal(address), address).not.toBeNull()
    expect(addressRefusal('93.184.215.14')).toBeNull()
    expect(addressRefusal('2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeNull()
  })

  it('refuses this host’s own interface addresses', () => {
    const own = Object.values(os.networkInterfaces())
      .flat()
      .map((entry) => entry?.address)
      .filter((address): address is string => Boolean(address))
    expect(own.length).toBeGreaterThan(0)
    for (const address of own) expect(addressRefusal(address), address).not.toBeNull()
  })

  it('lets them through only with OUTBOUND_ALLOW_PRIVATE, and never link-local or metadata', () => {
    process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
    resetEnvCache()
    try {
      expect(addressRefusal('192.0.2.10')).toBeNull()
      expect(addressRefusal('169.254.169.254')).not.toBeNull()
      expect(addressRefusal('fe80::1')).not.toBeNull()
    } finally {
      delete process.env.OUTBOUND_ALLOW_PRIVATE
      resetEnvCache()
    }
  })

  it('refuses before connecting', async () => {
    const error = await fetchGuarded('http://198.51.100.7/spec.yaml').catch((caught) => caught)
    expect(error).toBeInstanceOf(OutboundError)
    expect((error as OutboundError).code).toBe('blocked')
  })
})

describe('finding 7: secrets', () => {
  let mockId: string
  beforeAll(async () => {
    mockId = (
      await db.mock.create({
        data: {
          projectId,
          specVersionId: versionId,
          desiredState: 'stopped',
          status: 'stopped',
          config: writeMockConfig(DEFAULT_MOCK_CONFIG),
        },
      })
    ).id
  })
  const page = (cookie: string) =>
    settle(() =>
      mockPageLoader(
        args(getRequest(`/projects/${projectId}/mocks/${mockId}`, cookie), { projectId, mockId }),
      ),
    )
  const post = (fields: Record<string, string>, cookie = vendorCookie) =>
    settle(() =>
      mockPage(
        args(formRequest(`/projects/${projectId}/mocks/${mockId}`, fields, cookie), {
          projectId,
          mockId,
        }),
      ),
    )

  it('a page load creates no signing secret and shows none', async () => {
    const viewed = await page(viewerCookie)
    expect(viewed.status).toBe(200)
    expect((await db.mock.findUniqueOrThrow({ where: { id: mockId } })).webhookSecret).toBeNull()
    expect(JSON.stringify(viewed.data)).not.toMatch(/whsec_/)
  })

  it('shows the secret in full once, to a writer, then masked to everyone', async () => {
    const slack = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXsecretpath'
    const saved = await post({ intent: 'webhook-target', targetUrl: slack })
    const secret = (saved.data as { revealedSecret: string }).revealedSecret
    expect(secret).toMatch(/^whsec_/)
    for (const cookie of [viewerCookie, vendorCookie]) {
      const text = JSON.stringify((await page(cookie)).data)
      expect(text).not.toContain(secret)
      expect(text).not.toContain('XXXXXXXXsecretpath')
      expect(text).not.toContain('/services/')
      expect(text).toContain(`••••${secret.slice(-4)}`)
    }
    // A viewer can neither rotate it nor set a target.
    expect((await post({ intent: 'rotate-secret' }, viewerCookie)).status).toBe(403)
    const rotated = await post({ intent: 'rotate-secret' })
    const next = (rotated.data as { revealedSecret: string }).revealedSecret
    expect(next).toMatch(/^whsec_/)
    expect(next).not.toBe(secret)
  })

  it('keeps no usable invite link in the outbox', async () => {
    const email = uniqueEmail('invitee')
    const { link } = await inviteMember({
      organizationId: orgId,
      organizationName: 'Org',
      email,
      role: 'VIEWER',
      invitedById: (await createUser()).id,
      actorRole: 'OWNER',
      baseUrl: BASE_URL,
    })
    const stored = await db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    expect(stored.text).not.toContain(link.split('/').pop()!)
  })

  it('the request log keeps no credential, whatever its name or place', async () => {
    const mock = await createMockThroughApi()
    const { mockId: liveId, baseUrl } = (await mock.response!.json()) as {
      mockId: string
      baseUrl: string
    }
    const answer = await fetch(`${baseUrl}/payments?sig=deadbeefcafe&page=2`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-partner-credential': 'partner-credential-value',
        'x-session': 'session-value-123',
        'x-forwarded-note': 'Bearer bearer-value-456',
      },
      body: JSON.stringify({
        amount: 5,
        card_token: 'tok_card_value',
        password: 'password-value',
        card: { number: '4242424242424242' },
      }),
    })
    expect(answer.status).toBe(201)
    let logged = ''
    for (let attempt = 0; attempt < 50 && !logged; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const entry = await db.mockRequestLog.findFirst({ where: { mockId: liveId } })
      logged = entry ? JSON.stringify(entry) : ''
    }
    expect(logged).toContain('page=2')
    for (const secret of [
      'partner-credential-value',
      'session-value-123',
      'bearer-value-456',
      'deadbeefcafe',
      'tok_card_value',
      'password-value',
      '4242424242424242',
    ])
      expect(logged).not.toContain(secret)
  })
})

describe('finding 8: hardening', () => {
  it('answers a malformed multipart body with 400, not 500', async () => {
    const request = new Request(`${BASE_URL}/projects/${projectId}/specs`, {
      method: 'POST',
      headers: {
        'Content-Type': 'multipart/form-data; boundary=----broken',
        Cookie: vendorCookie,
      },
      body: '------broken\r\nContent-Disposition: form-data; name="pasted"\r\n\r\nno end boundary',
    })
    const result = await settle(() => specsPage(args(request, { projectId })))
    expect(result.status).toBe(400)
    expect(JSON.stringify(result.data)).toMatch(/malformed multipart/)
  })

  it('answers only the methods the app knows', () => {
    for (const method of ['GET', 'post', 'DELETE', 'OPTIONS'])
      expect(isAppMethod(method)).toBe(true)
    for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PROPFIND'])
      expect(isAppMethod(method)).toBe(false)
  })

  it('creates the database file and its directory for the server user only', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ic-perm-')), 'data')
    const previous = process.umask(0o022) // a permissive umask, as on a default shell
    try {
      await deployMigrations({ databaseUrl: `file:${dir}/app.db` })
    } finally {
      process.umask(previous)
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(`${dir}/app.db`).mode & 0o777).toBe(0o600)
    // An existing world-readable file is tightened on the next start.
    fs.chmodSync(`${dir}/app.db`, 0o644)
    await deployMigrations({ databaseUrl: `file:${dir}/app.db` })
    expect(fs.statSync(`${dir}/app.db`).mode & 0o777).toBe(0o600)
    fs.rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  it('audits writes made through the JSON API like their page twins', async () => {
    const imported = await settle(() =>
      specsApi(
        args(
          new Request(`http://localhost/api/v1/projects/${projectId}/specs?name=Audited`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/yaml' },
            body: SPEC.replace('Secrets API', 'Audited API'),
          }),
          { projectId },
        ),
      ),
    )
    expect(imported.status).toBe(201)
    const created = await createMockThroughApi()
    const { mockId } = (await created.response!.json()) as { mockId: string }
    const deleted = await settle(() =>
      mockApi(
        args(
          new Request(`http://localhost/api/v1/projects/${projectId}/mocks/${mockId}`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${token}` },
          }),
          { projectId, mockId },
        ),
      ),
    )
    expect(deleted.status).toBe(204)
    const entries = await db.auditLog.findMany({
      where: { projectId },
      orderBy: { createdAt: 'asc' },
    })
    const byAction = (action: string) =>
      entries.filter((entry) => entry.action === action).map((entry) => JSON.parse(entry.metadata))
    expect(byAction('spec.imported')).toContainEqual(
      expect.objectContaining({ via: 'api', spec: 'Audited', tokenId }),
    )
    expect(byAction('mock.created')).toContainEqual(expect.objectContaining({ via: 'api' }))
    expect(byAction('mock.deleted')).toContainEqual(expect.objectContaining({ via: 'api' }))
  })
})
