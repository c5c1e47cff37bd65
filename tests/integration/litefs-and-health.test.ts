/** Simulates a LiteFS replica: LITEFS_DIR with a .primary file naming another node. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loader as githubCallback } from '~/routes/auth.github.callback'
import { loader as healthz } from '~/routes/healthz'
import { resetEnvCache } from '~/server/env.server'
import { ensurePrimary, getInstance } from '~/server/litefs.server'
import { loader as apiProjectLoader } from '~/routes/api.v1.projects.$projectId'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { createOrg, createProject, createUser, getRequest, settle } from '../helpers'

function simulateReplica(primary = 'primary-node-1') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litefs-'))
  fs.writeFileSync(path.join(dir, '.primary'), primary)
  process.env.LITEFS_DIR = dir
  return dir
}

afterEach(() => {
  delete process.env.LITEFS_DIR
  delete process.env.GITHUB_CLIENT_ID
  delete process.env.GITHUB_CLIENT_SECRET
  resetEnvCache()
})

describe('healthz', () => {
  it('reports the database, region and that a lone instance is primary', async () => {
    const result = await settle(() => healthz())
    expect(result.status).toBe(200)
    expect(await result.response!.json()).toMatchObject({
      status: 'ok',
      database: 'ok',
      region: 'local',
      primary: true,
    })
  })

  it('reports a replica and its primary', async () => {
    simulateReplica('primary-node-1')
    const body = await (await healthz()).json()
    expect(body).toMatchObject({ primary: false, primaryInstance: 'primary-node-1' })
  })
})

describe('writes from GET on a replica', () => {
  it('ensurePrimary is a no-op on the primary and replays on a replica', async () => {
    await expect(ensurePrimary()).resolves.toBeUndefined()
    const dir = simulateReplica('primary-node-1')
    expect((await getInstance()).currentIsPrimary).toBe(false)
    const thrown = await ensurePrimary().catch((error: unknown) => error)
    expect(thrown).toBeInstanceOf(Response)
    expect((thrown as Response).headers.get('fly-replay')).toBe('instance=primary-node-1')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the GitHub OAuth callback (a GET that writes) is replayed to the primary', async () => {
    process.env.GITHUB_CLIENT_ID = 'id'
    process.env.GITHUB_CLIENT_SECRET = 'secret'
    resetEnvCache()
    simulateReplica('primary-node-1')
    const result = await settle(() =>
      githubCallback({
        request: getRequest('/auth/github/callback?code=x&state=y'),
        params: {},
        context: {},
      }),
    )
    expect(result.response!.headers.get('fly-replay')).toBe('instance=primary-node-1')
  })

  it('a Bearer API GET on a replica answers without writing (last use is recorded on the primary)', async () => {
    const org = await createOrg()
    const projectId = (await createProject(org.id)).id
    const { token, record } = await createApiToken({
      projectId,
      name: 'CI',
      createdById: (await createUser()).id,
    })
    simulateReplica('primary-node-1')
    const request = getRequest(`/api/v1/projects/${projectId}`, undefined, {
      Authorization: `Bearer ${token}`,
    })
    const result = await settle(() =>
      apiProjectLoader({ request, params: { projectId }, context: {} }),
    )
    expect(result.status).toBe(200)
    expect(
      (await db.apiToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt,
    ).toBeNull()
  })
})
