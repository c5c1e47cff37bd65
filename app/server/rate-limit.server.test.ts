import { expect, it } from 'vitest'
import { RateLimiter } from './rate-limit.server'

it('allows up to the limit per window, per key, then resets', () => {
  const limiter = new RateLimiter(2, 60_000)
  expect(limiter.hit('a', 0).allowed).toBe(true)
  expect(limiter.hit('a', 1).allowed).toBe(true)
  const third = limiter.hit('a', 2)
  expect(third).toEqual({ allowed: false, retryAfterSeconds: 60 })
  expect(limiter.hit('b', 2).allowed).toBe(true)
  expect(limiter.hit('a', 60_001).allowed).toBe(true)
})
