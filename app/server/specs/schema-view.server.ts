/**
 * Schema trees as pages show them: built on the server, a few levels deep, within a node
 * budget per page, so that the largest spec's pages stay small. Deeper nodes are
 * collapsed, each with a path that a link (`?open=<path>`) expands on request, with or
 * without JavaScript.
 */
import { plainText } from '~/shared/format'
import type { JsonSchema } from '~/shared/normalized-spec'
import type { SchemaNode } from '~/shared/schema-view'

/** Levels shown before nodes collapse. */
export const OPEN_DEPTH = 2
/** Nodes per page; past it, nodes collapse whatever their depth. */
export const PAGE_NODE_BUDGET = 1500
/** Paths a page keeps open (`open` query parameters beyond it are ignored). */
export const MAX_OPEN_PATHS = 50
const MAX_DESCRIPTION = 400
const MAX_ENUM = 20

export type ViewBudget = { nodes: number; open: ReadonlySet<string> }

export function viewBudget(search: URLSearchParams): ViewBudget {
  return {
    nodes: PAGE_NODE_BUDGET,
    open: new Set(search.getAll('open').slice(0, MAX_OPEN_PATHS)),
  }
}

const refName = (ref: string) => ref.split('/').pop() ?? ref
const segment = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1')

function typeLabel(schema: Record<string, unknown>): string {
  if (typeof schema.$ref === 'string') return refName(schema.$ref)
  const type = Array.isArray(schema.type)
    ? schema.type.join(' | ')
    : (schema.type as string | undefined)
  if (type === 'array' && schema.items && typeof schema.items === 'object')
    return `array of ${typeLabel(schema.items as Record<string, unknown>)}`
  if (schema.oneOf) return 'one of'
  if (schema.anyOf) return 'any of'
  if (schema.allOf) return 'all of'
  return [type ?? 'any', schema.format ? `(${String(schema.format)})` : '']
    .filter(Boolean)
    .join(' ')
}

function constraints(schema: Record<string, unknown>): string | undefined {
  const parts: string[] = []
  for (const key of [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minLength',
    'maxLength',
    'pattern',
    'minItems',
    'maxItems',
    'default',
  ]) {
    if (key in schema) parts.push(`${key}: ${JSON.stringify(schema[key])?.slice(0, 80)}`)
  }
  if (Array.isArray(schema.enum)) {
    const shown = schema.enum.slice(0, MAX_ENUM).map((value) => JSON.stringify(value))
    const more = schema.enum.length - shown.length
    parts.push(`enum: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`)
  }
  if (schema.readOnly) parts.push('read-only')
  if (schema.writeOnly) parts.push('write-only')
  if (schema.deprecated) parts.push('deprecated')
  return parts.length > 0 ? parts.join(' · ') : undefined
}

type Child = {
  schema: JsonSchema
  key: string
  name?: string
  required?: boolean
  kind: SchemaNode['kind']
}

function childrenOf(schema: Record<string, unknown>): Child[] {
  const children: Child[] = []
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  for (const [name, child] of Object.entries(
    (schema.properties ?? {}) as Record<string, JsonSchema>,
  ))
    children.push({
      schema: child,
      key: segment(name),
      name,
      required: required.has(name),
      kind: 'property',
    })
  for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
    const variants = schema[keyword]
    if (Array.isArray(variants))
      variants.forEach((variant: JsonSchema, index) =>
        children.push({ schema: variant, key: `${keyword}:${index}`, kind: 'variant' }),
      )
  }
  const items = schema.items
  if (items && typeof items === 'object' && !Array.isArray(items))
    children.push({ schema: items as JsonSchema, key: 'items', kind: 'items' })
  const extra = schema.additionalProperties
  if (extra && typeof extra === 'object')
    children.push({
      schema: extra as JsonSchema,
      key: 'additionalProperties',
      name: '*',
      kind: 'property',
    })
  return children
}

/**
 * The view of `schema` at `path`: its label, constraints and description, and its
 * children while within the open depth (or opened by the page) and the node budget.
 */
export function schemaView(
  schema: JsonSchema | undefined,
  schemas: Record<string, JsonSchema>,
  path: string,
  budget: ViewBudget,
  depth = 0,
  seen: readonly string[] = [],
  child?: Pick<Child, 'name' | 'required' | 'kind'>,
): SchemaNode {
  budget.nodes--
  const base: SchemaNode = {
    path,
    kind: child?.kind ?? 'root',
    ...(child?.name !== undefined ? { name: child.name } : {}),
    ...(child?.required ? { required: true } : {}),
    label: 'any',
  }
  if (schema === undefined) return { ...base, label: 'no schema' }
  if (typeof schema === 'boolean') return { ...base, label: schema ? 'any value' : 'nothing' }
  let resolved = schema as Record<string, unknown>
  let trail = seen
  if (typeof resolved.$ref === 'string') {
    const name = refName(resolved.$ref)
    base.label = name
    base.ref = name
    const target = schemas[name]
    if (target === undefined || typeof target === 'boolean') return base
    if (seen.includes(name)) return { ...base, circular: true }
    resolved = target as Record<string, unknown>
    trail = [...seen, name]
  } else {
    base.label = typeLabel(resolved)
  }
  const limits = constraints(resolved)
  if (limits) base.constraints = limits
  const description =
    typeof resolved.description === 'string' ? plainText(resolved.description) : ''
  if (description)
    base.description =
      description.length > MAX_DESCRIPTION
        ? `${description.slice(0, MAX_DESCRIPTION)}…`
        : description
  const children = childrenOf(resolved)
  if (children.length === 0) return base
  const opened = budget.open.has(path)
  if (!((depth < OPEN_DEPTH || opened) && budget.nodes > children.length))
    return { ...base, collapsed: children.length }
  if (opened && depth >= OPEN_DEPTH) base.opened = true
  base.children = children.map((entry) =>
    schemaView(entry.schema, schemas, `${path}/${entry.key}`, budget, depth + 1, trail, entry),
  )
  return base
}
