/** Import warnings: worth fixing, never blocking. */
import type { NormalizedSpec, SpecWarning } from '~/shared/normalized-spec'

const MAX_PER_RULE = 50

function pointerFor(path: string, method: string) {
  return `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}`
}

function collectRefs(value: unknown, into: Set<string>) {
  const stack = [value]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    if (!Array.isArray(node) && typeof (node as { $ref?: unknown }).$ref === 'string')
      into.add((node as { $ref: string }).$ref)
    stack.push(...Object.values(node))
  }
}

export function specWarnings(spec: NormalizedSpec): SpecWarning[] {
  const warnings: SpecWarning[] = []
  const push = (rule: string, warning: SpecWarning) => {
    const count = warnings.filter((entry) => entry.message.startsWith(rule)).length
    if (count < MAX_PER_RULE) warnings.push(warning)
  }
  for (const operation of spec.operations) {
    const pointer = pointerFor(operation.path, operation.method)
    const where = `${operation.method} ${operation.path}`
    if (!operation.operationId)
      push('Missing operationId', {
        message: `Missing operationId: ${where} is identified by method and path.`,
        pointer,
      })
    const success = operation.responses.filter((response) => /^2/.test(response.status))
    if (success.length === 0)
      push('No 2xx response', {
        message: `No 2xx response: ${where} documents no success response.`,
        pointer: `${pointer}/responses`,
      })
    const withBody = success.flatMap((response) => Object.values(response.content))
    if (withBody.length > 0 && withBody.every((media) => media.examples.length === 0)) {
      push('Missing examples', {
        message: `Missing examples: ${where} has no example for its success response (mocks will generate one).`,
        pointer: `${pointer}/responses`,
      })
    }
  }
  const used = new Set<string>()
  collectRefs([spec.operations, spec.webhooks], used)
  // References between schemas count too, transitively from the operations.
  let grew = true
  while (grew) {
    const before = used.size
    for (const ref of [...used]) collectRefs(spec.schemas[ref.split('/').pop() ?? ''], used)
    grew = used.size > before
  }
  for (const name of Object.keys(spec.schemas)) {
    if (name.startsWith('_ref')) continue
    if (!used.has(`#/components/schemas/${name}`)) {
      const pointer =
        spec.flavour === 'swagger-2.0' ? `/definitions/${name}` : `/components/schemas/${name}`
      push('Unused component', {
        message: `Unused component: schema "${name}" is not referenced by any operation.`,
        pointer,
      })
    }
  }
  return warnings
}
