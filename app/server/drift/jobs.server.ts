/** Handlers of the pushed-spec and drift job kinds (registered in jobs/handlers.server.ts). */
import type { JobHandler } from '../jobs/worker.server'
import { computeAndStoreImpact } from './impact.server'
import { SPEC_FETCH_JOB, VERSION_IMPACT_JOB } from './kinds'
import { fetchAndImport } from './push.server'

export const driftJobHandlers: Record<string, JobHandler> = {
  [VERSION_IMPACT_JOB]: {
    run: async (job) => {
      const { specVersionId } = JSON.parse(job.payload) as { specVersionId: string }
      await computeAndStoreImpact(specVersionId)
    },
  },
  [SPEC_FETCH_JOB]: {
    run: async (job) => {
      const { specId, projectId } = JSON.parse(job.payload) as { specId: string; projectId: string }
      await fetchAndImport(specId, projectId)
    },
  },
}
