/**
 * The `RateLimit` service as the request loop sees it: two hooks, `acquire` before each attempt and `observe` after
 * each answer. This module imports `effect` only, so the executor can look the service up without pulling
 * `@effect/experimental` (or `ioredis`) into the import graph of users who do not use the layer. The implementation
 * is `./pacer.ts`; the layers are the public `RateLimit` and `RateLimitRedis` modules. (Not marked internal: public
 * declarations refer to these types.)
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import type * as Redacted from "effect/Redacted"

/**
 * What a budget belongs to: a REST credential (the whole `Authorization` value: `Token token=…` or `Bearer …`) or an
 * Events API routing key. The secret never leaves the service: budgets are keyed by a keyed hash of it.
 */
export type RateLimitScope =
  | { readonly kind: "rest"; readonly credential: Redacted.Redacted<string> }
  | { readonly kind: "events"; readonly routingKey: Redacted.Redacted<string> }

/** The two hooks of the request loop. */
export interface RateLimitService {
  /**
   * Runs right before each attempt is sent: waits until the scope's budget allows one more request (pacing, so the
   * window's budget is spread instead of burst). Never fails: a store that cannot be reached lets the request go.
   */
  readonly acquire: (scope: RateLimitScope) => Effect.Effect<void>
  /**
   * Runs right after each answer (any status) with its headers: learns the budget from `ratelimit-limit`,
   * `ratelimit-remaining` and `ratelimit-reset`, and holds the scope after a 429 or a spent window.
   */
  readonly observe: (
    scope: RateLimitScope,
    status: number,
    headers: Readonly<Record<string, string | undefined>>
  ) => Effect.Effect<void>
}

/** The service tag (re-exported by the public `RateLimit` module). */
export class RateLimit extends Context.Tag("effect-pagerduty/RateLimit")<RateLimit, RateLimitService>() {}

/** Time a request waited for its budget, in milliseconds, labelled by `kind` (`rest`, `events`). */
export const waitTime = Metric.histogram(
  "pagerduty_rate_limit_wait_ms",
  MetricBoundaries.fromIterable([0, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000]),
  "Time a PagerDuty request waited for its rate-limit budget, in milliseconds"
)
