/**
 * Judges a playground request before it is sent and its answer after, with
 * the spec's own checker (the one trace validation uses), and places each body
 * violation on its line of the pretty-printed body; the vendor's field notes
 * ride along with the violation of the same field.
 */
import type { NormalizedOperation } from '~/shared/normalized-spec'
import { documentedResponse } from '~/shared/operations'
import type { BodyView, NoteView, PlacedViolation } from '~/shared/playground'
import type { ExchangeChecker, ExchangeViolation } from '../specs/exchange.server'
import { violationLines } from '../traces/query.server'
import type { BuiltRequest } from './build.server'

/** Where the credential was added for validation (the spec may declare it as a parameter). */
export type ValidationCredential =
  { kind: 'header'; name: string; value: string } | { kind: 'query'; name: string; value: string }

export async function requestViolations(
  checker: ExchangeChecker,
  operation: NormalizedOperation,
  request: BuiltRequest,
  credential: ValidationCredential | null,
): Promise<ExchangeViolation[]> {
  const query = new URLSearchParams(request.query)
  const headers = Object.fromEntries(request.headers)
  if (credential?.kind === 'query') query.set(credential.name, credential.value)
  if (credential?.kind === 'header') headers[credential.name.toLowerCase()] = credential.value
  return checker.checkRequest(operation, request.pathParams, {
    method: request.method,
    pathname: request.path,
    query,
    requestHeaders: headers,
    requestBody: Buffer.from(request.body ?? '', 'utf8'),
    status: 0,
    responseHeaders: {},
    responseBody: '',
  })
}

/** `truncated`: the body was cut at the size cap, so its shape is not judged. */
export function responseViolations(
  checker: ExchangeChecker,
  operation: NormalizedOperation,
  response: { status: number; headers: Record<string, string>; body: string; truncated: boolean },
): ExchangeViolation[] {
  return checker.checkResponse(operation, {
    method: operation.method,
    pathname: operation.path,
    query: new URLSearchParams(),
    requestHeaders: {},
    requestBody: Buffer.alloc(0),
    status: response.status,
    responseHeaders: response.headers,
    responseBody: response.truncated ? '' : response.body,
  })
}

/** `body/lines/0/amount` -> `body/lines[]/amount` (annotation field paths step into arrays with `[]`). */
function fieldPathOf(location: string): string {
  const [root, ...segments] = location.split('/')
  let path = root ?? ''
  for (const segment of segments) path += /^\d+$/.test(segment) ? '[]' : `/${segment}`
  return path
}

/**
 * The notes on the field a violation concerns: request `query.limit` and
 * `body/amount`; a response body's under `response.<documented status>`.
 */
export function notesFor(
  violation: ExchangeViolation,
  notes: NoteView[],
  responseStatus: string | null,
): NoteView[] {
  let path = fieldPathOf(violation.location)
  if (violation.side === 'response') {
    if (!responseStatus || !path.startsWith('body')) return []
    path = `response.${responseStatus}${path.slice('body'.length)}`
  }
  const wanted = path.toLowerCase()
  return notes.filter((note) => note.fieldPath !== '' && note.fieldPath.toLowerCase() === wanted)
}

const isBody = (location: string) => location === 'body' || location.startsWith('body/')

/**
 * A body with its violations on lines (JSON pretty-printed as the trace pages
 * show it), and the side's other violations (parameters, headers, status).
 */
export function placeViolations(
  bodyText: string,
  violations: ExchangeViolation[],
  notes: NoteView[],
  responseStatus: string | null = null,
): { body: BodyView; other: PlacedViolation[] } {
  const placed = violationLines(bodyText, violations)
  const withNotes = (violation: ExchangeViolation) => notesFor(violation, notes, responseStatus)
  return {
    body: {
      kind: placed.kind,
      text: placed.text,
      violations: placed.violations.map((violation) => ({
        ...violation,
        notes: withNotes(violation),
      })),
    },
    other: violations
      .filter((violation) => !isBody(violation.location))
      .map((violation) => ({
        ...violation,
        line: null,
        exact: false,
        notes: withNotes(violation),
      })),
  }
}

/** The status as the spec documents it (`200`, `4XX`, `default`) for a response's field notes. */
export function documentedStatus(operation: NormalizedOperation, status: number): string | null {
  return documentedResponse(operation, status)?.status ?? null
}
