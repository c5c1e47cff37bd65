/**
 * A batch of request-log entries as the one JSON parameter the supervisor's
 * `INSERT … SELECT … FROM json_each(?)` takes. Built in the mock host, so that the web
 * thread only passes a string on: parsing a batch of entries there and serialising its rows
 * again cost it tens of milliseconds per batch of large bodies (decision 034).
 */
import { sqliteDate } from '../sqlite-date'
import type { MockLogEntry } from './protocol'

let logSequence = 0

/** Log entry ids sort like their time (then arrival), as the log's pages expect. */
function logEntryId(at: number, index: number): string {
  logSequence = (logSequence + 1) % 36 ** 4
  return `l${at.toString(36).padStart(9, '0')}${(index % 36 ** 3).toString(36).padStart(3, '0')}${logSequence.toString(36).padStart(4, '0')}`
}

/** Column order: id, at, method, path, status, durationMs, operationId, violations, request, response. */
export function logRowsJson(entries: MockLogEntry[]): string {
  return JSON.stringify(
    entries.map((entry, index) => [
      logEntryId(entry.at, index),
      sqliteDate(new Date(entry.at)),
      entry.method,
      entry.path.slice(0, 2000),
      entry.status,
      entry.durationMs,
      entry.operationId,
      JSON.stringify(entry.violations),
      JSON.stringify(entry.request),
      JSON.stringify(entry.response),
    ]),
  )
}
