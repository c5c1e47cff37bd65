/**
 * Field paths: where on an operation an annotation points, read from the NormalizedSpec.
 *
 * Syntax (one string, "" for the whole operation):
 * - `path.id`, `query.limit`, `header.X-Request-Id`, `cookie.session`: a parameter, by
 *   location and name as the spec writes it. An object parameter's properties follow
 *   with `/`: `query.filter/status`.
 * - `body`: the request body (every media type at once); `body/amount/currency`: a
 *   property, one `/`-separated segment per level.
 * - `response.400`: a response by its status as written (`200`, `4XX`, `default`);
 *   `response.400/error/message`: a property of its body.
 * - In property segments, `[]` after a name steps into the items of an array
 *   (`body/lines[]/amount`, and `response.200[]/id` for a top-level array), `*` is the
 *   value of a map (`additionalProperties`: `body/metadata/*`), and `~` and `/` inside a
 *   name are written `~0` and `~1` as in JSON Pointer.
 *
 * allOf / oneOf / anyOf variants are merged: a path names a field whichever variant
 * carries it. Listing stops at MAX_FIELD_DEPTH levels and MAX_FIELD_PATHS paths per
 * operation (the shallowest first), so the largest specs keep their pages small;
 * `fieldPathExists` walks one path directly and accepts deeper ones.
 */
import type {
  JsonSchema,
  NormalizedOperation,
  NormalizedSpec,
  ParameterLocation,
} from '~/shared/normalized-spec'

/** Property levels listed below a parameter, the body or a response. */
export const MAX_FIELD_DEPTH = 6
/** Paths listed per operation (beyond it the list says it was cut). */
export const MAX_FIELD_PATHS = 400
/** Segments a path may have (deeper ones are refused). */
const MAX_SEGMENTS = 64
/** Schemas merged per level (allOf/oneOf/anyOf fan-out). */
const MAX_FACETS = 64

const LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header', 'cookie']

export type FieldPathOption = {
  path: string
  /** The list's heading: `Parameters`, `Request body`, `Response 400`. */
  group: string
  /** Levels below its root (0 for the parameter, body or response itself). */
  depth: number
}

export type FieldPathList = { paths: FieldPathOption[]; truncated: boolean }

export const escapeSegment = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1')
const unescapeSegment = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~')

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The object-like schemas behind `schemas`: references resolved against the spec's
 * schemas, allOf/oneOf/anyOf flattened. `trail` holds the references already entered
 * on the way here, so circular schemas stop.
 */
function facets(
  schemas: JsonSchema[],
  named: Record<string, JsonSchema>,
  trail: ReadonlySet<string>,
): { facets: Obj[]; refs: Set<string> } {
  const found: Obj[] = []
  const refs = new Set<string>()
  const visit = (schema: JsonSchema | undefined, seen: ReadonlySet<string>) => {
    if (!isObj(schema) || found.length >= MAX_FACETS) return
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.split('/').pop() ?? ''
      if (seen.has(name)) return
      refs.add(name)
      visit(named[name], new Set([...seen, name]))
      return
    }
    found.push(schema)
    for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
      const variants = schema[keyword]
      if (Array.isArray(variants))
        for (const variant of variants) visit(variant as JsonSchema, seen)
    }
  }
  for (const schema of schemas) visit(schema, trail)
  return { facets: found, refs }
}

type Children = {
  properties: Map<string, JsonSchema[]>
  items: JsonSchema[]
  values: JsonSchema[]
}

function childrenOf(list: Obj[]): Children {
  const children: Children = { properties: new Map(), items: [], values: [] }
  for (const schema of list) {
    if (isObj(schema.properties))
      for (const [name, child] of Object.entries(schema.properties))
        children.properties.set(name, [
          ...(children.properties.get(name) ?? []),
          child as JsonSchema,
        ])
    if (isObj(schema.items)) children.items.push(schema.items as JsonSchema)
    if (isObj(schema.additionalProperties))
      children.values.push(schema.additionalProperties as JsonSchema)
  }
  return children
}

type Root = { path: string; group: string; schemas: JsonSchema[] }

function mediaSchemas(content: Record<string, { schema?: JsonSchema }>): JsonSchema[] {
  return Object.values(content).flatMap((media) =>
    media.schema === undefined ? [] : [media.schema],
  )
}

function rootsOf(operation: NormalizedOperation): Root[] {
  const roots: Root[] = operation.parameters.map((parameter) => ({
    path: `${parameter.in}.${escapeSegment(parameter.name)}`,
    group: 'Parameters',
    schemas: [parameter.schema],
  }))
  if (operation.requestBody)
    roots.push({
      path: 'body',
      group: 'Request body',
      schemas: mediaSchemas(operation.requestBody.content),
    })
  for (const response of operation.responses)
    roots.push({
      path: `response.${escapeSegment(response.status)}`,
      group: `Response ${response.status}`,
      schemas: mediaSchemas(response.content),
    })
  return roots
}

/**
 * The paths an annotation of this operation may point at, in the order the operation
 * page shows them (parameters, request body, responses; each tree depth first), cut
 * to MAX_FIELD_PATHS by depth (shallow paths are kept first).
 */
export function annotatableFieldPaths(
  spec: Pick<NormalizedSpec, 'schemas'>,
  operation: NormalizedOperation,
  limits: { maxDepth?: number; maxPaths?: number } = {},
): FieldPathList {
  const maxDepth = limits.maxDepth ?? MAX_FIELD_DEPTH
  const maxPaths = limits.maxPaths ?? MAX_FIELD_PATHS
  type Node = {
    option: FieldPathOption
    order: number[]
    schemas: JsonSchema[]
    trail: ReadonlySet<string>
  }
  const listed: Node[] = []
  const seen = new Set<string>()
  let truncated = false
  const add = (node: Node) => {
    if (seen.has(node.option.path)) return false
    if (listed.length >= maxPaths) {
      truncated = true
      return false
    }
    seen.add(node.option.path)
    listed.push(node)
    return true
  }
  // Breadth first, so a cut drops the deepest paths; sorted back into tree order at the end.
  let level: Node[] = []
  rootsOf(operation).forEach((root, index) => {
    const node = {
      option: { path: root.path, group: root.group, depth: 0 },
      order: [index],
      schemas: root.schemas,
      trail: new Set<string>(),
    }
    if (add(node)) level.push(node)
  })
  for (let depth = 0; depth < maxDepth && level.length > 0 && !truncated; depth++) {
    const next: Node[] = []
    for (const parent of level) {
      // Arrays are stepped through: their items' fields hang under `name[]`.
      let prefix = parent.option.path
      let current = facets(parent.schemas, spec.schemas, parent.trail)
      let trail = new Set([...parent.trail, ...current.refs])
      let children = childrenOf(current.facets)
      for (let hops = 0; children.items.length > 0 && hops < 4; hops++) {
        if (children.properties.size > 0 || children.values.length > 0) break
        prefix += '[]'
        current = facets(children.items, spec.schemas, trail)
        trail = new Set([...trail, ...current.refs])
        children = childrenOf(current.facets)
      }
      const entries: [string, JsonSchema[]][] = [...children.properties.entries()].map(
        ([name, schemas]) => [escapeSegment(name), schemas],
      )
      if (children.values.length > 0) entries.push(['*', children.values])
      entries.forEach(([segment, schemas], index) => {
        const node: Node = {
          option: { path: `${prefix}/${segment}`, group: parent.option.group, depth: depth + 1 },
          order: [...parent.order, index],
          schemas,
          trail,
        }
        if (add(node)) next.push(node)
      })
      if (truncated) break
    }
    level = next
  }
  if (level.length > 0 && !truncated)
    truncated = level.some((node) => {
      const children = childrenOf(facets(node.schemas, spec.schemas, node.trail).facets)
      return children.properties.size > 0 || children.values.length > 0 || children.items.length > 0
    })
  const compare = (a: number[], b: number[]) => {
    for (let index = 0; index < Math.min(a.length, b.length); index++)
      if (a[index] !== b[index]) return a[index]! - b[index]!
    return a.length - b.length
  }
  listed.sort((a, b) => compare(a.order, b.order))
  return { paths: listed.map((node) => node.option), truncated }
}

export type ParsedFieldPath =
  | { kind: 'operation' }
  | { kind: 'parameter'; in: ParameterLocation; name: string; segments: string[] }
  | { kind: 'body'; arrays: number; segments: string[] }
  | { kind: 'response'; status: string; arrays: number; segments: string[] }

/** The parts of a field path, or null when it does not follow the syntax above. */
export function parseFieldPath(path: string): ParsedFieldPath | null {
  if (path === '') return { kind: 'operation' }
  if ([...path].some((char) => char < ' ' || char === '\u007f')) return null
  const [root = '', ...rest] = path.split('/')
  if (rest.length > MAX_SEGMENTS || rest.some((segment) => segment === '')) return null
  const segments = rest.map(unescapeSegment)
  const arrays = (text: string) => (/(\[\])+$/.exec(text)?.[0].length ?? 0) / 2
  const stripped = root.replace(/(\[\])+$/, '')
  if (stripped === 'body') return { kind: 'body', arrays: arrays(root), segments }
  const dot = root.indexOf('.')
  if (dot < 0) return null
  const head = root.slice(0, dot)
  if (head === 'response') {
    const status = unescapeSegment(stripped.slice(dot + 1))
    return status ? { kind: 'response', status, arrays: arrays(root), segments } : null
  }
  if ((LOCATIONS as readonly string[]).includes(head)) {
    const name = unescapeSegment(root.slice(dot + 1))
    return name ? { kind: 'parameter', in: head as ParameterLocation, name, segments } : null
  }
  return null
}

/** Whether `path` names something in this operation (the whole operation, "", always does). */
export function fieldPathExists(
  spec: Pick<NormalizedSpec, 'schemas'>,
  operation: NormalizedOperation,
  path: string,
): boolean {
  const parsed = parseFieldPath(path)
  if (!parsed) return false
  let schemas: JsonSchema[]
  let arrays = 0
  switch (parsed.kind) {
    case 'operation':
      return true
    case 'parameter': {
      const parameter = operation.parameters.find(
        (entry) => entry.in === parsed.in && entry.name === parsed.name,
      )
      if (!parameter) return false
      schemas = [parameter.schema]
      break
    }
    case 'body':
      if (!operation.requestBody) return false
      schemas = mediaSchemas(operation.requestBody.content)
      arrays = parsed.arrays
      break
    case 'response': {
      const response = operation.responses.find((entry) => entry.status === parsed.status)
      if (!response) return false
      schemas = mediaSchemas(response.content)
      arrays = parsed.arrays
      break
    }
  }
  // One level down: the schemas `pick` finds below the current ones (none: no such field).
  const below = (from: JsonSchema[], pick: (children: Children) => JsonSchema[]) =>
    pick(childrenOf(facets(from, spec.schemas, new Set()).facets))
  const items = (children: Children) => children.items
  for (let index = 0; index < arrays; index++) {
    schemas = below(schemas, items)
    if (schemas.length === 0) return false
  }
  for (const segment of parsed.segments) {
    // A property whose name really ends in "[]" wins over the array step.
    const literal = below(schemas, (children) => children.properties.get(segment) ?? [])
    if (literal.length > 0) {
      schemas = literal
      continue
    }
    const name = segment.replace(/(\[\])+$/, '')
    schemas = below(schemas, (children) =>
      name === '*' ? children.values : (children.properties.get(name) ?? []),
    )
    for (let hop = 0; hop < (segment.length - name.length) / 2 && schemas.length > 0; hop++)
      schemas = below(schemas, items)
    if (schemas.length === 0) return false
  }
  return true
}
