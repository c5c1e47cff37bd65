import { expect, it } from 'vitest'
import { db } from '~/server/db.server'
import { verifyLogin } from '~/server/auth.server'
import { sha256 } from '~/server/crypto.server'
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_PROJECT_NAME, seed } from '../../prisma/seed'

it('seeds the demo organisations idempotently, with DEMO_API_TOKEN registered', async () => {
  process.env.DEMO_API_TOKEN = 'ic_demo_token_for_tests'
  await seed()
  const counts = async () => ({
    users: await db.user.count(),
    orgs: await db.organization.count(),
    memberships: await db.membership.count(),
    projects: await db.project.count(),
    tokens: await db.apiToken.count(),
    specs: await db.specVersion.count(),
    mocks: await db.mock.count(),
  })
  const first = await counts()
  await seed()
  expect(await counts()).toEqual(first)
  delete process.env.DEMO_API_TOKEN

  for (const login of DEMO_LOGINS)
    await expect(verifyLogin(login.email, DEMO_PASSWORD)).resolves.toMatchObject({
      email: login.email,
    })
  const viewer = await db.membership.findFirstOrThrow({
    where: { user: { email: 'viewer@acme.test' } },
    include: { organization: true },
  })
  expect(viewer).toMatchObject({ role: 'VIEWER', organization: { name: 'Acme Payments' } })
  const globex = await db.partnerProject.findFirstOrThrow({
    where: { slug: 'globex' },
    include: { members: { include: { user: true } }, project: { include: { organization: true } } },
  })
  expect(globex.members[0]!.user.email).toBe('partner@globex.test')
  expect(globex.project.organization.name).toBe('Acme Payments')
  // A second partner company of the same demo project, with its own partner user and plan.
  const umbrella = await db.partnerProject.findFirstOrThrow({
    where: { slug: 'umbrella' },
    include: { members: { include: { user: true } }, planItems: true },
  })
  expect(umbrella.projectId).toBe(globex.projectId)
  expect(umbrella.members.map((member) => member.user.email)).toEqual(['partner@umbrella.test'])
  expect(umbrella.planItems.length).toBeGreaterThan(0)
  const token = await db.apiToken.findUniqueOrThrow({
    where: { tokenHash: sha256('ic_demo_token_for_tests') },
  })
  expect(token.projectId).toBe(globex.projectId)
})

it('imports the demo API into the demo project with a mock that starts when the app boots', async () => {
  await seed()
  const version = await db.specVersion.findFirstOrThrow({
    where: { spec: { project: { name: DEMO_PROJECT_NAME } } },
    include: { spec: true },
  })
  expect(version).toMatchObject({
    number: 1,
    title: 'Acme Payments API',
    openapiVersion: '3.1.0',
    operationCount: 8,
  })
  const mock = await db.mock.findFirstOrThrow({ where: { specVersionId: version.id } })
  expect(mock).toMatchObject({ desiredState: 'running', projectId: version.spec.projectId })
})

it('gives Globex its default plan, and DEMO_TRACE_SECRET as its trace secret', async () => {
  process.env.DEMO_TRACE_SECRET = 'tsk_demo_secret_for_the_tests'
  await seed()
  delete process.env.DEMO_TRACE_SECRET
  const { acceptedSecrets } = await import('~/server/traces/secrets.server')
  const globex = await db.partnerProject.findFirstOrThrow({ where: { slug: 'globex' } })
  expect(acceptedSecrets(globex)).toEqual(['tsk_demo_secret_for_the_tests'])
  expect(globex.traceSecret).not.toContain('tsk_demo_secret_for_the_tests')
  expect(await db.planItem.count({ where: { partnerProjectId: globex.id } })).toBeGreaterThan(5)
})
