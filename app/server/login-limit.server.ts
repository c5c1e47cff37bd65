/**
 * Sign-in throttling, in memory per instance (nothing written to the
 * replicated database). Only failed attempts count:
 * - per client address and email: LOGIN_RATE_LIMIT failures in 15 minutes,
 *   then refused for the rest of the window;
 * - per client address over all emails: 5x that (password spraying);
 * - per account, whatever the address: after LOGIN_RATE_LIMIT failures each
 *   further attempt must wait a growing delay (2 s, 4 s, 8 s … capped at
 *   ACCOUNT_MAX_DELAY_MS). Guessing from many addresses slows to a crawl, yet
 *   a stranger can never lock the real user out for longer than that cap.
 * The client address is the socket's unless TRUST_PROXY names a proxy
 * (getClientIp), so rotating X-Forwarded-For values gains nothing.
 */
import { getEnv } from './env.server'
import { RateLimiter } from './rate-limit.server'

const WINDOW_MS = 15 * 60 * 1000
export const ACCOUNT_MAX_DELAY_MS = 60 * 1000

type AccountState = { failures: number; lastFailureAt: number }

export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export class LoginThrottle {
  private readonly perAddressAndEmail: RateLimiter
  private readonly perAddress: RateLimiter
  private readonly accounts = new Map<string, AccountState>()

  constructor(private readonly limit: number) {
    this.perAddressAndEmail = new RateLimiter(limit, WINDOW_MS)
    this.perAddress = new RateLimiter(limit * 5, WINDOW_MS)
  }

  /** May this attempt go ahead? Checking counts nothing. */
  check(address: string, email: string, now = Date.now()): LoginVerdict {
    const key = `${address}|${email}`
    const blocked = [
      this.perAddressAndEmail.peek(key, now),
      this.perAddress.peek(address, now),
    ].find((verdict) => !verdict.allowed)
    if (blocked) return { allowed: false, retryAfterSeconds: blocked.retryAfterSeconds }
    const wait = this.accountWaitMs(email, now)
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) }
    return { allowed: true }
  }

  recordFailure(address: string, email: string, now = Date.now()) {
    this.perAddressAndEmail.hit(`${address}|${email}`, now)
    this.perAddress.hit(address, now)
    const state = this.account(email, now)
    state.failures += 1
    state.lastFailureAt = now
    this.sweep(now)
  }

  /** A correct password clears this address's count for the account; the account's own delay decays with time. */
  recordSuccess(address: string, email: string) {
    this.perAddressAndEmail.reset(`${address}|${email}`)
  }

  private account(email: string, now: number): AccountState {
    let state = this.accounts.get(email)
    if (!state || now - state.lastFailureAt > WINDOW_MS) {
      state = { failures: 0, lastFailureAt: now }
      this.accounts.set(email, state)
    }
    return state
  }

  /** Milliseconds the account must still wait before its next attempt. */
  private accountWaitMs(email: string, now: number): number {
    const state = this.accounts.get(email)
    if (!state || now - state.lastFailureAt > WINDOW_MS) return 0
    const excess = state.failures - this.limit
    if (excess < 0) return 0
    const delay = Math.min(ACCOUNT_MAX_DELAY_MS, 2_000 * 2 ** excess)
    return Math.max(0, state.lastFailureAt + delay - now)
  }

  private sweep(now: number) {
    if (this.accounts.size < 10_000) return
    for (const [email, state] of this.accounts)
      if (now - state.lastFailureAt > WINDOW_MS) this.accounts.delete(email)
  }
}

let throttle: LoginThrottle | undefined

export function loginThrottle() {
  throttle ??= new LoginThrottle(getEnv().LOGIN_RATE_LIMIT)
  return throttle
}

/** For tests that change LOGIN_RATE_LIMIT. */
export function resetLoginThrottle() {
  throttle = undefined
}

export function tooManyAttemptsMessage(retryAfterSeconds: number) {
  if (retryAfterSeconds < 90)
    return `Too many failed sign-in attempts. Wait ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'} and try again.`
  const minutes = Math.ceil(retryAfterSeconds / 60)
  return `Too many failed sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or reset your password with an administrator.`
}
