import { beforeAll, describe, expect, it } from 'vitest'
import {
  loader as apiProjectLoader,
  action as apiProjectAction,
} from '~/routes/api.v1.projects.$projectId'
import { action as settingsAction } from '~/routes/projects.$projectId.settings'
import { action as createProjectAction, loader as projectsLoader } from '~/routes/projects._index'
import { db } from '~/server/db.server'
import {
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  settle,
  routeArgs,
} from '../helpers'

const args = routeArgs

let orgId: string
let projectId: string
let ownerCookie: string
let vendorCookie: string
beforeAll(async () => {
  orgId = (await createOrg()).id
  projectId = (await createProject(orgId, 'Payments')).id
  ownerCookie = await cookieFor((await createMember(orgId, 'OWNER')).user.id)
  vendorCookie = await cookieFor((await createMember(orgId, 'VENDOR')).user.id)
})

async function newToken(targetProjectId = projectId, cookie = ownerCookie) {
  const result = await settle(() =>
    settingsAction(
      args(
        formRequest(
          `/projects/${targetProjectId}/settings`,
          { intent: 'create-token', name: 'CI pipeline' },
          cookie,
        ),
        { projectId: targetProjectId },
      ),
    ),
  )
  expect(result.status).toBe(200)
  return (result.data as { newToken: { value: string } }).newToken.value
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

describe('API tokens', () => {
  it('are shown once and stored only as a hash', async () => {
    const token = await newToken()
    expect(token).toMatch(/^ic_/)
    const rows = await db.apiToken.findMany({ where: { projectId } })
    expect(rows.some((row) => row.tokenHash.includes(token) || row.prefix === token)).toBe(false)
  })

  it('authenticate GET /api/v1/projects/:id and record last use', async () => {
    const token = await newToken()
    const result = await settle(() =>
      apiProjectLoader(
        args(getRequest(`/api/v1/projects/${projectId}`, undefined, bearer(token)), { projectId }),
      ),
    )
    expect(result.status).toBe(200)
    expect(await result.response!.json()).toMatchObject({
      id: projectId,
      name: 'Payments',
      archived: false,
    })
    const row = await db.apiToken.findFirstOrThrow({
      where: { projectId, lastUsedAt: { not: null } },
    })
    expect(row.lastUsedAt).toBeInstanceOf(Date)
  })

  it('answer 401 JSON for missing, malformed, unknown and revoked tokens', async () => {
    const token = await newToken()
    const call = (headers: Record<string, string>) =>
      settle(() =>
        apiProjectLoader(
          args(getRequest(`/api/v1/projects/${projectId}`, undefined, headers), { projectId }),
        ),
      )
    for (const headers of [
      {},
      { Authorization: 'Basic abc' },
      bearer('ic_made_up'),
      bearer('x'.repeat(10_000)),
    ]) {
      const result = await call(headers)
      expect(result.status).toBe(401)
      expect(result.response!.headers.get('Content-Type')).toMatch(/application\/json/)
      expect(await result.response!.json()).toHaveProperty('error')
    }
    const row = await db.apiToken.findFirstOrThrow({
      where: { projectId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    })
    const revoked = await settle(() =>
      settingsAction(
        args(
          formRequest(
            `/projects/${projectId}/settings`,
            { intent: 'revoke-token', tokenId: row.id },
            ownerCookie,
          ),
          { projectId },
        ),
      ),
    )
    expect(revoked.status).toBe(302)
    expect((await call(bearer(token))).status).toBe(401)
  })

  it('answer 404 for a token of another project, and 405 JSON for writes', async () => {
    const otherProjectId = (await createProject(orgId, 'Other')).id
    const token = await newToken(otherProjectId)
    const result = await settle(() =>
      apiProjectLoader(
        args(getRequest(`/api/v1/projects/${projectId}`, undefined, bearer(token)), { projectId }),
      ),
    )
    expect(result.status).toBe(404)
    expect((await settle(() => apiProjectAction())).status).toBe(405)
  })

  it('can only be managed by owners and admins', async () => {
    const result = await settle(() =>
      settingsAction(
        args(
          formRequest(
            `/projects/${projectId}/settings`,
            { intent: 'create-token', name: 'Sneaky' },
            vendorCookie,
          ),
          { projectId },
        ),
      ),
    )
    expect(result.status).toBe(403)
  })
})

describe('projects', () => {
  it('creates, renames, archives and restores a project', async () => {
    const created = await settle(() =>
      createProjectAction(
        args(
          formRequest(
            '/projects',
            { name: '  Billing API  ', description: 'Invoices' },
            vendorCookie,
          ),
        ),
      ),
    )
    expect(created.status).toBe(302)
    const project = await db.project.findFirstOrThrow({
      where: { organizationId: orgId, name: 'Billing API' },
    })
    expect(created.response!.headers.get('Location')).toBe(`/projects/${project.id}/overview`)

    const renamed = await settle(() =>
      settingsAction(
        args(
          formRequest(
            `/projects/${project.id}/settings`,
            { intent: 'rename', name: 'Billing API v2' },
            ownerCookie,
          ),
          { projectId: project.id },
        ),
      ),
    )
    expect(renamed.status).toBe(302)
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).name).toBe(
      'Billing API v2',
    )

    await settle(() =>
      settingsAction(
        args(formRequest(`/projects/${project.id}/settings`, { intent: 'archive' }, ownerCookie), {
          projectId: project.id,
        }),
      ),
    )
    const active = await settle(() => projectsLoader(args(getRequest('/projects', ownerCookie))))
    expect((active.data as { projects: { id: string }[] }).projects.map((p) => p.id)).not.toContain(
      project.id,
    )
    const archived = await settle(() =>
      projectsLoader(args(getRequest('/projects?archived=1', ownerCookie))),
    )
    expect((archived.data as { projects: { id: string }[] }).projects.map((p) => p.id)).toContain(
      project.id,
    )
    await settle(() =>
      settingsAction(
        args(
          formRequest(`/projects/${project.id}/settings`, { intent: 'unarchive' }, ownerCookie),
          { projectId: project.id },
        ),
      ),
    )
    expect(
      (await db.project.findUniqueOrThrow({ where: { id: project.id } })).archivedAt,
    ).toBeNull()
  })

  it('validates names and refuses vendors renaming or unknown intents', async () => {
    const bad = await settle(() =>
      createProjectAction(args(formRequest('/projects', { name: 'x' }, ownerCookie))),
    )
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.data)).toMatch(/at least 2 characters/)
    const tooLong = await settle(() =>
      createProjectAction(
        args(formRequest('/projects', { name: 'y'.repeat(10_000) }, ownerCookie)),
      ),
    )
    expect(tooLong.status).toBe(400)
    const vendorRename = await settle(() =>
      settingsAction(
        args(
          formRequest(
            `/projects/${projectId}/settings`,
            { intent: 'rename', name: 'Mine' },
            vendorCookie,
          ),
          { projectId },
        ),
      ),
    )
    expect(vendorRename.status).toBe(403)
    const unknown = await settle(() =>
      settingsAction(
        args(
          formRequest(`/projects/${projectId}/settings`, { intent: 'drop-table' }, ownerCookie),
          { projectId },
        ),
      ),
    )
    expect(unknown.status).toBe(400)
  })

  it('paginates and shows an empty state for a new organisation', async () => {
    const emptyOrg = await createOrg('Empty')
    const cookie = await cookieFor((await createMember(emptyOrg.id, 'OWNER')).user.id)
    const empty = await settle(() => projectsLoader(args(getRequest('/projects', cookie))))
    expect(empty.data).toMatchObject({ projects: [], total: 0, pageCount: 1 })
    for (let index = 0; index < 21; index++) await createProject(emptyOrg.id, `P${index}`)
    const second = await settle(() => projectsLoader(args(getRequest('/projects?page=2', cookie))))
    expect(second.data).toMatchObject({ total: 21, pageCount: 2, page: 2 })
    expect((second.data as { projects: unknown[] }).projects).toHaveLength(1)
  })
})
