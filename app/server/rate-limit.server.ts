/**
 * Fixed-window counters in memory. Per instance on purpose: a sign-in burst is
 * stopped where it lands, and nothing is written to the replicated database.
 */
type Window = { count: number; resetAt: number }

export class RateLimiter {
  private windows = new Map<string, Window>()
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit; returns whether it is allowed and when the window resets. */
  hit(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    this.sweep(now)
    let window = this.windows.get(key)
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs }
      this.windows.set(key, window)
    }
    window.count += 1
    return {
      allowed: window.count <= this.limit,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    }
  }

  /** Would one more hit be allowed? Counts nothing. */
  peek(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const window = this.windows.get(key)
    if (!window || window.resetAt <= now) return { allowed: true, retryAfterSeconds: 0 }
    return {
      allowed: window.count < this.limit,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    }
  }

  reset(key: string) {
    this.windows.delete(key)
  }

  private sweep(now: number) {
    if (this.windows.size < 10_000) return
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}
