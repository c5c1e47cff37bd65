/** The project overview counts what the project has and ticks the getting-started steps. */
import { expect, it } from 'vitest'
import { loader } from '~/routes/projects.$projectId.overview'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { importSpec } from '~/server/specs/store.server'
import { cookieFor, createMember, createOrg, createProject, getRequest, settle } from '../helpers'

const SPEC = 'openapi: 3.0.3\ninfo: {title: Overview API, version: "1"}\npaths: {}\n'

it('counts specs, mocks up and tokens for the overview', async () => {
  const org = await createOrg()
  const { user } = await createMember(org.id, 'VIEWER')
  const projectId = (await createProject(org.id)).id
  const cookie = await cookieFor(user.id)
  const load = async () =>
    (
      await settle(() =>
        loader({
          request: getRequest(`/projects/${projectId}/overview`, cookie),
          params: { projectId },
          context: {},
        }),
      )
    ).data as { specCount: number; mockCount: number; mocksUp: number; tokenCount: number }

  expect(await load()).toMatchObject({ specCount: 0, mockCount: 0, mocksUp: 0, tokenCount: 0 })

  const { version } = await importSpec({
    projectId,
    raw: new TextEncoder().encode(SPEC),
    sourceKind: 'paste',
  })
  for (const status of ['up', 'stopped'])
    await db.mock.create({ data: { projectId, specVersionId: version.id, status } })
  await createApiToken({ projectId, name: 'CI', createdById: user.id })

  expect(await load()).toMatchObject({ specCount: 1, mockCount: 2, mocksUp: 1, tokenCount: 1 })
})
