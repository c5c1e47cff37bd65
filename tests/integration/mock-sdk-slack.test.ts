/**
 * The official Slack SDK (`@slack/web-api`) pointed at a mock of a spec written the way
 * Slack's own is (github.com/slackapi/slack-api-specs, `slack_web_openapi_v2.json`: Swagger
 * 2.0, method names as paths, the same quirks, cut down to five methods), directly and
 * through the public URL's gateway. Against the mock of the whole spec every call failed;
 * what it needs of the mock, with nothing Slack-specific in it:
 * - an RPC-style API (method names as paths) takes POST on the methods it documents as GET,
 *   the form's fields read as the query: the SDK POSTs a form to every method;
 * - a credential the spec lists again as a required parameter (`token` in a header, the
 *   query or the form) is not missing when the request carries `Authorization`, as the
 *   operation's security scheme says: the SDK sends `Authorization: Bearer`;
 * - a documented list example's next cursor is emptied on a stateless mock, so `paginate`
 *   ends instead of asking for the same empty page forever.
 */
import { ErrorCode, type WebAPIHTTPError, WebClient } from '@slack/web-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SdkMock, startSdkMock } from '../support/sdk-mock'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

const SPEC = `swagger: "2.0"
info: {title: Slack Web API (cut down), version: 1.7.0}
host: slack.com
basePath: /api
schemes: [https]
produces: [application/json]
securityDefinitions:
  slackAuth:
    type: oauth2
    flow: accessCode
    authorizationUrl: https://slack.com/oauth/authorize
    tokenUrl: https://slack.com/api/oauth.access
    scopes: {"chat:write": chat:write, "channels:read": channels:read, "users:read": users:read, "reactions:write": reactions:write}
definitions:
  defs_ok_true: {type: boolean, enum: [true]}
  defs_ok_false: {type: boolean, enum: [false]}
  error_response:
    type: object
    required: [ok, error]
    properties:
      ok: {$ref: "#/definitions/defs_ok_false"}
      error: {type: string, enum: [invalid_auth, not_authed, channel_not_found, invalid_arguments]}
  channel:
    type: object
    required: [id, name]
    properties: {id: {type: string}, name: {type: string}}
paths:
  /auth.test:
    get:
      operationId: auth_test
      security: [{slackAuth: []}]
      parameters: [{name: token, in: header, required: true, type: string}]
      responses:
        "200":
          description: ok
          schema:
            type: object
            required: [ok, user_id, team_id]
            properties: {ok: {$ref: "#/definitions/defs_ok_true"}, user_id: {type: string}, team_id: {type: string}}
          examples: {application/json: {ok: true, user_id: W12345678, team_id: T12345678}}
        default: {description: error, schema: {$ref: "#/definitions/error_response"}}
  /chat.postMessage:
    post:
      operationId: chat_postMessage
      consumes: [application/x-www-form-urlencoded, application/json]
      security: [{slackAuth: ["chat:write"]}]
      parameters:
        - {name: token, in: header, required: true, type: string}
        - {name: channel, in: formData, required: true, type: string}
        - {name: text, in: formData, type: string}
      responses:
        "200":
          description: ok
          schema:
            type: object
            required: [ok, channel, ts]
            properties: {ok: {$ref: "#/definitions/defs_ok_true"}, channel: {type: string}, ts: {type: string}}
        default: {description: error, schema: {$ref: "#/definitions/error_response"}}
  /conversations.list:
    get:
      operationId: conversations_list
      security: [{slackAuth: ["channels:read"]}]
      parameters:
        - {name: token, in: query, type: string}
        - {name: limit, in: query, type: integer}
        - {name: cursor, in: query, type: string}
      responses:
        "200":
          description: ok
          schema:
            type: object
            required: [ok, channels]
            properties:
              ok: {$ref: "#/definitions/defs_ok_true"}
              channels: {type: array, items: {$ref: "#/definitions/channel"}}
              response_metadata: {type: object, properties: {next_cursor: {type: string}}}
          examples:
            application/json:
              ok: true
              channels: [{id: C012AB3CD, name: general}, {id: C061EG9T2, name: random}]
              response_metadata: {next_cursor: dGVhbTpDMDYxRkE1UEI=}
        default: {description: error, schema: {$ref: "#/definitions/error_response"}}
  /users.info:
    get:
      operationId: users_info
      security: [{slackAuth: ["users:read"]}]
      parameters:
        - {name: token, in: query, required: true, type: string}
        - {name: user, in: query, type: string}
      responses:
        "200":
          description: ok
          schema:
            type: object
            required: [ok, user]
            properties: {ok: {$ref: "#/definitions/defs_ok_true"}, user: {type: object, properties: {id: {type: string}}}}
        default: {description: error, schema: {$ref: "#/definitions/error_response"}}
  /reactions.add:
    post:
      operationId: reactions_add
      consumes: [application/x-www-form-urlencoded]
      security: [{slackAuth: ["reactions:write"]}]
      parameters:
        - {name: token, in: formData, required: true, type: string}
        - {name: channel, in: formData, required: true, type: string}
        - {name: name, in: formData, required: true, type: string}
        - {name: timestamp, in: formData, required: true, type: string}
      responses:
        "200": {description: ok, schema: {type: object, required: [ok], properties: {ok: {$ref: "#/definitions/defs_ok_true"}}}}
        default: {description: error, schema: {$ref: "#/definitions/error_response"}}
`

let mock: SdkMock
let mockUrl: string
let direct: WebClient
let viaGateway: WebClient
beforeAll(async () => {
  mock = await startSdkMock(SPEC, 'slack-cut-down.yaml')
  const client = (url: string) =>
    new WebClient('xoxb-test-token', { slackApiUrl: `${url}/api/`, retryConfig: { retries: 0 } })
  mockUrl = mock.direct
  direct = client(mock.direct)
  viaGateway = client(mock.viaGateway)
}, 120_000)
afterAll(() => mock?.close())

describe('the Slack SDK against a mock of a spec in Slack’s conventions', () => {
  it('calls methods documented as GET and as POST, directly and through the public URL', async () => {
    for (const web of [direct, viaGateway]) {
      expect(await web.auth.test()).toMatchObject({
        ok: true,
        user_id: 'W12345678',
        team_id: 'T12345678',
      })
      const posted = await web.chat.postMessage({ channel: 'C123', text: 'Hello' })
      expect(posted.ok).toBe(true)
      expect(typeof posted.ts).toBe('string')
      const user = await web.users.info({ user: 'U123' })
      expect(user.ok).toBe(true)
      expect(
        await web.reactions.add({ channel: 'C1', name: 'tada', timestamp: '1.2' }),
      ).toMatchObject({ ok: true })
    }
  })

  it('pages a documented list to its end', async () => {
    const pages = []
    for await (const page of direct.paginate('conversations.list', { limit: 2 })) {
      pages.push(page)
      if (pages.length > 3) break
    }
    expect(pages).toHaveLength(1)
    expect(pages[0]).toMatchObject({
      ok: true,
      channels: [{ name: 'general' }, { name: 'random' }],
      response_metadata: { next_cursor: '' },
    })
  })

  it('still refuses what the spec refuses: a missing field, no credential, GET on a POST method', async () => {
    const invalid = await direct.chat
      .postMessage({ text: 'no channel' } as never)
      .catch((error: unknown) => error as WebAPIHTTPError)
    expect(invalid).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 400 })

    // Without any credential the secured method answers 401, as before.
    expect((await fetch(`${mockUrl}/api/users.info?user=U1`)).status).toBe(401)
    // A method documented as POST only is not reached by GET: the rule is POST-to-GET only.
    expect((await fetch(`${mockUrl}/api/chat.postMessage?channel=C1`)).status).toBe(405)
  })
})
