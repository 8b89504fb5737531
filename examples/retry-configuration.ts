/**
 * Retry configuration with `RetryPolicy.layer`: pdpyras's example retries 404 up to 5 times but allows at most 4
 * requests, with waits of sleepTimer × sleepTimerBaseⁿ. Here the unit is 100 ms instead of 1 s, so the 4 requests
 * take about 0.2 + 0.4 + 0.8 s of waiting; the raw `get` then returns the last response (404).
 *
 * The defaults (`RetryPolicy.layer()`): 429 retried without a count limit, honouring `ratelimit-reset` /
 * `Retry-After`; 502/503/504 retried twice on GET; transport errors retried 3 times; other statuses not retried;
 * waits of 1.5 s × 2ⁿ, at most 60 s, ±10% jitter; at most 10 requests per call.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/retry-configuration.ts
 *
 * pdpyras: `session.retry[404] = 5; session.max_http_attempts = 4; session.sleep_timer = 1;
 * session.sleep_timer_base = 2; response = session.get("/users/PNOEXST")`.
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Duration, Effect, Layer, Metric } from "effect"
import { PagerDutyConfig, PagerDutyMetrics, RestApi, RetryPolicy } from "effect-pagerduty"

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const [elapsed, response] = yield* Effect.timed(api.get("/users/PNOEXST"))
  yield* Console.log(`GET /users/PNOEXST -> ${response.status} after ${Math.round(Duration.toMillis(elapsed))} ms`)

  // Calls and attempts are counted separately, per endpoint (METHOD canonical-path).
  const attempts = yield* Metric.value(Metric.tagged(PagerDutyMetrics.attempts, "endpoint", "GET /users/{id}"))
  yield* Console.log(`HTTP attempts: ${attempts.count}`)
})

const RetryLive = RetryPolicy.layer({
  retry: { 404: 5 }, // per-status retry counts, merged over the defaults; -1 = no per-status limit, 0 = never
  maxHttpAttempts: 4, // at most 4 requests in one call (exactly: pdpyras lets 6 through)
  sleepTimer: "100 millis",
  sleepTimerBase: 2,
  staggerCooldown: 0 // no jitter
  // Also: maxNetworkAttempts, maxWait, eventsRetry (Events API statuses), or a Schedule of your own:
  // schedule: Schedule.intersect(Schedule.spaced("2 seconds"), Schedule.recurs(4))
})

const RestLive = RestApi.layer.pipe(
  Layer.provide(PagerDutyConfig.layerConfig()),
  Layer.provide(RetryLive),
  Layer.provide(FetchHttpClient.layer)
)

program.pipe(Effect.provide(RestLive), NodeRuntime.runMain)
