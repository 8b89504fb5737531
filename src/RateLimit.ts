/**
 * One rate-limit budget per credential, shared by every fiber (and, with `effect-pagerduty/rate-limit/redis`, every
 * process): requests are paced from PagerDuty's `ratelimit-limit` / `ratelimit-remaining` / `ratelimit-reset`
 * headers (or a configured budget) so that a window's budget is spread instead of burst, and 429s happen only when
 * something outside the layer's knowledge spent the budget. Built on `@effect/experimental`'s `RateLimiter`.
 *
 * Import it from `effect-pagerduty/rate-limit` (it needs the optional peer dependency `@effect/experimental`); without
 * this layer the client behaves as before and needs neither.
 *
 * @since 0.2.0
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { KindSettings, PacerSettings } from "./internal/rateLimit/pacer.js"
import { makeRateLimit } from "./internal/rateLimit/pacer.js"
import * as internal from "./internal/rateLimit/service.js"

/**
 * The service tag. Provide it with {@link layer} (memory), `RateLimitRedis.layer` (Redis), or {@link layerStore} (any
 * `RateLimiterStore`) to `PagerDuty.layer({ rateLimit })`, or directly to `RestApi.layer` / `EventsApi.layer`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const hasLayer = Effect.serviceOption(RateLimit.RateLimit)
 * ```
 *
 * @since 0.2.0
 * @category tags
 */
export const RateLimit: typeof internal.RateLimit = internal.RateLimit

/**
 * The service tag's type.
 *
 * @example
 * ```ts
 * import type { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * type Tag = RateLimit.RateLimit
 * ```
 *
 * @since 0.2.0
 * @category tags
 */
export type RateLimit = internal.RateLimit

/**
 * What a budget belongs to: a REST credential or an Events API routing key.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const scope: RateLimit.Scope = { kind: "events", routingKey: Redacted.make("0123456789abcdef0123456789abcdef") }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Scope = internal.RateLimitScope

/**
 * The service: `acquire` before each attempt, `observe` after each answer (the client calls both).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const paced = Effect.gen(function*() {
 *   const limit = yield* RateLimit.RateLimit
 *   yield* limit.acquire({ kind: "rest", credential: Redacted.make("Token token=u+abcdefg") })
 * })
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Service = internal.RateLimitService

/**
 * Time each request waited for its budget, in milliseconds, labelled `kind` (`rest` or `events`). The wait also shows
 * as a `pagerduty.rate_limit.wait` event (with `wait.ms`) on the call's span.
 *
 * @example
 * ```ts
 * import { Effect, Metric } from "effect"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const waits = Metric.value(RateLimit.waitTime).pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.2.0
 * @category metrics
 */
export const waitTime = internal.waitTime

/**
 * One kind of budget: `limit` requests per `window`.
 *
 * @example
 * ```ts
 * import type { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const pagerDutyRest: RateLimit.BudgetOptions = { limit: 960, window: "1 minute" }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface BudgetOptions {
  /** Requests per window. Default: learned from PagerDuty's `ratelimit-limit` header. */
  readonly limit?: number | undefined
  /** The window's length. Default one minute (PagerDuty's REST and Events windows). */
  readonly window?: Duration.DurationInput | undefined
}

/**
 * The options of {@link layer}, {@link layerStore} and `RateLimitRedis.layer`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const options: RateLimit.Options = {
 *   rest: { window: "1 minute" }, // the limit comes from ratelimit-limit
 *   events: { limit: 120, window: "1 minute" }, // pace EventsApi per routing key
 *   headroom: 0.1,
 *   hashKey: Redacted.make("a secret shared by the fleet")
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** The REST budget of each credential. Default: the limit from `ratelimit-limit`, per minute. */
  readonly rest?: BudgetOptions | undefined
  /**
   * The Events API budget of each routing key. Default: paced only when answers carry `ratelimit-limit` (per
   * minute); give a `limit` to pace by it from the first event.
   */
  readonly events?: BudgetOptions | undefined
  /**
   * The fraction of each budget left unspent, for timing jitter and other users of the key (the PagerDuty web app,
   * scripts): from 0 (inclusive) to 1. Default 0.1: 90% of the budget, evenly spread.
   */
  readonly headroom?: number | undefined
  /**
   * The key of the HMAC that names a budget in the store (the credential itself is never stored). Every process that
   * shares a budget must use the same one. Default: a fixed, public key (the budget's name still reveals nothing
   * usable, but a secret one stops anyone who reads the store from testing guesses of a key).
   */
  readonly hashKey?: Redacted.Redacted<string> | string | undefined
  /** Prefix of the budget names in the store. Default `"effect-pagerduty:"`. */
  readonly keyPrefix?: string | undefined
  /** A store call slower than this lets the request go unpaced, with a warning. Default 2 seconds. */
  readonly storeTimeout?: Duration.DurationInput | undefined
}

const invalid = (path: ReadonlyArray<string>, message: string) =>
  Either.left(ConfigError.InvalidData([...path], message))

const kindSettings = (
  name: string,
  options: BudgetOptions | undefined
): Either.Either<KindSettings, ConfigError.ConfigError> => {
  const limit = options?.limit
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    return invalid(["rateLimit", name, "limit"], `must be a whole number of requests, at least 1 (got ${limit})`)
  }
  const window = options?.window === undefined ? Option_oneMinute : Duration.decodeUnknown(options.window)
  if (window._tag === "None" || !Duration.isFinite(window.value) || Duration.toMillis(window.value) <= 0) {
    return invalid(["rateLimit", name, "window"], "must be a positive, finite duration (such as \"1 minute\")")
  }
  return Either.right({ limit, windowMillis: Duration.toMillis(window.value) })
}

const Option_oneMinute = Duration.decodeUnknown("1 minute")

/** @internal */
export const settingsOf = (options: Options | undefined): Either.Either<PacerSettings, ConfigError.ConfigError> =>
  Either.gen(function*() {
    const rest = yield* kindSettings("rest", options?.rest)
    const events = yield* kindSettings("events", options?.events)
    const headroom = options?.headroom ?? 0.1
    if (!(typeof headroom === "number" && headroom >= 0 && headroom < 1)) {
      return yield* invalid(["rateLimit", "headroom"], `must be a number from 0 to below 1 (got ${String(headroom)})`)
    }
    const hashKey = options?.hashKey === undefined
      ? "effect-pagerduty rate-limit budget v1"
      : Redacted.isRedacted(options.hashKey)
      ? Redacted.value(options.hashKey)
      : options.hashKey
    if (typeof hashKey !== "string" || hashKey === "") {
      return yield* invalid(["rateLimit", "hashKey"], "must be a non-empty string (or a Redacted string)")
    }
    const storeTimeout = options?.storeTimeout === undefined
      ? Duration.decodeUnknown("2 seconds")
      : Duration.decodeUnknown(options.storeTimeout)
    if (
      storeTimeout._tag === "None" || !Duration.isFinite(storeTimeout.value) ||
      Duration.toMillis(storeTimeout.value) <= 0
    ) {
      return yield* invalid(["rateLimit", "storeTimeout"], "must be a positive, finite duration")
    }
    const keyPrefix = options?.keyPrefix ?? "effect-pagerduty:"
    if (typeof keyPrefix !== "string") {
      return yield* invalid(["rateLimit", "keyPrefix"], "must be a string")
    }
    return {
      rest,
      events,
      headroom,
      hmacKey: hashKey,
      keyPrefix,
      storeTimeoutMillis: Duration.toMillis(storeTimeout.value),
      probeTimeoutMillis: 5_000
    }
  })

/**
 * The layer over any `RateLimiterStore` of `@effect/experimental` (memory, Redis, or your own): every process whose
 * layers share a store shares the budgets. An invalid option fails the layer with a `ConfigError` naming it.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "@effect/experimental"
 * import { Layer } from "effect"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const RateLimitLive = RateLimit.layerStore({ rest: { window: "1 minute" } }).pipe(
 *   Layer.provide(RateLimiter.layerStoreMemory)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerStore = (
  options?: Options | undefined
): Layer.Layer<RateLimit, ConfigError.ConfigError, RateLimiter.RateLimiterStore> =>
  Layer.effect(
    internal.RateLimit,
    Effect.gen(function*() {
      const settings = yield* settingsOf(options)
      const limiter = yield* RateLimiter.make
      const { acquire, observe, warmUp } = makeRateLimit(limiter, settings)
      yield* warmUp
      return { acquire, observe }
    })
  )

/**
 * The layer with an in-memory store: every fiber of this process that uses the layer shares one budget per
 * credential (and per routing key). Give it to `PagerDuty.layer({ rateLimit })`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 * import { PagerDuty } from "effect-pagerduty"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const PagerDutyLive = PagerDuty.layer({
 *   apiKey: Redacted.make("u+abcdefg"),
 *   rateLimit: RateLimit.layer()
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options?: Options | undefined): Layer.Layer<RateLimit, ConfigError.ConfigError> =>
  layerStore(options).pipe(Layer.provide(RateLimiter.layerStoreMemory))
