/** The JSON API's side of the assistant: an operation named without its spec, found in the project's latest spec versions. */
import type { AssistantSubject } from '~/shared/assistant'
import { db } from '../db.server'
import { versionSpec } from '../specs/store.server'
import { findOperation } from '../specs/view.server'
import { AssistantError } from './scope.server'

export async function resolveOperation(
  projectId: string,
  operationId: string,
  specId?: string,
): Promise<Extract<AssistantSubject, { kind: 'operation' }>> {
  if (specId) return { kind: 'operation', specId, operationId }
  const specs = await db.spec.findMany({
    where: { projectId },
    select: {
      id: true,
      versions: { orderBy: { number: 'desc' }, take: 1, select: { id: true } },
    },
  })
  const matches: string[] = []
  for (const spec of specs) {
    const version = spec.versions[0]
    if (version && findOperation(await versionSpec(version.id), operationId)) matches.push(spec.id)
  }
  if (matches.length === 0)
    throw new AssistantError(`No spec of this project has the operation “${operationId}”.`, 404)
  if (matches.length > 1)
    throw new AssistantError(
      `${matches.length} specs of this project have the operation “${operationId}”: send its specId too.`,
      400,
    )
  return { kind: 'operation', specId: matches[0]!, operationId }
}
