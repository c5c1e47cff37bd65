/**
 * Saved playground requests of one user in one project (or partner project):
 * named templates, and the history of sends of which the last HISTORY_KEPT are
 * kept. Only what the user typed is stored, never an injected credential.
 * Every query is scoped by user, project and partner project: another
 * person's id is a 404.
 */
import { z } from 'zod'
import { HISTORY_KEPT, type DraftParam, PARAM_LOCATIONS } from '~/shared/playground'
import { db } from '../db.server'
import { notFound } from '../http.server'
import type { PlaygroundScope } from './scope.server'

/** The stored request: what the form held. */
const StoredRequestSchema = z.object({
  pathParams: z.record(z.string(), z.string()).catch({}),
  query: z.array(z.tuple([z.string(), z.string()])).catch([]),
  headers: z.array(z.tuple([z.string(), z.string()])).catch([]),
  /** Extra header lines as typed. */
  extraHeaders: z.string().catch(''),
  mediaType: z.string().nullable().catch(null),
  body: z.string().catch(''),
})
export type StoredRequest = z.infer<typeof StoredRequestSchema>

const OutcomeSchema = z.object({
  status: z.number().nullable().catch(null),
  durationMs: z.number().nullable().catch(null),
  violations: z
    .array(z.object({ side: z.string(), location: z.string(), message: z.string() }))
    .catch([]),
  error: z.string().nullable().catch(null),
  method: z.string().catch(''),
  path: z.string().catch(''),
})
export type StoredOutcome = z.infer<typeof OutcomeSchema>

export function toStoredRequest(draft: {
  params: DraftParam[]
  headers: string
  mediaType: string | null
  body: string
}): StoredRequest {
  const byLocation = (location: string) =>
    draft.params
      .filter((param) => param.in === location)
      .map((param): [string, string] => [param.name, param.value])
  return {
    pathParams: Object.fromEntries(byLocation('path')),
    query: byLocation('query'),
    headers: byLocation('header'),
    extraHeaders: draft.headers,
    mediaType: draft.mediaType,
    body: draft.body,
  }
}

/** A stored JSON column read through its schema (every field has a fallback, so it never fails). */
function readJson<T>(text: string, schema: z.ZodType<T>): T {
  let value: unknown = {}
  try {
    value = JSON.parse(text)
  } catch {
    value = {}
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : schema.parse({})
}

export const readStoredRequest = (text: string) => readJson(text, StoredRequestSchema)
export const readOutcome = (text: string) => readJson(text, OutcomeSchema)

/** The form's parameters from a stored request. */
export function storedParams(stored: StoredRequest): DraftParam[] {
  return [
    ...Object.entries(stored.pathParams).map(([name, value]) => ({
      in: 'path' as const,
      name,
      value,
    })),
    ...stored.query.map(([name, value]) => ({ in: 'query' as const, name, value })),
    ...stored.headers.map(([name, value]) => ({ in: 'header' as const, name, value })),
  ].filter((param) => PARAM_LOCATIONS.includes(param.in))
}

const scoped = (scope: PlaygroundScope) => ({
  userId: scope.userId,
  projectId: scope.projectId,
  partnerProjectId: scope.partnerProjectId,
})

type SaveInput = {
  specId: string
  operationId: string
  environmentId: string | null
  request: StoredRequest
}

export async function saveTemplate(scope: PlaygroundScope, name: string, input: SaveInput) {
  return db.playgroundRequest.create({
    data: {
      ...scoped(scope),
      kind: 'template',
      name,
      specId: input.specId,
      operationId: input.operationId,
      environmentId: input.environmentId,
      request: JSON.stringify(input.request),
    },
  })
}

/** Records a send and keeps only the newest HISTORY_KEPT of the scope. */
export async function recordHistory(
  scope: PlaygroundScope,
  input: SaveInput & { outcome: StoredOutcome },
) {
  const row = await db.playgroundRequest.create({
    data: {
      ...scoped(scope),
      kind: 'history',
      specId: input.specId,
      operationId: input.operationId,
      environmentId: input.environmentId,
      request: JSON.stringify(input.request),
      outcome: JSON.stringify(input.outcome),
    },
  })
  const stale = await db.playgroundRequest.findMany({
    where: { ...scoped(scope), kind: 'history' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: HISTORY_KEPT,
    select: { id: true },
  })
  if (stale.length > 0)
    await db.playgroundRequest.deleteMany({
      where: { id: { in: stale.map((entry) => entry.id) }, ...scoped(scope) },
    })
  return row
}

export function listSaved(scope: PlaygroundScope, kind: 'template' | 'history') {
  return db.playgroundRequest.findMany({
    where: { ...scoped(scope), kind },
    orderBy: kind === 'template' ? [{ name: 'asc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
    take: HISTORY_KEPT,
  })
}

/** One of the scope's own saved requests; a 404 for anyone else's. */
export async function requireSaved(scope: PlaygroundScope, id: string) {
  const row =
    id.length <= 100
      ? await db.playgroundRequest.findFirst({ where: { id, ...scoped(scope) } })
      : null
  if (!row) throw notFound('That saved request does not exist here.')
  return row
}

export async function deleteSaved(scope: PlaygroundScope, id: string) {
  const row = await requireSaved(scope, id)
  await db.playgroundRequest.delete({ where: { id: row.id } })
  return row
}
