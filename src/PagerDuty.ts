/**
 * One layer for the whole client: `RestApi`, `EventsApi` and `ChangeEventsApi` (plus the `PagerDutyConfig` and
 * `RetryPolicy` they share) from one configuration, so an application writes one `Layer.provide` and chooses only the
 * `HttpClient`.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import { ChangeEventsApi } from "./ChangeEventsApi.js"
import type { Credentials } from "./Credentials.js"
import { EventsApi } from "./EventsApi.js"
import type { HttpClient } from "./internal/http.js"
import type { RateLimit } from "./internal/rateLimit/service.js"
import { RequestGate } from "./internal/requestGate.js"
import { PagerDutyConfig } from "./PagerDutyConfig.js"
import type { PagerDutyConfigFromConfig, PagerDutyConfigOptions } from "./PagerDutyConfig.js"
import { RestApi } from "./RestApi.js"
import { RetryPolicy } from "./RetryPolicy.js"
import type { RetryPolicyOptions } from "./RetryPolicy.js"

/**
 * The services {@link layer} and {@link layerConfig} provide.
 *
 * @example
 * ```ts
 * import type { Effect } from "effect"
 * import type { PagerDuty } from "effect-pagerduty"
 *
 * type Program = Effect.Effect<void, never, PagerDuty.Services>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Services = RestApi | EventsApi | ChangeEventsApi | PagerDutyConfig | RetryPolicy

/**
 * The options of {@link layer}: the `PagerDutyConfig` options, and the `RetryPolicy` options under `retry`.
 *
 * @example
 * ```ts
 * import type { PagerDuty } from "effect-pagerduty"
 *
 * const options: PagerDuty.LayerOptions = {
 *   apiKey: "u+abcdefg",
 *   routingKey: "0123456789abcdef0123456789abcdef",
 *   retry: { maxHttpAttempts: 5 }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends PagerDutyConfigOptions {
  /** The retry policy; default `RetryPolicy.layer()`'s. */
  readonly retry?: RetryPolicyOptions | undefined
  /**
   * Where the REST API's `Authorization` comes from instead of `apiKey`, for example
   * `Credentials.layerClientCredentials({ ... })` (OAuth app tokens, refreshed). It gets this layer's configuration,
   * retry policy and HTTP client.
   */
  readonly credentials?: CredentialsLayer | undefined
  /**
   * A shared rate-limit budget per credential (and routing key): `RateLimit.layer()` from
   * `effect-pagerduty/rate-limit` (memory) or `RateLimitRedis.layer({ redis })` from `effect-pagerduty/rate-limit/redis`
   * (a fleet). Default: none (0.1.0's behaviour: react to 429s and to a spent window).
   */
  readonly rateLimit?: RateLimitLayer | undefined
}

/**
 * A `RateLimit` layer that {@link layer} and {@link layerConfig} can take (`effect-pagerduty/rate-limit`).
 *
 * @example
 * ```ts
 * import type { PagerDuty } from "effect-pagerduty"
 * import { RateLimit } from "effect-pagerduty/rate-limit"
 *
 * const rateLimit: PagerDuty.RateLimitLayer = RateLimit.layer({ rest: { window: "1 minute" } })
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type RateLimitLayer = Layer.Layer<RateLimit, ConfigError.ConfigError>

/**
 * A `Credentials` layer that {@link layer} and {@link layerConfig} can take: it may read the configuration, the retry
 * policy and the HTTP client they provide.
 *
 * @example
 * ```ts
 * import { Credentials, PagerDuty } from "effect-pagerduty"
 *
 * const credentials: PagerDuty.CredentialsLayer = Credentials.layerClientCredentialsConfig()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CredentialsLayer = Layer.Layer<
  Credentials,
  ConfigError.ConfigError,
  PagerDutyConfig | RetryPolicy | HttpClient.HttpClient
>

/**
 * The options of {@link layerConfig}: each `PagerDutyConfig` option as an Effect `Config` (the others read the
 * environment), and the `RetryPolicy` options under `retry`.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import type { PagerDuty } from "effect-pagerduty"
 *
 * const options: PagerDuty.LayerConfigOptions = {
 *   routingKey: Config.redacted("CHECKOUT_ROUTING_KEY"),
 *   retry: { eventsRetry: { 500: 4 } }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type LayerConfigOptions = PagerDutyConfigFromConfig & {
  /** The retry policy; default `RetryPolicy.layer()`'s. */
  readonly retry?: RetryPolicyOptions | undefined
  /** As {@link LayerOptions.credentials}: e.g. `Credentials.layerClientCredentialsConfig()`. */
  readonly credentials?: CredentialsLayer | undefined
  /** As {@link LayerOptions.rateLimit}: e.g. `RateLimit.layer()`. */
  readonly rateLimit?: RateLimitLayer | undefined
}

const services = Layer.mergeAll(RestApi.layer, EventsApi.layer, ChangeEventsApi.layer)

const withDependencies = (
  config: Layer.Layer<PagerDutyConfig, ConfigError.ConfigError>,
  retry: RetryPolicyOptions | undefined,
  credentials: CredentialsLayer | undefined,
  rateLimit: RateLimitLayer | undefined
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> => {
  // One RequestGate for every service of this layer (and the OAuth token requests): they share the rate-limit hold.
  const dependencies = Layer.mergeAll(config, RetryPolicy.layer(retry), RequestGate.layer)
  // One RateLimit for the three services: REST and Events share the layer's budgets.
  const limited = rateLimit === undefined ? services : Layer.provide(services, rateLimit)
  return credentials === undefined
    ? Layer.provideMerge(limited, dependencies)
    : Layer.provideMerge(limited, Layer.provideMerge(credentials, dependencies))
}

/**
 * `RestApi`, `EventsApi` and `ChangeEventsApi` from literal options; the application provides the `HttpClient`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 * import { ChangeEventsApi, EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
 *
 * const PagerDutyLive = PagerDuty.layer({
 *   apiKey: Redacted.make("u+abcdefg"),
 *   routingKey: Redacted.make("0123456789abcdef0123456789abcdef"),
 *   region: "eu"
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Effect.gen(function*() {
 *   const rest = yield* RestApi
 *   const events = yield* EventsApi
 *   const changes = yield* ChangeEventsApi
 *   yield* changes.submit("Deployed checkout-api v42")
 *   const dedupKey = yield* events.trigger("Checkout errors above 5%", "checkout-api")
 *   return yield* rest.total("/incidents", { params: { incident_key: dedupKey } })
 * }).pipe(Effect.provide(PagerDutyLive))
 * ```
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (
  options: LayerOptions = {}
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const { credentials, rateLimit, retry, ...config } = options
  return withDependencies(PagerDutyConfig.layer(config), retry, credentials, rateLimit)
}

/**
 * `RestApi`, `EventsApi` and `ChangeEventsApi` from Effect's `Config`: `PAGERDUTY_API_KEY`,
 * `PAGERDUTY_ROUTING_KEY`, `PAGERDUTY_REGION`, … (see `PagerDutyConfig.layerConfig`), with any option given as a
 * `Config` instead; the application provides the `HttpClient`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { EventsApi, PagerDuty } from "effect-pagerduty"
 *
 * const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Effect.gen(function*() {
 *   const events = yield* EventsApi
 *   yield* events.trigger("Queue depth above 10k", "orders-worker", { severity: "warning" })
 * }).pipe(Effect.provide(PagerDutyLive))
 * ```
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  options: LayerConfigOptions = {}
): Layer.Layer<Services, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const { credentials, rateLimit, retry, ...config } = options
  return withDependencies(PagerDutyConfig.layerConfig(config), retry, credentials, rateLimit)
}
