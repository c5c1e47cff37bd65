/**
 * Pushed spec updates: a version pushed from CI (the API), and the inbound
 * webhook (GitHub push or generic HMAC) that makes the server fetch the spec's
 * source URL again — in a job, through the guarded client, never in the request.
 */
import type { Actor } from '../audit/log.server'
import { db } from '../db.server'
import { enqueueUniqueJob } from '../jobs/queue.server'
import { downloadSpec } from '../specs/url.server'
import { importSpecVersion } from '../workflows/import-spec.server'
import { SPEC_FETCH_JOB } from './kinds'
import { verifyInbound } from './source.server'

export class PushError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** A new version of an existing spec from the raw text (JSON or YAML); an unchanged text gives back the version it equals. */
export async function pushSpecVersion(
  actor: Actor,
  specId: string,
  raw: Uint8Array,
  sourceName: string,
) {
  const spec = await db.spec.findFirst({
    where: { id: specId, projectId: actor.projectId },
    select: { id: true, name: true },
  })
  if (!spec) throw new PushError('Spec not found in this project.', 404)
  const result = await importSpecVersion(
    { name: spec.name, raw, sourceKind: 'api', sourceName },
    actor,
  )
  return result
}

export type InboundResult =
  | { status: 200; body: { ok: true; pong: true } }
  | { status: 202; body: { queued: true; jobId: string | null } }
  | { status: 401 | 404 | 409; body: { error: string } }

/** A delivery to /hooks/specs/<specId>: verified, then (a ping aside) a fetch job is queued. */
export async function receiveSpecHook(
  specId: string,
  headers: Record<string, string | undefined>,
  raw: Uint8Array,
): Promise<InboundResult> {
  const verdict = await verifyInbound(specId, headers, raw)
  if (!verdict.ok) return { status: verdict.status, body: { error: verdict.reason } }
  if (headers['x-github-event'] === 'ping') return { status: 200, body: { ok: true, pong: true } }
  if (!verdict.spec.sourceUrl)
    return {
      status: 409,
      body: { error: 'This spec has no source URL: set one on its Source page first.' },
    }
  const job = await enqueueUniqueJob(
    SPEC_FETCH_JOB,
    { specId: verdict.spec.id, projectId: verdict.spec.projectId },
    { maxAttempts: 2 },
  )
  return { status: 202, body: { queued: true, jobId: job?.id ?? null } }
}

/** The fetch job: downloads the source URL (guarded: timeout, size cap, no private targets) and imports it. */
export async function fetchAndImport(specId: string, projectId: string) {
  const spec = await db.spec.findFirst({
    where: { id: specId, projectId },
    select: {
      id: true,
      name: true,
      sourceUrl: true,
      project: { select: { organizationId: true } },
    },
  })
  if (!spec?.sourceUrl) return null
  const { raw, sourceName } = await downloadSpec(spec.sourceUrl)
  const actor: Actor = {
    userId: null,
    organizationId: spec.project.organizationId,
    projectId,
    via: 'api',
  }
  return importSpecVersion({ name: spec.name, raw, sourceKind: 'url', sourceName }, actor)
}
