/** Signed webhook and callback deliveries to a receiver on 127.0.0.1, with retries and recorded attempts. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action as eventsApi } from '~/routes/api.v1.projects.$projectId.mocks.$mockId.events'
import { createApiToken } from '~/server/api-tokens.server'
import { db } from '~/server/db.server'
import { createMock } from '~/server/mocks/service.server'
import { getSupervisor } from '~/server/mocks/supervisor.server'
import { rotateWebhookSecret, setWebhookTarget, signWebhook } from '~/server/mocks/webhooks.server'
import { importSpec } from '~/server/specs/store.server'
import { createOrg, createProject, createUser, settle } from '../helpers'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`
process.env.OUTBOUND_ALLOW_PRIVATE = 'true'
process.env.WEBHOOK_BACKOFF_MS = '50'

const WEBHOOK_SPEC = `openapi: 3.1.0
info: {title: Pets events, version: "1"}
webhooks:
  newPet:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}}}
      responses: {"200": {description: ok}}
`

type Received = { headers: http.IncomingHttpHeaders; body: string; path: string }
const received: Received[] = []
let failuresLeft = 0
let receiver: http.Server
let receiverUrl: string
let projectId: string
let token: string

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push({ headers: request.headers, body, path: request.url ?? '' })
      if (failuresLeft > 0) {
        failuresLeft--
        response.writeHead(500).end()
      } else response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  projectId = (await createProject((await createOrg()).id)).id
  token = (await createApiToken({ projectId, name: 'CI', createdById: (await createUser()).id }))
    .token
})
afterAll(async () => {
  await getSupervisor().shutdown()
  receiver.close()
})

const until = async (check: () => Promise<boolean>) => {
  for (let index = 0; index < 100; index++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('condition not met in time')
}

describe('webhooks', () => {
  it('sends a signed test event, retries on 500, and records every attempt', async () => {
    const imported = await importSpec({
      projectId,
      raw: new TextEncoder().encode(WEBHOOK_SPEC),
      sourceKind: 'paste',
    })
    const mock = await db.mock.create({ data: { projectId, specVersionId: imported.version.id } })
    await setWebhookTarget(mock.id, `${receiverUrl}/hooks?token=abc`)
    const secret = await rotateWebhookSecret(mock.id)
    failuresLeft = 1
    received.length = 0
    const request = new Request(
      `http://localhost/api/v1/projects/${projectId}/mocks/${mock.id}/events`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ event: 'newPet' }),
      },
    )
    const result = await settle(() =>
      eventsApi({ request, params: { projectId, mockId: mock.id }, context: {} }),
    )
    expect(result.status).toBe(202)
    const { deliveryId } = (await result.response!.json()) as { deliveryId: string }
    await until(
      async () =>
        (await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).status ===
        'delivered',
    )

    const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })
    expect(
      JSON.parse(delivery.attempts).map((attempt: { status: number }) => attempt.status),
    ).toEqual([500, 200])
    // The target's path and query may hold its secret: only the host and the last characters are kept.
    expect(delivery.target).toBe(`${receiverUrl}/••••=abc`)
    expect(received).toHaveLength(2)
    const last = received[1]!
    const payload = JSON.parse(last.body) as { id: number; name: string }
    expect(typeof payload.id).toBe('number')
    expect(typeof payload.name).toBe('string')
    const expected = signWebhook(
      secret,
      String(last.headers['webhook-id']),
      Number(last.headers['webhook-timestamp']),
      last.body,
    )
    expect(last.headers['webhook-signature']).toBe(expected)
    expect(received[0]!.headers['webhook-id']).toBe(last.headers['webhook-id'])
  })

  it('refuses metadata targets without retrying, and needs a target and a known event', async () => {
    const imported = await importSpec({
      projectId,
      name: 'Events 2',
      raw: new TextEncoder().encode(WEBHOOK_SPEC),
      sourceKind: 'paste',
    })
    const mock = await db.mock.create({ data: { projectId, specVersionId: imported.version.id } })
    const send = (event: string) =>
      settle(() =>
        eventsApi({
          request: new Request('http://localhost/x', {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}` },
            body: JSON.stringify({ event }),
          }),
          params: { projectId, mockId: mock.id },
          context: {},
        }),
      )
    expect((await send('newPet')).status).toBe(422)
    await setWebhookTarget(mock.id, 'http://169.254.169.254/latest')
    expect((await send('nope')).status).toBe(422)
    const sent = await send('newPet')
    const { deliveryId } = (await sent.response!.json()) as { deliveryId: string }
    await until(
      async () =>
        (await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).status ===
        'failed',
    )
    const attempts = JSON.parse(
      (await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).attempts,
    ) as { error: string }[]
    expect(attempts).toHaveLength(1)
    expect(attempts[0]!.error).toMatch(/metadata/)
  })
})

describe('callbacks', () => {
  it('an operation with a callback delivers a signed event to the URL named in the request', async () => {
    const spec = `openapi: 3.0.3
info: {title: Subscriptions, version: "1"}
paths:
  /subscribe:
    post:
      operationId: subscribe
      parameters: [{name: callbackUrl, in: query, required: true, schema: {type: string, format: uri}}]
      responses: {"201": {description: subscribed}}
      callbacks:
        onEvent:
          "{$request.query.callbackUrl}":
            post:
              requestBody: {content: {application/json: {schema: {type: object, properties: {event: {type: string, enum: [created]}}}}}}
              responses: {"200": {description: ok}}
`
    const imported = await importSpec({
      projectId,
      name: 'Callbacks',
      raw: new TextEncoder().encode(spec),
      sourceKind: 'paste',
    })
    const mock = await createMock(projectId, imported.version.id)
    received.length = 0
    const response = await fetch(
      `http://127.0.0.1:${mock.port}/subscribe?callbackUrl=${encodeURIComponent(`${receiverUrl}/cb`)}`,
      { method: 'POST' },
    )
    expect(response.status).toBe(201)
    await until(async () => received.some((entry) => entry.path === '/cb'))
    const callback = received.find((entry) => entry.path === '/cb')!
    expect(JSON.parse(callback.body)).toEqual({ event: 'created' })
    expect(callback.headers['webhook-signature']).toMatch(/^v1,/)
    await until(
      async () =>
        (await db.webhookDelivery.count({ where: { mockId: mock.id, status: 'delivered' } })) === 1,
    )
  })
})
