/**
 * The fake's configurable per-credential budget (`FakePagerDutyOptions.budget`): `limit` REST requests per `window`,
 * fixed windows starting at a credential's first request (as PagerDuty counts), `ratelimit-limit`,
 * `ratelimit-remaining` and `ratelimit-reset` (whole seconds, rounded up) on every answer, and a 429 once the window's
 * budget is spent. Replaces the one-minute `rateLimit` option when given.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import type { FakeBudgetOptions } from "../../FakePagerDuty.js"
import type { RateLimitState } from "./controls.js"

/** @internal */
export class FakeBudget {
  private windows = new Map<string, { start: number; count: number }>()

  constructor(readonly limit: number, readonly windowMillis: number) {}

  hit(credential: string, now: number): RateLimitState {
    let window = this.windows.get(credential)
    if (window === undefined || now >= window.start + this.windowMillis) {
      window = { start: now, count: 0 }
      this.windows.set(credential, window)
    }
    window.count += 1
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      reset: Math.max(1, Math.ceil((window.start + this.windowMillis - now) / 1000)),
      limited: window.count > this.limit
    }
  }

  reset(): void {
    this.windows = new Map()
  }
}

/** The budget of the options, or `undefined` when none is configured. @internal */
export const makeFakeBudget = (options: FakeBudgetOptions | undefined): FakeBudget | undefined => {
  if (options === undefined) return undefined
  const windowMillis = Duration.toMillis(Duration.decode(options.window ?? "1 minute"))
  return new FakeBudget(Math.max(0, Math.floor(options.limit)), Math.max(1, windowMillis))
}
