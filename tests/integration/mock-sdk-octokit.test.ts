/**
 * GitHub's official SDK (`@octokit/rest`) pointed at a mock of a spec written the way
 * GitHub's own is (`api.github.com.json` from `@octokit/openapi`: the same paths, shared
 * parameters and `Link` header, cut down to issues and the authenticated user), directly and
 * through the public URL's gateway. The whole 13 MB spec was tried by hand as well (decision
 * 037). What the SDK needs of the mock, with nothing GitHub-specific in it:
 * - `Accept: application/vnd.github.v3+json` gets the documented `application/json` (RFC 6839
 *   suffixes, issue #15);
 * - an issue is found by the field its path names (`{issue_number}` -> `number`), and each
 *   has its own `id`;
 * - `Link` comes from the mock's own paging, never from the spec's example (which leads to
 *   api.github.com, where the SDK would take the partner's token); `direction` declared with
 *   `default: desc` lists the newest first.
 */
import { Octokit } from '@octokit/rest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SdkMock, startSdkMock } from '../support/sdk-mock'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

const SPEC = `openapi: 3.0.3
info: {title: GitHub v3 REST API (cut down), version: 1.1.4}
servers: [{url: "https://api.github.com"}]
components:
  parameters:
    owner: {name: owner, in: path, required: true, schema: {type: string}}
    repo: {name: repo, in: path, required: true, schema: {type: string}}
    issue-number: {name: issue_number, in: path, required: true, schema: {type: integer}}
    per-page: {name: per_page, in: query, schema: {type: integer, default: 30}}
    page: {name: page, in: query, schema: {type: integer, default: 1}}
    direction: {name: direction, in: query, schema: {type: string, enum: [asc, desc], default: desc}}
  headers:
    link:
      example: '<https://api.github.com/resource?page=2>; rel="next", <https://api.github.com/resource?page=5>; rel="last"'
      schema: {type: string}
  schemas:
    simple-user:
      type: object
      required: [login, id]
      properties: {login: {type: string, example: octocat}, id: {type: integer, format: int64}}
    issue:
      type: object
      required: [id, number, title, state]
      properties:
        id: {type: integer, format: int64, example: 1}
        number: {type: integer, example: 42}
        title: {type: string}
        body: {type: string, nullable: true}
        state: {type: string, enum: [open, closed], example: open}
    basic-error:
      type: object
      properties: {message: {type: string}, documentation_url: {type: string}}
  responses:
    not_found: {description: Resource not found, content: {application/json: {schema: {$ref: "#/components/schemas/basic-error"}}}}
    validation_failed: {description: Validation failed, content: {application/json: {schema: {$ref: "#/components/schemas/basic-error"}}}}
paths:
  /user:
    get:
      operationId: users/get-authenticated
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/simple-user"}}}}
  /repos/{owner}/{repo}/issues:
    get:
      operationId: issues/list-for-repo
      parameters:
        - {$ref: "#/components/parameters/owner"}
        - {$ref: "#/components/parameters/repo"}
        - {$ref: "#/components/parameters/direction"}
        - {$ref: "#/components/parameters/per-page"}
        - {$ref: "#/components/parameters/page"}
      responses:
        "200":
          description: Response
          headers: {Link: {$ref: "#/components/headers/link"}}
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/issue"}}}}
        "404": {$ref: "#/components/responses/not_found"}
    post:
      operationId: issues/create
      parameters: [{$ref: "#/components/parameters/owner"}, {$ref: "#/components/parameters/repo"}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [title], properties: {title: {type: string}, body: {type: string}}}
      responses:
        "201": {description: Response, content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}}
        "422": {$ref: "#/components/responses/validation_failed"}
  /repos/{owner}/{repo}/issues/{issue_number}:
    parameters:
      - {$ref: "#/components/parameters/owner"}
      - {$ref: "#/components/parameters/repo"}
      - {$ref: "#/components/parameters/issue-number"}
    get:
      operationId: issues/get
      responses:
        "200": {description: Response, content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}}
        "404": {$ref: "#/components/responses/not_found"}
    patch:
      operationId: issues/update
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {title: {type: string}, state: {type: string, enum: [open, closed]}}}
      responses:
        "200": {description: Response, content: {application/json: {schema: {$ref: "#/components/schemas/issue"}}}}
        "404": {$ref: "#/components/responses/not_found"}
`

let mock: SdkMock
let direct: Octokit
let viaGateway: Octokit
beforeAll(async () => {
  mock = await startSdkMock(SPEC, 'github-cut-down.yaml')
  const client = (baseUrl: string) =>
    new Octokit({ auth: 'ghp_test', baseUrl, request: { retries: 0 }, log: console })
  direct = client(mock.direct)
  viaGateway = client(mock.viaGateway)
}, 120_000)
afterAll(() => mock?.close())

const repo = { owner: 'octo-org', repo: 'widgets' }

describe('Octokit against a mock of a spec in GitHub’s conventions', () => {
  it('reads the authenticated user with its vendor media type', async () => {
    const user = await direct.users.getAuthenticated()
    expect(user.status).toBe(200)
    expect(user.data.login).toBe('octocat')
  })

  it('creates issues, reads and updates them by number, directly and through the public URL', async () => {
    const created = []
    for (const title of ['First', 'Second'])
      created.push((await direct.issues.create({ ...repo, title })).data)
    expect(created.map((issue) => issue.number)).toEqual([1, 2])
    expect(new Set(created.map((issue) => issue.id)).size).toBe(2)
    for (const octokit of [direct, viaGateway]) {
      const read = await octokit.issues.get({ ...repo, issue_number: 2 })
      expect(read.data).toMatchObject({ number: 2, title: 'Second' })
    }
    const closed = await viaGateway.issues.update({ ...repo, issue_number: 1, state: 'closed' })
    expect(closed.data).toMatchObject({ number: 1, title: 'First', state: 'closed' })
    const missing = await direct.issues
      .get({ ...repo, issue_number: 99 })
      .catch((error: { status: number }) => error)
    expect(missing).toMatchObject({ status: 404 })
  })

  it('pages with the mock’s own Link, newest first, never to api.github.com', async () => {
    const other = { owner: 'octo-org', repo: 'paged' }
    for (let index = 1; index <= 5; index++)
      await direct.issues.create({ ...other, title: `Issue ${index}` })
    const first = await viaGateway.issues.listForRepo({ ...other, per_page: 2 })
    expect(first.data.map((issue) => issue.number)).toEqual([5, 4])
    expect(first.headers.link).toMatch(/rel="next"/)
    expect(first.headers.link).not.toMatch(/api\.github\.com/)
    const numbers = []
    for await (const page of viaGateway.paginate.iterator(viaGateway.issues.listForRepo, {
      ...other,
      per_page: 2,
    }))
      numbers.push(...page.data.map((issue) => issue.number))
    expect(numbers).toEqual([5, 4, 3, 2, 1])
  })
})
