import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { loader as blueprintLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId.blueprint'
import { loader as rawLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId.raw'
import { loader as versionLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId'
import { loader as operationLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId_.operations.$operationId'
import { importSpec } from '~/server/specs/store.server'
import { cookieFor, createMember, createOrg, createProject, getRequest, settle } from '../helpers'

it('downloads the raw spec byte for byte, the blueprint as Markdown, and serves the browser one group at a time', async () => {
  const org = await createOrg()
  const projectId = (await createProject(org.id)).id
  const cookie = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  const raw = fs.readFileSync(path.resolve('../shared/specs/adyen-TransferService-v4.yaml'))
  const { spec, version } = await importSpec({
    projectId,
    raw,
    sourceKind: 'upload',
    sourceName: 'adyen.yaml',
  })
  const params = { projectId, specId: spec.id, versionId: version.id }
  const base = `/projects/${projectId}/specs/${spec.id}/v/${version.id}`

  const rawResponse = (
    await settle(() =>
      rawLoader({ request: getRequest(`${base}/raw`, cookie), params, context: {} }),
    )
  ).response!
  expect(Buffer.from(await rawResponse.arrayBuffer()).equals(raw)).toBe(true)
  expect(rawResponse.headers.get('Content-Disposition')).toMatch(
    /attachment; filename=".*-v1\.yaml"/,
  )

  const blueprint = await (
    await settle(() =>
      blueprintLoader({ request: getRequest(`${base}/blueprint`, cookie), params, context: {} }),
    )
  ).response!.text()
  expect(blueprint).toMatch(/^# Transfers API/)
  for (const heading of ['## Environments', '## Authentication', '## Capabilities'])
    expect(blueprint).toContain(heading)
  expect(blueprint).toContain('### POST /transfers')
  expect(blueprint).toMatch(/\*\*idempotency\*\*: header/)
  expect(blueprint).toContain('| Parameter | In | Required | Type |')

  const page = await settle(() =>
    versionLoader({ request: getRequest(`${base}?group=Transfers`, cookie), params, context: {} }),
  )
  const data = page.data as {
    group: string
    operations: { id: string }[]
    groups: { name: string; count: number }[]
  }
  expect(data.group).toBe('Transfers')
  expect(data.operations).toHaveLength(
    data.groups.find((group) => group.name === 'Transfers')!.count,
  )
  expect(data.groups.length).toBeGreaterThan(1)
  // Each listed operation has its own page, in its group.
  const operationId = data.operations[0]!.id
  const detail = await settle(() =>
    operationLoader({
      request: getRequest(`${base}/operations/${encodeURIComponent(operationId)}`, cookie),
      params: { ...params, operationId },
      context: {},
    }),
  )
  expect((detail.data as { operation: { group: string } }).operation.group).toBe('Transfers')
  const unknown = await settle(() =>
    operationLoader({
      request: getRequest(`${base}/operations/nope`, cookie),
      params: { ...params, operationId: 'nope' },
      context: {},
    }),
  )
  expect(unknown.status).toBe(404)

  const missing = await settle(() =>
    rawLoader({
      request: getRequest(`${base}/raw`, cookie),
      params: { ...params, versionId: 'nope' },
      context: {},
    }),
  )
  expect(missing.status).toBe(404)
})
