/**
 * Why a single sign-on attempt was refused: a reason code for the audit trail, a message
 * that says what happened, and a hint that says what to do next.
 */
export type SsoFailureReason =
  | 'not_configured'
  | 'flow_missing'
  | 'flow_mismatch'
  | 'idp_unreachable'
  | 'idp_refused'
  | 'invalid_response'
  | 'email_missing'
  | 'email_unverified'
  | 'domain_not_allowed'
  | 'account_exists'
  | 'unsupported_name_id'

export class SsoError extends Error {
  readonly reason: SsoFailureReason
  readonly status: number
  readonly hint: string
  /** The address the identity provider vouched for, when known (audit only). */
  readonly email: string

  constructor(
    reason: SsoFailureReason,
    message: string,
    options: { status?: number; hint?: string; email?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'SsoError'
    this.reason = reason
    this.status = options.status ?? 400
    this.hint = options.hint ?? 'Start again from the single sign-on page.'
    this.email = options.email ?? ''
  }
}

/** A settings field that does not hold what it must: shown next to that field. */
export class SsoSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'SsoSettingsError'
  }
}
