/** Every kind of background job and its handler: the one registry workers load. */
import { connectorJobHandlers } from '../connectors/deliver.server'
import { driftJobHandlers } from '../drift/jobs.server'
import { planJobHandlers } from '../plans/evaluate.server'
import { reportJobHandlers } from '../reports/jobs.server'
import { retentionJobHandlers } from '../retention/jobs.server'
import { RUN_JOB, runJobHandler } from '../testkit/runner.server'
import type { JobHandler } from './worker.server'

export const JOB_HANDLERS: Record<string, JobHandler> = {
  [RUN_JOB]: runJobHandler,
  ...planJobHandlers,
  ...reportJobHandlers,
  ...driftJobHandlers,
  ...connectorJobHandlers,
  ...retentionJobHandlers,
}
