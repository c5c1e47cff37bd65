/**
 * Demo data (idempotent): npm run db:seed. Every password is `demo-password`.
 */
import fs from 'node:fs'
import { createApiTokenWithSecret } from '~/server/api-tokens.server'
import { hashPassword } from '~/server/passwords.server'
import { db } from '~/server/db.server'
import { DEFAULT_MOCK_CONFIG } from '~/server/mocks/engine.server'
import { publicMockUrl } from '~/server/mocks/proxy.server'
import { writeMockConfig } from '~/server/mocks/supervisor.server'
import { ensurePlan } from '~/server/plans/evaluate.server'
import { importSpec } from '~/server/specs/store.server'
import { setTraceSecret } from '~/server/traces/secrets.server'

export const DEMO_PASSWORD = 'demo-password'
export const DEMO_PROJECT_NAME = 'Acme Payments API'
const DEMO_SPEC_FILE = new URL('./demo/acme-payments.openapi.yaml', import.meta.url)

export const DEMO_LOGINS = [
  { email: 'owner@acme.test', name: 'Olivia Owner', org: 'acme-payments', role: 'OWNER' },
  { email: 'vendor@acme.test', name: 'Victor Vendor', org: 'acme-payments', role: 'VENDOR' },
  { email: 'viewer@acme.test', name: 'Vera Viewer', org: 'acme-payments', role: 'VIEWER' },
  { email: 'owner@initech.test', name: 'Ian Initech', org: 'initech', role: 'OWNER' },
  { email: 'partner@globex.test', name: 'Greta Globex', org: null, role: 'PARTNER' },
  { email: 'partner@umbrella.test', name: 'Uma Umbrella', org: null, role: 'PARTNER' },
] as const

/** The demo project's partner companies and their one partner user each. */
const DEMO_PARTNERS = [
  { slug: 'globex', name: 'Globex', email: 'partner@globex.test' },
  { slug: 'umbrella', name: 'Umbrella', email: 'partner@umbrella.test' },
] as const

async function upsertUser(email: string, name: string, passwordHash: string) {
  return db.user.upsert({ where: { email }, create: { email, name, passwordHash }, update: {} })
}

export async function seed() {
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const orgs = {
    'acme-payments': await db.organization.upsert({
      where: { slug: 'acme-payments' },
      create: { slug: 'acme-payments', name: 'Acme Payments' },
      update: {},
    }),
    initech: await db.organization.upsert({
      where: { slug: 'initech' },
      create: { slug: 'initech', name: 'Initech' },
      update: {},
    }),
  }
  const users: Record<string, { id: string }> = {}
  for (const login of DEMO_LOGINS) {
    const user = await upsertUser(login.email, login.name, passwordHash)
    users[login.email] = user
    if (login.org) {
      const organizationId = orgs[login.org].id
      await db.membership.upsert({
        where: { userId_organizationId: { userId: user.id, organizationId } },
        create: { userId: user.id, organizationId, role: login.role },
        update: {},
      })
    }
  }
  const acme = orgs['acme-payments']
  const project =
    (await db.project.findFirst({ where: { organizationId: acme.id, name: DEMO_PROJECT_NAME } })) ??
    (await db.project.create({
      data: {
        organizationId: acme.id,
        name: DEMO_PROJECT_NAME,
        description: 'Card payments, refunds and payouts for partner platforms.',
      },
    }))
  const partnerProjects: Record<string, { id: string }> = {}
  for (const entry of DEMO_PARTNERS) {
    const partnerProject = await db.partnerProject.upsert({
      where: { projectId_slug: { projectId: project.id, slug: entry.slug } },
      create: { projectId: project.id, slug: entry.slug, name: entry.name },
      update: {},
    })
    partnerProjects[entry.slug] = partnerProject
    const partner = users[entry.email]!
    await db.partnerMembership.upsert({
      where: {
        userId_partnerProjectId: { userId: partner.id, partnerProjectId: partnerProject.id },
      },
      create: { userId: partner.id, partnerProjectId: partnerProject.id },
      update: {},
    })
  }
  const globex = partnerProjects.globex!
  await seedDemoSpec(project.id, users['owner@acme.test']!.id)
  for (const partnerProject of Object.values(partnerProjects)) await ensurePlan(partnerProject.id)
  if (process.env.DEMO_TRACE_SECRET) await setTraceSecret(globex.id, process.env.DEMO_TRACE_SECRET)
  if (process.env.DEMO_API_TOKEN) {
    await createApiTokenWithSecret({
      projectId: project.id,
      name: 'Demo token (DEMO_API_TOKEN)',
      createdById: users['owner@acme.test']!.id,
      secret: process.env.DEMO_API_TOKEN,
    })
  }
  return { project }
}

/**
 * The demo project's API (prisma/demo/), imported once, with a mock the app's
 * supervisor starts when the server boots (the seed itself forks nothing).
 */
async function seedDemoSpec(projectId: string, ownerId: string) {
  if ((await db.spec.count({ where: { projectId } })) > 0) return
  const { version } = await importSpec({
    projectId,
    raw: fs.readFileSync(DEMO_SPEC_FILE),
    sourceKind: 'upload',
    sourceName: 'acme-payments.openapi.yaml',
    createdById: ownerId,
  })
  await db.mock.create({
    data: {
      projectId,
      specVersionId: version.id,
      desiredState: 'running',
      status: 'starting',
      config: writeMockConfig(DEFAULT_MOCK_CONFIG),
    },
  })
}

const isMain =
  import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('prisma/seed.ts')
if (isMain) {
  const { project } = await seed()
  console.log('\nDemo organisation seeded. Sign in at http://localhost:3000/login with:')
  for (const login of DEMO_LOGINS) {
    console.log(
      `  ${login.email.padEnd(22)} ${DEMO_PASSWORD}   (${login.role.toLowerCase()} of ${login.org ?? DEMO_PARTNERS.find((entry) => entry.email === login.email)?.name})`,
    )
  }
  console.log(
    `Demo project: ${DEMO_PROJECT_NAME} (${project.id})${process.env.DEMO_API_TOKEN ? ' · DEMO_API_TOKEN registered' : ''}${process.env.DEMO_TRACE_SECRET ? ' · DEMO_TRACE_SECRET is Globex’s trace secret (X-Copilot-Partner: globex)' : ''}`,
  )
  const mock = await db.mock.findFirst({
    where: { projectId: project.id },
    orderBy: { createdAt: 'asc' },
  })
  if (mock)
    console.log(
      `Demo mock (starts with the app): ${publicMockUrl(mock.id, process.env.APP_URL || `http://localhost:${process.env.PORT || 3000}`, process.env.MOCK_PUBLIC_URL || undefined)}/v1/payments (any Bearer token)`,
    )
  console.log('')
  await db.$disconnect()
}
