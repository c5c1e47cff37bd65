/** URL import through the guarded outbound client, against a real HTTP server on 127.0.0.1. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { action as specsAction } from '~/routes/projects.$projectId.specs._index'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { fetchGuarded, OutboundError } from '~/server/outbound.server'
import { SpecImportError } from '~/server/specs/problems.server'
import { downloadSpec } from '~/server/specs/url.server'
import { cookieFor, createMember, createOrg, createProject, settle } from '../helpers'

const SPEC =
  'openapi: 3.0.3\ninfo: {title: Remote, version: "1"}\npaths:\n  /ping:\n    get:\n      responses:\n        "200": {description: pong}\n'
let server: http.Server
let base: string

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.url === '/spec.yaml') return void response.end(SPEC)
    if (request.url === '/moved')
      return void response.writeHead(302, { Location: '/spec.yaml' }).end()
    if (request.url === '/to-metadata')
      return void response
        .writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' })
        .end()
    if (request.url === '/huge')
      return void response.writeHead(200, { 'Content-Length': String(30 * 1024 * 1024) }).end()
    if (request.url === '/slow') return void setTimeout(() => response.end(SPEC), 2_000)
    response.writeHead(404).end('not here')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server.close())
afterEach(() => {
  delete process.env.OUTBOUND_ALLOW_PRIVATE
  resetEnvCache()
})

const allowLoopback = () => {
  process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
  resetEnvCache()
}

async function refusedWith(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(SpecImportError)
  return (error as SpecImportError).problems[0]!.message
}

describe('SSRF guard', () => {
  it('refuses loopback, private and metadata addresses by default', async () => {
    expect(await refusedWith(downloadSpec(`${base}/spec.yaml`))).toMatch(/private or loopback/)
    expect(await refusedWith(downloadSpec('http://localhost:9/spec.yaml'))).toMatch(
      /private or loopback/,
    )
    expect(await refusedWith(downloadSpec('http://10.1.2.3/spec.yaml'))).toMatch(
      /private or loopback/,
    )
    expect(await refusedWith(downloadSpec('http://169.254.169.254/latest/meta-data/'))).toMatch(
      /metadata/,
    )
    expect(await refusedWith(downloadSpec('file:///etc/passwd'))).toMatch(/Only http and https/)
  })

  it('keeps metadata blocked when private networks are allowed, also behind a redirect', async () => {
    allowLoopback()
    expect(await refusedWith(downloadSpec('http://[::ffff:169.254.169.254]/'))).toMatch(/metadata/)
    expect(await refusedWith(downloadSpec(`${base}/to-metadata`))).toMatch(/metadata/)
  })

  it('caps size and time', async () => {
    allowLoopback()
    expect((await downloadSpec(`${base}/moved`)).sourceName).toBe(`${base}/spec.yaml`)
    const tooBig = await fetchGuarded(`${base}/huge`, { maxBytes: 1024 }).catch(
      (caught: unknown) => caught,
    )
    expect(tooBig).toMatchObject({ code: 'too-large' })
    const slow = await fetchGuarded(`${base}/slow`, { timeoutMs: 300 }).catch(
      (caught: unknown) => caught,
    )
    expect(slow).toBeInstanceOf(OutboundError)
    expect((slow as OutboundError).code).toBe('timeout')
    expect(await refusedWith(downloadSpec(`${base}/missing.yaml`))).toMatch(/answered HTTP 404/)
  })
})

describe('Specs tab: import from a URL', () => {
  it('imports the fetched spec as a new version', async () => {
    allowLoopback()
    const org = await createOrg()
    const projectId = (await createProject(org.id)).id
    const cookie = await cookieFor((await createMember(org.id, 'VENDOR')).user.id)
    const form = new FormData()
    form.set('url', `${base}/spec.yaml`)
    const request = new Request(`http://localhost/projects/${projectId}/specs`, {
      method: 'POST',
      body: form,
      headers: { Cookie: cookie },
    })
    const result = await settle(() => specsAction({ request, params: { projectId }, context: {} }))
    expect(result.status).toBe(302)
    const version = await db.specVersion.findFirstOrThrow({ where: { spec: { projectId } } })
    expect(version).toMatchObject({
      sourceKind: 'url',
      sourceName: `${base}/spec.yaml`,
      title: 'Remote',
      operationCount: 1,
    })
  })
})
