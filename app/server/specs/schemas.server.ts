/**
 * One ajv instance per spec version, with the spec's component schemas added
 * once; operation schemas are compiled on first use and cached.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { JsonSchema, NormalizedSpec } from '~/shared/normalized-spec'

const SPEC_ID = 'https://integration-copilot.invalid/spec.json'
const LOCAL_PREFIX = '#/components/schemas/'

/** Operation-level schemas point at `#/components/...`; compiled on their own they must name the spec document. */
function anchorRefs(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object' || schema === null) return schema
  if (Array.isArray(schema))
    return schema.map((item) => anchorRefs(item as JsonSchema)) as unknown as JsonSchema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(LOCAL_PREFIX))
      out[key] = `${SPEC_ID}${value}`
    else
      out[key] =
        typeof value === 'object' && value !== null ? anchorRefs(value as JsonSchema) : value
  }
  return out
}

export class SpecSchemas {
  private readonly ajv: Ajv2020
  private readonly cache = new Map<string, ValidateFunction>()

  constructor(readonly spec: NormalizedSpec) {
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: false,
      validateFormats: true,
      discriminator: false,
      allowUnionTypes: true,
      // parentSchema on errors: `required` of a readOnly/writeOnly property is judged by direction.
      verbose: true,
      // Unknown vendor formats (phone-number, decimal…) are accepted silently, not logged per compile.
      logger: false,
    })
    addFormats(this.ajv)
    this.ajv.addKeyword({ keyword: 'x-discriminator' })
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas: spec.schemas } })
  }

  /** A cached validator for a schema; `key` must identify the schema within this spec. */
  validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.cache.get(key)
    if (!validate) {
      validate = this.ajv.compile(
        typeof schema === 'boolean' ? schema : (anchorRefs(schema) as object),
      )
      this.cache.set(key, validate)
    }
    return validate
  }

  /**
   * Validates `value` and returns its violations. OpenAPI's rule for
   * `required` is applied by direction: a required `readOnly` property may be
   * absent from a request, a required `writeOnly` one from a response.
   */
  check(
    key: string,
    schema: JsonSchema,
    value: unknown,
    direction: 'request' | 'response',
    prefix = 'body',
  ): Violation[] {
    const validate = this.validator(key, schema)
    if (validate(value)) return []
    const skip = direction === 'request' ? 'readOnly' : 'writeOnly'
    const errors = (validate.errors ?? []).filter((error) => {
      if (error.keyword !== 'required') return true
      const missing = String((error.params as { missingProperty?: unknown }).missingProperty)
      const properties = (error.parentSchema as { properties?: Record<string, JsonSchema> })
        ?.properties
      const property = this.resolve(this.unanchor(properties?.[missing]))
      return !(property && typeof property === 'object' && property[skip] === true)
    })
    return toViolations(prefix, errors)
  }

  private unanchor(schema: JsonSchema | undefined): JsonSchema | undefined {
    if (schema && typeof schema === 'object' && typeof schema.$ref === 'string')
      return { ...schema, $ref: schema.$ref.replace(SPEC_ID, '') }
    return schema
  }

  /** Follows a top-level `$ref` into the spec's schemas (for coercion and generation). */
  resolve(schema: JsonSchema | undefined, depth = 0): JsonSchema | undefined {
    if (schema && typeof schema === 'object' && typeof schema.$ref === 'string' && depth < 20) {
      return this.resolve(this.spec.schemas[schema.$ref.split('/').pop()!], depth + 1)
    }
    return schema
  }
}

export type Violation = { location: string; message: string; constraint?: string }

/** ajv errors -> violations located like `query.limit` or `body/items/0/price`. */
/** A union member as a reader names it: its schema's name, or its type. */
function describeMember(member: unknown): string {
  if (!member || typeof member !== 'object') return 'anything'
  const schema = member as Record<string, unknown>
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!
  if (Array.isArray(schema.enum)) return `one of ${JSON.stringify(schema.enum)}`
  if ('const' in schema) return JSON.stringify(schema.const)
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type
  if (type === 'array' && schema.items && typeof schema.items === 'object')
    return `array of ${describeMember(schema.items)}`
  return typeof type === 'string' ? type : 'a schema'
}

/**
 * A value that matches no member of an `anyOf`/`oneOf` is one violation, naming the members
 * ("must be one of: string, array of string"), not one per member's complaint: ajv reports
 * each branch's errors too, and the first of them ("must be string") reads as the whole rule.
 */
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter(
    (error) =>
      (error.keyword === 'anyOf' || error.keyword === 'oneOf') &&
      !(error.params as { passingSchemas?: unknown }).passingSchemas,
  )
  if (unions.length === 0) return errors
  // A member's complaints: under the union's schema path, or (members behind a `$ref` report
  // paths inside their own schema) anywhere at or below a property's union.
  const fromMember = (error: ErrorObject, union: ErrorObject) =>
    error !== union &&
    (error.schemaPath.startsWith(`${union.schemaPath}/`) ||
      (union.instancePath !== '' &&
        (error.instancePath === union.instancePath ||
          error.instancePath.startsWith(`${union.instancePath}/`))))
  return errors
    .filter((error) => !unions.some((union) => fromMember(error, union)))
    .map((error) => {
      if (!unions.includes(error)) return error
      const members = (error.schema ?? []) as unknown[]
      return {
        ...error,
        message: `must be one of: ${members.map(describeMember).join(', ')}`,
      }
    })
}

export function toViolations(
  prefix: string,
  errors: ErrorObject[] | null | undefined,
): Violation[] {
  return collapseUnions(errors ?? []).map((error) => {
    const params = error.params as Record<string, unknown>
    const child =
      error.keyword === 'required'
        ? `/${String(params.missingProperty)}`
        : error.keyword === 'additionalProperties'
          ? `/${String(params.additionalProperty)}`
          : ''
    const constraint =
      error.keyword === 'type'
        ? `type ${String(params.type)}`
        : error.keyword === 'enum'
          ? `one of ${JSON.stringify(params.allowedValues)}`
          : `${error.keyword}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''}`
    return {
      location: `${prefix}${error.instancePath}${child}`,
      // The location already names the property: "body/messages is required", not ajv's
      // "body/messages must have required property 'messages'".
      message:
        error.keyword === 'required'
          ? 'is required'
          : error.keyword === 'additionalProperties'
            ? 'is not allowed (not in the schema)'
            : (error.message ?? 'is invalid'),
      constraint,
    }
  })
}
