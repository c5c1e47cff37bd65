import type { JsonSchema } from '~/shared/normalized-spec'

const MAX_DEPTH = 5

function refName(ref: string) {
  return ref.split('/').pop() ?? ref
}

function typeLabel(schema: Record<string, unknown>): string {
  if (typeof schema.$ref === 'string') return refName(schema.$ref)
  const type = Array.isArray(schema.type)
    ? schema.type.join(' | ')
    : (schema.type as string | undefined)
  if (type === 'array' && schema.items && typeof schema.items === 'object') {
    return `array of ${typeLabel(schema.items as Record<string, unknown>)}`
  }
  if (schema.oneOf) return 'one of'
  if (schema.anyOf) return 'any of'
  if (schema.allOf) return 'all of'
  return [type ?? 'any', schema.format ? `(${String(schema.format)})` : '']
    .filter(Boolean)
    .join(' ')
}

function Constraints({ schema }: { schema: Record<string, unknown> }) {
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
    if (key in schema) parts.push(`${key}: ${JSON.stringify(schema[key])}`)
  }
  if (Array.isArray(schema.enum))
    parts.push(`enum: ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`)
  if (schema.readOnly) parts.push('read-only')
  if (schema.writeOnly) parts.push('write-only')
  if (schema.deprecated) parts.push('deprecated')
  if (parts.length === 0) return null
  return <span className="ml-2 text-xs text-slate-500">{parts.join(' · ')}</span>
}

type Props = {
  schema: JsonSchema | undefined
  schemas: Record<string, JsonSchema>
  depth?: number
  seen?: string[]
}

/** A readable, nested view of a JSON Schema; references expand a few levels deep and never loop. */
export function SchemaTree({ schema, schemas, depth = 0, seen = [] }: Props) {
  if (schema === undefined) return <span className="text-xs text-slate-500">no schema</span>
  if (typeof schema === 'boolean')
    return <span className="font-mono text-xs">{schema ? 'any value' : 'nothing'}</span>
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref)
    const target = schemas[name]
    if (target === undefined || seen.includes(name) || depth >= MAX_DEPTH) {
      return (
        <span className="font-mono text-xs text-indigo-700">
          {name}
          {seen.includes(name) ? ' (circular)' : ''}
        </span>
      )
    }
    return <SchemaTree schema={target} schemas={schemas} depth={depth} seen={[...seen, name]} />
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  const variants = (schema.oneOf ?? schema.anyOf ?? schema.allOf) as JsonSchema[] | undefined
  const items = schema.items as JsonSchema | undefined
  return (
    <div className="text-sm">
      <span className="font-mono text-xs text-slate-700">{typeLabel(schema)}</span>
      <Constraints schema={schema} />
      {typeof schema.description === 'string' ? (
        <p className="text-xs text-slate-500">{schema.description}</p>
      ) : null}
      {Object.keys(properties).length > 0 && depth < MAX_DEPTH ? (
        <ul className="mt-1 space-y-1 border-l border-slate-200 pl-3">
          {Object.entries(properties).map(([name, child]) => (
            <li key={name}>
              <span className="font-mono text-xs font-semibold text-slate-900">{name}</span>
              {required.has(name) ? (
                <span className="ml-1 text-xs text-red-700">required</span>
              ) : null}
              <span className="mx-1 text-slate-400">:</span>
              <SchemaTree schema={child} schemas={schemas} depth={depth + 1} seen={seen} />
            </li>
          ))}
        </ul>
      ) : null}
      {variants && depth < MAX_DEPTH ? (
        <ul className="mt-1 space-y-1 border-l border-dashed border-slate-300 pl-3">
          {variants.map((variant, index) => (
            <li key={index}>
              <SchemaTree schema={variant} schemas={schemas} depth={depth + 1} seen={seen} />
            </li>
          ))}
        </ul>
      ) : null}
      {items && typeof items === 'object' && !('$ref' in items) && depth < MAX_DEPTH ? (
        <div className="mt-1 border-l border-slate-200 pl-3">
          <SchemaTree schema={items} schemas={schemas} depth={depth + 1} seen={seen} />
        </div>
      ) : null}
    </div>
  )
}
