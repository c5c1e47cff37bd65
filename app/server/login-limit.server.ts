import { getEnv } from './env.server'
import { RateLimiter } from './rate-limit.server'

const WINDOW_MS = 15 * 60 * 1000
let limiter: RateLimiter | undefined

/** Sign-in attempts per client IP and email address in a 15-minute window. */
export function loginLimiter() {
  limiter ??= new RateLimiter(getEnv().LOGIN_RATE_LIMIT, WINDOW_MS)
  return limiter
}

export function tooManyAttemptsMessage(retryAfterSeconds: number) {
  const minutes = Math.ceil(retryAfterSeconds / 60)
  return `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or reset your password with an administrator.`
}
