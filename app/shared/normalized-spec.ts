/**
 * The one model of a vendor's API that everything downstream consumes (mocks,
 * golden suites, playground, traces, drift, assistant). Produced by
 * app/server/specs/normalize.server.ts from Swagger 2.0, OpenAPI 3.0 or 3.1.
 * Plain JSON: stored as is, no cycles.
 */

/**
 * JSON Schema (2020-12 vocabulary) ready for ajv. References between schemas
 * stay references, always of the form `#/components/schemas/<name>`, resolved
 * against `NormalizedSpec.schemas`; that is how circular schemas survive.
 * OAS 3.0 `nullable` becomes a `null` type, `example` becomes `examples`,
 * `discriminator` is kept as an annotation (`x-discriminator`).
 */
export type JsonSchema = { [keyword: string]: unknown } | boolean

export type SpecFlavour = 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1'

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie'

export type NamedExample = {
  name: string
  value: unknown
  /** `named`: from `examples`; `inline`: from `example` (OAS) or a schema's example. */
  source: 'named' | 'inline'
}

/**
 * How one property of a form body travels (OpenAPI Encoding Object): `style`
 * form / spaceDelimited / pipeDelimited / deepObject, `explode`, and the
 * `contentType` of a multipart part. Absent: OpenAPI's defaults (form, explode).
 */
export type MediaEncoding = {
  contentType?: string
  style?: string
  explode?: boolean
  allowReserved?: boolean
}

export type MediaTypeContent = {
  schema?: JsonSchema
  examples: NamedExample[]
  /** No example is documented: mocks and suites must generate one from the schema. */
  needsGeneratedExample: boolean
  /** Form and multipart bodies: per-property encoding (absent in versions imported before it was kept). */
  encoding?: Record<string, MediaEncoding>
}

export type NormalizedParameter = {
  name: string
  in: ParameterLocation
  required: boolean
  deprecated: boolean
  description?: string
  schema: JsonSchema
  style: string
  explode: boolean
  examples: NamedExample[]
}

export type NormalizedHeader = { required: boolean; description?: string; schema: JsonSchema }

export type NormalizedResponse = {
  status: string
  description: string
  headers: Record<string, NormalizedHeader>
  content: Record<string, MediaTypeContent>
  /** OAS 3 `links` of this response (absent in versions imported before links were kept). */
  links?: Record<string, NormalizedLink>
}

/** An OpenAPI link: the operation it leads to and runtime expressions for its inputs. */
export type NormalizedLink = {
  operationId?: string
  /** `#/paths/~1users~1{id}/get` (a local reference; remote ones are not followed). */
  operationRef?: string
  /** Parameter name (optionally `path.id`) -> runtime expression or constant. */
  parameters: Record<string, string>
  requestBody?: unknown
  description?: string
}

export type SecuritySchemeKind =
  'apiKey' | 'http-basic' | 'http-bearer' | 'http-other' | 'oauth2' | 'openIdConnect' | 'mutualTLS'

export type NormalizedSecurityScheme = {
  name: string
  kind: SecuritySchemeKind
  description?: string
  /** apiKey: where the key travels and its name. */
  in?: 'header' | 'query' | 'cookie'
  parameterName?: string
  /** http: the scheme (basic, bearer, digest, ...) and bearer format. */
  scheme?: string
  bearerFormat?: string
  /** oauth2: flow name -> URLs and scopes. */
  flows?: Record<
    string,
    {
      authorizationUrl?: string
      tokenUrl?: string
      refreshUrl?: string
      scopes: Record<string, string>
    }
  >
  openIdConnectUrl?: string
}

/** One way to satisfy security: every scheme listed is needed (AND); alternatives are separate entries (OR). */
export type SecurityRequirement = { scheme: string; scopes: string[] }[]

export type CapabilityKind =
  | 'auth'
  | 'pagination'
  | 'idempotency'
  | 'rate-limit'
  | 'webhooks'
  | 'callbacks'
  | 'error-schema'
  | 'crud'

export type Capability = {
  kind: CapabilityKind
  /** e.g. `apiKey:header`, `http-bearer`, `cursor`, `offset-limit`, `problem+json`. */
  value: string
  /** What made the call: `query.starting_after`, `header.Idempotency-Key`, `response 429`, ... */
  evidence: string[]
}

export type OperationKind = 'operation' | 'webhook' | 'callback'

export type NormalizedOperation = {
  /** operationId when present, else `METHOD /path`. Stable across re-imports. */
  id: string
  operationId?: string
  kind: OperationKind
  method: string
  /** Path template as written (`/pets/{petId}`), without the server base path. */
  path: string
  summary?: string
  description?: string
  tags: string[]
  /** The API group: first tag, or the first path segment. */
  group: string
  deprecated: boolean
  parameters: NormalizedParameter[]
  requestBody?: {
    required: boolean
    description?: string
    content: Record<string, MediaTypeContent>
  }
  responses: NormalizedResponse[]
  /** Alternatives (OR) of requirements (AND). Empty array: no authentication. */
  security: SecurityRequirement[]
  callbacks: { name: string; expression: string; operations: NormalizedOperation[] }[]
  capabilities: Capability[]
}

export type NormalizedServer = {
  url: string
  /** Path part of the URL (`/v1`), '' when none; requests go to basePath + operation path. */
  basePath: string
  description?: string
  variables: Record<string, { default: string; enum?: string[]; description?: string }>
}

export type NormalizedSpec = {
  flavour: SpecFlavour
  openapiVersion: string
  info: { title: string; version: string; description?: string }
  servers: NormalizedServer[]
  tags: { name: string; description?: string }[]
  operations: NormalizedOperation[]
  webhooks: NormalizedOperation[]
  schemas: Record<string, JsonSchema>
  securitySchemes: Record<string, NormalizedSecurityScheme>
  /** Capabilities found across the API, and per group (tag). */
  capabilities: Capability[]
  groupCapabilities: Record<string, Capability[]>
}

export type SpecWarning = {
  /** 'problem': a violation of the OpenAPI schema that the import set aside; else advice. */
  kind?: 'problem'
  message: string
  pointer: string
  line?: number
  column?: number
  file?: string
}
