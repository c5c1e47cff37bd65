/**
 * Judges a recorded exchange (a request and the response it got) against the
 * NormalizedSpec: which operation it is (the mocks' router), whether the
 * request was valid (the mocks' parameter and body rules), and whether the
 * response was documented and in its documented shape. Traces and the
 * playground use it; nothing here sends anything.
 */
import type { NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'
import { documentedContent, documentedResponse, splitType } from '~/shared/operations'
import {
  type IncomingRequest,
  parseAndValidate,
  pathParamsFit,
  planRequest,
  prepareRequest,
  type RequestPlan,
} from './request.server'
import { Router } from './router.server'
import { SpecSchemas } from './schemas.server'

export type RecordedExchange = {
  method: string
  /** The request path without any environment base path (the spec's own base paths are handled here). */
  pathname: string
  query: URLSearchParams
  /** Lower-case names. */
  requestHeaders: Record<string, string>
  requestBody: Buffer
  status: number
  responseHeaders: Record<string, string>
  responseBody: string
}

export type ExchangeViolation = {
  side: 'request' | 'response'
  /** `query.limit`, `header.x-id`, `body/items/0/price`, `status`, `header.content-type`. */
  location: string
  message: string
  constraint?: string
}

export type ExchangeCheck =
  | {
      matched: true
      operation: NormalizedOperation
      pathParams: Record<string, string>
      violations: ExchangeViolation[]
    }
  | { matched: false; reason: string; violations: ExchangeViolation[] }

const JSONISH = /(^|\+|\/)json$/

/** One per spec version (callers cache it): the router, compiled schemas and request plans are reused. */
export class ExchangeChecker {
  readonly router: Router
  readonly schemas: SpecSchemas
  private readonly plans = new Map<string, RequestPlan>()

  constructor(readonly spec: NormalizedSpec) {
    this.router = new Router(spec)
    this.schemas = new SpecSchemas(spec)
  }

  private plan(operation: NormalizedOperation): RequestPlan {
    let plan = this.plans.get(operation.id)
    if (!plan) {
      plan = planRequest(operation, this.schemas)
      this.plans.set(operation.id, plan)
    }
    return plan
  }

  private readonly paramsFit = (
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
  ): boolean => pathParamsFit(this.plan(operation), pathParams)

  /** Which operation a method and path are, without judging anything. */
  match(method: string, pathname: string) {
    return this.router.match(method, pathname, this.paramsFit)
  }

  async check(exchange: RecordedExchange): Promise<ExchangeCheck> {
    const match = this.router.match(exchange.method, exchange.pathname, this.paramsFit)
    if (match.kind === 'not-found')
      return {
        matched: false,
        reason: `No operation of the spec matches ${exchange.pathname}.`,
        violations: [],
      }
    if (match.kind === 'method-not-allowed')
      return {
        matched: false,
        reason: `${exchange.pathname} does not document ${exchange.method.toUpperCase()} (it documents ${match.allow.join(', ')}).`,
        violations: [],
      }
    return this.judge(match.operation, match.pathParams, exchange)
  }

  /** Judges an exchange already matched to its operation. */
  async judge(
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
    exchange: RecordedExchange,
  ): Promise<Extract<ExchangeCheck, { matched: true }>> {
    const violations = [
      ...(await this.checkRequest(operation, pathParams, exchange)),
      ...this.checkResponse(operation, exchange),
    ]
    return { matched: true, operation, pathParams, violations }
  }

  async checkRequest(
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
    exchange: RecordedExchange,
  ): Promise<ExchangeViolation[]> {
    const incoming: IncomingRequest = {
      method: exchange.method.toUpperCase(),
      pathname: exchange.pathname,
      query: exchange.query,
      headers: exchange.requestHeaders,
      body: exchange.requestBody,
    }
    const prepared = await prepareRequest(incoming)
    const parsed = parseAndValidate(
      operation,
      this.plan(operation),
      prepared,
      pathParams,
      this.schemas,
    )
    const violations: ExchangeViolation[] = parsed.violations.map((violation) => ({
      side: 'request',
      ...violation,
    }))
    if (parsed.unsupportedMediaType)
      violations.push({
        side: 'request',
        location: 'header.content-type',
        message: `is ${exchange.requestHeaders['content-type'] ?? 'missing'}; the operation accepts ${Object.keys(operation.requestBody?.content ?? {}).join(', ')}`,
        constraint: 'media type',
      })
    return violations
  }

  checkResponse(operation: NormalizedOperation, exchange: RecordedExchange): ExchangeViolation[] {
    const documented = documentedResponse(operation, exchange.status)
    if (!documented)
      return [
        {
          side: 'response',
          location: 'status',
          message: `${exchange.status} is not documented for this operation (documented: ${operation.responses.map((response) => response.status).join(', ') || 'none'})`,
          constraint: 'documented status',
        },
      ]
    const violations: ExchangeViolation[] = []
    for (const [name, header] of Object.entries(documented.headers)) {
      if (header.required && exchange.responseHeaders[name.toLowerCase()] === undefined)
        violations.push({
          side: 'response',
          location: `header.${name.toLowerCase()}`,
          message: 'is required by the documented response',
          constraint: 'required',
        })
    }
    const body = exchange.responseBody
    if (Object.keys(documented.content).length === 0 || body.trim() === '') return violations
    const actualType = exchange.responseHeaders['content-type'] ?? ''
    const entry = documentedContent(documented, actualType)
    if (!entry) {
      violations.push({
        side: 'response',
        location: 'header.content-type',
        message: `is ${actualType || 'missing'}; the ${documented.status} response documents ${Object.keys(documented.content).join(', ')}`,
        constraint: 'media type',
      })
      return violations
    }
    const [type, media] = entry
    if (!media.schema || (!JSONISH.test(splitType(type).join('/')) && !JSONISH.test(actualType)))
      return violations
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch (error) {
      violations.push({
        side: 'response',
        location: 'body',
        message: `is not valid JSON: ${(error as Error).message}`,
        constraint: 'syntax',
      })
      return violations
    }
    for (const violation of this.schemas.check(
      `${operation.id}:response:${documented.status}:${type}`,
      media.schema,
      json,
      'response',
    ))
      violations.push({ side: 'response', ...violation })
    return violations
  }
}
