/**
 * The `RateLimit` layer with a Redis store (`@effect/experimental`'s, over `ioredis`): every process that uses the
 * same Redis and the same `hashKey` shares one budget per credential, so a fleet of workers sharing a key paces
 * itself instead of discovering the budget by 429s. Budgets are named by an HMAC of the credential, never the key.
 *
 * Import it from `effect-pagerduty/rate-limit/redis` (optional peer dependencies: `@effect/experimental`, `ioredis`).
 *
 * @since 0.2.0
 */
import * as RedisStore from "@effect/experimental/RateLimiter/Redis"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type { RedisOptions } from "ioredis"
import * as RateLimit from "./RateLimit.js"

/**
 * The options: those of `RateLimit.layer`, and the `ioredis` connection options under `redis`.
 *
 * @example
 * ```ts
 * import type { RateLimitRedis } from "effect-pagerduty/rate-limit/redis"
 *
 * const options: RateLimitRedis.Options = { redis: { host: "127.0.0.1", port: 6379 }, rest: { window: "1 minute" } }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends RateLimit.Options {
  /** The `ioredis` options (host, port, password, TLS, ...). The connection is closed when the layer is released. */
  readonly redis: RedisOptions
}

/**
 * The layer, with its own Redis connection (opened when the layer is built, closed when it is released).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 * import { PagerDuty } from "effect-pagerduty"
 * import { RateLimitRedis } from "effect-pagerduty/rate-limit/redis"
 *
 * const PagerDutyLive = PagerDuty.layerConfig({
 *   rateLimit: RateLimitRedis.layer({ redis: { host: "redis.internal", port: 6379 } })
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError> => {
  const { redis, ...rest } = options
  return RateLimit.layerStore(rest).pipe(Layer.provide(RedisStore.layerStore(redis)))
}
