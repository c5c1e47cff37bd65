/**
 * The steps of a playground request before anything is sent: the prefilled
 * form, hostile values refused (CR/LF in headers, path values that would
 * climb out of the base URL, parameters the operation does not have,
 * credentials typed by hand), malformed JSON on its line, and request
 * violations placed on the lines of the body.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { analyzeSpec } from '../specs/analyze.server'
import { ExchangeChecker } from '../specs/exchange.server'
import { singleFileSource } from '../specs/source.server'
import { buildRequest, type DraftInput, jsonSyntaxError, urlOn } from './build.server'
import { prefillDraft } from './prefill.server'
import { placeViolations, requestViolations } from './validate.server'

const SPEC = `openapi: 3.0.3
info: {title: Shop, version: "1"}
servers: [{url: "https://api.shop.test/v1"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
paths:
  /orders/{orderId}/lines:
    post:
      operationId: addLine
      security: [{key: []}]
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}, example: ord_1}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: X-Request-Id, in: header, required: true, schema: {type: string}, example: req-1}
        - {name: X-Api-Key, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [sku, quantity]
              properties:
                sku: {type: string}
                quantity: {type: integer, minimum: 1}
            example: {sku: ABC, quantity: 2}
      responses:
        "201": {description: created}
`

let checker: ExchangeChecker
let operation: NormalizedOperation

beforeAll(async () => {
  const { spec } = await analyzeSpec(singleFileSource(SPEC, 'openapi.yaml'))
  checker = new ExchangeChecker(spec)
  operation = spec.operations[0]!
})

const draft = (overrides: Partial<DraftInput> = {}): DraftInput => ({
  ...prefillDraft('s:addLine', 'env', operation, checker.schemas),
  ...overrides,
})

describe('prefill', () => {
  it('fills path, header and body from the examples, leaves credentials to the environment', () => {
    const filled = prefillDraft('s:addLine', 'env', operation, checker.schemas)
    expect(filled.params).toEqual([
      { in: 'path', name: 'orderId', value: 'ord_1' },
      { in: 'query', name: 'tags', value: '' },
      { in: 'header', name: 'X-Request-Id', value: 'req-1' },
    ])
    expect(filled.mediaType).toBe('application/json')
    expect(filled.body).toBe('{\n  "sku": "ABC",\n  "quantity": 2\n}')
  })
})

describe('buildRequest', () => {
  it('builds the request and keeps it on the base URL', () => {
    const built = buildRequest(
      operation,
      checker.schemas,
      draft({ headers: 'Idempotency-Key: k1' }),
    )
    expect(built.ok).toBe(true)
    if (!built.ok) return
    expect(built.request.path).toBe('/orders/ord_1/lines')
    expect(built.request.headers).toContainEqual(['x-request-id', 'req-1'])
    expect(built.request.headers).toContainEqual(['idempotency-key', 'k1'])
    expect(built.request.headers).toContainEqual(['content-type', 'application/json'])
    expect(urlOn('https://sbx.test/api/v1', built.request)?.href).toBe(
      'https://sbx.test/api/v1/orders/ord_1/lines',
    )
  })

  it('encodes path values as one segment: ../ and //evil.test stay under the base URL', () => {
    for (const value of ['../../admin', '//evil.test', 'a/b?c#d', '..\\x', '%2e%2e']) {
      const built = buildRequest(
        operation,
        checker.schemas,
        draft({ params: [{ in: 'path', name: 'orderId', value }] }),
      )
      expect(built.ok, value).toBe(true)
      if (!built.ok) continue
      const url = urlOn('https://sbx.test/api', built.request)!
      expect(url.origin).toBe('https://sbx.test')
      expect(url.pathname.startsWith('/api/orders/')).toBe(true)
      expect(url.pathname.endsWith('/lines')).toBe(true)
      expect(decodeURIComponent(url.pathname.split('/')[3]!)).toBe(value)
    }
    for (const value of ['..', '.']) {
      const built = buildRequest(
        operation,
        checker.schemas,
        draft({ params: [{ in: 'path', name: 'orderId', value }] }),
      )
      expect(built.ok, value).toBe(false)
    }
  })

  it('refuses CR/LF in header values, unknown parameters, empty path values and typed credentials', () => {
    const refusals = (input: Partial<DraftInput>) => {
      const built = buildRequest(operation, checker.schemas, draft(input), new Set(['x-api-key']))
      return built.ok ? [] : 'refusals' in built ? built.refusals : []
    }
    expect(
      refusals({
        params: [
          { in: 'path', name: 'orderId', value: 'ord_1' },
          { in: 'header', name: 'X-Request-Id', value: 'a\r\nX-Injected: 1' },
        ],
      }),
    ).toEqual([
      {
        field: 'params[1].value',
        message: 'The value of X-Request-Id contains a line break or another control character.',
      },
    ])
    expect(refusals({ headers: 'X-Note: a\rInjected: 1' })[0]?.field).toBe('headers')
    expect(refusals({ headers: 'Authorization: Bearer mine' })[0]?.message).toMatch(/credentials/)
    expect(refusals({ headers: 'X-Api-Key: mine' })[0]?.message).toMatch(/credentials/)
    expect(refusals({ headers: 'Host: evil.test' })[0]?.message).toMatch(/HTTP client/)
    expect(refusals({ headers: 'not a header' })[0]?.field).toBe('headers')
    expect(
      refusals({ params: [{ in: 'query', name: 'api_key', value: 'x' }] }).map((r) => r.message),
    ).toContain('query parameter “api_key” is not a parameter of this operation.')
    expect(
      refusals({ params: [{ in: 'path', name: 'orderId', value: '' }] }).map((r) => r.message),
    ).toEqual(['Fill in the path parameter “orderId”.'])
  })

  it('does not send a malformed JSON body: the syntax error is on its line', () => {
    const built = buildRequest(
      operation,
      checker.schemas,
      draft({ body: '{\n  "sku": "ABC",\n  "quantity": 2,\n}' }),
    )
    expect(built.ok).toBe(false)
    expect(!built.ok && 'syntax' in built ? built.syntax.line : null).toBe(4)
    expect(jsonSyntaxError('{"a": 1}')).toBeNull()
    expect(jsonSyntaxError('{"a": 1')?.line).toBe(1)
  })
})

describe('request validation', () => {
  it('places body violations on the lines of the body', async () => {
    const body = '{\n  "sku": "ABC",\n  "quantity": "two"\n}'
    const built = buildRequest(operation, checker.schemas, draft({ body }))
    if (!built.ok) throw new Error('not built')
    const violations = await requestViolations(checker, operation, built.request, {
      kind: 'header',
      name: 'x-api-key',
      value: 'k',
    })
    const placed = placeViolations(body, violations, [
      {
        id: 'n1',
        type: 'field_note',
        fieldPath: 'body/quantity',
        html: '<p>Whole units</p>',
        orphaned: false,
        orphanedVersion: null,
      },
    ])
    expect(placed.body.violations).toMatchObject([
      { location: 'body/quantity', line: 3, notes: [{ id: 'n1' }] },
    ])
    expect(placed.other).toEqual([])
  })

  it('reports a missing required header parameter outside the body', async () => {
    const built = buildRequest(
      operation,
      checker.schemas,
      draft({
        params: [
          { in: 'path', name: 'orderId', value: 'ord_1' },
          { in: 'header', name: 'X-Request-Id', value: '' },
        ],
      }),
    )
    if (!built.ok) throw new Error('not built')
    const violations = await requestViolations(checker, operation, built.request, null)
    expect(placeViolations('', violations, []).other.map((v) => v.location)).toContain(
      'header.X-Request-Id',
    )
  })
})
