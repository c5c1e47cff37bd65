/** The blueprint: a Markdown document of the API, generated from the NormalizedSpec. */
import type {
  Capability,
  JsonSchema,
  MediaTypeContent,
  NormalizedOperation,
  NormalizedSpec,
} from '~/shared/normalized-spec'

const MAX_EXAMPLE_CHARS = 1500

/** A one-line type summary: `Pet`, `array<Pet>`, `string(date-time)`, `object{id, name}`. */
export function schemaSummary(schema: JsonSchema | undefined): string {
  if (schema === undefined) return '—'
  if (typeof schema === 'boolean') return schema ? 'any' : 'never'
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!
  const type = Array.isArray(schema.type)
    ? schema.type.join('|')
    : (schema.type as string | undefined)
  if (type === 'array') return `array<${schemaSummary(schema.items as JsonSchema | undefined)}>`
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (Array.isArray(schema[key]))
      return `${key}(${(schema[key] as JsonSchema[]).map(schemaSummary).join(', ')})`
  }
  if (type === 'object' || schema.properties) {
    const names = Object.keys((schema.properties ?? {}) as object)
    return names.length
      ? `object{${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}}`
      : 'object'
  }
  const enumValues = Array.isArray(schema.enum)
    ? ` enum(${schema.enum.map((value) => JSON.stringify(value)).join(', ')})`
    : ''
  return `${type ?? 'any'}${schema.format ? `(${String(schema.format)})` : ''}${enumValues}`
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function capabilityLine(capabilities: Capability[]) {
  return capabilities.map((capability) => `${capability.kind}: ${capability.value}`).join(' · ')
}

function example(media: MediaTypeContent): string[] {
  const first = media.examples[0]
  if (!first) return []
  let text = JSON.stringify(first.value, null, 2) ?? 'null'
  if (text.length > MAX_EXAMPLE_CHARS) text = `${text.slice(0, MAX_EXAMPLE_CHARS)}\n…`
  return ['', `Example (${first.name}):`, '', '```json', text, '```']
}

/**
 * A vendor's note on an operation, as the blueprint prints it (the annotations area
 * passes its rows; the spec engine does not read them itself).
 */
export type BlueprintAnnotation = {
  operationId: string
  type: string
  /** "" for the whole operation. */
  fieldPath: string
  /** Markdown, printed as written. */
  body: string
  orphanedVersion?: number | null
}

const NOTE_LABELS: Record<string, string> = {
  auth_note: 'Authentication',
  field_note: 'Field',
  error_note: 'Errors',
  condition_note: 'Conditions',
}

/** Each note as a block quote, so its own headings and lists stay inside it. */
function notesSection(notes: BlueprintAnnotation[]): string[] {
  if (notes.length === 0) return []
  const lines = ['', 'Notes from the API team:']
  for (const note of notes) {
    const where = note.fieldPath
      ? `\`${note.fieldPath.replace(/`/g, "'")}\``
      : 'the whole operation'
    const removed = note.orphanedVersion ? ` (removed in version ${note.orphanedVersion})` : ''
    lines.push(
      '',
      `- **${NOTE_LABELS[note.type] ?? note.type}** on ${where}${removed}:`,
      '',
      ...note.body.split('\n').map((line) => (line ? `  > ${line}` : '  >')),
    )
  }
  return lines
}

function operationSection(
  operation: NormalizedOperation,
  notes: BlueprintAnnotation[] = [],
): string[] {
  const lines = [
    `### ${operation.method} ${operation.path}${operation.deprecated ? ' (deprecated)' : ''}`,
    '',
  ]
  if (operation.summary) lines.push(operation.summary, '')
  lines.push(`- Operation id: \`${operation.id}\``)
  const security = operation.security
    .map((requirement) => requirement.map((entry) => entry.scheme).join(' + ') || 'none')
    .join(' or ')
  lines.push(`- Authentication: ${security || 'none'}`)
  if (operation.capabilities.length)
    lines.push(`- Capabilities: ${capabilityLine(operation.capabilities)}`)
  if (operation.parameters.length) {
    lines.push('', '| Parameter | In | Required | Type |', '|---|---|---|---|')
    for (const param of operation.parameters)
      lines.push(
        `| \`${cell(param.name)}\` | ${param.in} | ${param.required ? 'yes' : 'no'} | ${cell(schemaSummary(param.schema))} |`,
      )
  }
  if (operation.requestBody) {
    lines.push('', `Request body${operation.requestBody.required ? ' (required)' : ''}:`)
    for (const [type, media] of Object.entries(operation.requestBody.content))
      lines.push(`- \`${type}\`: ${schemaSummary(media.schema)}`, ...example(media))
  }
  lines.push('', 'Responses:')
  for (const response of operation.responses) {
    const media = Object.entries(response.content)
    lines.push(
      `- **${response.status}** ${response.description}${media.length ? `: ${media.map(([type, content]) => `\`${type}\` ${schemaSummary(content.schema)}`).join(', ')}` : ''}`,
    )
  }
  const firstSuccess = operation.responses.find((response) => /^2/.test(response.status))
  const successMedia = firstSuccess ? Object.values(firstSuccess.content)[0] : undefined
  if (successMedia) lines.push(...example(successMedia))
  lines.push(...notesSection(notes))
  return [...lines, '']
}

/** The blueprint; `annotations` (optional) are printed under their operations. */
export function blueprintMarkdown(
  spec: NormalizedSpec,
  annotations: BlueprintAnnotation[] = [],
): string {
  const notes = new Map<string, BlueprintAnnotation[]>()
  for (const note of annotations)
    notes.set(note.operationId, [...(notes.get(note.operationId) ?? []), note])
  const lines = [`# ${spec.info.title} ${spec.info.version}`, '']
  if (spec.info.description) lines.push(spec.info.description.trim(), '')
  lines.push(
    `Format: ${spec.flavour === 'swagger-2.0' ? 'Swagger 2.0' : `OpenAPI ${spec.openapiVersion}`} · ${spec.operations.length} operations${spec.webhooks.length ? ` · ${spec.webhooks.length} webhooks` : ''}`,
    '',
  )
  lines.push('## Environments', '')
  for (const server of spec.servers)
    lines.push(`- \`${server.url}\`${server.description ? ` — ${server.description}` : ''}`)
  lines.push('', '## Authentication', '')
  const schemes = Object.values(spec.securitySchemes)
  if (schemes.length === 0) lines.push('No security schemes are declared.')
  for (const scheme of schemes) {
    const detail =
      scheme.kind === 'apiKey'
        ? ` in ${scheme.in} \`${scheme.parameterName}\``
        : scheme.flows
          ? ` (flows: ${Object.keys(scheme.flows).join(', ')})`
          : ''
    lines.push(
      `- **${scheme.name}**: ${scheme.kind}${detail}${scheme.description ? ` — ${scheme.description}` : ''}`,
    )
  }
  lines.push('', '## Capabilities', '')
  if (spec.capabilities.length === 0) lines.push('None detected.')
  for (const capability of spec.capabilities)
    lines.push(
      `- **${capability.kind}**: ${capability.value} (evidence: ${capability.evidence.slice(0, 3).join('; ')}${capability.evidence.length > 3 ? '; …' : ''})`,
    )
  const groups = new Map<string, NormalizedOperation[]>()
  for (const operation of [...spec.operations, ...spec.webhooks])
    groups.set(operation.group, [...(groups.get(operation.group) ?? []), operation])
  for (const [group, operations] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push('', `## ${group}`, '')
    for (const operation of operations)
      lines.push(...operationSection(operation, notes.get(operation.id)))
  }
  return `${lines.join('\n').trimEnd()}\n`
}
