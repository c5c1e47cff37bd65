/**
 * Drift between the spec and reality: per operation, what the newest traces
 * and run responses show that the spec does not describe — response fields
 * absent from the response schema (where additionalProperties is not false),
 * statuses and response headers it does not document. A read model over
 * stored exchanges, bounded (the newest traces and run cases only).
 */
import type {
  JsonSchema,
  NormalizedOperation,
  NormalizedResponse,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { db } from '../db.server'
import { versionSpec } from '../specs/store.server'
import {
  type Observation,
  parseJsonBody,
  runObservations,
  traceObservations,
} from './observations.server'

export type RealityFinding = {
  kind: 'field' | 'status' | 'header'
  /** The field path (`data[].risk_score`), the status (`418`) or the header name. */
  name: string
  /** Status the field or header was seen with. */
  status?: number
  traces: number
  runs: number
}
export type OperationDrift = {
  operationId: string
  label: string
  observed: number
  findings: RealityFinding[]
}

/** Newest exchanges read per project and spec, and kept per operation. */
export const REALITY_TRACES = 2000
export const REALITY_RUN_CASES = 300
export const PER_OPERATION = 100
const MAX_DEPTH = 8
const MAX_ITEMS = 20
const MAX_FINDINGS = 50

/** Transport and platform headers no spec documents. */
const COMMON_HEADERS = new Set([
  'accept-ranges',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'access-control-max-age',
  'age',
  'alt-svc',
  'cache-control',
  'connection',
  'content-encoding',
  'content-language',
  'content-length',
  'content-security-policy',
  'content-type',
  'date',
  'etag',
  'expires',
  'keep-alive',
  'last-modified',
  'pragma',
  'referrer-policy',
  'server',
  'strict-transport-security',
  'transfer-encoding',
  'vary',
  'via',
  'x-content-type-options',
  'x-frame-options',
  'x-powered-by',
  'x-xss-protection',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'permissions-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'set-cookie',
])

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** The response a status is documented by: exact, then its class (`4XX`), then `default`. */
export function documentedResponse(
  operation: NormalizedOperation,
  status: number,
): NormalizedResponse | undefined {
  const code = String(status)
  return (
    operation.responses.find((response) => response.status === code) ??
    operation.responses.find((response) => response.status.toUpperCase() === `${code[0]}XX`) ??
    operation.responses.find((response) => response.status === 'default')
  )
}

function resolve(spec: NormalizedSpec, schema: unknown, depth = 0): Obj {
  if (!isObj(schema) || depth > MAX_DEPTH) return {}
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '')
    return resolve(spec, spec.schemas[name], depth + 1)
  }
  return schema
}

/** What an object schema says of its properties: their schemas, and whether others are allowed. */
function objectShape(spec: NormalizedSpec, schema: unknown, depth = 0) {
  const node = resolve(spec, schema)
  const properties = new Map<string, JsonSchema>()
  let closed = node.additionalProperties === false
  let extra: unknown = isObj(node.additionalProperties) ? node.additionalProperties : undefined
  let declares = isObj(node.properties)
  if (isObj(node.properties))
    for (const [name, child] of Object.entries(node.properties))
      properties.set(name, child as JsonSchema)
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (!Array.isArray(node[key]) || depth > MAX_DEPTH) continue
    for (const part of node[key] as unknown[]) {
      const inner = objectShape(spec, part, depth + 1)
      if (inner.declares) declares = true
      for (const [name, child] of inner.properties)
        if (!properties.has(name)) properties.set(name, child)
      if (key === 'allOf' && inner.closed) closed = true
      extra ??= inner.extra
    }
  }
  return { properties, closed, extra, declares }
}

/** Paths of values in `value` that `schema` does not describe. */
export function undocumentedFields(
  spec: NormalizedSpec,
  schema: unknown,
  value: unknown,
  path = '',
  depth = 0,
  out = new Set<string>(),
): Set<string> {
  if (depth > MAX_DEPTH || out.size >= MAX_FINDINGS) return out
  if (Array.isArray(value)) {
    const node = resolve(spec, schema)
    const items = node.items ?? firstItems(spec, node)
    if (items === undefined) return out
    for (const item of value.slice(0, MAX_ITEMS))
      undocumentedFields(spec, items, item, `${path}[]`, depth + 1, out)
    return out
  }
  if (!isObj(value)) return out
  const shape = objectShape(spec, schema)
  for (const [name, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${name}` : name
    const documented = shape.properties.get(name)
    if (documented !== undefined)
      undocumentedFields(spec, documented, child, childPath, depth + 1, out)
    else if (shape.extra !== undefined)
      undocumentedFields(spec, shape.extra, child, childPath, depth + 1, out)
    // additionalProperties: false is the validator's business (a violation), not drift.
    else if (shape.declares && !shape.closed) out.add(childPath)
  }
  return out
}

function firstItems(spec: NormalizedSpec, node: Obj): unknown {
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const)
    if (Array.isArray(node[key]))
      for (const part of node[key] as unknown[]) {
        const inner = resolve(spec, part)
        if (inner.items !== undefined) return inner.items
      }
  return undefined
}

function jsonSchemaOf(response: NormalizedResponse): JsonSchema | undefined {
  const entries = Object.entries(response.content)
  return (entries.find(([type]) => /json/i.test(type)) ?? entries[0])?.[1].schema
}

/** The findings of one operation over its exchanges. Pure. */
export function operationDrift(
  spec: NormalizedSpec,
  operation: NormalizedOperation,
  exchanges: Observation[],
): OperationDrift {
  const findings = new Map<string, RealityFinding>()
  const note = (
    kind: RealityFinding['kind'],
    name: string,
    status: number,
    source: Observation,
  ) => {
    const key = `${kind}\n${name}\n${kind === 'status' ? '' : status}`
    const finding =
      findings.get(key) ??
      ({
        kind,
        name,
        ...(kind === 'status' ? {} : { status }),
        traces: 0,
        runs: 0,
      } as RealityFinding)
    if (source.kind === 'trace') finding.traces++
    else finding.runs++
    findings.set(key, finding)
  }
  for (const exchange of exchanges) {
    if (exchange.status === null) continue
    const response = documentedResponse(operation, exchange.status)
    if (!response) {
      note('status', String(exchange.status), exchange.status, exchange)
      continue
    }
    const documentedHeaders = new Set(
      Object.keys(response.headers).map((name) => name.toLowerCase()),
    )
    for (const name of Object.keys(exchange.responseHeaders))
      if (!COMMON_HEADERS.has(name) && !documentedHeaders.has(name))
        note('header', name, exchange.status, exchange)
    const schema = jsonSchemaOf(response)
    const body = schema === undefined ? undefined : parseJsonBody(exchange.responseBody)
    if (body !== undefined)
      for (const path of undocumentedFields(spec, schema, body))
        note('field', path, exchange.status, exchange)
  }
  return {
    operationId: operation.id,
    label: `${operation.method} ${operation.path}`,
    observed: exchanges.length,
    findings: [...findings.values()]
      .sort((a, b) => b.traces + b.runs - (a.traces + a.runs) || a.name.localeCompare(b.name))
      .slice(0, MAX_FINDINGS),
  }
}

/** Every operation of a version with what reality shows beyond it (operations with findings only). */
export async function realityDrift(projectId: string, specId: string, versionId: string) {
  const spec = await versionSpec(versionId)
  const specVersionIds = (
    await db.specVersion.findMany({ where: { specId, spec: { projectId } }, select: { id: true } })
  ).map((row) => row.id)
  const [traces, runs] = await Promise.all([
    traceObservations({ projectId, specVersionIds, operationKeys: null, take: REALITY_TRACES }),
    runObservations({ projectId, specId, operationKeys: null, take: REALITY_RUN_CASES }),
  ])
  const byOperation = new Map<string, Observation[]>()
  for (const exchange of [...traces, ...runs]) {
    const list = byOperation.get(exchange.operationKey) ?? []
    if (list.length < PER_OPERATION) list.push(exchange)
    byOperation.set(exchange.operationKey, list)
  }
  const operations = spec.operations
    .map((operation) => operationDrift(spec, operation, byOperation.get(operation.id) ?? []))
    .filter((drift) => drift.findings.length > 0)
  return { operations, scanned: { traces: traces.length, runCases: runs.length } }
}
