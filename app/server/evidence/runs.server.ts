/**
 * A finished run of a partner project joins its evidence chain (the job the
 * runner queues when a partner's run ends): once, with every case's verdict
 * and assertions in its content hash.
 */
import { db } from '../db.server'
import { recordEvidence } from './append.server'
import { contentHash } from './chain.server'
import { runContent } from './records.server'

const FINISHED = ['passed', 'failed', 'incomplete', 'errored', 'cancelled', 'interrupted']

/** Chains the run; false when it has no partner project, is not finished, or is chained already. */
export async function recordRunEvidence(runId: string): Promise<boolean> {
  const run = await db.run.findUnique({ where: { id: runId } })
  if (!run?.partnerProjectId || !FINISHED.includes(run.status)) return false
  const partnerProjectId = run.partnerProjectId
  const { result } = await recordEvidence(partnerProjectId, async (tx) => {
    const chained = await tx.evidenceEntry.findFirst({
      where: { partnerProjectId, kind: 'run', refId: run.id },
      select: { id: true },
    })
    if (chained) return { items: [], result: false }
    const cases = await tx.runCase.findMany({
      where: { runId: run.id },
      select: { seq: true, key: true, level: true, verdict: true, reason: true, assertions: true },
    })
    return {
      items: [
        {
          kind: 'run',
          refId: run.id,
          label: `${run.environmentLabel || 'run'}: ${run.status} (${cases.length} cases)`,
          contentHash: contentHash(runContent(run, cases)),
        },
      ],
      result: true,
    }
  })
  return result
}
