/** Hostile and malformed input: a clear 4xx, nothing stored, the process keeps going. */
import { zipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { action as importApi } from '~/routes/api.v1.projects.$projectId.specs'
import { db } from '~/server/db.server'
import { importSpec } from '~/server/specs/store.server'
import { SpecImportError } from '~/server/specs/problems.server'
import { createOrg, createProject, settle } from '../helpers'
import { createApiToken } from '~/server/api-tokens.server'

let projectId: string
let token: string
beforeAll(async () => {
  projectId = (await createProject((await createOrg()).id)).id
  token = (
    await createApiToken({
      projectId,
      name: 'CI',
      createdById: (
        await db.user.create({ data: { email: `ci-${Date.now()}@x.test`, name: 'CI' } })
      ).id,
    })
  ).token
})

const encode = (text: string) => new TextEncoder().encode(text)

async function refusal(raw: Uint8Array, extra: { root?: string } = {}) {
  const error = await importSpec({ projectId, raw, sourceKind: 'paste', ...extra }).catch(
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SpecImportError)
  return error as SpecImportError
}

function post(body: BodyInit, contentType = 'application/yaml', query = '') {
  const request = new Request(`http://localhost/api/v1/projects/${projectId}/specs${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
    body,
  })
  return settle(() => importApi({ request, params: { projectId }, context: {} }))
}

const VALID = `openapi: 3.0.3
info: {title: Pets, version: "1.0"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: A pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string, nullable: true}
        friend: {$ref: "#/components/schemas/Pet"}
`

describe('hostile input', () => {
  it('refuses a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let level = 1; level < 9; level++)
      bomb.push(
        `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(',')}]`,
      )
    const error = await refusal(encode(`openapi: 3.0.0\n${bomb.join('\n')}\n`))
    expect(error.problems[0]!.message).toMatch(/aliases excessively/)
  })

  it('refuses 10,000-deep nesting in JSON and YAML', async () => {
    const json = '{"openapi":"3.0.0","x":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}'
    expect((await refusal(encode(json))).problems[0]!.message).toMatch(/nests deeper than 200/)
    const yaml = 'openapi: 3.0.0\nx: ' + '['.repeat(10_000) + ']'.repeat(10_000)
    expect((await refusal(encode(yaml))).problems[0]!.message).toMatch(/nests deeper than 200/)
  })

  it('refuses $ref to local files and to http URLs, with the location', async () => {
    const spec = VALID.replace(
      'schema: {type: string}',
      'schema: {$ref: "file:///etc/passwd"}',
    ).replace(
      '{$ref: "#/components/schemas/Pet"}\ncomponents',
      '{$ref: "http://169.254.169.254/latest/meta-data"}\ncomponents',
    )
    const error = await refusal(encode(spec))
    const messages = error.problems.map((problem) => problem.message).join('\n')
    expect(messages).toContain('External reference "file:///etc/passwd" refused')
    expect(messages).toMatch(
      /Reference "http:\/\/169\.254\.169\.254\/latest\/meta-data" could not be fetched/,
    )
    expect(error.problems.every((problem) => typeof problem.line === 'number')).toBe(true)
  })

  it('refuses a relative $ref outside the upload and a zip slip path', async () => {
    const relative = await refusal(
      encode(
        VALID.replace(
          '{$ref: "#/components/schemas/Pet"}\ncomponents',
          '{$ref: "../../secrets.yaml"}\ncomponents',
        ),
      ),
    )
    expect(relative.problems[0]!.message).toMatch(/not in the upload/)
    const slip = zipSync({ 'openapi.yaml': encode(VALID), '../../evil.yaml': encode('x: 1') })
    expect((await refusal(slip)).problems[0]!.message).toMatch(/unsafe path/)
  })

  it('refuses binary garbage and an empty body', async () => {
    const garbage = new Uint8Array(4096).map((_, index) => (index * 7919) % 256)
    expect((await refusal(garbage)).problems[0]!.message).toMatch(/not text/)
    expect((await refusal(new Uint8Array())).status).toBe(400)
    expect((await refusal(encode('   \n'))).problems[0]!.message).toMatch(/empty/)
  })

  it('lists every schema problem with pointer, line and column, and stores nothing', async () => {
    const before = await db.specVersion.count()
    const broken = VALID.replace('description: A pet', 'descriptionx: A pet').replace(
      'in: path',
      'in: body',
    )
    const error = await refusal(encode(broken))
    expect(error.problems.length).toBeGreaterThanOrEqual(2)
    for (const problem of error.problems) {
      expect(problem.pointer).toMatch(/^\/paths/)
      expect(problem.line).toBeGreaterThan(0)
      expect(problem.column).toBeGreaterThan(0)
    }
    expect(await db.specVersion.count()).toBe(before)
  })
})

describe('lenient import', () => {
  // Each in a project of its own: the import API's tests count versions in the shared one.
  const imported = async (text: string, sourceName = 'openapi.yaml') =>
    importSpec({
      projectId: (await createProject((await createOrg()).id)).id,
      raw: encode(text),
      sourceKind: 'paste',
      sourceName,
    })

  it('sets aside unknown keys, missing descriptions and a malformed unused component', async () => {
    const lenient = VALID.replace(
      'info: {title: Pets, version: "1.0"}',
      'info: {title: Pets, version: "1.0", logo: {url: x}}',
    )
      .replace('description: A pet', 'colour: blue')
      .replace('components:\n  schemas:\n', 'components:\n  schemas:\n    Unused: {type: 12}\n')
    const { analyzed, version } = await imported(lenient)
    expect(version.operationCount).toBe(1)
    const problems = analyzed.warnings.filter((warning) => warning.kind === 'problem')
    const messages = problems.map((problem) => problem.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        '/info has an unknown property "logo": ignored.',
        '/paths/~1pets~1{id}/get/responses/200 has an unknown property "colour": ignored.',
        '/paths/~1pets~1{id}/get/responses/200 is missing the required property "description": taken as empty.',
        expect.stringMatching(
          /^\/components\/schemas\/Unused is not valid OpenAPI .* nothing references it: left out\.$/,
        ),
      ]),
    )
    expect(problems).toHaveLength(4)
    for (const problem of problems) expect(problem.line).toBeGreaterThan(0)
    // The response's content is kept: only the stray key went.
    expect(analyzed.spec.operations[0]!.responses[0]!.content['application/json']).toBeDefined()
    expect(analyzed.spec.schemas.Unused).toBeUndefined()
  })

  it('in Swagger 2.0 drops only the stray key of an object that could also be a reference', async () => {
    const swagger = JSON.stringify({
      swagger: '2.0',
      info: { title: 'T', version: '1' },
      paths: {
        '/a': {
          get: { responses: { 200: { description: 'ok', foo: 1, schema: { type: 'string' } } } },
        },
      },
    })
    const { analyzed } = await imported(swagger, 'swagger.json')
    expect(
      analyzed.warnings.filter((warning) => warning.kind === 'problem').map((w) => w.message),
    ).toEqual(['/paths/~1a/get/responses/200 has an unknown property "foo": ignored.'])
    // The description and the schema stay: only the stray key went.
    expect(analyzed.spec.operations[0]!.responses[0]).toMatchObject({
      status: '200',
      description: 'ok',
      content: { 'application/json': { schema: { type: 'string' } } },
    })
  })

  it('still refuses what stops understanding: a used malformed schema, a wrong parameter location', async () => {
    const usedBroken = VALID.replace('Pet:\n      type: object', 'Pet:\n      type: 12')
    expect(
      (await refusal(encode(usedBroken))).problems.map((problem) => problem.message).join('\n'),
    ).toMatch(/\/components\/schemas\/Pet\/type must be/)
    const wrongPlace = VALID.replace('in: path', 'in: body')
    expect((await refusal(encode(wrongPlace))).problems.length).toBeGreaterThan(0)
  })
})

describe('JSON syntax errors', () => {
  const json = JSON.stringify(
    {
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      paths: { '/a': { get: { responses: { 200: { description: 'ok' } } } } },
    },
    null,
    2,
  )

  it('reports a trailing comma at its own line and column, with a hint', async () => {
    // Line 4 is `"version": "1"`: a comma after it, before the closing brace.
    const broken = json.replace('"version": "1"', '"version": "1",')
    const error = await refusal(encode(broken), {})
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]).toMatchObject({ line: 5, column: 19 })
    expect(error.problems[0]!.message).toMatch(
      /not valid JSON at line 5, column 19: remove the trailing comma/,
    )
  })

  it('reports a missing comma, comments, single quotes and a truncated document', async () => {
    const cases: [string, RegExp][] = [
      [
        json.replace('"version": "1"', '"version": "1"\n"x": 1'),
        /line 6, column 1: a comma is missing/,
      ],
      [json.replace('{\n', '{\n // comment\n'), /line 2, column 2: JSON has no comments/],
      [
        json.replace('"openapi"', "'openapi'"),
        /line 2, column 3: JSON strings and names take double quotes/,
      ],
      [json.slice(0, 40), /the document ends too early/],
    ]
    for (const [text, pattern] of cases) {
      const error = await refusal(encode(text))
      expect(error.problems[0]!.message).toMatch(pattern)
    }
  })

  it('keeps YAML messages for YAML', async () => {
    const error = await refusal(encode('openapi: 3.0.3\ninfo: {title: T\n'), {})
    expect(error.problems[0]!.message).not.toMatch(/JSON/)
    expect(error.problems[0]!.line).toBeGreaterThan(0)
  })
})

describe('import API', () => {
  it('creates a version (201), recognises unchanged content (200), adds a version on change (201)', async () => {
    const first = await post(VALID, 'application/yaml', '?name=Pets')
    expect(first.status).toBe(201)
    const created = (await first.response!.json()) as Record<string, unknown>
    expect(created).toMatchObject({
      title: 'Pets',
      openapiVersion: '3.0.3',
      operationCount: 1,
      version: 1,
    })
    expect(created.capabilities).toBeInstanceOf(Array)
    expect(created.warnings).toBeInstanceOf(Array)
    const again = await post(VALID, 'application/yaml', '?name=Pets')
    expect(again.status).toBe(200)
    expect(await again.response!.json()).toMatchObject({ versionId: created.versionId, version: 1 })
    const changed = await post(VALID.replace('A pet', 'One pet'), 'application/yaml', '?name=Pets')
    expect(changed.status).toBe(201)
    expect(await changed.response!.json()).toMatchObject({ specId: created.specId, version: 2 })
  })

  it('answers 422 with problems, 413 over 20 MB, 415 for other content types', async () => {
    const invalid = await post('openapi: 3.0.0\ninfo: {}\nservers: {url: x}\npaths: {}\n')
    expect(invalid.status).toBe(422)
    const body = (await invalid.response!.json()) as {
      error: string
      problems: { message: string; pointer: string }[]
    }
    expect(body.problems[0]).toMatchObject({ pointer: '/info' })
    const huge = await post(new Uint8Array(50 * 1024 * 1024), 'application/json')
    expect(huge.status).toBe(413)
    expect((await post('<xml/>', 'text/html')).status).toBe(415)
    expect((await post('', 'application/json')).status).toBe(400)
  })

  it('imports a zip body with a root query parameter', async () => {
    const zip = zipSync({
      'api/root.yaml': encode(
        VALID.replace(
          '{$ref: "#/components/schemas/Pet"}\ncomponents',
          '{$ref: "./pet.yaml"}\ncomponents',
        ),
      ),
      'api/pet.yaml': encode('type: object\nproperties:\n  name: {type: string}\n'),
    })
    const result = await post(zip, 'application/zip', '?name=Zipped&root=api/root.yaml')
    expect(result.status).toBe(201)
  })
})
