/**
 * Resolves OpenAPI runtime expressions (`{$request.body#/callbackUrl}`) in
 * callback URLs. Credential headers (cookies, Authorization, tokens) resolve
 * to nothing, so no visitor's credential can be sent to a tenant's URL.
 */
import { resolvePointer } from '~/shared/json-pointer'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { isSecretName } from '../redact.server'
import { generateFromSchema } from '../specs/generate.server'
import type { IncomingRequest } from '../specs/request.server'
import type { SpecSchemas } from '../specs/schemas.server'

export function evaluateExpression(
  expression: string,
  request: IncomingRequest,
  body: unknown,
  pathParams: Record<string, string>,
): string | undefined {
  const [source, rest = ''] = expression.split('#')
  if (source === '$request.body') return stringOrUndefined(resolvePointer(body, rest))
  if (source === '$url') return request.pathname
  if (source === '$method') return request.method
  const query = /^\$request\.query\.(.+)$/.exec(expression)?.[1]
  if (query) return request.query.get(query) ?? undefined
  const header = /^\$request\.header\.(.+)$/.exec(expression)?.[1]
  // Credentials (cookies, Authorization, tokens) never flow into a URL the tenant chose.
  if (header) return isSecretName(header) ? undefined : request.headers[header.toLowerCase()]
  const path = /^\$request\.path\.(.+)$/.exec(expression)?.[1]
  if (path) return pathParams[path]
  return undefined
}

function stringOrUndefined(value: unknown) {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/** `http://{$request.body#/host}/events` -> a URL, or undefined when an expression cannot be resolved. */
export function resolveCallbackUrl(
  template: string,
  request: IncomingRequest,
  body: unknown,
  pathParams: Record<string, string>,
): string | undefined {
  let missing = false
  const url = template.replace(/\{([^}]+)\}/g, (_, expression: string) => {
    const value = evaluateExpression(expression.trim(), request, body, pathParams)
    if (value === undefined) missing = true
    return value ?? ''
  })
  if (missing) return undefined
  return /^https?:\/\//i.test(url) ? url : undefined
}

export type TriggeredCallback = { event: string; url: string; operation: NormalizedOperation }

export function triggeredCallbacks(
  operation: NormalizedOperation,
  request: IncomingRequest,
  body: unknown,
  pathParams: Record<string, string>,
): TriggeredCallback[] {
  return operation.callbacks.flatMap((callback) => {
    const url = resolveCallbackUrl(callback.expression, request, body, pathParams)
    return url
      ? callback.operations.map((callbackOperation) => ({
          event: callback.name,
          url,
          operation: callbackOperation,
        }))
      : []
  })
}

/** The event's body: its first documented example, else data generated from its schema. */
export function eventPayload(
  operation: NormalizedOperation,
  schemas: SpecSchemas,
  seed: string,
): unknown {
  const media = Object.entries(operation.requestBody?.content ?? {}).find(([type]) =>
    /json/i.test(type),
  )?.[1]
  if (!media) return {}
  return media.examples[0]?.value ?? generateFromSchema(media.schema, schemas, seed, 'request')
}
