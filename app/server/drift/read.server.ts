/** What the impact page, the impact API and the partner dashboard read, scoped by project or partner project. */
import { db } from '../db.server'
import { enqueueJob, announceJob } from '../jobs/queue.server'
import { findSpecVersion } from '../specs/store.server'
import { impactState } from './impact.server'
import { VERSION_IMPACT_JOB } from './kinds'

/** A version of a spec of this project (by id or number) and its impact; null when not found. */
export async function versionImpact(projectId: string, specId: string, ref: string) {
  const version = await findSpecVersion(projectId, specId, ref)
  if (!version) return null
  return {
    version: { id: version.id, number: version.number, specName: version.spec.name },
    state: await impactState(version, VERSION_IMPACT_JOB),
  }
}

/** Queues the impact of a version that has none (imported before impacts existed, or whose job failed). */
export async function requestImpact(projectId: string, specId: string, versionId: string) {
  const found = await versionImpact(projectId, specId, versionId)
  if (!found) return false
  if (found.state.status !== 'missing' && found.state.status !== 'failed') return true
  await enqueueJob(VERSION_IMPACT_JOB, { specVersionId: found.version.id })
  announceJob()
  return true
}

/** The newest notices of a partner project, unread first. */
export function listPartnerNotices(partnerProjectId: string, take = 5) {
  return db.partnerNotice.findMany({
    where: { partnerProjectId },
    orderBy: [{ readAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'desc' }],
    take,
    select: {
      id: true,
      kind: true,
      title: true,
      body: true,
      link: true,
      createdAt: true,
      readAt: true,
    },
  })
}

/** Marks one notice of this partner project read (another partner's id changes nothing). */
export async function markNoticeRead(partnerProjectId: string, noticeId: string) {
  const { count } = await db.partnerNotice.updateMany({
    where: { id: noticeId, partnerProjectId, readAt: null },
    data: { readAt: new Date() },
  })
  return count === 1
}
