/**
 * Detects what an API does (auth kinds, pagination, idempotency, rate limits,
 * webhooks and callbacks, error schemas, CRUD resources) per operation and per
 * group, each with the evidence that made the call.
 */
import type {
  Capability,
  CapabilityKind,
  JsonSchema,
  NormalizedOperation,
  NormalizedSpec,
} from '~/shared/normalized-spec'

const CURSOR_PARAMS =
  /^(cursor|starting_after|ending_before|after|before|next|next_token|nexttoken|page_token|pagetoken|continuation(_token)?|since_id|max_id)$/i
const OFFSET_PARAMS = /^(offset|skip|start)$/i
const LIMIT_PARAMS = /^(limit|count|take|max_results|maxresults|top|\$top)$/i
const PAGE_PARAMS = /^(page|page_number|pagenumber|pageno)$/i
const PAGE_SIZE_PARAMS = /^(per_page|perpage|page_size|pagesize|size|limit)$/i
const IDEMPOTENCY_HEADER = /^(idempotency[-_]?key|x-idempotency-key|x-request-id-idempotent)$/i
const RATE_LIMIT_HEADER = /^(x-)?rate-?limit(-[a-z]+)*$|^retry-after$/i

function add(list: Capability[], kind: CapabilityKind, value: string, evidence: string) {
  const existing = list.find((capability) => capability.kind === kind && capability.value === value)
  if (existing) {
    if (!existing.evidence.includes(evidence)) existing.evidence.push(evidence)
  } else list.push({ kind, value, evidence: [evidence] })
}

function authCapabilities(
  operation: NormalizedOperation,
  spec: NormalizedSpec,
  found: Capability[],
) {
  for (const requirement of operation.security) {
    for (const { scheme: name, scopes } of requirement) {
      const scheme = spec.securitySchemes[name]
      if (!scheme) continue
      const value =
        scheme.kind === 'apiKey'
          ? `apiKey:${scheme.in}`
          : scheme.kind === 'oauth2'
            ? `oauth2:${Object.keys(scheme.flows ?? {}).join('+') || 'unknown'}`
            : scheme.kind
      const where = scheme.kind === 'apiKey' ? ` (${scheme.in}.${scheme.parameterName})` : ''
      add(
        found,
        'auth',
        value,
        `security.${name}${where}${scopes.length ? ` scopes ${scopes.join(' ')}` : ''}`,
      )
    }
  }
}

function paginationCapabilities(operation: NormalizedOperation, found: Capability[]) {
  const query = operation.parameters.filter((param) => param.in === 'query')
  const names = query.map((param) => param.name)
  const evidence = (matches: string[]) => matches.map((name) => `query.${name}`).join(', ')
  const cursor = names.filter((name) => CURSOR_PARAMS.test(name))
  if (cursor.length > 0) add(found, 'pagination', 'cursor', evidence(cursor))
  const offset = names.filter((name) => OFFSET_PARAMS.test(name))
  const limit = names.filter((name) => LIMIT_PARAMS.test(name))
  if (offset.length > 0) add(found, 'pagination', 'offset-limit', evidence([...offset, ...limit]))
  const page = names.filter((name) => PAGE_PARAMS.test(name))
  const size = names.filter((name) => PAGE_SIZE_PARAMS.test(name))
  if (page.length > 0) add(found, 'pagination', 'page', evidence([...page, ...size]))
  if (
    cursor.length === 0 &&
    offset.length === 0 &&
    page.length === 0 &&
    limit.length > 0 &&
    operation.method === 'GET'
  ) {
    add(found, 'pagination', 'limit-only', evidence(limit))
  }
  for (const response of operation.responses) {
    if (Object.keys(response.headers).some((header) => header.toLowerCase() === 'link')) {
      add(found, 'pagination', 'link-header', `response ${response.status} header Link`)
    }
  }
}

function idempotencyCapabilities(operation: NormalizedOperation, found: Capability[]) {
  for (const param of operation.parameters) {
    if (param.in === 'header' && IDEMPOTENCY_HEADER.test(param.name))
      add(found, 'idempotency', 'header', `header.${param.name}`)
  }
}

function rateLimitCapabilities(operation: NormalizedOperation, found: Capability[]) {
  for (const response of operation.responses) {
    if (response.status === '429') add(found, 'rate-limit', 'documented', 'response 429')
    for (const header of Object.keys(response.headers)) {
      if (RATE_LIMIT_HEADER.test(header))
        add(found, 'rate-limit', 'headers', `response ${response.status} header ${header}`)
    }
  }
}

function errorCapabilities(operation: NormalizedOperation, found: Capability[]) {
  for (const response of operation.responses) {
    if (!/^[45]/.test(response.status) && response.status !== 'default') continue
    for (const [type, media] of Object.entries(response.content)) {
      if (!media.schema) continue
      const value = /problem\+json/i.test(type) ? 'problem+json' : 'schema'
      add(found, 'error-schema', value, `response ${response.status} ${type}`)
    }
  }
}

export function operationCapabilities(
  operation: NormalizedOperation,
  spec: NormalizedSpec,
): Capability[] {
  const found: Capability[] = []
  authCapabilities(operation, spec, found)
  paginationCapabilities(operation, found)
  idempotencyCapabilities(operation, found)
  rateLimitCapabilities(operation, found)
  errorCapabilities(operation, found)
  if (operation.callbacks.length > 0) {
    for (const callback of operation.callbacks)
      add(found, 'callbacks', callback.name, `callback ${callback.name} -> ${callback.expression}`)
  }
  return found
}

function schemaRef(schema: JsonSchema | undefined): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined
  if (typeof schema.$ref === 'string') return schema.$ref
  const items = schema.items
  if (
    items &&
    typeof items === 'object' &&
    !Array.isArray(items) &&
    typeof (items as { $ref?: unknown }).$ref === 'string'
  ) {
    return (items as { $ref: string }).$ref
  }
  return undefined
}

function successSchemas(operation: NormalizedOperation): string[] {
  const refs = operation.responses
    .filter((response) => /^2/.test(response.status))
    .flatMap((response) => Object.values(response.content).map((media) => schemaRef(media.schema)))
  const body = Object.values(operation.requestBody?.content ?? {}).map((media) =>
    schemaRef(media.schema),
  )
  return [...refs, ...body].filter((ref): ref is string => Boolean(ref))
}

/** A collection path (/pets) and its item path (/pets/{id}) sharing a schema make a CRUD resource. */
function crudCapabilities(spec: NormalizedSpec): Map<NormalizedOperation, Capability[]> {
  const result = new Map<NormalizedOperation, Capability[]>()
  const byPath = new Map<string, NormalizedOperation[]>()
  for (const operation of spec.operations)
    byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation])
  for (const [itemPath, itemOps] of byPath) {
    const match = /^(.*)\/\{[^}]+\}$/.exec(itemPath)
    if (!match) continue
    const collectionOps = byPath.get(match[1]!)
    if (!collectionOps) continue
    const itemSchemas = new Set(itemOps.flatMap(successSchemas))
    const shared = collectionOps.flatMap(successSchemas).find((ref) => itemSchemas.has(ref))
    if (!shared) continue
    const methods = [...collectionOps, ...itemOps].map(
      (operation) => `${operation.method} ${operation.path}`,
    )
    const capability: Capability = {
      kind: 'crud',
      value: match[1]!,
      evidence: [`schema ${shared.split('/').pop()}`, ...methods],
    }
    for (const operation of [...collectionOps, ...itemOps])
      result.set(operation, [...(result.get(operation) ?? []), capability])
  }
  return result
}

function merge(into: Capability[], from: Capability[]) {
  for (const capability of from)
    for (const evidence of capability.evidence)
      add(into, capability.kind, capability.value, evidence)
}

/** Fills operation, group and API-wide capabilities in place and returns the spec. */
export function detectCapabilities(spec: NormalizedSpec): NormalizedSpec {
  const crud = crudCapabilities(spec)
  const all: Capability[] = []
  const groups: Record<string, Capability[]> = {}
  for (const operation of [...spec.operations, ...spec.webhooks]) {
    operation.capabilities = [
      ...operationCapabilities(operation, spec),
      ...(crud.get(operation) ?? []).map((capability) => ({
        ...capability,
        evidence: [...capability.evidence],
      })),
    ]
    groups[operation.group] ??= []
    merge(groups[operation.group]!, operation.capabilities)
    merge(all, operation.capabilities)
  }
  for (const webhook of spec.webhooks)
    add(all, 'webhooks', webhook.path, `webhook ${webhook.path} (${webhook.method})`)
  spec.capabilities = all
  spec.groupCapabilities = groups
  return spec
}
