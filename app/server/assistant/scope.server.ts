/**
 * Who asks the assistant, from where, and about which project: every step of
 * the pipeline reads this scope, and a failure anywhere is an AssistantError
 * carrying the HTTP status a page or the API answers with.
 */

/**
 * The asker. `partnerProjectId` set: a partner user of that partner project (it
 * reaches only its own runs, cases and traces and the specs shared with it).
 * null: the vendor side (a project member on a page, or a project API token).
 */
export type AssistantScope = {
  projectId: string
  partnerProjectId: string | null
  userId: string | null
  apiTokenId?: string | null
  via: 'page' | 'api'
  /** When set (the API), citation URLs are absolute on this origin. */
  appOrigin?: string
}

/** 400 bad input, 404 a subject the asker cannot see, 429 a rate limit; `retryAt` with 429. */
export class AssistantError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 429 = 400,
    readonly retryAt: Date | null = null,
  ) {
    super(message)
    this.name = 'AssistantError'
  }
}

export type Audience = 'vendor' | 'partner'

export function audienceOf(scope: AssistantScope): Audience {
  return scope.partnerProjectId ? 'partner' : 'vendor'
}

/** The portal a link points into: /partner/<ppId> for a partner, /projects/<id> for the vendor. */
export function portalBase(scope: AssistantScope): string {
  return scope.partnerProjectId
    ? `/partner/${scope.partnerProjectId}`
    : `/projects/${scope.projectId}`
}
