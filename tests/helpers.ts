/** Builders for integration tests: real rows in the test file's SQLite database. */
import crypto from 'node:crypto'
import { db } from '~/server/db.server'
import { createSession } from '~/server/session.server'
import type { Role } from '~/shared/roles'

export const BASE_URL = 'http://localhost:3000'

export function uniqueEmail(prefix = 'user') {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}@example.test`
}

export async function createOrg(name = 'Test Org') {
  return db.organization.create({
    data: { name, slug: `org-${crypto.randomBytes(5).toString('hex')}` },
  })
}

export async function createUser(
  options: { email?: string; name?: string; passwordHash?: string | null } = {},
) {
  return db.user.create({
    data: {
      email: options.email ?? uniqueEmail(),
      name: options.name ?? 'Test User',
      passwordHash: options.passwordHash ?? null,
    },
  })
}

export async function createMember(organizationId: string, role: Role, email?: string) {
  const user = await createUser({ email })
  const membership = await db.membership.create({ data: { userId: user.id, organizationId, role } })
  return { user, membership }
}

export async function createProject(organizationId: string, name = 'Test Project') {
  return db.project.create({ data: { organizationId, name } })
}

/** A Cookie header carrying a real session for the user. */
export async function cookieFor(userId: string) {
  const { setCookie } = await createSession(userId, new Request(BASE_URL))
  return setCookie.split(';')[0]!
}

/** A user who belongs to the partner project only (a PartnerMembership), with a session cookie. */
export async function createPartnerUser(partnerProjectId: string) {
  const user = await createUser()
  const membership = await db.partnerMembership.create({
    data: { userId: user.id, partnerProjectId },
  })
  return { user, membership, cookie: await cookieFor(user.id) }
}

export function formRequest(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(`${BASE_URL}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  })
}

export function getRequest(path: string, cookie?: string, headers: Record<string, string> = {}) {
  return new Request(`${BASE_URL}${path}`, {
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
  })
}

/** Runs a loader/action and returns the Response it returned or threw (or the plain data). */
export async function settle(
  run: () => Promise<unknown>,
): Promise<{ status: number; response?: Response; data?: unknown }> {
  try {
    const result = await run()
    if (result instanceof Response) return { status: result.status, response: result }
    if (
      result &&
      typeof result === 'object' &&
      'type' in result &&
      (result as { type: string }).type === 'DataWithResponseInit'
    ) {
      const { data, init } = result as unknown as { data: unknown; init?: ResponseInit }
      return { status: init?.status ?? 200, data }
    }
    return { status: 200, data: result }
  } catch (error) {
    if (error instanceof Response) return { status: error.status, response: error }
    throw error
  }
}

/** The argument a loader or action receives. */
export function routeArgs(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {} }
}

/** Polls `check` until it returns something truthy (then returns it), or fails after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
