/**
 * The README's signing snippets, run exactly as written (extracted from README.md) against
 * POST /api/v1/traces served over real HTTP on 127.0.0.1: curl + openssl, and Node.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { action } from '~/routes/api.v1.traces'
import { db } from '~/server/db.server'
import { importSpec } from '~/server/specs/store.server'
import { setTraceSecret } from '~/server/traces/secrets.server'
import { createOrg, createProject } from '../helpers'
import { serveRoute } from '../support/route-server'

const run = promisify(execFile)
const SECRET = 'tsk_readme_snippet_secret_0123'

function snippet(name: 'curl' | 'node'): string {
  const readme = fs.readFileSync('README.md', 'utf8')
  const marker = readme.indexOf(`<!-- trace-snippet:${name} -->`)
  expect(marker, `README.md has the ${name} snippet`).toBeGreaterThan(-1)
  const block = /```(?:sh|js)\n([\s\S]*?)```/.exec(readme.slice(marker))
  return block![1]!
}

let server: Awaited<ReturnType<typeof serveRoute>>
let partnerProjectId: string

beforeAll(async () => {
  const org = await createOrg('Acme Payments')
  const project = await createProject(org.id, 'Acme Payments API')
  await importSpec({
    projectId: project.id,
    raw: fs.readFileSync('prisma/demo/acme-payments.openapi.yaml'),
    sourceKind: 'upload',
  })
  const globex = await db.partnerProject.create({
    data: { projectId: project.id, name: 'Globex', slug: 'globex' },
  })
  partnerProjectId = globex.id
  await setTraceSecret(globex.id, SECRET)
  server = await serveRoute(action)
})

afterAll(() => server.close())

const env = () => ({ ...process.env, COPILOT_URL: server.url, TRACE_SECRET: SECRET })

it('the curl snippet signs a batch the API accepts, valid against the demo spec', async () => {
  const { stdout } = await run('bash', ['-c', snippet('curl')], { env: env() })
  expect(JSON.parse(stdout)).toMatchObject({ accepted: 1, valid: 1, rejected: [] })
  const trace = await db.trace.findFirstOrThrow({
    where: { partnerProjectId, method: 'POST' },
  })
  expect(trace).toMatchObject({ operationKey: 'createPayment', verified: true, valid: true })
  expect(trace.request).not.toContain('sk_test_123456')
})

it('the Node snippet signs a batch the API accepts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snippet-'))
  const file = path.join(dir, 'send-traces.mjs')
  fs.writeFileSync(file, snippet('node'))
  const { stdout } = await run(process.execPath, [file], { env: env() })
  const [status, json] = [stdout.slice(0, 3), stdout.slice(4)]
  expect(status).toBe('201')
  expect(JSON.parse(json)).toMatchObject({ accepted: 1, valid: 1 })
  fs.rmSync(dir, { recursive: true, force: true })
  const trace = await db.trace.findFirstOrThrow({ where: { partnerProjectId, method: 'GET' } })
  expect(trace.operationKey).toBe('getPayment')
})

it('the same snippet with a wrong secret is refused with the reason', async () => {
  const { stdout } = await run('bash', ['-c', snippet('curl')], {
    env: { ...env(), TRACE_SECRET: 'tsk_not_the_secret_at_all' },
  })
  expect(JSON.parse(stdout).error).toMatch(/signature does not match/)
})
