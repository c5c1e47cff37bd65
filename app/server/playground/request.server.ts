/**
 * One send from the playground, end to end: the request built and checked,
 * the environment's credential resolved on the server, the request judged
 * against the spec, sent through the guarded client, its answer judged and
 * redacted, the send recorded in the history (without the credential), and
 * snippets made of it. Pure steps live in their own modules; this one only
 * runs them in order.
 */
import type { DraftView, SendOutcome, SnippetSet } from '~/shared/playground'
import { CredentialError, resolveCredentials } from '../environments/credentials.server'
import { type BuiltRequest, buildRequest, type Refusal, urlOn } from './build.server'
import type { ResolvedOperation } from './catalogue.server'
import { operationNotes } from './notes.server'
import { recordHistory, toStoredRequest } from './saved.server'
import type { PlaygroundScope } from './scope.server'
import { sendBuilt } from './send.server'
import { snippets } from './snippets.server'
import { credentialHeaderNames, type PlaygroundTarget, snippetCredential } from './target.server'
import {
  documentedStatus,
  placeViolations,
  requestViolations,
  responseViolations,
} from './validate.server'

export type SendResult =
  | { kind: 'refused'; refusals: Refusal[]; formErrors: string[] }
  | { kind: 'done'; outcome: SendOutcome; draft: DraftView; snippets: SnippetSet | null }

/** Snippets of a built request on the target's public URL (a placeholder for the credential). */
export function snippetsOf(target: PlaygroundTarget, request: BuiltRequest): SnippetSet | null {
  if (!target.publicBase) return null
  const url = urlOn(target.publicBase, request)
  if (!url) return null
  return snippets({
    method: request.method,
    url: url.href,
    headers: request.headers,
    body: request.body,
    credential: snippetCredential(target.auth),
  })
}

/** Snippets of a draft as it stands (the loader's, before anything is sent); null when it cannot be built. */
export function draftSnippets(
  resolved: ResolvedOperation,
  target: PlaygroundTarget,
  draft: DraftView,
): SnippetSet | null {
  const built = buildRequest(
    resolved.operation,
    resolved.checker.schemas,
    draft,
    credentialHeaderNames(resolved.checker.spec, target.auth),
  )
  return built.ok ? snippetsOf(target, built.request) : null
}

export async function sendPlaygroundRequest(
  scope: PlaygroundScope,
  resolved: ResolvedOperation,
  target: PlaygroundTarget,
  draft: DraftView,
): Promise<SendResult> {
  const { operation, checker } = resolved
  const built = buildRequest(
    operation,
    checker.schemas,
    draft,
    credentialHeaderNames(checker.spec, target.auth),
  )
  if (!built.ok && 'syntax' in built)
    return {
      kind: 'done',
      outcome: {
        sent: false,
        environmentLabel: target.label,
        method: operation.method.toUpperCase(),
        url: '',
        credential: null,
        request: {
          body: { kind: 'text', text: draft.body, violations: [built.syntax] },
          other: [],
        },
        response: null,
        error: null,
      },
      draft,
      snippets: null,
    }
  if (!built.ok) return { kind: 'refused', refusals: built.refusals, formErrors: [] }
  if (!target.sendBase)
    return { kind: 'refused', refusals: [], formErrors: [target.unavailable ?? 'Unreachable.'] }
  const url = urlOn(target.sendBase, built.request)
  if (!url)
    return {
      kind: 'refused',
      refusals: [],
      formErrors: [
        'The request would leave the environment’s base URL: check the path parameters.',
      ],
    }
  let credentials
  try {
    credentials = await resolveCredentials(target.auth, target.allowPrivate)
  } catch (error) {
    if (error instanceof CredentialError)
      return { kind: 'refused', refusals: [], formErrors: [error.message] }
    throw error
  }
  const placement = credentials?.placement ?? null
  const notes = await operationNotes(resolved.spec.specId, operation.id)
  const before = await requestViolations(checker, operation, built.request, placement)
  const sent = await sendBuilt(url, built.request, {
    placement,
    secretValues: credentials?.secretValues ?? [],
    allowPrivate: target.allowPrivate,
    timeoutMs: target.timeoutMs,
    // A partner's request to a mock shows in that partner's request log (its Mocks page).
    extraHeaders:
      scope.partnerProjectId && target.mock ? { 'x-copilot-partner': scope.partnerProjectId } : {},
  })
  const after = sent.raw ? responseViolations(checker, operation, sent.raw) : []
  const request = placeViolations(draft.body, before, notes)
  const response =
    sent.raw && sent.shown
      ? placeViolations(sent.shown.body, after, notes, documentedStatus(operation, sent.raw.status))
      : null
  const outcome: SendOutcome = {
    sent: true,
    environmentLabel: target.label,
    method: built.request.method,
    url: sent.url,
    credential: sent.credential,
    request,
    response:
      sent.raw && sent.shown && response
        ? {
            status: sent.raw.status,
            headers: sent.shown.headers,
            body: response.body,
            other: response.other,
            truncated: sent.raw.truncated,
            durationMs: Math.round(sent.timing.totalMs),
            headersMs: Math.round(sent.timing.headersMs),
          }
        : null,
    error: sent.error,
  }
  await recordHistory(scope, {
    specId: resolved.spec.specId,
    operationId: operation.id,
    environmentId: target.environmentId,
    request: toStoredRequest(draft),
    outcome: {
      status: sent.raw?.status ?? null,
      durationMs: Math.round(sent.timing.totalMs),
      violations: [...before, ...after].map(({ side, location, message }) => ({
        side,
        location,
        message,
      })),
      error: sent.error,
      method: built.request.method,
      path: operation.path,
    },
  })
  // The body as the page shows it from now on: pretty-printed, so its lines are the violations'.
  const shownDraft = request.body.kind === 'json' ? { ...draft, body: request.body.text } : draft
  return {
    kind: 'done',
    outcome,
    draft: shownDraft,
    snippets: snippetsOf(target, built.request),
  }
}
