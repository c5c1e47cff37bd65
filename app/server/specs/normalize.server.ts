/**
 * Bundled Swagger 2.0 / OpenAPI 3.x document -> NormalizedSpec.
 * Non-schema references (parameters, responses, bodies, headers, examples,
 * path items, security schemes) are inlined; schema references stay
 * references into `schemas`, so circular schemas survive.
 */
import type {
  JsonSchema,
  MediaEncoding,
  MediaTypeContent,
  NamedExample,
  NormalizedHeader,
  NormalizedOperation,
  NormalizedParameter,
  NormalizedLink,
  NormalizedResponse,
  NormalizedSecurityScheme,
  NormalizedServer,
  NormalizedSpec,
  OperationKind,
  ParameterLocation,
  SecurityRequirement,
  SpecFlavour,
} from '~/shared/normalized-spec'

type Obj = Record<string, unknown>
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const
const SCHEMA_PREFIX = '#/components/schemas/'

const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
const asArray = <T = unknown>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : [])
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

function unescape(segment: string) {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')
}

class Normalizer {
  readonly schemas: Record<string, JsonSchema> = {}
  private readonly hoisted = new Map<string, string>()

  constructor(
    private readonly doc: Obj,
    private readonly flavour: SpecFlavour,
  ) {}

  /** The value at an internal pointer (`#/a/b`), or undefined. */
  private at(ref: string): unknown {
    if (!ref.startsWith('#')) return undefined
    let node: unknown = this.doc
    for (const segment of ref.slice(1).split('/').slice(1)) {
      if (!isObj(node) && !Array.isArray(node)) return undefined
      node = (node as Obj)[unescape(segment)]
    }
    return node
  }

  /** Follows $ref chains of non-schema objects. */
  deref(value: unknown, depth = 0): Obj {
    if (!isObj(value)) return {}
    if (typeof value.$ref === 'string' && depth < 20)
      return this.deref(this.at(value.$ref), depth + 1)
    return value
  }

  // ---- schemas -------------------------------------------------------------

  /** Converts every component schema once; refs to them stay refs. */
  collectComponentSchemas() {
    const source =
      this.flavour === 'swagger-2.0'
        ? this.doc.definitions
        : (this.doc.components as Obj | undefined)?.schemas
    for (const [name, schema] of Object.entries(isObj(source) ? source : {}))
      this.schemas[name] = this.schema(schema)
  }

  private refTarget(ref: string): string {
    if (ref.startsWith(SCHEMA_PREFIX)) return ref
    if (ref.startsWith('#/definitions/')) return SCHEMA_PREFIX + ref.slice('#/definitions/'.length)
    // Any other internal pointer (bundling points into paths, responses...): hoist it into `schemas`.
    const existing = this.hoisted.get(ref)
    if (existing) return SCHEMA_PREFIX + existing
    const name = `_ref${this.hoisted.size + 1}`
    this.hoisted.set(ref, name)
    this.schemas[name] = true
    this.schemas[name] = this.schema(this.at(ref))
    return SCHEMA_PREFIX + name
  }

  schema(input: unknown): JsonSchema {
    if (typeof input === 'boolean') return input
    if (!isObj(input)) return {}
    if (typeof input.$ref === 'string') {
      const ref: Obj = { $ref: this.refTarget(input.$ref) }
      if (this.flavour === 'openapi-3.1') {
        for (const key of ['description', 'summary']) if (key in input) ref[key] = input[key]
      }
      return ref
    }
    const out: Obj = {}
    for (const [key, value] of Object.entries(input)) {
      switch (key) {
        case 'properties':
        case 'patternProperties':
        case '$defs':
        case 'definitions':
        case 'dependentSchemas':
          out[key] = Object.fromEntries(
            Object.entries(isObj(value) ? value : {}).map(([name, child]) => [
              name,
              this.schema(child),
            ]),
          )
          break
        case 'items':
          out.items = Array.isArray(value)
            ? value.map((child) => this.schema(child))
            : this.schema(value)
          break
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
        case 'prefixItems':
          out[key] = asArray(value).map((child) => this.schema(child))
          break
        case 'additionalProperties':
        case 'not':
        case 'contains':
        case 'propertyNames':
        case 'if':
        case 'then':
        case 'else':
        case 'unevaluatedProperties':
        case 'unevaluatedItems':
          out[key] = typeof value === 'boolean' ? value : this.schema(value)
          break
        case 'nullable':
        case 'x-nullable':
          break // handled below
        case 'example':
          out.examples = [value]
          break
        case 'discriminator':
          out['x-discriminator'] = value
          break
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
          if (typeof value === 'number') out[key] = value
          break // boolean (draft 4) forms handled below
        case 'type':
          out.type = value === 'file' ? 'string' : value
          if (value === 'file') out.format = 'binary'
          break
        case 'xml':
        case 'externalDocs':
          break
        default:
          out[key] = value
      }
    }
    // Draft-4 boolean exclusive bounds (OAS 2.0/3.0) -> numeric form.
    if (input.exclusiveMinimum === true && typeof input.minimum === 'number') {
      out.exclusiveMinimum = input.minimum
      delete out.minimum
    }
    if (input.exclusiveMaximum === true && typeof input.maximum === 'number') {
      out.exclusiveMaximum = input.maximum
      delete out.maximum
    }
    if (input.nullable === true || input['x-nullable'] === true) return this.nullable(out)
    return out
  }

  private nullable(schema: Obj): JsonSchema {
    if (typeof schema.type === 'string')
      return {
        ...schema,
        type: [schema.type, 'null'],
        ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}),
      }
    if (Array.isArray(schema.type))
      return schema.type.includes('null') ? schema : { ...schema, type: [...schema.type, 'null'] }
    return { anyOf: [schema, { type: 'null' }] }
  }

  // ---- examples ------------------------------------------------------------

  examples(holder: Obj, schema?: unknown): NamedExample[] {
    const found: NamedExample[] = []
    if (isObj(holder.examples)) {
      for (const [name, example] of Object.entries(holder.examples)) {
        const resolved = this.deref(example)
        if ('value' in resolved) found.push({ name, value: resolved.value, source: 'named' })
        else if (this.flavour === 'swagger-2.0')
          found.push({ name, value: example, source: 'named' })
      }
    }
    if ('example' in holder)
      found.push({ name: 'default', value: holder.example, source: 'inline' })
    const resolvedSchema =
      isObj(schema) && typeof schema.$ref === 'string' ? this.at(schema.$ref) : schema
    if (found.length === 0 && isObj(resolvedSchema) && 'example' in resolvedSchema) {
      found.push({ name: 'schema', value: resolvedSchema.example, source: 'inline' })
    }
    return found
  }

  mediaContent(media: Obj): MediaTypeContent {
    const schema = media.schema === undefined ? undefined : this.schema(media.schema)
    const examples = this.examples(media, media.schema)
    const encoding = this.encoding(media.encoding)
    return {
      ...(schema === undefined ? {} : { schema }),
      examples,
      needsGeneratedExample: examples.length === 0,
      ...(encoding ? { encoding } : {}),
    }
  }

  /** The Encoding Object of a form or multipart body, keeping only what decoding needs. */
  encoding(value: unknown): Record<string, MediaEncoding> | undefined {
    if (!isObj(value)) return undefined
    const out: Record<string, MediaEncoding> = {}
    for (const [name, raw] of Object.entries(value)) {
      const entry = this.deref(raw)
      const contentType = str(entry.contentType)
      const style = str(entry.style)
      out[name] = {
        ...(contentType ? { contentType } : {}),
        ...(style ? { style } : {}),
        ...(typeof entry.explode === 'boolean' ? { explode: entry.explode } : {}),
        ...(entry.allowReserved === true ? { allowReserved: true } : {}),
      }
    }
    return Object.keys(out).length > 0 ? out : undefined
  }

  content(value: unknown): Record<string, MediaTypeContent> {
    return Object.fromEntries(
      Object.entries(isObj(value) ? value : {}).map(([type, media]) => [
        type,
        this.mediaContent(this.deref(media)),
      ]),
    )
  }

  // ---- parameters ----------------------------------------------------------

  parameter(raw: unknown): NormalizedParameter | undefined {
    const param = this.deref(raw)
    const location = str(param.in)
    if (!location || !['path', 'query', 'header', 'cookie'].includes(location)) return undefined
    const name = str(param.name) ?? ''
    const defaultStyle = location === 'query' || location === 'cookie' ? 'form' : 'simple'
    let style = str(param.style) ?? defaultStyle
    let explode = typeof param.explode === 'boolean' ? param.explode : style === 'form'
    let schema: JsonSchema
    if (this.flavour === 'swagger-2.0') {
      const {
        name: _n,
        in: _i,
        required: _r,
        description: _d,
        collectionFormat,
        allowEmptyValue: _a,
        ...rest
      } = param
      schema = this.schema(rest)
      if (collectionFormat === 'multi') [style, explode] = ['form', true]
      else if (collectionFormat === 'ssv') [style, explode] = ['spaceDelimited', false]
      else if (collectionFormat === 'pipes') [style, explode] = ['pipeDelimited', false]
      else if (param.type === 'array') explode = false
    } else if (param.schema !== undefined) {
      schema = this.schema(param.schema)
    } else {
      const [, media] = Object.entries(isObj(param.content) ? param.content : {})[0] ?? []
      schema = this.schema(isObj(media) ? media.schema : undefined)
    }
    return {
      name,
      in: location as ParameterLocation,
      required: location === 'path' ? true : param.required === true,
      deprecated: param.deprecated === true,
      ...(str(param.description) ? { description: str(param.description) } : {}),
      schema,
      style,
      explode,
      examples: this.examples(param, param.schema),
    }
  }

  /** Path-level parameters apply unless the operation overrides the same name+location. */
  parameters(pathLevel: unknown[], operationLevel: unknown[]): NormalizedParameter[] {
    const byKey = new Map<string, NormalizedParameter>()
    for (const raw of [...pathLevel, ...operationLevel]) {
      const param = this.parameter(raw)
      if (param) byKey.set(`${param.in}:${param.name.toLowerCase()}`, param)
    }
    return [...byKey.values()]
  }

  /** Swagger 2 body/formData parameters -> an OAS 3 style request body. */
  swaggerRequestBody(params: unknown[], consumes: string[]): NormalizedOperation['requestBody'] {
    const resolved = params.map((raw) => this.deref(raw))
    const body = resolved.find((param) => param.in === 'body')
    if (body) {
      const media = consumes.length > 0 ? consumes : ['application/json']
      const schema = this.schema(body.schema)
      const examples = this.examples(body, body.schema)
      return {
        required: body.required === true,
        ...(str(body.description) ? { description: str(body.description) } : {}),
        content: Object.fromEntries(
          media.map((type) => [
            type,
            { schema, examples, needsGeneratedExample: examples.length === 0 },
          ]),
        ),
      }
    }
    const form = resolved.filter((param) => param.in === 'formData')
    if (form.length === 0) return undefined
    const properties: Obj = {}
    const required: string[] = []
    const encoding: Record<string, MediaEncoding> = {}
    for (const field of form) {
      const { name, in: _in, required: isRequired, description, collectionFormat, ...rest } = field
      properties[String(name)] = this.schema({ ...rest, ...(description ? { description } : {}) })
      if (isRequired === true) required.push(String(name))
      // Swagger 2 arrays: csv (the default), ssv, pipes, multi (repeated names).
      if (field.type === 'array')
        encoding[String(name)] =
          collectionFormat === 'multi'
            ? { style: 'form', explode: true }
            : collectionFormat === 'ssv'
              ? { style: 'spaceDelimited', explode: false }
              : collectionFormat === 'pipes'
                ? { style: 'pipeDelimited', explode: false }
                : { style: 'form', explode: false }
    }
    const hasFile = form.some((field) => field.type === 'file')
    const media = consumes.filter((type) => /form/.test(type))
    const types =
      media.length > 0
        ? media
        : [hasFile ? 'multipart/form-data' : 'application/x-www-form-urlencoded']
    const schema: JsonSchema = {
      type: 'object',
      properties,
      ...(required.length ? { required } : {}),
    }
    return {
      required: required.length > 0,
      content: Object.fromEntries(
        types.map((type) => [
          type,
          {
            schema,
            examples: [],
            needsGeneratedExample: true,
            ...(Object.keys(encoding).length > 0 ? { encoding } : {}),
          },
        ]),
      ),
    }
  }

  // ---- responses -----------------------------------------------------------

  headers(value: unknown): Record<string, NormalizedHeader> {
    const out: Record<string, NormalizedHeader> = {}
    for (const [name, raw] of Object.entries(isObj(value) ? value : {})) {
      const header = this.deref(raw)
      const schemaSource =
        this.flavour === 'swagger-2.0'
          ? (({ description: _d, ...rest }) => rest)(header)
          : header.schema
      out[name] = {
        required: header.required === true,
        ...(str(header.description) ? { description: str(header.description) } : {}),
        schema: this.schema(schemaSource),
      }
    }
    return out
  }

  responses(value: unknown, produces: string[]): NormalizedResponse[] {
    return Object.entries(isObj(value) ? value : {}).map(([status, raw]) => {
      const response = this.deref(raw)
      let content: Record<string, MediaTypeContent>
      if (this.flavour === 'swagger-2.0') {
        content = {}
        if (response.schema !== undefined) {
          const schema = this.schema(response.schema)
          const named = isObj(response.examples) ? response.examples : {}
          for (const type of produces.length > 0 ? produces : ['application/json']) {
            const examples: NamedExample[] =
              type in named ? [{ name: 'default', value: named[type], source: 'inline' }] : []
            content[type] = { schema, examples, needsGeneratedExample: examples.length === 0 }
          }
        }
      } else {
        content = this.content(response.content)
      }
      const links = this.links(response.links)
      return {
        status,
        description: str(response.description) ?? '',
        headers: this.headers(response.headers),
        content,
        ...(links ? { links } : {}),
      }
    })
  }

  /** OAS 3 response links: the target operation and how its inputs come from this exchange. */
  links(value: unknown): Record<string, NormalizedLink> | undefined {
    if (!isObj(value)) return undefined
    const out: Record<string, NormalizedLink> = {}
    for (const [name, raw] of Object.entries(value)) {
      const link = this.deref(raw)
      const parameters: Record<string, string> = {}
      for (const [param, expression] of Object.entries(
        isObj(link.parameters) ? link.parameters : {},
      ))
        if (typeof expression === 'string' || typeof expression === 'number')
          parameters[param] = String(expression)
      const operationId = str(link.operationId)
      const operationRef = str(link.operationRef)
      if (!operationId && !operationRef) continue
      out[name] = {
        ...(operationId ? { operationId } : {}),
        ...(operationRef ? { operationRef } : {}),
        parameters,
        ...(link.requestBody !== undefined ? { requestBody: link.requestBody } : {}),
        ...(str(link.description) ? { description: str(link.description) } : {}),
      }
    }
    return Object.keys(out).length ? out : undefined
  }

  // ---- security ------------------------------------------------------------

  securitySchemes(): Record<string, NormalizedSecurityScheme> {
    const source =
      this.flavour === 'swagger-2.0'
        ? this.doc.securityDefinitions
        : (this.doc.components as Obj | undefined)?.securitySchemes
    const out: Record<string, NormalizedSecurityScheme> = {}
    for (const [name, raw] of Object.entries(isObj(source) ? source : {})) {
      const scheme = this.deref(raw)
      const description = str(scheme.description)
      const base = { name, ...(description ? { description } : {}) }
      const type = str(scheme.type)
      if (type === 'apiKey') {
        out[name] = {
          ...base,
          kind: 'apiKey',
          in: (str(scheme.in) ?? 'header') as 'header',
          parameterName: str(scheme.name) ?? '',
        }
      } else if (type === 'basic') {
        out[name] = { ...base, kind: 'http-basic', scheme: 'basic' }
      } else if (type === 'http') {
        const httpScheme = (str(scheme.scheme) ?? '').toLowerCase()
        const kind =
          httpScheme === 'basic'
            ? 'http-basic'
            : httpScheme === 'bearer'
              ? 'http-bearer'
              : 'http-other'
        out[name] = {
          ...base,
          kind,
          scheme: httpScheme,
          ...(str(scheme.bearerFormat) ? { bearerFormat: str(scheme.bearerFormat) } : {}),
        }
      } else if (type === 'oauth2') {
        out[name] = { ...base, kind: 'oauth2', flows: this.oauthFlows(scheme) }
      } else if (type === 'openIdConnect') {
        out[name] = {
          ...base,
          kind: 'openIdConnect',
          ...(str(scheme.openIdConnectUrl)
            ? { openIdConnectUrl: str(scheme.openIdConnectUrl) }
            : {}),
        }
      } else if (type === 'mutualTLS') {
        out[name] = { ...base, kind: 'mutualTLS' }
      }
    }
    return out
  }

  private oauthFlows(scheme: Obj): NormalizedSecurityScheme['flows'] {
    const flowUrls = (flow: Obj) => ({
      ...(str(flow.authorizationUrl) ? { authorizationUrl: str(flow.authorizationUrl) } : {}),
      ...(str(flow.tokenUrl) ? { tokenUrl: str(flow.tokenUrl) } : {}),
      ...(str(flow.refreshUrl) ? { refreshUrl: str(flow.refreshUrl) } : {}),
      scopes: (isObj(flow.scopes) ? flow.scopes : {}) as Record<string, string>,
    })
    if (this.flavour === 'swagger-2.0') {
      const names: Record<string, string> = {
        implicit: 'implicit',
        password: 'password',
        application: 'clientCredentials',
        accessCode: 'authorizationCode',
      }
      return { [names[str(scheme.flow) ?? ''] ?? 'unknown']: flowUrls(scheme) }
    }
    return Object.fromEntries(
      Object.entries(isObj(scheme.flows) ? scheme.flows : {}).map(([name, flow]) => [
        name,
        flowUrls(this.deref(flow)),
      ]),
    )
  }

  security(value: unknown): SecurityRequirement[] {
    return asArray(value)
      .filter(isObj)
      .map((requirement) =>
        Object.entries(requirement).map(([scheme, scopes]) => ({
          scheme,
          scopes: asArray<string>(scopes).map(String),
        })),
      )
  }

  // ---- operations ----------------------------------------------------------

  operations(
    pathItems: unknown,
    kind: OperationKind,
    inherited: { security: unknown; consumes: string[]; produces: string[] },
  ): NormalizedOperation[] {
    const result: NormalizedOperation[] = []
    for (const [path, rawItem] of Object.entries(isObj(pathItems) ? pathItems : {})) {
      const item = this.deref(rawItem)
      for (const method of HTTP_METHODS) {
        const op = item[method]
        if (!isObj(op)) continue
        result.push(this.operation(path, method, item, op, kind, inherited))
      }
    }
    return result
  }

  private operation(
    path: string,
    method: string,
    item: Obj,
    op: Obj,
    kind: OperationKind,
    inherited: { security: unknown; consumes: string[]; produces: string[] },
  ): NormalizedOperation {
    const operationId = str(op.operationId)
    const tags = asArray(op.tags).map(String)
    const consumes = asArray<string>(op.consumes).length
      ? asArray<string>(op.consumes)
      : inherited.consumes
    const produces = asArray<string>(op.produces).length
      ? asArray<string>(op.produces)
      : inherited.produces
    const pathParams = asArray(item.parameters)
    const opParams = asArray(op.parameters)
    let requestBody: NormalizedOperation['requestBody']
    if (this.flavour === 'swagger-2.0') {
      requestBody = this.swaggerRequestBody([...pathParams, ...opParams], consumes)
    } else if (op.requestBody !== undefined) {
      const body = this.deref(op.requestBody)
      requestBody = {
        required: body.required === true,
        ...(str(body.description) ? { description: str(body.description) } : {}),
        content: this.content(body.content),
      }
    }
    const callbacks = Object.entries(isObj(op.callbacks) ? op.callbacks : {}).flatMap(
      ([name, raw]) =>
        Object.entries(this.deref(raw)).map(([expression, pathItem]) => ({
          name,
          expression,
          operations: this.operations({ [expression]: pathItem }, 'callback', {
            ...inherited,
            security: [],
          }),
        })),
    )
    // The resource a path is about: `/v1/customers/{id}` is about customers, not v1.
    const named = path.split('/').filter((segment) => segment && !segment.startsWith('{'))
    const firstSegment =
      named.find((segment) => !/^(v\d+(\.\d+)*|api|rest)$/i.test(segment)) ?? named[0] ?? 'default'
    return {
      id: operationId ?? `${method.toUpperCase()} ${path}`,
      ...(operationId ? { operationId } : {}),
      kind,
      method: method.toUpperCase(),
      path,
      ...(str(op.summary) ? { summary: str(op.summary) } : {}),
      ...(str(op.description) ? { description: str(op.description) } : {}),
      tags,
      group: tags[0] ?? (kind === 'webhook' ? 'webhooks' : firstSegment),
      deprecated: op.deprecated === true,
      parameters: this.parameters(pathParams, opParams),
      ...(requestBody ? { requestBody } : {}),
      responses: this.responses(op.responses, produces),
      security: this.security(op.security !== undefined ? op.security : inherited.security),
      callbacks,
      capabilities: [],
    }
  }

  servers(): NormalizedServer[] {
    if (this.flavour === 'swagger-2.0') {
      const host = str(this.doc.host)
      const basePath = (str(this.doc.basePath) ?? '').replace(/\/$/, '')
      const schemes = asArray<string>(this.doc.schemes).length
        ? asArray<string>(this.doc.schemes)
        : ['https']
      if (!host) return [{ url: basePath || '/', basePath, variables: {} }]
      return schemes.map((scheme) => ({
        url: `${scheme}://${host}${basePath}`,
        basePath,
        variables: {},
      }))
    }
    const servers = asArray(this.doc.servers).filter(isObj)
    if (servers.length === 0) return [{ url: '/', basePath: '', variables: {} }]
    return servers.map((server) => {
      const url = str(server.url) ?? '/'
      const variables: NormalizedServer['variables'] = {}
      for (const [name, raw] of Object.entries(isObj(server.variables) ? server.variables : {})) {
        const variable = isObj(raw) ? raw : {}
        variables[name] = {
          default: String(variable.default ?? ''),
          ...(Array.isArray(variable.enum) ? { enum: variable.enum.map(String) } : {}),
          ...(str(variable.description) ? { description: str(variable.description) } : {}),
        }
      }
      const expanded = url.replace(
        /\{([^}]+)\}/g,
        (_, name: string) => variables[name]?.default ?? '',
      )
      let basePath: string
      try {
        basePath = new URL(expanded, 'http://placeholder.invalid').pathname.replace(/\/$/, '')
      } catch {
        basePath = ''
      }
      return {
        url,
        basePath,
        ...(str(server.description) ? { description: str(server.description) } : {}),
        variables,
      }
    })
  }
}

export type NormalizeInput = {
  document: Record<string, unknown>
  flavour: SpecFlavour
  openapiVersion: string
}

/** Capabilities are filled in by capabilities.server.ts. */
export function normalizeSpec({
  document,
  flavour,
  openapiVersion,
}: NormalizeInput): NormalizedSpec {
  const normalizer = new Normalizer(document, flavour)
  normalizer.collectComponentSchemas()
  const info = isObj(document.info) ? document.info : {}
  const inherited = {
    security: document.security ?? [],
    consumes: asArray<string>(document.consumes),
    produces: asArray<string>(document.produces),
  }
  return {
    flavour,
    openapiVersion,
    info: {
      title: str(info.title) ?? 'Untitled API',
      version: str(info.version) ?? String(info.version ?? ''),
      ...(str(info.description) ? { description: str(info.description) } : {}),
    },
    servers: normalizer.servers(),
    tags: asArray(document.tags)
      .filter(isObj)
      .map((tag) => ({
        name: String(tag.name),
        ...(str(tag.description) ? { description: str(tag.description) } : {}),
      })),
    operations: normalizer.operations(document.paths, 'operation', inherited),
    webhooks: normalizer.operations(document.webhooks, 'webhook', { ...inherited, security: [] }),
    schemas: normalizer.schemas,
    securitySchemes: normalizer.securitySchemes(),
    capabilities: [],
    groupCapabilities: {},
  }
}
