/**
 * The `effect-pagerduty/rate-limit` entry point: the `RateLimit` layer (needs `@effect/experimental`).
 */
export * as RateLimit from "./RateLimit.js"
