/**
 * A case result as it is stored: exchanges capped (bodies, count) and
 * serialised where the case ran (the execution thread), so the recorder only
 * writes. The recorded form is what case pages, exports and the API read.
 */
import type { Verdict } from '~/shared/golden-templates'
import type { CaseResult } from './execute.server'
import type { Exchange } from './model.server'

const STORED_BODY_CHARS = 16 * 1024
const STORED_EXCHANGES = 12

export function capExchange(exchange: Exchange) {
  const cap = (text: string | null) =>
    text && text.length > STORED_BODY_CHARS
      ? `${text.slice(0, STORED_BODY_CHARS)}… (${text.length} characters, cut)`
      : text
  return {
    request: { ...exchange.request, body: cap(exchange.request.body) },
    response: exchange.response
      ? { ...exchange.response, body: cap(exchange.response.body) ?? '' }
      : null,
    durationMs: exchange.durationMs,
    retries: exchange.retries,
    ...(exchange.error ? { error: exchange.error } : {}),
  }
}
export type StoredExchange = ReturnType<typeof capExchange>

export type RecordedResult = {
  seq: number
  level: string
  verdict: Exclude<Verdict, 'pending'>
  reason: string | null
  durationMs: number
  /** JSON StoredExchange[] */
  exchanges: string
  /** JSON Assertion[] */
  assertions: string
  startedAt: Date
  finishedAt: Date
}

export function toRecorded(result: CaseResult): RecordedResult {
  return {
    seq: result.plannedCase.seq,
    level: result.plannedCase.level,
    verdict: result.outcome.verdict,
    reason: result.outcome.reason?.slice(0, 2000) ?? null,
    durationMs: result.durationMs,
    exchanges: JSON.stringify(result.outcome.exchanges.slice(0, STORED_EXCHANGES).map(capExchange)),
    assertions: JSON.stringify(result.outcome.assertions),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  }
}
