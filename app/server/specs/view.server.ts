/** Slices of a NormalizedSpec for the operation browser (large specs are shown one group at a time). */
import type { JsonSchema, NormalizedOperation, NormalizedSpec } from '~/shared/normalized-spec'

const MAX_SCHEMAS = 400

export function groupsOf(spec: NormalizedSpec) {
  const counts = new Map<string, number>()
  for (const operation of [...spec.operations, ...spec.webhooks])
    counts.set(operation.group, (counts.get(operation.group) ?? 0) + 1)
  return [...counts.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The component schemas the given operations reach, transitively, capped. */
export function reachableSchemas(
  spec: NormalizedSpec,
  operations: NormalizedOperation[],
): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {}
  const stack: unknown[] = [operations]
  while (stack.length > 0 && Object.keys(result).length < MAX_SCHEMAS) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    const ref = (node as { $ref?: unknown }).$ref
    if (typeof ref === 'string') {
      const name = ref.split('/').pop()!
      if (!(name in result) && spec.schemas[name] !== undefined) {
        result[name] = spec.schemas[name]!
        stack.push(spec.schemas[name])
      }
      continue
    }
    stack.push(...Object.values(node))
  }
  return result
}
