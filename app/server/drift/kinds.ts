/**
 * Job kinds of pushed specs and drift (queued by the import workflow and the
 * inbound webhook, handled by drift/jobs.server.ts): names only, so the
 * queuing side never imports the handlers.
 */
/** Fetch a spec's source URL through the guarded client and import it as a new version. Payload: {specId, projectId, trigger}. */
export const SPEC_FETCH_JOB = 'spec.fetch'
/** Map a new version's breaking changes to the partners they affect. Payload: {specVersionId}. */
export const VERSION_IMPACT_JOB = 'spec.impact'
