/**
 * Trace ingestion, the use case behind POST /api/v1/traces and the HAR upload
 * of the Traces tab: find the partner project, verify the batch's signature
 * (and that it was never seen before), read the batch, judge each exchange
 * against the spec, redact credentials, store the traces and chain them as
 * evidence in one transaction, and ask for the plan to be re-judged.
 * Refusals of signed batches are logged for the vendor.
 */
import crypto from 'node:crypto'
import { type Actor, auditAs } from '../audit/log.server'
import { db, sqliteDate } from '../db.server'
import { emitTraceRejected } from '../events/emit.server'
import { recordEvidence } from '../evidence/append.server'
import { contentHash } from '../evidence/chain.server'
import { traceContent, type TraceRecord } from '../evidence/records.server'
import { PLAN_EVALUATE_JOB } from '../jobs/kinds'
import { enqueueUniqueJob } from '../jobs/queue.server'
import { RateLimiter } from '../rate-limit.server'
import { redactBody, redactHeaders, redactText, redactUrl } from '../redact.server'
import type { ExchangeViolation } from '../specs/exchange.server'
import { locate, projectTargets, type ProjectTargets, tracePath } from './match.server'
import { parseTraceBatch, type TraceInput } from './parse.server'
import { acceptedSecrets } from './secrets.server'
import { verifyTraceSignature } from './signature.server'

/** Bodies are kept up to this many characters each. */
export const STORED_BODY_CHARS = 64 * 1024
/** Signatures are remembered past the timestamp window (replays are refused after a restart too). */
const SIGNATURE_MEMORY_MS = 15 * 60_000

export class TraceIngestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 404 | 413 | 415,
  ) {
    super(message)
  }
}

export type IngestOutcome = {
  accepted: number
  rejected: { index: number; reason: string }[]
  traceIds: string[]
  valid: number
}

type PartnerRow = {
  id: string
  projectId: string
  slug: string
  traceSecret: string | null
  traceSecretPrev: string | null
  traceSecretPrevUntil: Date | null
}

const PARTNER_SELECT = {
  id: true,
  projectId: true,
  slug: true,
  traceSecret: true,
  traceSecretPrev: true,
  traceSecretPrevUntil: true,
} as const

/** `X-Copilot-Partner`: a partner project's id, or its slug when no other project uses it. */
export async function findPartnerProject(ref: string | null): Promise<PartnerRow> {
  const value = (ref ?? '').trim()
  if (!value)
    throw new TraceIngestError(
      'X-Copilot-Partner is missing: name the partner project (its id or slug).',
      401,
    )
  if (value.length > 200) throw new TraceIngestError('X-Copilot-Partner is too long.', 400)
  const byId = await db.partnerProject.findUnique({ where: { id: value }, select: PARTNER_SELECT })
  if (byId) return byId
  const bySlug = await db.partnerProject.findMany({
    where: { slug: value.toLowerCase() },
    select: PARTNER_SELECT,
    take: 2,
  })
  if (bySlug.length === 1) return bySlug[0]!
  if (bySlug.length > 1)
    throw new TraceIngestError(
      `More than one partner project is called “${value}”: send its id in X-Copilot-Partner (shown on the Traces tab).`,
      400,
    )
  throw new TraceIngestError(`No partner project “${value.slice(0, 60)}”.`, 401)
}

/** Refusals logged per partner project: enough to see an attack or a broken client, never a flood of rows. */
const refusalLog = new RateLimiter(60, 60_000)

async function logRefusal(partner: PartnerRow, reason: string, ip: string, bytes: number) {
  if (!refusalLog.hit(partner.id).allowed) return
  await db.traceRefusal.create({
    data: {
      projectId: partner.projectId,
      partnerProjectId: partner.id,
      reason: reason.slice(0, 500),
      ip: ip.slice(0, 100),
      bytes,
    },
  })
  await emitTraceRejected(
    { id: partner.id, name: partner.slug, projectId: partner.projectId },
    reason,
  )
}

let lastPrune = 0
async function pruneSignatures(now: number) {
  if (now - lastPrune < 60_000) return
  lastPrune = now
  await db.traceSignature.deleteMany({
    where: { receivedAt: { lt: new Date(now - SIGNATURE_MEMORY_MS) } },
  })
}

function cap(text: string): { body: string; truncated: boolean } {
  return text.length > STORED_BODY_CHARS
    ? { body: text.slice(0, STORED_BODY_CHARS), truncated: true }
    : { body: text, truncated: false }
}

function storedUrl(url: string): string {
  if (!url.startsWith('/')) return redactUrl(url)
  const redacted = redactUrl(`http://trace.invalid${url}`)
  return redacted.startsWith('http://trace.invalid') ? redacted.slice(20) : redactText(url)
}

type PreparedTrace = { row: TraceRecord & { projectId: string }; label: string; valid: boolean }

async function prepareTrace(
  trace: TraceInput,
  project: ProjectTargets,
  meta: {
    id: string
    partnerProjectId: string
    projectId: string
    receivedAt: Date
    source: string
    verified: boolean
  },
): Promise<PreparedTrace> {
  const { pathname, query } = tracePath(trace.url)
  const located = locate(project, trace.method, pathname)
  let violations: ExchangeViolation[]
  let operationKey = ''
  let specVersionId: string | null = null
  if (located.found) {
    operationKey = located.operation.id
    specVersionId = located.target.specVersionId
    const judged = await located.target.checker.judge(located.operation, located.pathParams, {
      method: trace.method,
      pathname: located.pathname,
      query,
      requestHeaders: trace.requestHeaders,
      requestBody: Buffer.from(trace.requestBody, 'utf8'),
      status: trace.status,
      responseHeaders: trace.responseHeaders,
      responseBody: trace.responseBody,
    })
    violations = judged.violations
  } else {
    violations = [
      {
        side: 'request',
        location: 'operation',
        message: redactText(located.reason),
        constraint: 'documented operation',
      },
    ]
  }
  const request = cap(redactBody(trace.requestBody, trace.requestHeaders['content-type'] ?? ''))
  const response = cap(redactBody(trace.responseBody, trace.responseHeaders['content-type'] ?? ''))
  const valid = located.found && violations.length === 0
  const url = storedUrl(trace.url)
  const row: PreparedTrace['row'] = {
    id: meta.id,
    projectId: meta.projectId,
    partnerProjectId: meta.partnerProjectId,
    receivedAt: meta.receivedAt,
    occurredAt: trace.occurredAt,
    durationMs: trace.durationMs,
    method: trace.method,
    url: url.slice(0, 8192),
    operationKey,
    status: trace.status,
    source: meta.source,
    verified: meta.verified,
    valid,
    violations: JSON.stringify(violations.slice(0, 200)),
    request: JSON.stringify({
      headers: redactHeaders(trace.requestHeaders),
      body: request.body,
      bodyTruncated: request.truncated,
    }),
    response: JSON.stringify({
      headers: redactHeaders(trace.responseHeaders),
      body: response.body,
      bodyTruncated: response.truncated,
    }),
    specVersionId,
  }
  return { row, label: `${trace.method} ${url.slice(0, 200)} -> ${trace.status}`, valid }
}

/** Trace ids of one batch: time-ordered, one random part per batch, then the position. */
function traceIds(count: number, now: number): string[] {
  const prefix = `tr${now.toString(36)}${crypto.randomBytes(8).toString('hex')}`
  return Array.from(
    { length: count },
    (_, index) => `${prefix}${index.toString(36).padStart(3, '0')}`,
  )
}

async function storeBatch(
  partner: PartnerRow,
  traces: { index: number; trace: TraceInput }[],
  options: { source: 'api' | 'upload'; verified: boolean; signature?: string },
): Promise<{ traceIds: string[]; valid: number }> {
  const project = await projectTargets(partner.projectId)
  const receivedAt = new Date()
  const prepared: PreparedTrace[] = []
  const ids = traceIds(traces.length, receivedAt.getTime())
  for (const [position, { trace }] of traces.entries()) {
    prepared.push(
      await prepareTrace(trace, project, {
        id: ids[position]!,
        partnerProjectId: partner.id,
        projectId: partner.projectId,
        receivedAt,
        source: options.source,
        verified: options.verified,
      }),
    )
  }
  await recordEvidence(partner.id, async (tx) => {
    if (options.signature) {
      const inserted = await tx.$executeRawUnsafe(
        `INSERT OR IGNORE INTO "TraceSignature" ("signature", "receivedAt") VALUES (?, ?)`,
        options.signature,
        sqliteDate(receivedAt),
      )
      if (inserted === 0) throw new ReplayError()
    }
    const rows = prepared.map(({ row }) => [
      row.id,
      sqliteDate(row.receivedAt as Date),
      sqliteDate(row.occurredAt as Date),
      row.durationMs,
      row.method,
      row.url,
      row.operationKey,
      row.status,
      row.source,
      row.verified ? 1 : 0,
      row.valid ? 1 : 0,
      row.violations,
      row.request,
      row.response,
      row.specVersionId,
    ])
    await tx.$executeRawUnsafe(
      `INSERT INTO "Trace" ("id", "receivedAt", "occurredAt", "durationMs", "method", "url", "operationKey", "status", "source", "verified", "valid", "violations", "request", "response", "specVersionId", "projectId", "partnerProjectId")
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, ?, ? FROM json_each(?)`,
      partner.projectId,
      partner.id,
      JSON.stringify(rows),
    )
    return {
      items: prepared.map(({ row, label }) => ({
        kind: 'trace',
        refId: row.id,
        label,
        contentHash: contentHash(traceContent(row)),
      })),
      result: null,
    }
  })
  await enqueueUniqueJob(PLAN_EVALUATE_JOB, { partnerProjectId: partner.id }, { maxAttempts: 3 })
  return {
    traceIds: prepared.map(({ row }) => row.id),
    valid: prepared.filter((entry) => entry.valid).length,
  }
}

class ReplayError extends Error {}

const REPLAY_REASON =
  'This signature was used before: the batch is a replay. Sign every batch anew (a fresh timestamp gives a fresh signature).'

/** POST /api/v1/traces: a signed batch from a partner's integration. */
export async function receiveSignedTraces(input: {
  partnerRef: string | null
  timestamp: string | null
  signature: string | null
  contentType: string
  body: Uint8Array
  ip: string
}): Promise<IngestOutcome> {
  const partner = await findPartnerProject(input.partnerRef)
  const now = Date.now()
  const verdict = verifyTraceSignature({
    timestamp: input.timestamp,
    signature: input.signature,
    body: input.body,
    secrets: acceptedSecrets(partner, new Date(now)),
    now,
  })
  if (!verdict.ok) {
    await logRefusal(partner, verdict.reason, input.ip, input.body.byteLength)
    throw new TraceIngestError(verdict.reason, 401)
  }
  await pruneSignatures(now)
  const seen = await db.traceSignature.findUnique({ where: { signature: verdict.signature } })
  if (seen) {
    await logRefusal(partner, REPLAY_REASON, input.ip, input.body.byteLength)
    throw new TraceIngestError(REPLAY_REASON, 401)
  }
  const batch = parseTraceBatch(new TextDecoder().decode(input.body), input.contentType)
  let stored: { traceIds: string[]; valid: number } = { traceIds: [], valid: 0 }
  if (batch.traces.length > 0) {
    try {
      stored = await storeBatch(partner, batch.traces, {
        source: 'api',
        verified: true,
        signature: verdict.signature,
      })
    } catch (error) {
      if (!(error instanceof ReplayError)) throw error
      await logRefusal(partner, REPLAY_REASON, input.ip, input.body.byteLength)
      throw new TraceIngestError(REPLAY_REASON, 401)
    }
  }
  return { accepted: stored.traceIds.length, rejected: batch.rejected, ...stored }
}

/** A HAR file uploaded on the Traces tab by a vendor user, for one partner project: stored unverified. */
export async function uploadTraces(
  projectId: string,
  partnerProjectId: string,
  file: { text: string; contentType: string },
  actor: Actor,
): Promise<IngestOutcome> {
  const partner = await db.partnerProject.findFirst({
    where: { id: partnerProjectId, projectId },
    select: PARTNER_SELECT,
  })
  if (!partner) throw new TraceIngestError('Choose one of this project’s partners.', 404)
  const batch = parseTraceBatch(file.text, file.contentType)
  const stored =
    batch.traces.length > 0
      ? await storeBatch(partner, batch.traces, { source: 'upload', verified: false })
      : { traceIds: [], valid: 0 }
  await auditAs(
    actor,
    'traces.uploaded',
    { type: 'partner_project', id: partner.id },
    { accepted: stored.traceIds.length, rejected: batch.rejected.length, format: batch.format },
  )
  return { accepted: stored.traceIds.length, rejected: batch.rejected, ...stored }
}
