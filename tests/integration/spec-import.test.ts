/** Every spec in ../shared/specs imports (operation count asserted) or is refused with a clear message. */
import fs from 'node:fs'
import path from 'node:path'
import { threadId } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { SpecImportError } from '~/server/specs/problems.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject } from '../helpers'
import { SHARED_SPECS as SHARED, sharedSpecFiles } from '../support/shared-specs'
import { zipFolder } from '../support/zip-folder'

const EXPECTED: Record<
  string,
  { operations: number; webhooks?: number; problems?: RegExp[] } | { refused: RegExp }
> = {
  'oai-v2-petstore-expanded.json': { operations: 4 },
  'oai-v2-uber.yaml': { operations: 5 },
  'oai-v3.0-callback-example.yaml': { operations: 1 },
  'oai-v3.0-link-example.yaml': { operations: 6 },
  'oai-v3.0-uspto.json': { operations: 3 },
  'oai-v3.1-webhook-example.yaml': { operations: 0, webhooks: 1 },
  'oai-v3.1-non-oauth-scopes.json': { operations: 1 },
  'oai-v3.1-test-pass-mega.yaml': { operations: 1, webhooks: 1 },
  'oai-tests-fail/no_containers.yaml': { refused: /no "openapi" or "swagger" key/ },
  'oai-tests-fail/server_enum_empty.yaml': { refused: /enum must NOT have fewer than 1 items/ },
  'oai-tests-fail/servers.yaml': { refused: /\/servers must be array/ },
  'oai-tests-fail/unknown_container.yaml': {
    refused: /needs at least one of "paths", "webhooks" or "components"/,
  },
  'stripe-spec3.json': { operations: 417 },
  'twilio_messaging_v1.yaml': { operations: 58 },
  'xero_accounting.yaml': { operations: 235 },
  'xero-webhooks.yaml': { operations: 0, webhooks: 4 },
  // info.logo is not OpenAPI: set aside as a problem, the rest imported.
  'nytimes-books_api.json': { operations: 6, problems: [/\/info has an unknown property "logo"/] },
  'adyen-TransferService-v4.yaml': { operations: 12 },
  'pagerduty-events-v2-openapiv3.json': { operations: 2 },
}

const indexed = sharedSpecFiles({ includeFailing: true })

describe('../shared/specs', async () => {
  const projectId = (await createProject((await createOrg()).id)).id

  it('knows every single-file spec listed in INDEX.tsv', () => {
    expect(indexed.sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  it.each(indexed)(
    '%s',
    async (file) => {
      const expected = EXPECTED[file]!
      const raw = fs.readFileSync(path.join(SHARED, file))
      const attempt = importSpec({
        projectId,
        raw,
        sourceKind: 'upload',
        sourceName: path.basename(file),
        name: file,
      })
      if ('refused' in expected) {
        const error = await attempt.catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(SpecImportError)
        expect(
          (error as SpecImportError).problems.map((problem) => problem.message).join('\n'),
        ).toMatch(expected.refused)
        return
      }
      const { analyzed, version } = await attempt
      expect(version.operationCount).toBe(expected.operations)
      expect(analyzed.spec.webhooks).toHaveLength(expected.webhooks ?? 0)
      const problems = analyzed.warnings.filter((warning) => warning.kind === 'problem')
      expect(problems).toHaveLength(expected.problems?.length ?? 0)
      expected.problems?.forEach((pattern, index) => {
        expect(problems[index]!.message).toMatch(pattern)
        expect(problems[index]!.line).toBeGreaterThan(0)
      })
    },
    60_000,
  )

  it('analyses imports off the calling thread, in the spec pool, and refuses from there alike', async () => {
    const { analyzed } = await importSpec({
      projectId,
      raw: fs.readFileSync(path.join(SHARED, 'oai-v3.0-uspto.json')),
      sourceKind: 'upload',
      sourceName: 'uspto.json',
      name: 'uspto off thread',
    })
    expect(analyzed.threadId).toBeGreaterThan(0)
    expect(analyzed.threadId).not.toBe(threadId)
    const refused = await importSpec({
      projectId,
      raw: new TextEncoder().encode('{"openapi": "3.0.3",}'),
      sourceKind: 'paste',
    }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(SpecImportError)
    expect((refused as SpecImportError).problems[0]!.message).toMatch(/trailing comma/)
  })

  it('imports the multi-file petstore (relative refs, parent folder) from a zip', async () => {
    const raw = zipFolder(path.join(SHARED, 'oai-petstore-separate'))
    const { analyzed, version } = await importSpec({
      projectId,
      raw,
      sourceKind: 'upload',
      sourceName: 'petstore.zip',
      root: 'spec/swagger.json',
    })
    expect(version.rawFormat).toBe('zip')
    expect(version.operationCount).toBe(4)
    // Pet.json lives in another file: bundling hoists it into `schemas` and references it from there.
    const pets = analyzed.spec.operations.find((operation) => operation.id === 'findPets')!
    const items = (
      pets.responses[0]!.content['application/json']!.schema as { items: { $ref: string } }
    ).items
    const pet = analyzed.spec.schemas[items.$ref.split('/').pop()!] as { required: string[] }
    expect(pet.required).toEqual(expect.arrayContaining(['name']))
  })

  it('imports lichess (583 referenced files) from a zip with the root detected', async () => {
    const raw = zipFolder(path.join(SHARED, 'lichess-multifile'))
    const { analyzed, version } = await importSpec({
      projectId,
      raw,
      sourceKind: 'upload',
      sourceName: 'lichess.zip',
    })
    expect(version.rootFile).toMatch(/lichess-api\.yaml$/)
    expect(version.operationCount).toBeGreaterThan(150)
    expect(
      analyzed.spec.capabilities.some(
        (capability) => capability.kind === 'auth' && capability.value.startsWith('oauth2'),
      ),
    ).toBe(true)
  }, 120_000)
})
