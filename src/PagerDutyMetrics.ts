/**
 * The metrics every effect-pagerduty call records with Effect's `Metric`, each tagged with `endpoint`
 * (`METHOD canonical-path`, for example `GET /users/{id}`). Logical calls and HTTP attempts are counted separately:
 * a call retried twice is one call and three attempts.
 *
 * @since 0.1.0
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"

/**
 * Logical calls, tagged `endpoint` and `outcome` (`2xx`, `4xx`, `5xx`, `error`).
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { PagerDutyMetrics } from "effect-pagerduty"
 *
 * const report = Effect.map(Metric.value(PagerDutyMetrics.calls), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const calls = Metric.counter("pagerduty_calls_total", {
  description: "Logical PagerDuty API calls (retries excluded)",
  incremental: true
})

/**
 * HTTP attempts (every request sent, retries included), tagged `endpoint`.
 *
 * @example
 * ```ts
 * import { Metric } from "effect"
 * import { PagerDutyMetrics } from "effect-pagerduty"
 *
 * const attemptsForUsers = Metric.tagged(PagerDutyMetrics.attempts, "endpoint", "GET /users")
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const attempts = Metric.counter("pagerduty_attempts_total", {
  description: "HTTP requests sent to PagerDuty, retries included",
  incremental: true
})

/**
 * The duration of logical calls in milliseconds (waits between retries included), tagged `endpoint`.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { PagerDutyMetrics } from "effect-pagerduty"
 *
 * const buckets = Effect.map(Metric.value(PagerDutyMetrics.latency), (state) => state.buckets)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const latency = Metric.histogram(
  "pagerduty_call_duration_ms",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
  "Duration of PagerDuty API calls in milliseconds"
)

/**
 * 429 (rate limited) answers, tagged `endpoint`.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { PagerDutyMetrics } from "effect-pagerduty"
 *
 * const throttled = Effect.map(Metric.value(PagerDutyMetrics.rateLimited), (state) => state.count)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const rateLimited = Metric.counter("pagerduty_rate_limited_total", {
  description: "429 answers from PagerDuty",
  incremental: true
})
