/**
 * The playground page of a scope: the operation search, the environments, the
 * chosen operation (from `?op=` or a saved request's `?template=`) with its
 * form prefilled, the vendor's notes, snippets of the request as it stands,
 * and the user's templates and history.
 */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import type { DraftView, PlaygroundView, SavedView, SelectedOperation } from '~/shared/playground'
import { plainText } from '~/shared/format'
import { appOrigin } from '../http.server'
import { checkerFor } from '../traces/match.server'
import {
  operationKey,
  requireOperation,
  type ResolvedOperation,
  searchOperations,
} from './catalogue.server'
import { notesOnOperation, operationNotes, withParamNotes } from './notes.server'
import { bodyMediaTypes, paramFields, prefillDraft } from './prefill.server'
import { draftSnippets } from './request.server'
import {
  listSaved,
  readOutcome,
  readStoredRequest,
  requireSaved,
  storedParams,
} from './saved.server'
import {
  defaultEnvironment,
  type PlaygroundScope,
  scopeEnvironments,
  scopeSpecs,
  type ScopedSpec,
} from './scope.server'
import { resolveTarget } from './target.server'

export type PlaygroundQuery = {
  q: string
  op: string | null
  env: string | null
  template: string | null
}

/** `?q=&op=&env=&template=`, each capped (anything longer is ignored). */
export function readPlaygroundQuery(url: URL): PlaygroundQuery {
  const read = (name: string, max: number) => {
    const value = url.searchParams.get(name)?.trim() ?? ''
    return value && value.length <= max ? value : null
  }
  return {
    q: read('q', 200) ?? '',
    op: read('op', 2000),
    env: read('env', 200),
    template: read('template', 100),
  }
}

/** A page URL of the playground with the given query (empty values left out). */
export function playgroundHref(base: string, query: Record<string, string | null | undefined>) {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value)
  const search = params.toString()
  return search ? `${base}?${search}` : base
}

function selectedView(resolved: ResolvedOperation, notes: SelectedOperation['notes']) {
  const { operation, spec, checker } = resolved
  return {
    key: operationKey(spec.specId, operation.id),
    specId: spec.specId,
    specName: spec.specName,
    versionNumber: spec.versionNumber,
    method: operation.method.toUpperCase(),
    path: operation.path,
    operationId: operation.operationId ?? null,
    summary: operation.summary ? plainText(operation.summary).slice(0, 300) : null,
    description: operation.description ? plainText(operation.description).slice(0, 2000) : null,
    deprecated: operation.deprecated,
    params: withParamNotes(paramFields(operation, checker.schemas), notes),
    mediaTypes: bodyMediaTypes(operation),
    bodyRequired: Boolean(operation.requestBody?.required),
    notes: notesOnOperation(notes),
  } satisfies SelectedOperation
}

/** Method and path of saved requests' operations, looked up in the scope's specs (cached checkers). */
async function operationLabels(specs: ScopedSpec[], specIds: Set<string>) {
  const labels = new Map<string, NormalizedOperation>()
  for (const spec of specs) {
    if (!specIds.has(spec.specId)) continue
    for (const operation of (await checkerFor(spec.versionId)).spec.operations)
      labels.set(operationKey(spec.specId, operation.id), operation)
  }
  return labels
}

async function savedViews(scope: PlaygroundScope, specs: ScopedSpec[], base: string) {
  const [templates, history] = await Promise.all([
    listSaved(scope, 'template'),
    listSaved(scope, 'history'),
  ])
  const labels = await operationLabels(
    specs,
    new Set([...templates, ...history].map((row) => row.specId)),
  )
  const view = (row: (typeof templates)[number]): SavedView => {
    const key = operationKey(row.specId, row.operationId)
    const operation = labels.get(key)
    const outcome = readOutcome(row.outcome)
    return {
      id: row.id,
      kind: row.kind === 'template' ? 'template' : 'history',
      name: row.name,
      method: operation?.method.toUpperCase() ?? (outcome.method || '?'),
      path: operation?.path ?? (outcome.path || row.operationId),
      href: playgroundHref(base, { op: key, template: row.id }),
      createdAt: row.createdAt.toISOString(),
      status: outcome.status,
      durationMs: outcome.durationMs,
      violationCount: outcome.violations.length,
      error: outcome.error,
    }
  }
  return { templates: templates.map(view), history: history.map(view) }
}

/** The page for a request to it: its query read from the URL, snippets on the app's origin. */
export function playgroundPage(
  scope: PlaygroundScope,
  request: Request,
  options: { base: string; canSend: boolean },
) {
  return loadPlayground(scope, readPlaygroundQuery(new URL(request.url)), {
    ...options,
    appOrigin: appOrigin(request),
  })
}

export async function loadPlayground(
  scope: PlaygroundScope,
  query: PlaygroundQuery,
  { base, canSend, appOrigin }: { base: string; canSend: boolean; appOrigin: string },
): Promise<PlaygroundView> {
  const specs = await scopeSpecs(scope)
  const [catalogue, environments, saved] = await Promise.all([
    searchOperations(specs, query.q),
    scopeEnvironments(scope),
    savedViews(scope, specs, base),
  ])
  const loadedRow = query.template ? await requireSaved(scope, query.template) : null
  const view: PlaygroundView = {
    base,
    canSend,
    catalogue,
    environments,
    selected: null,
    draft: null,
    snippets: null,
    ...saved,
    loaded: loadedRow
      ? {
          id: loadedRow.id,
          name: loadedRow.name,
          kind: loadedRow.kind === 'template' ? 'template' : 'history',
        }
      : null,
    notice: null,
  }
  const key = loadedRow ? operationKey(loadedRow.specId, loadedRow.operationId) : query.op
  if (!key) return view
  let resolved: ResolvedOperation
  try {
    resolved = await requireOperation(scope, key)
  } catch (error) {
    // A saved request whose operation went away is said so; a bad `?op=` is a 404.
    if (!loadedRow || !(error instanceof Response)) throw error
    return { ...view, notice: 'The operation of this saved request is no longer available.' }
  }
  const notes = await operationNotes(resolved.spec.specId, resolved.operation.id)
  const env = defaultEnvironment(
    environments,
    loadedRow?.environmentId ?? query.env,
    resolved.spec.specId,
  )
  let draft: DraftView = prefillDraft(key, env, resolved.operation, resolved.checker.schemas)
  if (loadedRow) {
    const stored = readStoredRequest(loadedRow.request)
    draft = {
      op: key,
      env,
      params: storedParams(stored),
      headers: stored.extraHeaders,
      mediaType: stored.mediaType,
      body: stored.body,
    }
  }
  const choice = environments.find((entry) => entry.value === env)
  const target = choice
    ? await resolveTarget(scope, choice, resolved.checker.spec, appOrigin)
    : null
  return {
    ...view,
    selected: selectedView(resolved, notes),
    draft,
    snippets: target ? draftSnippets(resolved, target, draft) : null,
  }
}
