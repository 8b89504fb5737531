/**
 * The `effect-pagerduty/rate-limit/redis` entry point: the `RateLimit` layer with a Redis store (needs
 * `@effect/experimental` and `ioredis`).
 */
export * as RateLimitRedis from "../RateLimitRedis.js"
