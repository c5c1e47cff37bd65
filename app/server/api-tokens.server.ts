import { db } from './db.server'
import { randomToken, sha256 } from './crypto.server'
import { jsonError } from './http.server'
import { getInstance } from './litefs.server'

const TOKEN_PREFIX = 'ic_'

export async function createApiToken(input: {
  projectId: string
  name: string
  createdById: string
}) {
  return createApiTokenWithSecret({ ...input, secret: `${TOKEN_PREFIX}${randomToken(24)}` })
}

/** Registers a known secret (the seed's DEMO_API_TOKEN); idempotent by hash. */
export async function createApiTokenWithSecret(input: {
  projectId: string
  name: string
  createdById: string | null
  secret: string
}) {
  const tokenHash = sha256(input.secret)
  const record = await db.apiToken.upsert({
    where: { tokenHash },
    create: {
      projectId: input.projectId,
      name: input.name.trim(),
      tokenHash,
      prefix: input.secret.slice(0, TOKEN_PREFIX.length + 6),
      createdById: input.createdById,
    },
    update: {},
  })
  return { token: input.secret, record }
}

export function listApiTokens(projectId: string) {
  return db.apiToken.findMany({
    where: { projectId },
    orderBy: [{ revokedAt: 'asc' }, { createdAt: 'desc' }],
    include: { createdBy: { select: { name: true } } },
  })
}

export async function revokeApiToken(projectId: string, tokenId: string) {
  const result = await db.apiToken.updateMany({
    where: { id: tokenId, projectId, revokedAt: null },
    data: { revokedAt: new Date() },
  })
  return result.count === 1
}

/**
 * Authenticates `Authorization: Bearer <token>` for /api/v1. Throws a 401 JSON
 * response for a missing, unknown or revoked token and a 404 when the token
 * belongs to another project than the one in the URL.
 */
export async function requireApiToken(request: Request, projectId: string | undefined) {
  const auth = await requireApiTokenProject(request)
  if (!projectId || auth.project.id !== projectId) throw jsonError(404, 'Project not found.')
  return auth
}

/** The token and the one project it belongs to (for URLs that name no project, e.g. /api/v1/runs/:id). */
export async function requireApiTokenProject(request: Request) {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) {
    throw jsonError(401, 'Missing bearer token. Send "Authorization: Bearer <project API token>".')
  }
  const token = await db.apiToken.findUnique({ where: { tokenHash: sha256(match[1]!) } })
  if (!token || token.revokedAt)
    throw jsonError(401, 'The API token is invalid or has been revoked.')
  const project = await db.project.findFirst({ where: { id: token.projectId } })
  if (!project) throw jsonError(404, 'Project not found.')
  // Last use is bookkeeping: recorded on the primary only (a LiteFS replica's database is read-only).
  const stale = !token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000
  if (stale && (await getInstance()).currentIsPrimary) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } })
  }
  return { token, project }
}

export const ORGANIZATION_TOKENS_PAGE_SIZE = 50

/** Every project's tokens in an organisation (settings/tokens), active first, newest first. */
export async function listOrganizationTokens(
  organizationId: string,
  options: { status: 'active' | 'revoked' | 'all'; page: number },
) {
  const where = {
    project: { organizationId },
    ...(options.status === 'active' ? { revokedAt: null } : {}),
    ...(options.status === 'revoked' ? { revokedAt: { not: null } } : {}),
  }
  const [total, tokens] = await Promise.all([
    db.apiToken.count({ where }),
    db.apiToken.findMany({
      where,
      orderBy: [{ revokedAt: 'asc' }, { createdAt: 'desc' }, { id: 'asc' }],
      skip: (options.page - 1) * ORGANIZATION_TOKENS_PAGE_SIZE,
      take: ORGANIZATION_TOKENS_PAGE_SIZE,
      include: {
        createdBy: { select: { name: true, email: true } },
        project: { select: { id: true, name: true } },
      },
    }),
  ])
  return { total, tokens }
}

/** The organisation's token with that id, or null (another organisation's token is null too). */
export function findOrganizationToken(organizationId: string, tokenId: string) {
  return db.apiToken.findFirst({
    where: { id: tokenId, project: { organizationId } },
    select: { id: true, name: true, projectId: true, revokedAt: true },
  })
}
