/**
 * The operations the playground offers: searched on the server by method,
 * path, summary, operationId and tag across the scope's specs, at most
 * MAX_SEARCH_RESULTS shown, grouped by spec and tag; and the one operation a
 * `?op=` key names, with the cached checker of its spec version.
 */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { plainText } from '~/shared/format'
import {
  type CatalogueEntry,
  type CatalogueGroup,
  type CatalogueView,
  MAX_SEARCH_RESULTS,
} from '~/shared/playground'
import { notFound } from '../http.server'
import type { ExchangeChecker } from '../specs/exchange.server'
import { checkerFor } from '../traces/match.server'
import { requireScopedSpec, type PlaygroundScope, type ScopedSpec } from './scope.server'

/** `?op=` is the spec id (a cuid, no colon) and the operation id, joined by a colon. */
export function operationKey(specId: string, operationId: string): string {
  return `${specId}:${operationId}`
}

export function parseOperationKey(key: string): { specId: string; operationId: string } | null {
  const colon = key.indexOf(':')
  if (colon <= 0 || colon === key.length - 1) return null
  return { specId: key.slice(0, colon), operationId: key.slice(colon + 1) }
}

type IndexedOperation = { entry: Omit<CatalogueEntry, 'key'>; tag: string; haystack: string }

/** Per spec version (versions never change): each operation's row and its lower-case search text. */
const indexes = new Map<string, IndexedOperation[]>()
const INDEXES_KEPT = 12

function indexOf(versionId: string, operations: NormalizedOperation[]): IndexedOperation[] {
  const kept = indexes.get(versionId)
  if (kept) return kept
  const index = operations.map((operation) => {
    const summary = operation.summary ? plainText(operation.summary).slice(0, 160) : null
    const tag = operation.tags[0] ?? operation.group
    return {
      entry: {
        method: operation.method.toUpperCase(),
        path: operation.path,
        summary,
        operationId: operation.operationId ?? null,
        deprecated: operation.deprecated,
      },
      tag,
      haystack: [
        operation.method,
        operation.path,
        summary ?? '',
        operation.operationId ?? '',
        operation.id,
        ...operation.tags,
      ]
        .join(' ')
        .toLowerCase(),
    }
  })
  indexes.set(versionId, index)
  if (indexes.size > INDEXES_KEPT) indexes.delete(indexes.keys().next().value!)
  return index
}

/** Every word of the query must appear (`post orders`, `/v1/charges`, `createCustomer`). */
export async function searchOperations(specs: ScopedSpec[], query: string): Promise<CatalogueView> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10)
  const groups: CatalogueGroup[] = []
  let matched = 0
  let total = 0
  for (const spec of specs) {
    const checker = await checkerFor(spec.versionId)
    const operations = checker.spec.operations
    total += operations.length
    const index = indexOf(spec.versionId, operations)
    for (let position = 0; position < index.length; position++) {
      const indexed = index[position]!
      if (!words.every((word) => indexed.haystack.includes(word))) continue
      matched++
      if (matched > MAX_SEARCH_RESULTS) continue
      let group = groups.find((entry) => entry.specId === spec.specId && entry.tag === indexed.tag)
      if (!group) {
        group = { specId: spec.specId, specName: spec.specName, tag: indexed.tag, operations: [] }
        groups.push(group)
      }
      group.operations.push({
        key: operationKey(spec.specId, operations[position]!.id),
        ...indexed.entry,
      })
    }
  }
  return {
    query,
    groups,
    matched,
    shown: Math.min(matched, MAX_SEARCH_RESULTS),
    total,
  }
}

export type ResolvedOperation = {
  spec: ScopedSpec
  operation: NormalizedOperation
  checker: ExchangeChecker
}

/** The operation `key` names, in a spec the scope sees; a 404 otherwise. */
export async function requireOperation(
  scope: PlaygroundScope,
  key: string,
): Promise<ResolvedOperation> {
  const parsed = parseOperationKey(key)
  if (!parsed) throw notFound('That operation does not exist here.')
  const spec = await requireScopedSpec(scope, parsed.specId)
  const checker = await checkerFor(spec.versionId)
  const operation = checker.spec.operations.find((entry) => entry.id === parsed.operationId)
  if (!operation) throw notFound('That operation does not exist in the latest version of its spec.')
  return { spec, operation, checker }
}
