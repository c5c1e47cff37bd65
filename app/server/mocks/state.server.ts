/**
 * Stateful mode for the CRUD resources the spec engine found: POST on the
 * collection stores, GET/PUT/PATCH/DELETE on the item read and change it, GET
 * on the collection lists with the API's own pagination style. Bounded per
 * collection; the oldest items go first.
 */
import type {
  Capability,
  JsonSchema,
  NormalizedOperation,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { cached } from './cached.server'
import {
  absoluteUrl,
  BEFORE,
  CURSOR,
  fillPageFields,
  isPlainObject,
  LIMIT,
  OFFSET,
  ORDER,
  PAGE,
} from './paging.server'
import { generateFromSchema } from '../specs/generate.server'
import type { IncomingRequest, ParsedRequest } from '../specs/request.server'
import type { SpecSchemas } from '../specs/schemas.server'

export type StateResult =
  | { kind: 'ok'; status?: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'not-found'; detail: string }

type Resource = Record<string, unknown>
type Role = { collection: string; schemaName: string; item: boolean }
/** Top-level properties the server owns (readOnly) and the ones it never returns (writeOnly). */
type AccessFlags = {
  declared: Set<string>
  /** oneOf/anyOf variants or explicit additionalProperties: fields beyond `declared` belong too. */
  open: boolean
  readOnly: Set<string>
  writeOnly: Set<string>
  /** The schemas that declare each property (several when union members both do). */
  properties: Map<string, JsonSchema[]>
  /** The object schemas the resource is made of (itself, allOf and union members). */
  sources: JsonSchema[]
  /** The resource is one of several shapes (oneOf/anyOf). */
  union: boolean
}
const EMPTY_SCHEMA = {}

const JSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  array: (value) => Array.isArray(value),
  object: (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  null: (value) => value === null,
}

/** Whether `this` (the value) is of a JSON Schema type; an unknown type name fits anything. */
function fitsType(this: unknown, type: unknown): boolean {
  return JSON_TYPES[String(type)]?.(this) ?? true
}

function crudOf(operation: NormalizedOperation): Capability | undefined {
  return operation.capabilities.find((capability) => capability.kind === 'crud')
}

/** What stateful handling needs of an operation, worked out once (null: not a CRUD operation). */
type StatePlan = {
  role: Role
  flags: AccessFlags
  idField: string
  /** The path parameter naming the item (`{petId}` of `/pets/{petId}`). */
  itemParam: string | undefined
  resourceSchema: JsonSchema
  /** The success response's shape: the resource itself, an array of it, or an envelope whose `arrayProperty` lists it. */
  success:
    | { kind: 'none' }
    | { kind: 'value' }
    | { kind: 'array' }
    | {
        kind: 'envelope'
        schema: JsonSchema
        arrayProperty: string | null
        /** The documented example (the first), else generated once, on the first list. */
        wrapper?: Resource
        example?: Resource
      }
    /** Something other than the resource (Stripe's `deleted_customer`): generated, with the resource's id. */
    | { kind: 'other'; schema: JsonSchema; generated?: unknown }
  /** Whether the documented responses carry a Link header (pagination links are then set). */
  documentsLink: boolean
  /**
   * The resource travels in a batch envelope (Xero's `{"Contacts": [{…}]}`): requests carry
   * one or more items in `property`, answers wrap them in it.
   */
  batch?: { property: string }
}

/** A field name ignoring case, `_` and `-`: `FriendlyName`, `friendly_name`, `friendlyName`. */
function looseName(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase()
}

/**
 * A schema name as an id prefix: snake case, without the words that name the schema rather
 * than the resource (`CreateChatCompletionResponse` -> `chat_completion`, `VectorStoreObject`
 * -> `vector_store`, `OpenAIFile` -> `open_ai_file`).
 */
export function resourceWord(schemaName: string): string {
  const words = schemaName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  while (words.length > 1 && /^(create|get|list|update|retrieve|new)$/.test(words[0]!))
    words.shift()
  while (
    words.length > 1 &&
    /^(response|object|resource|data|dto|model|body|result|item|entity)$/.test(words.at(-1)!)
  )
    words.pop()
  return words.join('_').slice(0, 24).replace(/_+$/, '') || 'id'
}

export class StateStore {
  private readonly collections = new Map<string, Map<string, Resource>>()
  private readonly accessFlags = new WeakMap<object, AccessFlags>()
  /** Per resource, its field names by their loose spelling (null: more than one). */
  private readonly spellings = new WeakMap<AccessFlags, Map<string, string | null>>()
  /** Per id schema, whether it constrains a readable id (constrains). */
  private readonly idConstraints = new WeakMap<object, boolean>()
  private readonly plans = new WeakMap<NormalizedOperation, StatePlan | null>()
  /** Resources created per collection: ids count up from 1 in each. */
  private readonly created = new Map<string, number>()
  /** Id prefixes, per generated id and resource name. */
  private readonly idPrefixes = new Map<string, string>()
  /** Per collection, the generated resource new ones start from. */
  private readonly templates = new Map<string, unknown>()
  /** Per collection, its ids in creation order from `head` on (evictOldest). */
  private readonly orders = new Map<string, { keys: string[]; head: number }>()
  /** Per collection path, its item path's parameter ('' when it has no item path). */
  private readonly itemParams = new Map<string, string>()

  constructor(
    private readonly spec: NormalizedSpec,
    private readonly schemas: SpecSchemas,
  ) {}

  clear() {
    this.collections.clear()
    this.created.clear()
    this.templates.clear()
    this.orders.clear()
  }

  private role(operation: NormalizedOperation): Role | null {
    const crud = crudOf(operation)
    const schemaName = crud?.evidence
      .find((entry) => entry.startsWith('schema '))
      ?.slice('schema '.length)
    if (!crud || !schemaName) return null
    return { collection: crud.value, schemaName, item: operation.path !== crud.value }
  }

  private plan(operation: NormalizedOperation): StatePlan | null {
    let plan = this.plans.get(operation)
    if (plan === undefined) {
      plan = this.buildPlan(operation)
      this.plans.set(operation, plan)
    }
    return plan
  }

  private buildPlan(operation: NormalizedOperation): StatePlan | null {
    const found = this.role(operation)
    if (!found) return null
    const batch = this.batchEnvelope(found)
    const role = batch ? { ...found, schemaName: batch.item } : found
    const flags = this.flagsOf(this.spec.schemas[role.schemaName])
    const idField = this.keyField(role, flags)
    if (!idField) return null
    const success = operation.responses.find((response) => /^2/.test(response.status))
    // The JSON body when there is one (a text/csv alternative says nothing of the resource).
    const media = success
      ? (Object.entries(success.content).find(([type]) => /json/i.test(type))?.[1] ??
        Object.values(success.content)[0])
      : undefined
    const schema = media?.schema
      ? (this.schemas.resolve(media.schema) as Record<string, unknown> | undefined)
      : undefined
    let shape: StatePlan['success'] = { kind: 'none' }
    if (media?.schema && !schema) shape = { kind: 'value' }
    else if (schema && schema.type === 'array') shape = { kind: 'array' }
    else if (schema) {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
      const arrayProperty =
        (batch && batch.property in properties ? batch.property : undefined) ??
        Object.entries(properties).find(
          ([, property]) =>
            (this.schemas.resolve(property) as { type?: unknown } | undefined)?.type === 'array',
        )?.[0] ??
        null
      const example = media!.examples[0]?.value
      shape = {
        kind: 'envelope',
        schema: media!.schema!,
        arrayProperty,
        ...(isPlainObject(example) && arrayProperty && arrayProperty in example ? { example } : {}),
      }
      const listing = !role.item && operation.method === 'GET'
      const resourceRef = `#/components/schemas/${role.schemaName}`
      const documented = this.flagsOf(media!.schema).declared
      const shared = [...flags.declared].filter((name) => documented.has(name)).length
      // Another schema than the resource's: a receipt such as `{id, object, deleted}`, when it
      // shares few of the resource's fields or says `deleted` where the resource does not.
      const receipt =
        operation.method === 'DELETE' && documented.has('deleted') && !flags.declared.has('deleted')
      if (
        !batch &&
        !listing &&
        documented.size > 0 &&
        (media!.schema as { $ref?: string }).$ref !== resourceRef &&
        (shared < flags.declared.size / 2 || receipt)
      )
        shape = { kind: 'other', schema: media!.schema! }
    }
    return {
      role,
      flags,
      idField,
      itemParam: /\{([^}]+)\}$/.exec(operation.path)?.[1],
      resourceSchema: { $ref: `#/components/schemas/${role.schemaName}` },
      success: shape,
      documentsLink: operation.responses.some((response) =>
        Object.keys(response.headers).some((header) => header.toLowerCase() === 'link'),
      ),
      ...(batch ? { batch: { property: batch.property } } : {}),
    }
  }

  /**
   * A schema that only wraps a list of another (`Contacts: {Contacts: [Contact]}`, no id of
   * its own): the resource is the listed schema, carried in batches.
   */
  private batchEnvelope(role: Role): { property: string; item: string } | null {
    const { schemaName } = role
    const schema = this.schemas.resolve(this.spec.schemas[schemaName]) as
      { properties?: Record<string, JsonSchema> } | undefined
    if (!schema?.properties || this.keyField(role, this.flagsOf(this.spec.schemas[schemaName])))
      return null
    const lists: { property: string; item: string }[] = []
    for (const [property, entry] of Object.entries(schema.properties)) {
      const resolved = this.schemas.resolve(entry) as
        { type?: unknown; items?: unknown } | undefined
      const ref = (resolved?.items as { $ref?: unknown } | undefined)?.$ref
      if (resolved?.type !== 'array' || typeof ref !== 'string') continue
      const item = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1]
      if (
        item &&
        this.spec.schemas[item] &&
        this.keyField({ ...role, schemaName: item }, this.flagsOf(this.spec.schemas[item]))
      )
        lists.push({ property, item })
    }
    return (
      lists.find((entry) => looseName(entry.property) === looseName(schemaName)) ??
      (lists.length === 1 ? lists[0]! : null)
    )
  }

  /**
   * The field a collection's items are found by: the one its item path names (`{ContactID}`
   * -> `ContactID`; `{issue_number}` -> `number`, GitHub's issues, whose `id` is another
   * number), else `id`, else the first property ending in "id".
   */
  private keyField(role: Role, flags: AccessFlags): string | null {
    // Of several item paths (Xero's /Contacts/{ContactNumber} and /Contacts/{ContactID}), the
    // one named as an id.
    const param = cached(this.itemParams, role.collection, () => {
      const params: string[] = []
      for (const operation of this.spec.operations) {
        const match = /^(.*)\/\{([^}]+)\}$/.exec(operation.path)
        if (match && match[1] === role.collection) params.push(match[2]!)
      }
      return params.find((name) => /id$/i.test(name)) ?? params[0] ?? ''
    })
    if (param) {
      const names = [...flags.declared]
      const named = names.find((name) => looseName(name) === looseName(param))
      if (named) return named
      const words = param
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
      const last = words.length > 1 ? words.at(-1)! : undefined
      const byLastWord = last && names.find((name) => looseName(name) === looseName(last))
      // GitHub's {issue_number} finds an issue by `number`, which the server gives; Stripe's
      // {promotion_code} finds a promotion code by `id`, its `code` being what the client chose.
      if (byLastWord && !(names.includes('id') && this.createWrites(role, byLastWord)))
        return byLastWord
    }
    return this.idField(flags)
  }

  /** Whether the collection's create request documents the field `name`. */
  private createWrites(role: Role, name: string): boolean {
    const create = this.spec.operations.find(
      (operation) => operation.method === 'POST' && operation.path === role.collection,
    )
    return Object.values(create?.requestBody?.content ?? {}).some((media) =>
      this.flagsOf(media.schema).declared.has(name),
    )
  }

  /** `id`, else the first property ending in "id" (allOf members included). */
  private idField(flags: AccessFlags): string | null {
    const names = [...flags.declared]
    return names.find((name) => name === 'id') ?? names.find((name) => /id$/i.test(name)) ?? null
  }

  /**
   * Property flags of a schema, through nested allOf (cached per schema object).
   */
  private flagsOf(schema: JsonSchema | undefined): AccessFlags {
    const key = schema && typeof schema === 'object' ? schema : EMPTY_SCHEMA
    return cached(this.accessFlags, key, () => this.collectFlags(schema))
  }

  private collectFlags(schema: JsonSchema | undefined): AccessFlags {
    const flags: AccessFlags = {
      declared: new Set(),
      open: false,
      readOnly: new Set(),
      writeOnly: new Set(),
      properties: new Map(),
      sources: [],
      union: false,
    }
    const visit = (part: JsonSchema | undefined, depth: number) => {
      const resolved = this.schemas.resolve(part) as Record<string, unknown> | undefined
      if (!resolved || typeof resolved !== 'object' || depth > 10) return
      const extra = resolved.additionalProperties
      if (resolved.oneOf || resolved.anyOf) flags.union = true
      if (
        resolved.oneOf ||
        resolved.anyOf ||
        extra === true ||
        (extra && typeof extra === 'object')
      )
        flags.open = true
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>
      if (resolved.properties) flags.sources.push(resolved as JsonSchema)
      for (const [name, property] of Object.entries(properties)) {
        flags.declared.add(name)
        flags.properties.set(name, [...(flags.properties.get(name) ?? []), property])
        const value = this.schemas.resolve(property) as
          { readOnly?: boolean; writeOnly?: boolean } | undefined
        if (value?.readOnly === true) flags.readOnly.add(name)
        if (value?.writeOnly === true) flags.writeOnly.add(name)
      }
      // allOf members add to the resource; oneOf/anyOf members are what it may be (their
      // fields are the resource's too, `open` keeps any other).
      for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const)
        for (const member of (resolved[keyword] ?? []) as JsonSchema[]) visit(member, depth + 1)
    }
    visit(schema, 0)
    return flags
  }

  /**
   * `base` with `patch` written over it (never in place): objects the schema describes field
   * by field are merged field by field, so a partial `individual` keeps the rest of it;
   * maps (`metadata`) and everything else are replaced.
   */
  private merged(base: Resource, patch: Resource, schemas: JsonSchema[], depth = 0): Resource {
    const result: Resource = { ...base }
    for (const [name, value] of Object.entries(patch)) {
      const current = base[name]
      if (!isPlainObject(value)) {
        result[name] = value
        continue
      }
      const property = schemas
        .map((schema) => this.schemas.resolve(schema) as Record<string, unknown> | undefined)
        .map((resolved) => (resolved?.properties as Record<string, JsonSchema> | undefined)?.[name])
        .find((entry) => entry !== undefined)
      const structured = property ? this.objectSchemas(property) : []
      if (structured.length === 0 || depth >= 10 || !isPlainObject(value)) {
        result[name] = value
        continue
      }
      // A partial object over none: over a generated one, so its required fields are there.
      const under = isPlainObject(current)
        ? current
        : generateFromSchema(structured[0]!, this.schemas, `merge:${name}`)
      result[name] = isPlainObject(under) ? this.merged(under, value, structured, depth + 1) : value
    }
    return result
  }

  /**
   * `base` with the written `fields` merged in, such that the stored resource stays valid
   * against its schema: a field that breaks it (an object where a union member wanted an
   * id, a partial object a member requires whole, fields of another member of a union) is
   * left out and the rest kept; if the breach cannot be placed, `base` stays as it was.
   */
  private valid(plan: StatePlan, base: Resource, fields: Resource): Resource {
    // Fields written into a plain resource were checked against their properties already
    // (`conform`, objects field by field, merged over complete ones): only unions and
    // arrays (whose items `conform` does not check) need the whole resource validated.
    if (!plan.flags.union && !Object.values(fields).some((value) => Array.isArray(value)))
      return this.merged(base, fields, plan.flags.sources)
    const key = `state:${plan.role.schemaName}`
    let kept = fields
    for (let round = 0; round < 4; round++) {
      const candidate = this.merged(base, kept, plan.flags.sources)
      const violations = this.schemas.check(key, plan.resourceSchema, candidate, 'response', '')
      if (violations.length === 0) return candidate
      const culprits = new Set(
        violations.map((violation) => violation.location.split('/').filter(Boolean)[0] ?? ''),
      )
      if (culprits.has('')) break
      const next = Object.fromEntries(Object.entries(kept).filter(([name]) => !culprits.has(name)))
      if (Object.keys(next).length === Object.keys(kept).length) break
      kept = next
    }
    return base
  }

  /** The object schemas (with properties) a schema is or may be: itself, allOf, anyOf and oneOf members. */
  private objectSchemas(schema: JsonSchema, depth = 0): JsonSchema[] {
    const resolved = this.schemas.resolve(schema) as Record<string, unknown> | undefined
    if (!resolved || typeof resolved !== 'object' || depth > 5) return []
    const found: JsonSchema[] = resolved.properties ? [resolved as JsonSchema] : []
    for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const)
      for (const member of (resolved[keyword] ?? []) as JsonSchema[])
        found.push(...this.objectSchemas(member, depth + 1))
    return found
  }

  /**
   * A written value as its property allows it, or `undefined` when it does not fit: a field
   * a request takes as an id and the resource returns expanded (Stripe's `card`) keeps the
   * server's value; inside objects, each field is kept only where it fits (a request's
   * `capabilities[x][requested]=true` does not replace the resource's `capabilities.x`).
   */
  private conform(value: unknown, schema: JsonSchema | undefined, depth = 0): unknown {
    const resolved = this.schemas.resolve(schema) as Record<string, unknown> | undefined
    if (!resolved || typeof resolved !== 'object' || depth > 10) return value
    if (value === null && resolved.nullable === true) return value
    const union = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined
    if (union) {
      for (const member of union) {
        const fitted = this.conform(value, member, depth + 1)
        if (fitted !== undefined) return fitted
      }
      return undefined
    }
    if (resolved.allOf)
      for (const member of resolved.allOf as JsonSchema[])
        if (this.conform(value, member, depth + 1) === undefined) return undefined
    const type = resolved.type
    // An empty form field unsets a nullable value (Stripe's `return_status=` reads back null).
    const unsets =
      value === '' &&
      (Array.isArray(type) ? type.includes('null') : resolved.nullable === true) &&
      !(Array.isArray(resolved.enum) && resolved.enum.includes(''))
    if (
      type !== undefined &&
      !(Array.isArray(type)
        ? type.length === 0 || type.some(fitsType, value)
        : fitsType.call(value, type))
    )
      return unsets ? null : undefined
    if (Array.isArray(resolved.enum) && !resolved.enum.some((entry) => entry === value))
      return unsets ? null : undefined
    if (isPlainObject(value) && resolved.properties) {
      const properties = resolved.properties as Record<string, JsonSchema>
      const fitted: Resource = {}
      for (const [name, entry] of Object.entries(value)) {
        if (!(name in properties)) {
          if (resolved.additionalProperties !== false) fitted[name] = entry
          continue
        }
        const inner = this.conform(entry, properties[name], depth + 1)
        if (inner !== undefined) fitted[name] = inner
      }
      return fitted
    }
    return value
  }

  /**
   * The request fields the stored resource takes: not the server's readOnly ones, not
   * writeOnly secrets (of the resource or of the request schema), and, when the resource
   * schema lists its properties, only those.
   */
  private clientFields(
    operation: NormalizedOperation,
    parsed: ParsedRequest,
    resource: AccessFlags,
  ): Resource {
    const body = parsed.body
    if (!body || typeof body !== 'object' || Buffer.isBuffer(body) || Array.isArray(body)) return {}
    const input = this.flagsOf(
      parsed.mediaType ? operation.requestBody?.content[parsed.mediaType]?.schema : undefined,
    )
    return this.fieldsFrom(body as Resource, input, resource)
  }

  /** `clientFields` of one object sent (an entry of a batch envelope, or the whole body). */
  private fieldsFrom(body: Resource, input: AccessFlags, resource: AccessFlags): Resource {
    const fields: Resource = {}
    for (const [sent, value] of Object.entries(body)) {
      if (input.writeOnly.has(sent)) continue
      const name = resource.declared.has(sent) ? sent : (this.fieldNamed(resource, sent) ?? sent)
      if (resource.readOnly.has(name)) continue
      if (!resource.open && resource.declared.size > 0 && !resource.declared.has(name)) continue
      const declared = resource.properties.get(name)
      if (!declared) {
        fields[name] = value
        continue
      }
      for (const property of declared) {
        const fitted = this.conform(value, property)
        if (fitted === undefined) continue
        fields[name] = fitted
        break
      }
    }
    return fields
  }

  /**
   * The stored resource an item path names, and its key: by the key field, else by the field
   * the path's own parameter names (Xero's /Contacts/{ContactNumber} beside {ContactID}).
   */
  private find(
    plan: StatePlan,
    items: Map<string, Resource>,
    sent: string,
  ): [string, Resource] | undefined {
    const hit = items.get(sent)
    if (hit) return [sent, hit]
    const param = plan.itemParam
    if (!param) return undefined
    const field = plan.flags.declared.has(param) ? param : this.fieldNamed(plan.flags, param)
    if (!field || field === plan.idField) return undefined
    for (const [key, resource] of items)
      if (String(resource[field]) === sent) return [key, resource]
    return undefined
  }

  /** Stores a new resource of the collection `key` from the client's fields; returns it. */
  private create(
    plan: StatePlan,
    key: string,
    fields: Resource,
    chosen: string | number | undefined,
    pathParams: Record<string, string>,
    maxItems: number,
  ): Resource {
    const { flags, idField, resourceSchema } = plan
    const items = this.store(key)
    const number = (this.created.get(key) ?? 0) + 1
    this.created.set(key, number)
    // The server-made fields come from one generated resource per collection (nested values
    // are shared, never changed in place: updates replace top-level fields).
    const generated = cached(this.templates, key, () =>
      generateFromSchema(resourceSchema, this.schemas, `create:${key}`),
    ) as Resource
    const resource = this.storable(this.valid(plan, generated, fields), flags)
    resource[idField] =
      chosen !== undefined && !items.has(String(chosen))
        ? chosen
        : this.newId(plan, generated[idField], number, items, key)
    // Found by another field (GitHub's issue `number`): its own `id` is new too.
    if (idField !== 'id' && flags.declared.has('id') && !flags.writeOnly.has('id'))
      resource.id = this.newId(plan, generated.id, number, items, key, 'id')
    this.setParents(plan, resource, pathParams)
    const stored = String(resource[idField])
    items.set(stored, resource)
    this.evictOldest(key, items, stored, maxItems)
    return resource
  }

  /** Changes the fields sent (PUT replaces all but the server's own); returns the stored resource. */
  private update(
    plan: StatePlan,
    items: Map<string, Resource>,
    id: string,
    existing: Resource,
    fields: Resource,
    replace: boolean,
  ): Resource {
    const { flags, idField } = plan
    const kept = replace
      ? Object.fromEntries([...flags.readOnly].map((name) => [name, existing[name]]))
      : existing
    // PUT replaces; POST and PATCH change the fields sent (nested objects field by field).
    const updated = this.storable(
      replace
        ? { ...kept, ...fields, [idField]: existing[idField] }
        : { ...this.valid(plan, kept, fields), [idField]: existing[idField] },
      flags,
    )
    items.set(id, updated)
    return updated
  }

  /**
   * A resource carried in batch envelopes (Xero's): a PUT or POST on the collection takes
   * one item or an envelope of several and creates each (a POST with the id of a stored one
   * updates it, as Xero's "update or create" does); an item's GET, POST/PUT and DELETE answer
   * an envelope of that one item.
   */
  private handleBatch(
    plan: StatePlan,
    operation: NormalizedOperation,
    collection: { key: string; items: Map<string, Resource> },
    pathParams: Record<string, string>,
    parsed: ParsedRequest,
    request: IncomingRequest,
    maxItems: number,
  ): StateResult | null {
    const { role, flags, idField, itemParam } = plan
    const property = plan.batch!.property
    const { key, items } = collection
    const body = parsed.body
    const entries: Resource[] =
      isPlainObject(body) && Array.isArray(body[property])
        ? (body[property] as unknown[]).filter(isPlainObject)
        : isPlainObject(body) && !Buffer.isBuffer(body)
          ? [body]
          : []
    const wrap = (resources: Resource[]) => {
      const envelope = this.shape(plan, resources, 'list')
      return isPlainObject(envelope) ? envelope : { [property]: resources }
    }
    if (!role.item && operation.method === 'GET')
      return this.list(plan, operation, [...items.values()], parsed, request)
    if (!role.item && (operation.method === 'PUT' || operation.method === 'POST')) {
      if (entries.length === 0) return null
      const done = entries.map((entry) => {
        const fields = this.fieldsFrom(entry, flags, flags)
        const sentId = entry[idField]
        const existing =
          (typeof sentId === 'string' || typeof sentId === 'number') && operation.method === 'POST'
            ? items.get(String(sentId))
            : undefined
        if (existing) return this.update(plan, items, String(sentId), existing, fields, false)
        const chosen =
          (typeof sentId === 'string' && sentId !== '') || typeof sentId === 'number'
            ? sentId
            : undefined
        return this.create(plan, key, fields, chosen, pathParams, maxItems)
      })
      return { kind: 'ok', body: wrap(done) }
    }
    const sent = role.item && itemParam ? pathParams[itemParam] : undefined
    if (!sent) return null
    const [id, existing] = this.find(plan, items, sent) ?? [sent, undefined]
    if (!existing)
      return {
        kind: 'not-found',
        detail: `No ${role.schemaName} with ${idField} "${id}" in this mock (create one with ${operation.method === 'GET' ? 'PUT or POST' : 'PUT'} ${role.collection}).`,
      }
    switch (operation.method) {
      case 'GET':
        return { kind: 'ok', body: wrap([existing]) }
      case 'PUT':
      case 'PATCH':
      case 'POST': {
        const fields = entries[0] ? this.fieldsFrom(entries[0], flags, flags) : {}
        delete fields[idField]
        return {
          kind: 'ok',
          body: wrap([this.update(plan, items, id, existing, fields, operation.method === 'PUT')]),
        }
      }
      case 'DELETE':
        items.delete(id)
        return { kind: 'ok', body: wrap([existing]) }
    }
    return null
  }

  /** The id field's value in a create request whose body documents that field. */
  private chosenId(
    operation: NormalizedOperation,
    parsed: ParsedRequest,
    idField: string,
  ): string | number | undefined {
    const body = parsed.body
    if (!isPlainObject(body)) return undefined
    const value = body[idField]
    if (!((typeof value === 'string' && value !== '') || typeof value === 'number'))
      return undefined
    const input = this.flagsOf(
      parsed.mediaType ? operation.requestBody?.content[parsed.mediaType]?.schema : undefined,
    )
    return input.declared.has(idField) && !input.readOnly.has(idField) ? value : undefined
  }

  /**
   * The resource field a request field of another spelling names: Twilio's form takes
   * `FriendlyName` for the resource's `friendly_name`, other APIs take camelCase for
   * snake_case. Names match when they are equal ignoring case, `_` and `-`, and only one
   * resource field matches.
   */
  private fieldNamed(resource: AccessFlags, sent: string): string | undefined {
    let spellings = this.spellings.get(resource)
    if (!spellings) {
      spellings = new Map()
      for (const name of resource.declared) {
        const loose = looseName(name)
        spellings.set(loose, spellings.has(loose) ? null : name)
      }
      this.spellings.set(resource, spellings)
    }
    return spellings.get(looseName(sent)) ?? undefined
  }

  /**
   * A resource created under a parent names it as the path does: the phone number created at
   * `/Services/{ServiceSid}/PhoneNumbers` has `service_sid` = that sid, a source created at
   * `/customers/{customer}/sources` has `customer` = that id (fields matched by loose name,
   * and only with a value their schema takes).
   */
  private setParents(plan: StatePlan, resource: Resource, pathParams: Record<string, string>) {
    for (const param in pathParams) {
      const field = plan.flags.declared.has(param) ? param : this.fieldNamed(plan.flags, param)
      if (!field || field === plan.idField) continue
      const raw = pathParams[param]!
      const numeric = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined
      for (const property of plan.flags.properties.get(field) ?? []) {
        const fitted =
          this.conform(raw, property) ??
          (numeric === undefined ? undefined : this.conform(numeric, property))
        if (fitted === undefined) continue
        resource[field] = fitted
        break
      }
    }
  }

  /** What the mock keeps: writeOnly fields (passwords, card tokens) are accepted but never stored or returned. */
  private storable(resource: Resource, flags: AccessFlags): Resource {
    for (const name of flags.writeOnly) delete resource[name]
    return resource
  }

  private collectionKey(template: string, pathParams: Record<string, string>) {
    return template.replace(/\{([^}]+)\}/g, (_, name: string) => pathParams[name] ?? `{${name}}`)
  }

  /**
   * Keeps a collection to `maxItems`, dropping the oldest. The creation order is a queue of
   * its own: asking the Map for its first key is slow once many keys have been deleted from
   * its front (V8 walks over them until the table is rebuilt), and that was every create
   * once a collection was full.
   */
  private evictOldest(key: string, items: Map<string, Resource>, added: string, maxItems: number) {
    let order = this.orders.get(key)
    if (!order) {
      order = { keys: [...items.keys()].filter((id) => id !== added), head: 0 }
      this.orders.set(key, order)
    }
    order.keys.push(added)
    while (items.size > maxItems && order.head < order.keys.length)
      items.delete(order.keys[order.head++]!)
    if (order.head > 1024 && order.head * 2 > order.keys.length) {
      order.keys = order.keys.slice(order.head)
      order.head = 0
    }
  }

  private store(key: string) {
    let items = this.collections.get(key)
    if (!items) {
      items = new Map()
      this.collections.set(key, items)
    }
    return items
  }

  handle(
    operation: NormalizedOperation,
    pathParams: Record<string, string>,
    parsed: ParsedRequest,
    request: IncomingRequest,
    maxItems: number,
  ): StateResult | null {
    const plan = this.plan(operation)
    if (!plan) return null
    const { role, flags, idField, itemParam } = plan
    const key = role.collection.includes('{')
      ? this.collectionKey(role.collection, pathParams)
      : role.collection
    const items = this.store(key)
    const id = role.item && itemParam ? pathParams[itemParam] : undefined

    if (plan.batch)
      return this.handleBatch(
        plan,
        operation,
        { key, items },
        pathParams,
        parsed,
        request,
        maxItems,
      )
    if (!role.item && operation.method === 'POST') {
      const resource = this.create(
        plan,
        key,
        this.clientFields(operation, parsed, flags),
        // An id the client chose, where the request documents one (Stripe's coupons and plans).
        this.chosenId(operation, parsed, idField),
        pathParams,
        maxItems,
      )
      return { kind: 'ok', body: this.shape(plan, resource, 'item') }
    }
    if (!role.item && operation.method === 'GET')
      return this.list(plan, operation, [...items.values()], parsed, request)
    if (!id) return null
    const [storedKey, existing] = this.find(plan, items, id) ?? [id, undefined]
    if (!existing)
      return {
        kind: 'not-found',
        detail: `No ${role.schemaName} with ${idField} "${id}" in this mock (create one with POST ${role.collection}).`,
      }
    switch (operation.method) {
      case 'GET':
        return { kind: 'ok', body: this.shape(plan, existing, 'item') }
      case 'PUT':
      case 'PATCH':
      case 'POST': {
        const fields = this.clientFields(operation, parsed, flags)
        const updated = this.update(
          plan,
          items,
          storedKey,
          existing,
          fields,
          operation.method === 'PUT',
        )
        return { kind: 'ok', body: this.shape(plan, updated, 'item') }
      }
      case 'DELETE': {
        items.delete(storedKey)
        let body = this.shape(plan, existing, 'item')
        // A deletion's own answer (`{id, object, deleted}`, as Stripe's and OpenAI's) says it
        // deleted, whatever was generated for a plain boolean.
        if (isPlainObject(body) && typeof body.deleted === 'boolean')
          body = { ...body, deleted: true }
        return { kind: 'ok', ...(body === undefined ? {} : { body }) }
      }
      default:
        return null
    }
  }

  /**
   * A new resource's id. Ids count up per collection where the id's schema allows it: 1, 2…
   * for numeric ids; for string ids the documented prefix (`pay_` from an example
   * `pay_123`), else the resource's name (`customer_000001`), so ids of different resources
   * never collide. Where the schema does not allow that (a pattern such as Twilio's
   * `^MG[0-9a-fA-F]{32}$`, a uuid, a length), the id is generated from the schema, seeded by
   * the count, and unique in its collection: a mock must take back the ids it hands out.
   */
  private newId(
    plan: StatePlan,
    generated: unknown,
    number: number,
    items: Map<string, Resource>,
    key: string,
    field = plan.idField,
  ): string | number {
    const readable = this.readableId(generated, number, plan.role.schemaName)
    const schema = plan.flags.properties.get(field)?.[0]
    if (!schema || !this.constrains(schema, readable) || this.idFits(plan, schema, readable, field))
      return readable
    for (let attempt = 0; attempt < 20; attempt++) {
      // Not the documented example: every id must differ (Xero's are all 00000000-…).
      const value = generateFromSchema(
        schema,
        this.schemas,
        `id:${key}:${number}:${attempt}`,
        'response',
        { examples: false },
      )
      if (
        (typeof value === 'string' || typeof value === 'number') &&
        !items.has(String(value)) &&
        this.idFits(plan, schema, value, field)
      )
        return value
    }
    return readable
  }

  /** Whether an id's schema says more than its type about a value like `sample` (checked once per schema). */
  private constrains(schema: JsonSchema, sample: string | number): boolean {
    return cached(this.idConstraints, schema as object, () => {
      const resolved = this.schemas.resolve(schema) as Record<string, unknown> | undefined
      if (!resolved || typeof resolved !== 'object') return false
      const keywords =
        typeof sample === 'number'
          ? ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']
          : ['pattern', 'format', 'minLength', 'maxLength']
      return ['enum', 'const', 'allOf', 'anyOf', 'oneOf', ...keywords].some(
        (keyword) => resolved[keyword] !== undefined,
      )
    })
  }

  private idFits(
    plan: StatePlan,
    schema: JsonSchema,
    value: string | number,
    field = plan.idField,
  ): boolean {
    const key = `state-id:${plan.role.schemaName}:${field}`
    return this.schemas.check(key, schema, value, 'response', '').length === 0
  }

  private readableId(generated: unknown, number: number, schemaName: string): string | number {
    if (typeof generated === 'number') return number
    const prefix = cached(this.idPrefixes, `${String(generated)}|${schemaName}`, () =>
      typeof generated === 'string' && /^[a-z]+_/.test(generated)
        ? generated.split('_')[0]!
        : resourceWord(schemaName),
    )
    return `${prefix}_${number.toString().padStart(6, '0')}`
  }

  /** The success response body for this operation, built around the stored resource(s); undefined = let the documented response speak. */
  private shape(plan: StatePlan, value: Resource | Resource[], mode: 'item' | 'list'): unknown {
    const { success } = plan
    switch (success.kind) {
      case 'none':
        return mode === 'item' ? value : undefined
      case 'value':
        return value
      case 'array':
        return mode === 'item' ? [value] : value
      case 'envelope': {
        if (mode === 'item') return value
        if (!success.arrayProperty) return undefined
        success.wrapper ??=
          success.example ??
          (generateFromSchema(
            success.schema,
            this.schemas,
            `list:${success.arrayProperty}`,
          ) as Resource)
        return { ...success.wrapper, [success.arrayProperty]: value }
      }
      case 'other': {
        if (mode === 'list' || Array.isArray(value)) return undefined
        success.generated ??= generateFromSchema(success.schema, this.schemas, 'other')
        const generated = success.generated
        return generated && typeof generated === 'object' && plan.idField in generated
          ? { ...generated, [plan.idField]: value[plan.idField] }
          : generated
      }
    }
  }

  private list(
    plan: StatePlan,
    operation: NormalizedOperation,
    stored: Resource[],
    parsed: ParsedRequest,
    request: IncomingRequest,
  ): StateResult {
    const { idField } = plan
    const query = parsed.params.query ?? {}
    const sent = (pattern: RegExp) => Object.keys(query).find((name) => pattern.test(name))
    const declared = (pattern: RegExp) =>
      operation.parameters.find((entry) => entry.in === 'query' && pattern.test(entry.name))
    // Creation order, newest first when the client asks `order=desc` (or a declared direction
    // parameter defaults to it, as OpenAI's lists do); cursors follow the order.
    const orderParameter = declared(ORDER)
    const direction = sent(ORDER)
      ? query[sent(ORDER)!]
      : (this.schemas.resolve(orderParameter?.schema) as { default?: unknown } | undefined)?.default
    const all =
      typeof direction === 'string' && /^desc/i.test(direction) ? [...stored].reverse() : stored
    const limitName = sent(LIMIT)
    const limit = Math.max(1, Math.min(1000, Number(limitName ? query[limitName] : 10) || 10))
    // The paging style: the one the client used, else the first the operation declares
    // (offset, page number, cursor), else an offset.
    const style: { kind: 'offset' | 'page' | 'cursor'; name: string } = sent(OFFSET)
      ? { kind: 'offset', name: sent(OFFSET)! }
      : sent(PAGE)
        ? { kind: 'page', name: sent(PAGE)! }
        : sent(CURSOR)
          ? { kind: 'cursor', name: sent(CURSOR)! }
          : declared(OFFSET)
            ? { kind: 'offset', name: declared(OFFSET)!.name }
            : declared(PAGE)
              ? { kind: 'page', name: declared(PAGE)!.name }
              : declared(CURSOR)
                ? { kind: 'cursor', name: declared(CURSOR)!.name }
                : { kind: 'offset', name: 'offset' }
    // Page numbers count from 0 where the parameter allows 0 (Twilio's Page), else from 1.
    const pageSchema =
      style.kind === 'page'
        ? (this.schemas.resolve(
            operation.parameters.find((entry) => entry.in === 'query' && entry.name === style.name)
              ?.schema,
          ) as { minimum?: unknown } | undefined)
        : undefined
    const pageBase = pageSchema?.minimum === 0 || Number(query[style.name]) === 0 ? 0 : 1
    const given = query[style.name]
    let start = 0
    if (given !== undefined && style.kind === 'offset') start = Math.max(0, Number(given) || 0)
    else if (given !== undefined && style.kind === 'page')
      start = Math.max(0, (Number(given) || pageBase) - pageBase) * limit
    else if (given !== undefined && style.kind === 'cursor')
      start = all.findIndex((item) => String(item[idField]) === String(given)) + 1
    const beforeName = sent(BEFORE)
    let page = all.slice(start, start + limit)
    if (beforeName) {
      const end = all.findIndex((item) => String(item[idField]) === String(query[beforeName]))
      page = all.slice(Math.max(0, end - limit), Math.max(0, end))
    }
    const more = start + limit < all.length
    /** The query of the page starting at item `at`, in the paging style of this list. */
    const pageQuery = (at: number) => {
      const next = new URLSearchParams(request.query)
      if (style.kind === 'offset') next.set(style.name, String(at))
      else if (style.kind === 'page')
        next.set(style.name, String(pageBase + Math.floor(at / limit)))
      else if (at === 0) next.delete(style.name)
      else next.set(style.name, String(all[at - 1]?.[idField] ?? ''))
      return next
    }
    const headers: Record<string, string> = {}
    if (plan.documentsLink && more)
      headers.link = `<${absoluteUrl(request, pageQuery(start + limit))}>; rel="next"`
    const body = this.shape(plan, page, 'list')
    if (isPlainObject(body))
      fillPageFields(body, {
        more,
        total: all.length,
        limit,
        page: style.kind === 'page' ? pageBase + Math.floor(start / limit) : undefined,
        url: (at) => absoluteUrl(request, pageQuery(at)),
        current: start,
        next: more ? start + limit : null,
        previous: start > 0 ? Math.max(0, start - limit) : null,
        firstId: page[0]?.[idField] ?? null,
        lastId: page.at(-1)?.[idField] ?? null,
      })
    return body === undefined ? { kind: 'ok', headers } : { kind: 'ok', body, headers }
  }
}
