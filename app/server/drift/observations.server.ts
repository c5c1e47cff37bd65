/**
 * What partners actually sent and received, read back as one shape for the
 * drift read models: stored traces and the exchanges of recorded run cases,
 * both bounded (newest first) so a busy project costs the same as a quiet one.
 */
import { db } from '../db.server'

export type Observation = {
  kind: 'trace' | 'run'
  partnerProjectId: string | null
  /** The run a run-case exchange belongs to (runs are counted, not cases). */
  runId?: string
  operationKey: string
  status: number | null
  url: string
  requestHeaders: Record<string, string>
  requestBody: string
  responseHeaders: Record<string, string>
  responseBody: string
}

/** How far back partner activity counts as evidence. */
export const WINDOW_DAYS = 30
/** At most this many traces, and this many run cases, are read per question. */
export const MAX_TRACES = 2000
export const MAX_RUN_CASES = 500

type Stored = { headers?: unknown; body?: unknown }

function parseSide(text: string): { headers: Record<string, string>; body: string } {
  try {
    const value = JSON.parse(text) as Stored
    return {
      headers: lowerHeaders(value.headers),
      body: typeof value.body === 'string' ? value.body : '',
    }
  } catch {
    return { headers: {}, body: '' }
  }
}

function lowerHeaders(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([name, v]) => [
      name.toLowerCase(),
      Array.isArray(v) ? v.map(String).join(', ') : String(v ?? ''),
    ]),
  )
}

export function windowStart(now = new Date(), days = WINDOW_DAYS) {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000)
}

/**
 * The traces of a spec's operations (any version of the spec), newest first.
 * `operationKeys` null: every trace of the spec.
 */
export async function traceObservations(input: {
  projectId: string
  specVersionIds: string[]
  operationKeys: string[] | null
  since?: Date
  take?: number
}): Promise<Observation[]> {
  const rows = await db.trace.findMany({
    where: {
      projectId: input.projectId,
      specVersionId: { in: input.specVersionIds },
      ...(input.operationKeys ? { operationKey: { in: input.operationKeys } } : {}),
      ...(input.since ? { receivedAt: { gte: input.since } } : {}),
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: input.take ?? MAX_TRACES,
    select: {
      partnerProjectId: true,
      operationKey: true,
      status: true,
      url: true,
      request: true,
      response: true,
    },
  })
  return rows.map((row) => {
    const request = parseSide(row.request)
    const response = parseSide(row.response)
    return {
      kind: 'trace',
      partnerProjectId: row.partnerProjectId,
      operationKey: row.operationKey,
      status: row.status,
      url: row.url,
      requestHeaders: request.headers,
      requestBody: request.body,
      responseHeaders: response.headers,
      responseBody: response.body,
    }
  })
}

/** The exchanges of run cases on a spec's operations, newest runs first. */
export async function runObservations(input: {
  projectId: string
  specId: string
  operationKeys: string[] | null
  since?: Date
  partnersOnly?: boolean
  take?: number
}): Promise<Observation[]> {
  const cases = await db.runCase.findMany({
    where: {
      ...(input.operationKeys
        ? { operationId: { in: input.operationKeys } }
        : { operationId: { not: '' } }),
      run: {
        projectId: input.projectId,
        specVersion: { specId: input.specId },
        ...(input.partnersOnly ? { partnerProjectId: { not: null } } : {}),
        ...(input.since ? { createdAt: { gte: input.since } } : {}),
      },
    },
    orderBy: { run: { createdAt: 'desc' } },
    take: input.take ?? MAX_RUN_CASES,
    select: {
      operationId: true,
      exchanges: true,
      runId: true,
      run: { select: { partnerProjectId: true } },
    },
  })
  const out: Observation[] = []
  for (const row of cases) {
    let exchanges: unknown
    try {
      exchanges = JSON.parse(row.exchanges)
    } catch {
      continue
    }
    if (!Array.isArray(exchanges)) continue
    for (const exchange of exchanges as {
      request?: { url?: string; headers?: unknown; body?: string | null }
      response?: { status?: number; headers?: unknown; body?: string } | null
    }[]) {
      if (!exchange?.request) continue
      out.push({
        kind: 'run',
        partnerProjectId: row.run.partnerProjectId,
        runId: row.runId,
        operationKey: row.operationId,
        status: typeof exchange.response?.status === 'number' ? exchange.response.status : null,
        url: String(exchange.request.url ?? ''),
        requestHeaders: lowerHeaders(exchange.request.headers),
        requestBody: typeof exchange.request.body === 'string' ? exchange.request.body : '',
        responseHeaders: lowerHeaders(exchange.response?.headers),
        responseBody: typeof exchange.response?.body === 'string' ? exchange.response.body : '',
      })
    }
  }
  return out
}

/** A JSON body, or undefined when it is not JSON (or was cut). */
export function parseJsonBody(text: string): unknown {
  if (!text) return undefined
  const trimmed = text.trimStart()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
