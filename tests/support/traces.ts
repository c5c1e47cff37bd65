/** A small spec, a partner project with a trace secret, and signed calls of POST /api/v1/traces. */
import { action as tracesAction } from '~/routes/api.v1.traces'
import { db } from '~/server/db.server'
import { importSpec } from '~/server/specs/store.server'
import { setTraceSecret } from '~/server/traces/secrets.server'
import { signTraceBatch } from '~/server/traces/signature.server'
import { BASE_URL, createOrg, createProject, routeArgs } from '../helpers'

export const SHOP_SPEC = `openapi: 3.0.3
info: {title: Shop API, version: "1.0"}
servers: [{url: "https://api.shop.test/v1"}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Order:
      type: object
      required: [id, amount, currency]
      properties:
        id: {type: string}
        amount: {type: integer, minimum: 1}
        currency: {type: string, enum: [EUR, USD]}
        note: {type: string}
    Error:
      type: object
      required: [message]
      properties: {message: {type: string}}
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        "200":
          description: orders
          content:
            application/json:
              schema: {type: object, required: [data], properties: {data: {type: array, items: {$ref: "#/components/schemas/Order"}}}}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [amount, currency]
              properties:
                amount: {type: integer, minimum: 1}
                currency: {type: string, enum: [EUR, USD]}
                note: {type: string}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
        "400":
          description: invalid
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: one order
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
        "404":
          description: none
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
`

export const TRACE_SECRET = 'tsk_test_secret_0123456789abcdef'

/** An organisation, a project with SHOP_SPEC, and a partner project "acme-partner" with TRACE_SECRET. */
export async function shopProject(slug = `partner-${Math.random().toString(36).slice(2, 8)}`) {
  const org = await createOrg('Shop Vendor')
  const project = await createProject(org.id, 'Shop')
  const imported = await importSpec({
    projectId: project.id,
    raw: new TextEncoder().encode(SHOP_SPEC),
    sourceKind: 'paste',
  })
  const partner = await db.partnerProject.create({
    data: { projectId: project.id, name: 'Partner Co', slug },
  })
  await setTraceSecret(partner.id, TRACE_SECRET)
  return { org, project, partner, specVersionId: imported.version.id }
}

export type TraceJson = {
  request: { method: string; url: string; headers?: Record<string, string>; body?: unknown }
  response: { status: number; headers?: Record<string, string>; body?: unknown }
  timestamp?: string | number
  durationMs?: number
}

export function order(overrides: Partial<TraceJson> = {}): TraceJson {
  return {
    request: {
      method: 'POST',
      url: 'https://api.shop.test/v1/orders',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk_live_abcdef123456' },
      body: { amount: 1200, currency: 'EUR', note: 'first' },
    },
    response: {
      status: 201,
      headers: { 'Content-Type': 'application/json' },
      body: { id: 'ord_1', amount: 1200, currency: 'EUR', note: 'first' },
    },
    timestamp: new Date().toISOString(),
    durationMs: 42,
    ...overrides,
  }
}

/** Calls the route's action as the HTTP server would, signing the body unless told otherwise. */
export async function postTraces(
  partnerRef: string,
  body: string | Uint8Array,
  {
    secret = TRACE_SECRET,
    timestamp = Math.floor(Date.now() / 1000),
    contentType = 'application/json',
    headers = {},
    sign = true,
  }: {
    secret?: string
    timestamp?: number
    contentType?: string
    headers?: Record<string, string>
    sign?: boolean
  } = {},
) {
  const signed: Record<string, string> = sign
    ? {
        'X-Copilot-Timestamp': String(timestamp),
        'X-Copilot-Signature': signTraceBatch(secret, timestamp, body),
      }
    : {}
  const request = new Request(`${BASE_URL}/api/v1/traces`, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      'X-Copilot-Partner': partnerRef,
      ...signed,
      ...headers,
    },
    body: typeof body === 'string' ? body : Buffer.from(body),
  })
  const response = (await tracesAction(routeArgs(request))) as Response
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = { text }
  }
  return { status: response.status, json }
}

/** A finished, failed run of a partner project on SHOP_SPEC with one failing case (#1 on listOrders). */
export async function failingPartnerRun(
  shop: { project: { id: string }; specVersionId: string },
  partnerProjectId: string,
  environmentId: string,
  {
    title = 'listOrders answers with a documented status',
    reason = 'Got 418, the spec documents 200.',
  } = {},
) {
  const run = await db.run.create({
    data: {
      projectId: shop.project.id,
      specVersionId: shop.specVersionId,
      environmentId,
      partnerProjectId,
      status: 'failed',
      caseTotal: 1,
      finishedAt: new Date(),
      environmentLabel: 'Sandbox (sandbox)',
      cases: {
        create: {
          seq: 1,
          key: 'conformance.status:listOrders',
          templateId: 'conformance.status',
          category: 'conformance',
          operationId: 'listOrders',
          title,
          verdict: 'failed',
          reason,
        },
      },
    },
  })
  return run.id
}
