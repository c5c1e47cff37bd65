/**
 * The form of one operation, filled from the spec: its path, query and header
 * parameters (credentials excluded: the environment supplies them), each with
 * its documented example or, when required, a generated valid value; the body
 * media type the test kit would send and a body from the examples, JSON
 * pretty-printed.
 */
import type { NormalizedOperation, NormalizedParameter } from '~/shared/normalized-spec'
import type { DraftParam, DraftView, ParamField, ParamLocation } from '~/shared/playground'
import type { SpecSchemas } from '../specs/schemas.server'
import {
  bodyMediaType,
  bodyValue,
  isAuthParameter,
  parameterValue,
  serialiseParameter,
} from '../testkit/inputs.server'

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)$/i
const JSON_TYPE = /[/+]json$/i

/** Parameters the form offers: path, query and header, without those that carry credentials. */
export function formParameters(
  operation: NormalizedOperation,
  schemas: SpecSchemas,
): NormalizedParameter[] {
  return operation.parameters.filter(
    (param) =>
      (param.in === 'path' || param.in === 'query' || param.in === 'header') &&
      !isAuthParameter(schemas.spec, param),
  )
}

function schemaType(schemas: SpecSchemas, param: NormalizedParameter): string | null {
  const schema = schemas.resolve(param.schema)
  if (!schema || typeof schema !== 'object') return null
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type
  return typeof type === 'string' ? type : null
}

export function paramFields(operation: NormalizedOperation, schemas: SpecSchemas): ParamField[] {
  return formParameters(operation, schemas).map((param) => ({
    in: param.in as ParamLocation,
    name: param.name,
    required: param.required,
    deprecated: param.deprecated,
    description: param.description?.slice(0, 500) ?? null,
    type: schemaType(schemas, param),
    notes: [],
  }))
}

/** A parameter's value as one text input holds it (several values of an array joined by commas). */
function prefillParameter(
  operation: NormalizedOperation,
  param: NormalizedParameter,
  schemas: SpecSchemas,
): string {
  if (!param.required && param.in !== 'path' && param.examples.length === 0) return ''
  const value = parameterValue(operation, param, schemas, `playground|${operation.id}`)
  if (value === undefined) return ''
  return serialiseParameter(param, value)
    .map(([, text]) => text)
    .join(',')
}

/** The body as the editor shows it: JSON pretty-printed; a text body as its text. */
function prefillBody(operation: NormalizedOperation, schemas: SpecSchemas) {
  const chosen = bodyMediaType(operation)
  if (!chosen) return { mediaType: null, body: '' }
  const [mediaType, media] = chosen
  const value = bodyValue(operation, mediaType, media, schemas, `playground|${operation.id}`)
  if (value === undefined) return { mediaType, body: '' }
  const type = mediaType.split(';')[0]!.trim()
  if (typeof value === 'string' && !JSON_TYPE.test(type) && !FORM_TYPES.test(type))
    return { mediaType, body: value }
  return { mediaType, body: JSON.stringify(value, null, 2) }
}

export function prefillDraft(
  op: string,
  env: string,
  operation: NormalizedOperation,
  schemas: SpecSchemas,
): DraftView {
  const params: DraftParam[] = formParameters(operation, schemas).map((param) => ({
    in: param.in as ParamLocation,
    name: param.name,
    value: prefillParameter(operation, param, schemas),
  }))
  return { op, env, params, headers: '', ...prefillBody(operation, schemas) }
}

/** The media types the body may be sent as (the form's choice). */
export function bodyMediaTypes(operation: NormalizedOperation): string[] {
  return Object.keys(operation.requestBody?.content ?? {})
}

/** Whether the editor's text is decoded as JSON before sending (JSON and form bodies). */
export function bodyIsJson(mediaType: string | null): boolean {
  if (!mediaType) return true
  const type = mediaType.split(';')[0]!.trim()
  return JSON_TYPE.test(type) || FORM_TYPES.test(type)
}
