/**
 * The second step of a sign-in: a code from the authenticator app (accepted once) or a
 * recovery code (spent) completes the pending sign-in and opens the session. Wrong codes
 * count against the pending sign-in (5 drop it) and, like wrong passwords, against the
 * account in the sign-in throttle. Every outcome is audited.
 */
import { redirect } from '@remix-run/node'
import { db } from '../db.server'
import { getClientIp } from '../http.server'
import { loginThrottle, tooManyAttemptsMessage } from '../login-limit.server'
import { redirectWithToast } from '../toast.server'
import {
  clearPendingSignInCookie,
  closePendingSignIn,
  MAX_SECOND_FACTOR_FAILURES,
  PENDING_SIGN_IN_TTL_MS,
  readPendingSignIn,
  recordSecondFactorFailure,
  type PendingSignIn,
} from './pending-sign-in.server'
import { consumeRecoveryCode, remainingRecoveryCodes } from './recovery-codes.server'
import { openSignedInSession } from './sign-in.server'
import { consumeTotpCode, normalizeTotpCode } from './totp.server'
import { auditUserEvent } from '../audit/sign-in.server'

export const EXPIRED_MESSAGE =
  'Your sign-in waited too long for its code (5 minutes) or was already used. Sign in again.'
export const DROPPED_MESSAGE = `${MAX_SECOND_FACTOR_FAILURES} wrong codes: this sign-in was stopped. Sign in again, then enter the current code from your app or a recovery code.`

/** Back to the sign-in page with a reason, the pending cookie cleared. */
export async function restartSignIn(message: string): Promise<Response> {
  return redirectWithToast(
    '/login',
    { type: 'error', message },
    { headers: { 'Set-Cookie': await clearPendingSignInCookie() } },
  )
}

export type SecondFactorOutcome =
  { response: Response } | { error: string; status: number; retryAfterSeconds?: number }

async function pendingUser(pending: PendingSignIn) {
  return db.user.findUnique({
    where: { id: pending.userId },
    select: { id: true, email: true, totpEnabledAt: true, passwordChangedAt: true },
  })
}

export async function submitSecondFactor(
  request: Request,
  code: string,
): Promise<SecondFactorOutcome> {
  const pending = await readPendingSignIn(request)
  if (!pending) return { response: await restartSignIn(EXPIRED_MESSAGE) }
  const user = await pendingUser(pending)
  // A password changed since this sign-in began ends it: the old password proved nothing.
  const startedAt = pending.expiresAt - PENDING_SIGN_IN_TTL_MS
  if (!user?.totpEnabledAt || (user.passwordChangedAt?.getTime() ?? 0) > startedAt) {
    closePendingSignIn(pending)
    return { response: await restartSignIn(EXPIRED_MESSAGE) }
  }
  const address = getClientIp(request)
  const throttle = loginThrottle()
  const verdict = throttle.check(address, user.email)
  if (!verdict.allowed)
    return {
      error: tooManyAttemptsMessage(verdict.retryAfterSeconds),
      status: 429,
      retryAfterSeconds: verdict.retryAfterSeconds,
    }

  const isTotp = normalizeTotpCode(code) !== null
  let reason: string
  if (isTotp) {
    const check = await consumeTotpCode(user.id, code)
    if (check.ok) return { response: await succeed(request, pending, user, 'totp') }
    reason = check.reason
  } else if (await consumeRecoveryCode(user.id, code)) {
    return { response: await succeed(request, pending, user, 'recovery_code') }
  } else {
    reason = 'invalid_recovery_code'
  }

  throttle.recordFailure(address, user.email)
  const left = recordSecondFactorFailure(pending)
  await auditUserEvent({
    action: 'auth.second_factor_failed',
    user,
    request,
    metadata: {
      email: user.email,
      method: pending.method,
      kind: isTotp ? 'totp' : 'recovery_code',
      reason,
      attemptsLeft: left,
    },
  })
  if (left === 0) return { response: await restartSignIn(DROPPED_MESSAGE) }
  const tries = `${left} ${left === 1 ? 'try' : 'tries'} left`
  if (reason === 'replayed')
    return {
      error: `That code was already used. Wait for the next code in your app (${tries}).`,
      status: 400,
    }
  if (isTotp)
    return {
      error: `That code is not right. Enter the current 6-digit code from your authenticator app (${tries}).`,
      status: 400,
    }
  return {
    error: `That is neither a current 6-digit code nor an unused recovery code (${tries}).`,
    status: 400,
  }
}

async function succeed(
  request: Request,
  pending: PendingSignIn,
  user: { id: string; email: string },
  kind: 'totp' | 'recovery_code',
): Promise<Response> {
  // Two right answers at once (a code and a recovery code) open a single session.
  if (!closePendingSignIn(pending)) return restartSignIn(EXPIRED_MESSAGE)
  loginThrottle().recordSuccess(getClientIp(request), user.email)
  const options = {
    method: pending.method,
    redirectTo: pending.redirectTo,
    ssoOrganizationId: pending.ssoOrganizationId,
  }
  const setCookies = [await clearPendingSignInCookie()]
  if (kind === 'totp') return openSignedInSession(user, request, options, { setCookies })
  const remaining = await remainingRecoveryCodes(user.id)
  await auditUserEvent({ action: '2fa.recovery_code_used', user, request, metadata: { remaining } })
  return openSignedInSession(user, request, options, {
    setCookies,
    toast: {
      type: remaining <= 3 ? 'error' : 'info',
      message: `You signed in with a recovery code; ${remaining} left. ${remaining <= 3 ? 'Generate new ones in Account → Security.' : 'Each one works once.'}`,
    },
  })
}

/** Leaves the code page: the pending sign-in ends and the person starts over. */
export async function abandonSecondFactor(request: Request): Promise<Response> {
  const pending = await readPendingSignIn(request, { usable: false })
  if (pending) closePendingSignIn(pending)
  return redirect('/login', {
    headers: { 'Set-Cookie': await clearPendingSignInCookie() },
  })
}
