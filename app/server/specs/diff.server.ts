/**
 * Spec diff engine: compares two NormalizedSpecs and classifies every change
 * as breaking, potentially breaking or non-breaking for API consumers.
 *
 * Direction matters. What the consumer SENDS (request parameters and bodies)
 * may not be narrowed: a removed enum value or a new required property breaks
 * callers. What the consumer RECEIVES (responses) may not be widened: a new
 * enum value or a property becoming optional breaks readers. In webhooks and
 * callbacks the roles swap (the provider sends the request to the consumer),
 * so their request bodies are checked with the receiving (`response-*`)
 * rules and their response bodies with the sending (`request-*`) rules.
 */
import type {
  JsonSchema,
  MediaTypeContent,
  NormalizedOperation,
  NormalizedParameter,
  NormalizedResponse,
  NormalizedSpec,
  SecurityRequirement,
} from '~/shared/normalized-spec'

export type ChangeSeverity = 'breaking' | 'potentially-breaking' | 'non-breaking'

export type SpecChange = {
  ruleId: string
  severity: ChangeSeverity
  location: string
  message: string
  operationId?: string
}

export type DiffRule = { id: string; severity: ChangeSeverity; description: string }

const B = 'breaking'
const P = 'potentially-breaking'
const N = 'non-breaking'

const CATALOGUE = {
  'operation-removed': [B, 'An operation was removed.'],
  'operation-added': [N, 'An operation was added.'],
  'operation-deprecated': [N, 'An operation was marked deprecated.'],
  'operation-id-changed': [P, 'The operationId changed (generated SDK method names change).'],
  'required-parameter-added': [B, 'A required parameter was added.'],
  'optional-parameter-added': [N, 'An optional parameter was added.'],
  'parameter-removed': [P, 'A parameter was removed (callers still sending it may be rejected).'],
  'parameter-became-required': [B, 'An optional parameter became required.'],
  'parameter-became-optional': [N, 'A required parameter became optional.'],
  'parameter-location-changed': [B, 'A parameter moved (e.g. from query to header).'],
  'parameter-type-changed': [B, 'The type of a parameter changed incompatibly.'],
  'parameter-enum-value-removed': [B, 'A parameter no longer accepts an enum value.'],
  'parameter-enum-value-added': [N, 'A parameter accepts a new enum value.'],
  'parameter-style-changed': [B, 'The serialisation style or explode of a parameter changed.'],
  'parameter-constraint-tightened': [P, 'A parameter constraint was tightened.'],
  'parameter-deprecated': [N, 'A parameter was marked deprecated.'],
  'request-body-added-required': [B, 'A required request body was added.'],
  'request-body-added-optional': [N, 'An optional request body was added.'],
  'request-body-removed': [P, 'The request body was removed.'],
  'request-body-became-required': [B, 'The request body became required.'],
  'request-media-type-removed': [B, 'A request media type is no longer accepted.'],
  'request-media-type-added': [N, 'A new request media type is accepted.'],
  'required-request-property-added': [B, 'A required request property was added.'],
  'optional-request-property-added': [N, 'An optional request property was added.'],
  'request-property-removed': [P, 'A request property was removed.'],
  'request-property-became-required': [B, 'An optional request property became required.'],
  'request-property-type-changed': [B, 'The type of a request property changed incompatibly.'],
  'request-property-became-non-nullable': [B, 'A request property no longer accepts null.'],
  'request-enum-value-removed': [B, 'A request property no longer accepts an enum value.'],
  'request-enum-value-added': [N, 'A request property accepts a new enum value.'],
  'request-constraint-tightened': [P, 'A request constraint was tightened (length, range...).'],
  'response-status-removed': [B, 'A response status code was removed.'],
  'response-status-added': [N, 'A non-success response status code was added.'],
  'response-success-status-added': [P, 'A new 2xx response status code was added.'],
  'response-media-type-removed': [B, 'A response media type was removed.'],
  'response-media-type-added': [N, 'A response media type was added.'],
  'response-required-header-removed': [B, 'A required response header was removed.'],
  'response-header-removed': [P, 'An optional response header was removed.'],
  'response-property-removed': [B, 'A response property was removed.'],
  'response-property-added': [N, 'A response property was added.'],
  'response-property-became-optional': [B, 'A required response property became optional.'],
  'response-property-type-changed': [B, 'The type of a response property changed incompatibly.'],
  'response-property-became-nullable': [P, 'A response property may now be null.'],
  'response-enum-value-added': [P, 'A response property may hold a new enum value.'],
  'response-enum-value-removed': [N, 'A response property no longer holds an enum value.'],
  'response-constraint-relaxed': [P, 'A response constraint was relaxed (length, range...).'],
  'security-requirement-added': [B, 'An operation requires new or different credentials.'],
  'security-requirement-removed': [N, 'An operation requires fewer credentials.'],
  'security-alternative-added': [N, 'An operation accepts an additional way to authenticate.'],
  'security-scopes-added': [B, 'An operation requires additional OAuth scopes.'],
  'security-scheme-removed': [P, 'A security scheme was removed.'],
  'security-scheme-added': [N, 'A security scheme was added.'],
  'security-scheme-changed': [B, 'A security scheme changed (type, location, name, URLs).'],
  'server-removed': [P, 'A server was removed.'],
  'server-changed': [P, 'A server URL changed.'],
  'server-added': [N, 'A server was added.'],
  'webhook-removed': [B, 'A webhook was removed.'],
  'webhook-added': [N, 'A webhook was added.'],
  'callback-removed': [B, 'A callback was removed.'],
  'callback-added': [N, 'A callback was added.'],
} as const satisfies Record<string, readonly [ChangeSeverity, string]>

type RuleId = keyof typeof CATALOGUE

export const DIFF_RULES: DiffRule[] = Object.entries(CATALOGUE).map(
  ([id, [severity, description]]) => ({ id, severity, description }),
)

const SEVERITY_ORDER: ChangeSeverity[] = [B, P, N]
const MAX_DEPTH = 8
const SCHEMA_PREFIX = '#/components/schemas/'

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
const show = (value: unknown) => JSON.stringify(value)
const sortedUnion = (a: Iterable<string>, b: Iterable<string>) => [...new Set([...a, ...b])].sort()

/** Where the diff is, and who sends the data being compared. */
type Context = {
  from: NormalizedSpec
  to: NormalizedSpec
  out: SpecChange[]
  label: string
  operationId?: string
  /** Webhook or callback: the provider sends the request, the consumer receives it. */
  inbound: boolean
}

/** `outbound`: sent by the consumer; `inbound`: received by the consumer. */
type Flow = 'outbound' | 'inbound' | 'parameter'

function emit(ctx: Context, ruleId: RuleId, location: string, message: string) {
  ctx.out.push({
    ruleId,
    severity: CATALOGUE[ruleId][0],
    location,
    message,
    ...(ctx.operationId ? { operationId: ctx.operationId } : {}),
  })
}

// ---- schemas ----------------------------------------------------------------

type Resolved = { node: Obj; ref?: string }

/** Follows `$ref` chains and merges `allOf` members into one object. */
function resolve(spec: NormalizedSpec, schema: JsonSchema, depth = 0): Resolved {
  if (!isObj(schema) || depth > MAX_DEPTH) return { node: {} }
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.startsWith(SCHEMA_PREFIX)
      ? schema.$ref.slice(SCHEMA_PREFIX.length)
      : schema.$ref
    return { node: resolve(spec, spec.schemas[name] ?? {}, depth + 1).node, ref: name }
  }
  if (!Array.isArray(schema.allOf)) return { node: schema }
  const { allOf, ...rest } = schema
  const parts = [rest, ...allOf.map((part) => resolve(spec, part, depth + 1).node)]
  const merged: Obj = {
    ...rest,
    type: parts.find((part) => part.type !== undefined)?.type,
    properties: Object.assign({}, ...parts.map((part) => part.properties)),
    required: parts.flatMap((part) => asStrings(part.required)),
  }
  return { node: merged }
}

const asStrings = (value: unknown) => (Array.isArray(value) ? value.map(String) : [])

type Side = { node: Obj; ref?: string; nullable: boolean }

/** Resolves a schema and unwraps `{anyOf: [S, {type: 'null'}]}` (nullable without a type) to S. */
function side(spec: NormalizedSpec, schema: JsonSchema): Side {
  const { node, ref } = resolve(spec, schema)
  const anyOf = Array.isArray(node.anyOf) ? (node.anyOf as JsonSchema[]) : []
  const nullIndex = anyOf.findIndex((part) => isObj(part) && part.type === 'null')
  if (anyOf.length === 2 && nullIndex >= 0) {
    const inner = resolve(spec, anyOf[1 - nullIndex]!)
    return { node: inner.node, ref: inner.ref ?? ref, nullable: true }
  }
  const types = Array.isArray(node.type) ? node.type : [node.type]
  return { node, ref, nullable: types.includes('null') }
}

function typesOf(node: Obj): string[] | undefined {
  if (node.type === undefined) return undefined
  const types = Array.isArray(node.type) ? node.type.map(String) : [String(node.type)]
  return types.filter((type) => type !== 'null').sort()
}

/** Every type of `narrow` is accepted by `wide` (integer fits in number). */
function covers(wide: string[], narrow: string[]) {
  return narrow.every(
    (type) => wide.includes(type) || (type === 'integer' && wide.includes('number')),
  )
}

const TYPE_RULE = {
  parameter: 'parameter-type-changed',
  outbound: 'request-property-type-changed',
  inbound: 'response-property-type-changed',
} as const
const ENUM_REMOVED_RULE = {
  parameter: 'parameter-enum-value-removed',
  outbound: 'request-enum-value-removed',
  inbound: 'response-enum-value-removed',
} as const
const ENUM_ADDED_RULE = {
  parameter: 'parameter-enum-value-added',
  outbound: 'request-enum-value-added',
  inbound: 'response-enum-value-added',
} as const

type SchemaWalk = { ctx: Context; flow: Flow; base: string; visited: Set<string> }

function schemaLocation(base: string, pointer: string) {
  if (pointer === '') return base
  return pointer.startsWith('[') ? `${base}${pointer}` : `${base} > ${pointer}`
}

/**
 * Compares two schemas. Each pair of referenced schemas is compared once per
 * walk (one body, parameter or header): circular schemas terminate and densely
 * cross-referenced specs stay linear; a change is reported where first met.
 */
function diffSchema(
  walk: SchemaWalk,
  before: JsonSchema | undefined,
  after: JsonSchema | undefined,
  pointer: string,
  depth = 0,
) {
  if (before === undefined || after === undefined || depth > MAX_DEPTH) return
  const left = side(walk.ctx.from, before)
  const right = side(walk.ctx.to, after)
  if (left.ref || right.ref) {
    const key = `${left.ref ?? ''}|${right.ref ?? ''}`
    if (walk.visited.has(key)) return
    walk.visited.add(key)
  }
  diffNode(walk, left, right, pointer, depth)
}

function diffNode(walk: SchemaWalk, left: Side, right: Side, pointer: string, depth: number) {
  const location = schemaLocation(walk.base, pointer)
  if (diffTypes(walk, left.node, right.node, location)) return
  diffNullability(walk, left.nullable, right.nullable, location)
  diffEnum(walk, left.node, right.node, location)
  diffConstraints(walk, left.node, right.node, location)
  if (walk.flow !== 'parameter') diffProperties(walk, left.node, right.node, pointer, depth)
  if (isObj(left.node.items) && isObj(right.node.items))
    diffSchema(walk, left.node.items, right.node.items, `${pointer}[]`, depth + 1)
  if (isObj(left.node.additionalProperties) && isObj(right.node.additionalProperties)) {
    const child = pointer ? `${pointer}.*` : '*'
    diffSchema(
      walk,
      left.node.additionalProperties,
      right.node.additionalProperties,
      child,
      depth + 1,
    )
  }
}

/** Reports an incompatible type change; true when the types differ (stop descending). */
function diffTypes(walk: SchemaWalk, left: Obj, right: Obj, location: string): boolean {
  const before = typesOf(left)
  const after = typesOf(right)
  if (!before || !after || show(before) === show(after)) return false
  const compatible = walk.flow === 'inbound' ? covers(before, after) : covers(after, before)
  if (!compatible) {
    const message = `Type changed from ${before.join('|')} to ${after.join('|')}.`
    emit(walk.ctx, TYPE_RULE[walk.flow], location, message)
  }
  return true
}

function diffNullability(walk: SchemaWalk, before: boolean, after: boolean, location: string) {
  if (walk.flow === 'outbound' && before && !after)
    emit(walk.ctx, 'request-property-became-non-nullable', location, 'null is no longer accepted.')
  if (walk.flow === 'inbound' && !before && after)
    emit(walk.ctx, 'response-property-became-nullable', location, 'The value may now be null.')
}

function enumValues(node: Obj): string[] | undefined {
  if (!Array.isArray(node.enum)) return undefined
  return node.enum.filter((value) => value !== null).map(show)
}

function diffEnum(walk: SchemaWalk, left: Obj, right: Obj, location: string) {
  const before = enumValues(left)
  const after = enumValues(right)
  if (!before && !after) return
  if (before && !after) {
    if (walk.flow === 'inbound')
      emit(walk.ctx, 'response-enum-value-added', location, 'The enum restriction was removed.')
    return
  }
  if (!before) {
    if (walk.flow !== 'inbound') {
      const rule =
        walk.flow === 'parameter'
          ? 'parameter-constraint-tightened'
          : 'request-constraint-tightened'
      emit(walk.ctx, rule, location, `Values are now restricted to ${after!.join(', ')}.`)
    }
    return
  }
  const removed = before.filter((value) => !after!.includes(value))
  const added = after!.filter((value) => !before.includes(value))
  if (removed.length)
    emit(
      walk.ctx,
      ENUM_REMOVED_RULE[walk.flow],
      location,
      `Enum value(s) removed: ${removed.join(', ')}.`,
    )
  if (added.length)
    emit(
      walk.ctx,
      ENUM_ADDED_RULE[walk.flow],
      location,
      `Enum value(s) added: ${added.join(', ')}.`,
    )
}

type ConstraintChange = { tightened: boolean; message: string }

const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties']
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties']
const EXACT_CONSTRAINTS = ['pattern', 'format', 'multipleOf', 'const']

function boundChange(keyword: string, before: unknown, after: unknown, upper: boolean) {
  const a = typeof before === 'number' ? before : undefined
  const b = typeof after === 'number' ? after : undefined
  if (a === b) return undefined
  if (a === undefined) return { tightened: true, message: `${keyword} ${b} added.` }
  if (b === undefined) return { tightened: false, message: `${keyword} ${a} removed.` }
  const lowered = b < a
  const message = `${keyword} ${lowered ? 'lowered' : 'raised'} from ${a} to ${b}.`
  return { tightened: upper === lowered, message }
}

function exactChange(keyword: string, before: unknown, after: unknown): ConstraintChange[] {
  if (show(before) === show(after)) return []
  if (before === undefined)
    return [{ tightened: true, message: `${keyword} ${show(after)} added.` }]
  if (after === undefined)
    return [{ tightened: false, message: `${keyword} ${show(before)} removed.` }]
  // A changed pattern/format may reject old values and allow new ones: both directions.
  const message = `${keyword} changed from ${show(before)} to ${show(after)}.`
  return [
    { tightened: true, message },
    { tightened: false, message },
  ]
}

function constraintChanges(left: Obj, right: Obj): ConstraintChange[] {
  const changes: (ConstraintChange | undefined)[] = [
    ...UPPER_BOUNDS.map((key) => boundChange(key, left[key], right[key], true)),
    ...LOWER_BOUNDS.map((key) => boundChange(key, left[key], right[key], false)),
    ...EXACT_CONSTRAINTS.flatMap((key) => exactChange(key, left[key], right[key])),
  ]
  if (left.uniqueItems !== right.uniqueItems && (left.uniqueItems || right.uniqueItems))
    changes.push({ tightened: right.uniqueItems === true, message: 'uniqueItems changed.' })
  if (right.additionalProperties === false && left.additionalProperties !== false)
    changes.push({ tightened: true, message: 'Additional properties are no longer allowed.' })
  return changes.filter((change): change is ConstraintChange => change !== undefined)
}

function diffConstraints(walk: SchemaWalk, left: Obj, right: Obj, location: string) {
  for (const change of constraintChanges(left, right)) {
    if (walk.flow === 'inbound' && !change.tightened)
      emit(walk.ctx, 'response-constraint-relaxed', location, change.message)
    if (walk.flow === 'outbound' && change.tightened)
      emit(walk.ctx, 'request-constraint-tightened', location, change.message)
    if (walk.flow === 'parameter' && change.tightened)
      emit(walk.ctx, 'parameter-constraint-tightened', location, change.message)
  }
}

/** readOnly properties are never sent, writeOnly ones never received. */
function visibleProperties(
  spec: NormalizedSpec,
  node: Obj,
  flow: Flow,
): Record<string, JsonSchema> {
  const hidden = flow === 'outbound' ? 'readOnly' : 'writeOnly'
  const properties = isObj(node.properties) ? (node.properties as Record<string, JsonSchema>) : {}
  return Object.fromEntries(
    Object.entries(properties).filter(([, schema]) => {
      const own = isObj(schema) ? schema[hidden] : undefined
      return own !== true && resolve(spec, schema).node[hidden] !== true
    }),
  )
}

function diffProperties(walk: SchemaWalk, left: Obj, right: Obj, pointer: string, depth: number) {
  const before = visibleProperties(walk.ctx.from, left, walk.flow)
  const after = visibleProperties(walk.ctx.to, right, walk.flow)
  const requiredBefore = new Set(asStrings(left.required))
  const requiredAfter = new Set(asStrings(right.required))
  const outbound = walk.flow === 'outbound'
  for (const name of sortedUnion(Object.keys(before), Object.keys(after))) {
    const child = pointer ? `${pointer}.${name}` : name
    const location = schemaLocation(walk.base, child)
    if (!(name in after)) {
      const rule = outbound ? 'request-property-removed' : 'response-property-removed'
      emit(walk.ctx, rule, location, `Property "${name}" was removed.`)
    } else if (!(name in before)) {
      const required = requiredAfter.has(name)
      const rule = !outbound
        ? 'response-property-added'
        : required
          ? 'required-request-property-added'
          : 'optional-request-property-added'
      const kind = required ? 'required' : 'optional'
      emit(walk.ctx, rule, location, `Property "${name}" was added (${kind}).`)
    } else {
      if (outbound && !requiredBefore.has(name) && requiredAfter.has(name))
        emit(walk.ctx, 'request-property-became-required', location, `"${name}" is now required.`)
      if (!outbound && requiredBefore.has(name) && !requiredAfter.has(name))
        emit(
          walk.ctx,
          'response-property-became-optional',
          location,
          `"${name}" may now be absent.`,
        )
      diffSchema(walk, before[name], after[name], child, depth + 1)
    }
  }
}

// ---- operations -------------------------------------------------------------

function withMethod(label: string, method: string) {
  return method === 'POST' ? label : `${label} ${method}`
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!)
}

function parameterKey(param: NormalizedParameter, renames: Map<string, string>) {
  if (param.in === 'path') return `path:${renames.get(param.name) ?? param.name}`
  return `${param.in}:${param.in === 'header' ? param.name.toLowerCase() : param.name}`
}

function diffParameters(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  // Path parameters are matched by position: renaming `{id}` to `{petId}` changes nothing on the wire.
  const fromNames = pathParamNames(a.path)
  const renames = new Map(pathParamNames(b.path).map((name, i) => [name, fromNames[i] ?? name]))
  const before = new Map(a.parameters.map((param) => [parameterKey(param, new Map()), param]))
  const after = new Map(b.parameters.map((param) => [parameterKey(param, renames), param]))
  const removed = [...before.keys()].filter((key) => !after.has(key))
  const added = [...after.keys()].filter((key) => !before.has(key))
  for (const key of removed) {
    const old = before.get(key)!
    const moved = added.find((other) => after.get(other)!.name === old.name)
    if (moved) {
      added.splice(added.indexOf(moved), 1)
      const message = `Moved from ${old.in} to ${after.get(moved)!.in}.`
      emit(ctx, 'parameter-location-changed', `${ctx.label} > parameter ${old.name}`, message)
    } else {
      const location = `${ctx.label} > parameter ${old.in}.${old.name}`
      emit(ctx, 'parameter-removed', location, `Parameter "${old.name}" was removed.`)
    }
  }
  for (const key of added) {
    const param = after.get(key)!
    const rule = param.required ? 'required-parameter-added' : 'optional-parameter-added'
    const location = `${ctx.label} > parameter ${param.in}.${param.name}`
    emit(ctx, rule, location, `${param.required ? 'Required' : 'Optional'} parameter added.`)
  }
  for (const [key, old] of before) {
    const param = after.get(key)
    if (param) diffParameter(ctx, old, param)
  }
}

function diffParameter(ctx: Context, a: NormalizedParameter, b: NormalizedParameter) {
  const location = `${ctx.label} > parameter ${b.in}.${b.name}`
  if (!a.required && b.required)
    emit(ctx, 'parameter-became-required', location, 'The parameter is now required.')
  if (a.required && !b.required)
    emit(ctx, 'parameter-became-optional', location, 'The parameter is now optional.')
  if (!a.deprecated && b.deprecated)
    emit(ctx, 'parameter-deprecated', location, 'The parameter is deprecated.')
  if (a.style !== b.style || a.explode !== b.explode) {
    const message = `Serialisation changed from ${a.style}/explode=${a.explode} to ${b.style}/explode=${b.explode}.`
    emit(ctx, 'parameter-style-changed', location, message)
  }
  diffSchema({ ctx, flow: 'parameter', base: location, visited: new Set() }, a.schema, b.schema, '')
}

function diffContent(
  ctx: Context,
  before: Record<string, MediaTypeContent>,
  after: Record<string, MediaTypeContent>,
  base: string,
  part: 'request' | 'response',
) {
  const sends = (part === 'request') !== ctx.inbound
  for (const type of sortedUnion(Object.keys(before), Object.keys(after))) {
    const location = `${base} > ${type}`
    if (!after[type]) emit(ctx, `${part}-media-type-removed`, location, `${type} was removed.`)
    else if (!before[type]) emit(ctx, `${part}-media-type-added`, location, `${type} was added.`)
    else {
      const walk: SchemaWalk = {
        ctx,
        flow: sends ? 'outbound' : 'inbound',
        base: location,
        visited: new Set(),
      }
      diffSchema(walk, before[type]!.schema, after[type]!.schema, 'body')
    }
  }
}

function diffRequestBody(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  const location = `${ctx.label} > request body`
  const before = a.requestBody
  const after = b.requestBody
  if (!before && after) {
    const rule = after.required ? 'request-body-added-required' : 'request-body-added-optional'
    emit(ctx, rule, location, `A${after.required ? ' required' : 'n optional'} body was added.`)
  } else if (before && !after) {
    emit(ctx, 'request-body-removed', location, 'The request body was removed.')
  } else if (before && after) {
    if (!before.required && after.required)
      emit(ctx, 'request-body-became-required', location, 'The request body is now required.')
    diffContent(ctx, before.content, after.content, location, 'request')
  }
}

function diffHeaders(ctx: Context, a: NormalizedResponse, b: NormalizedResponse, base: string) {
  const lower = (headers: NormalizedResponse['headers']) =>
    new Map(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), { name, header }]))
  const before = lower(a.headers)
  const after = lower(b.headers)
  for (const [key, { name, header }] of before) {
    const location = `${base} > header ${name}`
    const next = after.get(key)
    if (next) {
      const walk: SchemaWalk = {
        ctx,
        flow: ctx.inbound ? 'outbound' : 'inbound',
        base: location,
        visited: new Set(),
      }
      diffSchema(walk, header.schema, next.header.schema, '')
    } else if (header.required)
      emit(
        ctx,
        'response-required-header-removed',
        location,
        `Required header ${name} was removed.`,
      )
    else emit(ctx, 'response-header-removed', location, `Header ${name} was removed.`)
  }
}

function diffResponses(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  const before = new Map(a.responses.map((response) => [response.status, response]))
  const after = new Map(b.responses.map((response) => [response.status, response]))
  for (const status of sortedUnion(before.keys(), after.keys())) {
    const location = `${ctx.label} > response ${status}`
    const old = before.get(status)
    const next = after.get(status)
    if (!next) emit(ctx, 'response-status-removed', location, `Response ${status} was removed.`)
    else if (!old) {
      const rule = /^2/.test(status) ? 'response-success-status-added' : 'response-status-added'
      emit(ctx, rule, location, `Response ${status} was added.`)
    } else {
      diffHeaders(ctx, old, next, location)
      diffContent(ctx, old.content, next.content, location, 'response')
    }
  }
}

// ---- security ---------------------------------------------------------------

type Alternative = { key: string; schemes: string[]; scopes: Map<string, string[]> }

function alternatives(security: SecurityRequirement[]): Alternative[] {
  const list = security.length === 0 ? [[]] : security
  return list.map((requirement) => {
    const schemes = requirement.map((item) => item.scheme).sort()
    const scopes = new Map(requirement.map((item) => [item.scheme, item.scopes]))
    return { key: schemes.join(' + ') || 'none', schemes, scopes }
  })
}

function diffSecurity(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  const location = `${ctx.label} > security`
  const before = alternatives(a.security)
  const after = alternatives(b.security)
  const subset = (small: Alternative, big: Alternative) =>
    small.schemes.every((scheme) => big.schemes.includes(scheme))
  let broken = false
  for (const old of before) {
    const same = after.find((alternative) => alternative.key === old.key)
    if (same) diffScopes(ctx, old, same, location)
    else if (after.some((alternative) => subset(alternative, old))) {
      emit(ctx, 'security-requirement-removed', location, `"${old.key}" is no longer required.`)
    } else {
      broken = true
      const now = after.map((alternative) => alternative.key).join(' or ')
      const was = old.key === 'none' ? 'No authentication' : `"${old.key}"`
      emit(
        ctx,
        'security-requirement-added',
        location,
        `${was} is no longer enough; requires ${now}.`,
      )
    }
  }
  if (broken) return
  for (const next of after) {
    if (!before.some((old) => old.key === next.key || subset(next, old)))
      emit(ctx, 'security-alternative-added', location, `"${next.key}" is now also accepted.`)
  }
}

function diffScopes(ctx: Context, a: Alternative, b: Alternative, location: string) {
  for (const [scheme, scopes] of b.scopes) {
    const added = scopes.filter((scope) => !(a.scopes.get(scheme) ?? []).includes(scope))
    if (added.length)
      emit(
        ctx,
        'security-scopes-added',
        location,
        `${scheme} now needs scope(s) ${added.join(', ')}.`,
      )
  }
}

function diffSecuritySchemes(ctx: Context) {
  const before = ctx.from.securitySchemes
  const after = ctx.to.securitySchemes
  for (const name of sortedUnion(Object.keys(before), Object.keys(after))) {
    const location = `security scheme ${name}`
    const old = before[name]
    const next = after[name]
    if (!next) emit(ctx, 'security-scheme-removed', location, `Scheme "${name}" was removed.`)
    else if (!old) emit(ctx, 'security-scheme-added', location, `Scheme "${name}" was added.`)
    else {
      const flows = (scheme: typeof old) =>
        Object.entries(scheme.flows ?? {}).map(([flow, urls]) => [
          flow,
          urls.authorizationUrl,
          urls.tokenUrl,
        ])
      const fields = ['kind', 'in', 'parameterName', 'scheme', 'openIdConnectUrl'] as const
      const changed = fields
        .filter((field) => old[field] !== next[field])
        .map((field) => `${field} ${show(old[field] ?? null)} -> ${show(next[field] ?? null)}`)
      if (show(flows(old)) !== show(flows(next))) changed.push('OAuth flows changed')
      if (changed.length) emit(ctx, 'security-scheme-changed', location, `${changed.join('; ')}.`)
    }
  }
}

// ---- servers ----------------------------------------------------------------

function diffServers(ctx: Context) {
  const before = ctx.from.servers.map((server) => server.url)
  const after = ctx.to.servers.map((server) => server.url)
  const removed = before.filter((url) => !after.includes(url))
  const added = after.filter((url) => !before.includes(url))
  // Pair removals with additions in order: a moved URL reads better as one change.
  const paired = Math.min(removed.length, added.length)
  removed.forEach((url, i) => {
    if (i < paired) emit(ctx, 'server-changed', 'servers', `${url} changed to ${added[i]}.`)
    else emit(ctx, 'server-removed', 'servers', `${url} was removed.`)
  })
  for (const url of added.slice(paired)) emit(ctx, 'server-added', 'servers', `${url} was added.`)
}

// ---- operation sets ---------------------------------------------------------

/** Matched by method + path template, parameter names ignored (`/pets/{}`). */
function operationKey(operation: NormalizedOperation) {
  return `${operation.method} ${operation.path.replace(/\{[^}]+\}/g, '{}')}`
}

type OperationSet = {
  before: NormalizedOperation[]
  after: NormalizedOperation[]
  label: (operation: NormalizedOperation) => string
  removed: RuleId
  added: RuleId
  inbound: boolean
}

function diffOperationSet(ctx: Context, set: OperationSet) {
  const before = new Map(set.before.map((operation) => [operationKey(operation), operation]))
  const after = new Map(set.after.map((operation) => [operationKey(operation), operation]))
  for (const key of sortedUnion(before.keys(), after.keys())) {
    const old = before.get(key)
    const next = after.get(key)
    const operation = (next ?? old)!
    const child: Context = {
      ...ctx,
      label: set.label(operation),
      inbound: set.inbound,
      operationId: operation.operationId ?? ctx.operationId,
    }
    if (!next) emit(child, set.removed, child.label, `${child.label} was removed.`)
    else if (!old) emit(child, set.added, child.label, `${child.label} was added.`)
    else diffOperation(child, old, next)
  }
}

function diffOperation(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  if (!a.deprecated && b.deprecated)
    emit(ctx, 'operation-deprecated', ctx.label, 'The operation is deprecated.')
  if (a.operationId !== b.operationId) {
    const message = `operationId changed from ${show(a.operationId ?? null)} to ${show(b.operationId ?? null)}.`
    emit(ctx, 'operation-id-changed', ctx.label, message)
  }
  diffParameters(ctx, a, b)
  diffRequestBody(ctx, a, b)
  diffResponses(ctx, a, b)
  diffSecurity(ctx, a, b)
  diffCallbacks(ctx, a, b)
}

function diffCallbacks(ctx: Context, a: NormalizedOperation, b: NormalizedOperation) {
  const flatten = (operation: NormalizedOperation) =>
    operation.callbacks.flatMap((callback) =>
      callback.operations.map((inner) => ({
        ...inner,
        path: `${callback.name} ${callback.expression}`,
      })),
    )
  diffOperationSet(ctx, {
    before: flatten(a),
    after: flatten(b),
    label: (operation) => withMethod(`${ctx.label} > callback ${operation.path}`, operation.method),
    removed: 'callback-removed',
    added: 'callback-added',
    inbound: true,
  })
}

// ---- entry points -----------------------------------------------------------

function compareChanges(a: SpecChange, b: SpecChange) {
  const bySeverity = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity)
  if (bySeverity !== 0) return bySeverity
  for (const field of ['location', 'ruleId', 'message'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1
  }
  return 0
}

export function diffSpecs(from: NormalizedSpec, to: NormalizedSpec): SpecChange[] {
  const ctx: Context = { from, to, out: [], label: '', inbound: false }
  diffServers(ctx)
  diffSecuritySchemes(ctx)
  diffOperationSet(ctx, {
    before: from.operations,
    after: to.operations,
    label: (operation) => `${operation.method} ${operation.path}`,
    removed: 'operation-removed',
    added: 'operation-added',
    inbound: false,
  })
  diffOperationSet(ctx, {
    before: from.webhooks,
    after: to.webhooks,
    label: (operation) => withMethod(`webhook ${operation.path}`, operation.method),
    removed: 'webhook-removed',
    added: 'webhook-added',
    inbound: true,
  })
  return ctx.out.sort(compareChanges)
}

const SEVERITY_LABELS: Record<ChangeSeverity, string> = {
  breaking: 'breaking',
  'potentially-breaking': 'potentially breaking',
  'non-breaking': 'non-breaking',
}

const SECTION_TITLES: Record<ChangeSeverity, string> = {
  breaking: 'Breaking changes',
  'potentially-breaking': 'Potentially breaking changes',
  'non-breaking': 'Non-breaking changes',
}

export function changelogMarkdown(
  changes: SpecChange[],
  meta: { title: string; fromVersion: string; toVersion: string },
): string {
  const heading = `# ${meta.title}: ${meta.fromVersion} → ${meta.toVersion}`
  if (changes.length === 0) return `${heading}\n\nNo changes.\n`
  const groups = SEVERITY_ORDER.map((severity) => ({
    severity,
    items: changes.filter((change) => change.severity === severity).sort(compareChanges),
  }))
  const counts = groups
    .map(({ severity, items }) => `${items.length} ${SEVERITY_LABELS[severity]}`)
    .join(', ')
  const total = `${changes.length} change${changes.length === 1 ? '' : 's'}`
  const sections = groups
    .filter(({ items }) => items.length > 0)
    .map(({ severity, items }) => {
      const bullets = items.map((c) => `- **${c.location}**: ${c.message} (\`${c.ruleId}\`)`)
      return `## ${SECTION_TITLES[severity]}\n\n${bullets.join('\n')}`
    })
  return `${heading}\n\n${total}: ${counts}.\n\n${sections.join('\n\n')}\n`
}
