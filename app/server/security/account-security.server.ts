/**
 * The person's own second factor (Account → Security): enrolment confirmed with a current
 * code (recovery codes issued once), recovery codes regenerated with a current code, the
 * second factor turned off with a code or a recovery code. Each write is audited; wrong
 * codes count in the sign-in throttle like wrong passwords.
 */
import type { User } from '~/generated/prisma/client'
import { getClientIp } from '../http.server'
import { loginThrottle, tooManyAttemptsMessage } from '../login-limit.server'
import {
  consumeRecoveryCode,
  issueRecoveryCodes,
  RECOVERY_CODE_COUNT,
  remainingRecoveryCodes,
} from './recovery-codes.server'
import {
  consumeTotpCode,
  normalizeTotpCode,
  pendingEnrolment,
  removeTotp,
  type CodeCheck,
} from './totp.server'
import { auditUserEvent } from '../audit/sign-in.server'

export class TwoFactorError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

type Person = Pick<User, 'id' | 'email' | 'totpEnabledAt'>

export async function twoFactorOverview(user: Person) {
  const [pending, remaining] = await Promise.all([
    user.totpEnabledAt ? null : pendingEnrolment(user.id, user.email),
    user.totpEnabledAt ? remainingRecoveryCodes(user.id) : 0,
  ])
  return {
    email: user.email,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    pending,
    remaining,
    total: RECOVERY_CODE_COUNT,
  }
}

/** Refuses while the account is throttled; returns a function that records the outcome. */
function guard(user: Person, request: Request) {
  const address = getClientIp(request)
  const throttle = loginThrottle()
  const verdict = throttle.check(address, user.email)
  if (!verdict.allowed)
    throw new TwoFactorError(tooManyAttemptsMessage(verdict.retryAfterSeconds), 429)
  return (ok: boolean) =>
    ok ? throttle.recordSuccess(address, user.email) : throttle.recordFailure(address, user.email)
}

function codeError(check: Exclude<CodeCheck, { ok: true }>, enrolling = false): TwoFactorError {
  if (check.reason === 'replayed')
    return new TwoFactorError('That code was already used. Wait for the next code in your app.')
  if (check.reason === 'not_enrolled')
    return new TwoFactorError(
      enrolling
        ? 'There is no set-up in progress: start again.'
        : 'Two-factor authentication is not on for your account.',
    )
  return new TwoFactorError(
    enrolling
      ? 'That code is not right. Check that the app shows the account you just added and enter its current code.'
      : 'That code is not right. Enter the current 6-digit code from your authenticator app.',
  )
}

/** Confirms the enrolment with a current code; returns the recovery codes (shown once). */
export async function confirmEnrolment(
  user: Person,
  code: string,
  request: Request,
): Promise<string[]> {
  const record = guard(user, request)
  const check = await consumeTotpCode(user.id, code, { enrolling: true })
  record(check.ok)
  if (!check.ok) throw codeError(check, true)
  const codes = await issueRecoveryCodes(user.id)
  await auditUserEvent({
    action: '2fa.enabled',
    user,
    request,
    metadata: { recoveryCodes: codes.length },
  })
  return codes
}

export async function regenerateRecoveryCodes(
  user: Person,
  code: string,
  request: Request,
): Promise<string[]> {
  const record = guard(user, request)
  const check = await consumeTotpCode(user.id, code)
  record(check.ok)
  if (!check.ok) throw codeError(check)
  const codes = await issueRecoveryCodes(user.id)
  await auditUserEvent({
    action: '2fa.recovery_codes_regenerated',
    user,
    request,
    metadata: {
      recoveryCodes: codes.length,
    },
  })
  return codes
}

/** Turns the second factor off with a current code or a recovery code. */
export async function disableTwoFactor(user: Person, code: string, request: Request) {
  if (!user.totpEnabledAt)
    throw new TwoFactorError('Two-factor authentication is not on for your account.')
  const record = guard(user, request)
  const isTotp = normalizeTotpCode(code) !== null
  let ok: boolean
  let check: CodeCheck | null = null
  if (isTotp) {
    check = await consumeTotpCode(user.id, code)
    ok = check.ok
  } else {
    ok = await consumeRecoveryCode(user.id, code)
  }
  record(ok)
  if (!ok) {
    if (check && !check.ok && check.reason === 'replayed') throw codeError(check)
    throw new TwoFactorError(
      'That is neither the current 6-digit code from your app nor an unused recovery code.',
    )
  }
  if (!isTotp)
    await auditUserEvent({
      action: '2fa.recovery_code_used',
      user,
      request,
      metadata: { purpose: 'disable' },
    })
  await removeTotp(user.id)
  await auditUserEvent({
    action: '2fa.disabled',
    user,
    request,
    metadata: {
      with: isTotp ? 'totp' : 'recovery_code',
    },
  })
}
