/** Slices of a NormalizedSpec for the operation browser: a group's list, one operation's detail. */
import type {
  JsonSchema,
  MediaTypeContent,
  NormalizedOperation,
  NormalizedSpec,
} from '~/shared/normalized-spec'
import { plainText } from '~/shared/format'
import { schemaView, type ViewBudget } from './schema-view.server'

/** Example text per example, and per page: beyond them, a note says what was cut. */
const EXAMPLE_CHARS = 16_000
const PAGE_EXAMPLE_CHARS = 64_000

export function groupsOf(spec: NormalizedSpec) {
  const counts = new Map<string, number>()
  for (const operation of [...spec.operations, ...spec.webhooks])
    counts.set(operation.group, (counts.get(operation.group) ?? 0) + 1)
  return [...counts.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

const allOperations = (spec: NormalizedSpec) => [...spec.operations, ...spec.webhooks]

/** One row per operation of a group: what the list shows. */
export function operationRows(spec: NormalizedSpec, group: string | null) {
  return allOperations(spec)
    .filter((operation) => operation.group === group)
    .map((operation) => ({
      id: operation.id,
      method: operation.method,
      path: operation.path,
      kind: operation.kind,
      deprecated: operation.deprecated,
      ...(operation.summary ? { summary: plainText(operation.summary).slice(0, 200) } : {}),
    }))
}

export function findOperation(spec: NormalizedSpec, id: string): NormalizedOperation | undefined {
  return allOperations(spec).find((operation) => operation.id === id)
}

/** The operations before and after this one in its group, for paging through. */
export function neighbours(spec: NormalizedSpec, operation: NormalizedOperation) {
  const group = allOperations(spec).filter((entry) => entry.group === operation.group)
  const index = group.indexOf(operation)
  const link = (entry: NormalizedOperation | undefined) =>
    entry ? { id: entry.id, method: entry.method, path: entry.path } : null
  return { previous: link(group[index - 1]), next: link(group[index + 1]) }
}

function exampleText(value: unknown, left: { chars: number }) {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'null')
  const limit = Math.max(0, Math.min(EXAMPLE_CHARS, left.chars))
  left.chars -= Math.min(text.length, limit)
  return text.length > limit
    ? { text: text.slice(0, limit), cutChars: text.length - limit }
    : { text, cutChars: 0 }
}

function mediaViews(
  content: Record<string, MediaTypeContent>,
  schemas: Record<string, JsonSchema>,
  prefix: string,
  budget: ViewBudget,
  examples: { chars: number },
) {
  return Object.entries(content).map(([type, media]) => ({
    type,
    schema: schemaView(media.schema, schemas, `${prefix}/${type.replace(/\//g, '~1')}`, budget),
    examples: media.examples.slice(0, 10).map((example) => ({
      name: example.name,
      ...exampleText(example.value, examples),
    })),
    moreExamples: Math.max(0, media.examples.length - 10),
  }))
}

/** Everything the operation page shows, trees bounded by `budget`. */
export function operationDetail(
  spec: NormalizedSpec,
  operation: NormalizedOperation,
  budget: ViewBudget,
) {
  const examples = { chars: PAGE_EXAMPLE_CHARS }
  return {
    id: operation.id,
    method: operation.method,
    path: operation.path,
    kind: operation.kind,
    group: operation.group,
    deprecated: operation.deprecated,
    summary: operation.summary ? plainText(operation.summary) : null,
    description: operation.description ? plainText(operation.description).slice(0, 4000) : null,
    capabilities: operation.capabilities,
    security: operation.security,
    parameters: operation.parameters.map((parameter) => ({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required,
      deprecated: parameter.deprecated,
      description: parameter.description ? plainText(parameter.description).slice(0, 1000) : null,
      schema: schemaView(
        parameter.schema,
        spec.schemas,
        `parameter/${parameter.in}/${parameter.name.replace(/\//g, '~1')}`,
        budget,
      ),
    })),
    requestBody: operation.requestBody
      ? {
          required: operation.requestBody.required,
          description: operation.requestBody.description
            ? plainText(operation.requestBody.description).slice(0, 1000)
            : null,
          content: mediaViews(
            operation.requestBody.content,
            spec.schemas,
            'request',
            budget,
            examples,
          ),
        }
      : null,
    responses: operation.responses.map((response) => ({
      status: response.status,
      description: plainText(response.description).slice(0, 1000),
      headers: Object.keys(response.headers),
      content: mediaViews(
        response.content,
        spec.schemas,
        `response/${response.status}`,
        budget,
        examples,
      ),
    })),
    callbacks: operation.callbacks.map((callback) => ({
      name: callback.name,
      expression: callback.expression,
      operations: callback.operations.map((entry) => ({ method: entry.method, path: entry.path })),
    })),
  }
}
