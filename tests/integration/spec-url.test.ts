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
// A spec split over "public" URLs, as Square's is: the root refers to a schema file,
// which refers to a sibling by a relative path (resolved against its own URL).
const REMOTE_FILES: Record<string, string> = {
  '/schemas/pet.yaml':
    'Pet:\n  type: object\n  required: [name]\n  properties:\n    name: {type: string}\n    owner: {$ref: "owner.json#/Owner"}\n',
  '/schemas/owner.json': JSON.stringify({
    Owner: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
  }),
  '/schemas/broken.json': '{"Pet": {"type": "object",}}',
}
const remoteHits: Record<string, number> = {}
const remoteSpec = (ref: string) =>
  `openapi: 3.0.3\ninfo: {title: Remote refs, version: "1"}\npaths:\n  /pets:\n    get:\n      responses:\n        "200":\n          description: pets\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: "${ref}"}}\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: "${ref}"}\n      responses:\n        "201": {description: created}\n`
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
    const remote = REMOTE_FILES[request.url ?? '']
    if (remote !== undefined) {
      remoteHits[request.url!] = (remoteHits[request.url!] ?? 0) + 1
      return void response.end(remote)
    }
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

describe('remote references', () => {
  const analyze = async (text: string) => {
    const { analyzeSpec } = await import('~/server/specs/analyze.server')
    const { singleFileSource } = await import('~/server/specs/source.server')
    return analyzeSpec(singleFileSource(text, 'openapi.yaml'))
  }

  it('fetches $refs to http(s) URLs (and refs relative to them) once, and bundles them', async () => {
    allowLoopback()
    for (const key of Object.keys(remoteHits)) delete remoteHits[key]
    const { loaded, spec } = await analyze(remoteSpec(`${base}/schemas/pet.yaml#/Pet`))
    // Self-contained: no reference leaves the stored document.
    expect(JSON.stringify(loaded.document)).not.toContain(base)
    expect(JSON.stringify(loaded.document)).not.toMatch(/"\$ref":"(?!#)/)
    const text = JSON.stringify(loaded.document)
    expect(text).toContain('"required":["name"]')
    expect(spec.operations).toHaveLength(2)
    expect(JSON.stringify(loaded.document)).toContain('"format":"email"')
    // Used twice in the document, fetched once.
    expect(remoteHits).toEqual({ '/schemas/pet.yaml': 1, '/schemas/owner.json': 1 })
  })

  it('refuses a reference that cannot be fetched with a 422 naming the URL and suggesting a .zip', async () => {
    allowLoopback()
    const missing = await analyze(remoteSpec(`${base}/schemas/nowhere.yaml#/Pet`)).catch(
      (caught: unknown) => caught as SpecImportError,
    )
    expect(missing).toBeInstanceOf(SpecImportError)
    expect((missing as SpecImportError).status).toBe(422)
    const message = (missing as SpecImportError).problems[0]!.message
    expect(message).toContain(`${base}/schemas/nowhere.yaml`)
    expect(message).toMatch(/HTTP 404.*send the spec as a \.zip/)
    expect((missing as SpecImportError).problems[0]!.line).toBeGreaterThan(0)
    const broken = await analyze(remoteSpec(`${base}/schemas/broken.json#/Pet`)).catch(
      (caught: unknown) => caught as SpecImportError,
    )
    expect((broken as SpecImportError).problems[0]!.message).toMatch(
      /broken\.json.*not valid JSON at line 1.*trailing comma/,
    )
  })

  it('keeps private addresses and file: references refused', async () => {
    // No OUTBOUND_ALLOW_PRIVATE: the loopback server is private.
    const loopback = (await analyze(remoteSpec(`${base}/schemas/pet.yaml#/Pet`)).catch(
      (caught: unknown) => caught,
    )) as SpecImportError
    expect(loopback.problems[0]!.message).toMatch(/could not be fetched.*private or loopback/)
    allowLoopback()
    const metadata = (await analyze(
      remoteSpec('http://169.254.169.254/latest/meta-data#/Pet'),
    ).catch((caught: unknown) => caught)) as SpecImportError
    expect(metadata.problems[0]!.message).toMatch(/could not be fetched/)
    const file = (await analyze(remoteSpec('file:///etc/passwd#/Pet')).catch(
      (caught: unknown) => caught,
    )) as SpecImportError
    expect(file.problems[0]!.message).toMatch(
      /External reference "file:\/\/\/etc\/passwd#\/Pet" refused/,
    )
  })
})
