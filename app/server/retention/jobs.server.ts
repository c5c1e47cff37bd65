/** The `retention.purge` job: one organisation's purge, run by a job worker. */
import { z } from 'zod'
import { RETENTION_PURGE_JOB } from '../jobs/kinds'
import type { JobHandler } from '../jobs/worker.server'
import { purgeOrganization } from './purge.server'

const Payload = z.object({
  organizationId: z.string().min(1).max(100),
  trigger: z.enum(['schedule', 'manual']).default('schedule'),
})

export const retentionJobHandlers: Record<string, JobHandler> = {
  [RETENTION_PURGE_JOB]: {
    run: async (job, { signal }) => {
      let raw: unknown
      try {
        raw = JSON.parse(job.payload)
      } catch {
        raw = null
      }
      const payload = Payload.parse(raw)
      await purgeOrganization(payload.organizationId, { trigger: payload.trigger, signal })
    },
  },
}
