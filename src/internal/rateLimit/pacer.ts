/**
 * The `RateLimit` service over `@effect/experimental`'s `RateLimiter`: one token bucket per budget (per credential or
 * routing key, by keyed hash), in whatever store the limiter has (memory: the fibers of one process; Redis: every
 * process of a fleet). Each request reserves one token before it is sent and sleeps the delay the bucket gives, so
 * requests are spread at `(1 - headroom) × limit` per window instead of burst.
 *
 * Until a budget is known (no `limit` configured and no `ratelimit-limit` seen yet), one request per scope goes first
 * (a probe) and the others wait for its answer (at most `probeTimeoutMillis`); the requests that went unpaced are
 * charged to the bucket when the budget is learned, so the fleet's pace accounts for them.
 *
 * @internal
 */
import type * as RateLimiter from "@effect/experimental/RateLimiter"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { Budget } from "./budget.js"
import { paceIntervalMillis, readBudgetHeaders } from "./budget.js"
import { makeKeyHasher } from "./key.js"
import type { RateLimitScope, RateLimitService } from "./service.js"
import { waitTime } from "./service.js"

/** The validated settings of one kind of budget. @internal */
export interface KindSettings {
  /** Configured requests per window; `undefined`: learned from `ratelimit-limit`. */
  readonly limit: number | undefined
  readonly windowMillis: number
}

/** @internal */
export interface PacerSettings {
  readonly rest: KindSettings
  readonly events: KindSettings
  readonly headroom: number
  readonly hmacKey: string
  readonly keyPrefix: string
  /** A store call slower than this lets the request go unpaced (a Redis outage must not stop PagerDuty calls). */
  readonly storeTimeoutMillis: number
  /** How long the other requests of a scope wait for the probe's answer before going anyway. */
  readonly probeTimeoutMillis: number
}

interface ScopeState {
  /** The limit learned from `ratelimit-limit`. */
  limit: number | undefined
  /** An answer was seen (with or without rate-limit headers). */
  answered: boolean
  /** A probe is in flight until then (epoch millis); 0: none. */
  probeUntil: number
  /** Requests sent before the budget was known, charged to the bucket once it is. */
  unaccounted: number
  /** No request before then (epoch millis): after a 429 or `ratelimit-remaining: 0`. */
  holdUntil: number
  readonly learned: Deferred.Deferred<void>
}

const spanEvent = (name: string, attributes: Record<string, unknown>) =>
  Effect.flatMap(
    Effect.all([Effect.option(Effect.currentSpan), Clock.currentTimeNanos]),
    ([span, now]) => Effect.sync(() => Option.map(span, (s) => s.event(name, now, attributes)))
  )

const secretOf = (scope: RateLimitScope): string =>
  Redacted.value(scope.kind === "rest" ? scope.credential : scope.routingKey)

/** @internal */
export const makeRateLimit = (
  limiter: RateLimiter.RateLimiter,
  settings: PacerSettings
): RateLimitService & { readonly warmUp: Effect.Effect<void> } => {
  const hasher = makeKeyHasher(settings.hmacKey)
  const states = new Map<string, ScopeState>()
  const metrics = {
    rest: Metric.tagged(waitTime, "kind", "rest"),
    events: Metric.tagged(waitTime, "kind", "events")
  }
  let lastStoreWarning = 0

  const keyOf = (scope: RateLimitScope): Effect.Effect<string> =>
    Effect.map(hasher.hash(`${scope.kind}:${secretOf(scope)}`), (hex) => `${settings.keyPrefix}${scope.kind}:${hex}`)

  const stateOf = (key: string): ScopeState => {
    let state = states.get(key)
    if (state === undefined) {
      state = {
        limit: undefined,
        answered: false,
        probeUntil: 0,
        unaccounted: 0,
        holdUntil: 0,
        learned: Deferred.unsafeMake<void>(FiberId.none)
      }
      states.set(key, state)
    }
    return state
  }

  const budgetOf = (kind: KindSettings, state: ScopeState): Budget | undefined => {
    const limit = kind.limit ?? state.limit
    return limit === undefined ? undefined : { limit, windowMillis: kind.windowMillis }
  }

  /** Reserves one token; the delay before the request may go (zero when the store failed: fail open). */
  const reserve = (key: string, budget: Budget): Effect.Effect<Duration.Duration> =>
    limiter.consume({
      // One token per interval, in a window that each reservation extends by one interval: a queue of slots one
      // interval apart, timed by the store (Redis's own clock for its TTLs, so the clocks of the processes do not
      // matter). Whole milliseconds: Redis TTLs are integers.
      algorithm: "fixed-window",
      onExceeded: "delay",
      key,
      limit: 1,
      window: Duration.millis(Math.max(1, Math.ceil(paceIntervalMillis(budget, settings.headroom))))
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(settings.storeTimeoutMillis),
        onTimeout: () => new Error(`no answer within ${settings.storeTimeoutMillis} ms`)
      }),
      Effect.map((result) => result.delay),
      Effect.catchAll((error) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          if (now - lastStoreWarning < 10_000) return Effect.succeed(Duration.zero)
          lastStoreWarning = now
          return Effect.as(
            Effect.logWarning(
              `PagerDuty rate limit: the budget store failed (${
                error instanceof Error ? error.message : String(error)
              }); sending without pacing`
            ),
            Duration.zero
          )
        })
      )
    )

  const acquire = (scope: RateLimitScope): Effect.Effect<void> =>
    Effect.gen(function*() {
      const kind = settings[scope.kind]
      const key = yield* keyOf(scope)
      const state = stateOf(key)
      const start = yield* Clock.currentTimeMillis
      let overslept = 0
      while (true) {
        const now = yield* Clock.currentTimeMillis
        if (state.holdUntil > now) {
          yield* Effect.sleep(Duration.millis(state.holdUntil - now))
          continue
        }
        const budget = budgetOf(kind, state)
        if (budget !== undefined) {
          // The delay is counted by the store when it runs the reservation (Redis: its own clock), so it is slept from
          // the answer: a slow round trip makes the request later, never earlier than its slot.
          const delay = yield* reserve(key, budget)
          if (Duration.lessThanOrEqualTo(delay, Duration.zero)) break
          const slot = (yield* Clock.currentTimeMillis) + Duration.toMillis(delay)
          yield* Effect.sleep(delay)
          // A slot overslept by more than two intervals (a stalled event loop wakes its sleepers together) is given up
          // for a new one: sending the late requests at once would put them all in the server's next window.
          const late = (yield* Clock.currentTimeMillis) - slot
          if (late > 2 * paceIntervalMillis(budget, settings.headroom) && overslept < 3) {
            overslept += 1
            continue
          }
          break
        }
        // The server does not report a budget here and none is configured: nothing to pace by.
        if (state.answered) break
        if (state.probeUntil <= now) {
          state.probeUntil = now + settings.probeTimeoutMillis
          state.unaccounted += 1
          break
        }
        yield* Deferred.await(state.learned).pipe(
          Effect.timeout(Duration.millis(state.probeUntil - now)),
          Effect.ignore
        )
      }
      const waited = (yield* Clock.currentTimeMillis) - start
      yield* Metric.update(metrics[scope.kind], waited)
      if (waited > 0) yield* spanEvent("pagerduty.rate_limit.wait", { kind: scope.kind, "wait.ms": waited })
    })

  const observe: RateLimitService["observe"] = (scope, status, headers) =>
    Effect.gen(function*() {
      const kind = settings[scope.kind]
      const key = yield* keyOf(scope)
      const state = stateOf(key)
      const seen = readBudgetHeaders(headers)
      const now = yield* Clock.currentTimeMillis
      state.answered = true
      state.probeUntil = 0
      if (seen.limit !== undefined && seen.limit !== state.limit) {
        state.limit = seen.limit
        const budget = budgetOf(kind, state)
        // The requests sent before the budget was known count against it: charge them, so the pace accounts for them.
        let unaccounted = state.unaccounted
        state.unaccounted = 0
        while (budget !== undefined && unaccounted > 0) {
          unaccounted -= 1
          yield* reserve(key, budget)
        }
      }
      // A brake: the server's count is the truth. When fewer requests remain in its window than the headroom's half
      // (the pace leaves the whole headroom unspent), requests went out faster than paced (a stalled event loop
      // sending late ones together) or someone else spends the key: wait for the window to reset.
      const budget = budgetOf(kind, state)
      const brake = budget === undefined ? 0 : Math.max(0, Math.floor(budget.limit * settings.headroom / 2))
      if (
        (status === 429 || (seen.remaining !== undefined && seen.remaining <= brake)) &&
        seen.resetMillis !== undefined
      ) {
        // A window is never longer than the budget's: a larger reset would hold every call for nothing.
        state.holdUntil = Math.max(state.holdUntil, now + Math.min(seen.resetMillis, kind.windowMillis))
      }
      yield* Deferred.succeed(state.learned, undefined)
    })

  /** One round trip to the store, so its connection is open (and its scripts loaded) before the first request. */
  const warmUp = reserve(`${settings.keyPrefix}warm-up`, { limit: 1_000, windowMillis: 1_000 }).pipe(Effect.asVoid)

  return { acquire, observe, warmUp }
}
