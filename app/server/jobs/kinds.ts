/**
 * The names of job kinds that one area queues and another handles: the
 * queuing side needs only the name, so it never imports the handler's area
 * (which may import it back). handlers.server.ts maps each to its handler.
 */
/** Re-judge a partner project's plan items against its evidence. Payload: {partnerProjectId}. */
export const PLAN_EVALUATE_JOB = 'plan.evaluate'
/** Chain a finished run of a partner project as evidence, then re-judge its plan. Payload: {runId}. */
export const EVIDENCE_RUN_JOB = 'evidence.run'
/** Render a readiness report snapshot as PDF. Payload: {snapshotId}. */
export const REPORT_PDF_JOB = 'report.pdf'
/** Generate the readiness reports of a project whose schedule is due. Payload: {projectId}. */
export const REPORT_SCHEDULE_JOB = 'report.schedule'
/** Deliver one domain event to one connector (one attempt; retries are new jobs). Payload: {deliveryId, attempt}. */
export const CONNECTOR_DELIVER_JOB = 'connector.deliver'
/** Look for overdue plan items and idle partners in projects with connectors. Payload: {}. */
export const EVENTS_SWEEP_JOB = 'events.sweep'
/** Purge one organisation's data older than its retention policy (legal holds kept). Payload: {organizationId, trigger}. */
export const RETENTION_PURGE_JOB = 'retention.purge'
