/**
 * What follows a new spec version, whichever door it came through (the Specs
 * tab, the API, the inbound webhook): the run against the Mock when the spec
 * asks for one, the `spec.version_added` event, and the impact job that maps
 * its changes to partners. Suites need nothing: they are generated from the
 * newest version at each run. Called by the import workflow.
 */
import { type Actor } from '../audit/log.server'
import { db } from '../db.server'
import { enqueueUniqueJob } from '../jobs/queue.server'
import { RunError, startRun } from '../testkit/runs.server'
import { recordDriftEvent } from './events.server'
import { VERSION_IMPACT_JOB } from './kinds'

export async function afterSpecVersionAdded(
  actor: Actor,
  spec: { id: string; name: string },
  version: { id: string; number: number },
) {
  const settings = await db.spec.findUnique({
    where: { id: spec.id },
    select: { runOnNewVersion: true },
  })
  let runId: string | null = null
  if (settings?.runOnNewVersion) {
    try {
      runId = (await startRun(actor.projectId, { specId: spec.id, environment: 'mock' }, actor)).id
    } catch (error) {
      // No mock (MOCK_AUTOSTART=false, or it failed to start): the version stands without a run.
      if (!(error instanceof RunError)) throw error
      console.warn(`[drift] no run on the new version of ${spec.id}: ${error.message}`)
    }
  }
  await recordDriftEvent(
    actor.projectId,
    'spec.version_added',
    {
      title: `${spec.name} v${version.number} added`,
      ...(runId ? { summary: 'A run of the golden suite against the Mock started.' } : {}),
      path: `/projects/${actor.projectId}/specs/${spec.id}/v/${version.id}`,
      specId: spec.id,
      specName: spec.name,
      versionId: version.id,
      version: version.number,
      runId,
    },
    { dedupeKey: `spec.version_added:${version.id}` },
  )
  if (version.number > 1) await enqueueUniqueJob(VERSION_IMPACT_JOB, { specVersionId: version.id })
  return { runId }
}
