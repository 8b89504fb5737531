/**
 * The PagerDuty Change Events API client: informational events about deploys, configuration changes and the like,
 * shown next to incidents on the same service. They create no incident and notify no one.
 *
 * Events are validated before anything is sent (summary of at most 1,024 characters, the 32-character routing key,
 * links and images, ISO 8601 timestamps, the 512 KB limit); the routing key is sent in the body only and never
 * appears in an error; 429 and 5xx answers are retried per the Events rules of `RetryPolicy`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type { EventImage, EventLink } from "./EventsApi.js"
import * as internal from "./internal/events.js"
import type { HttpClient } from "./internal/http.js"
import type { PagerDutyConfig } from "./PagerDutyConfig.js"
import type { PDClientError, PDHTTPError } from "./PagerDutyError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

/**
 * The `payload` of a change event, as PagerDuty names its fields.
 *
 * @example
 * ```ts
 * import type { ChangeEventPayload } from "effect-pagerduty"
 *
 * const payload: ChangeEventPayload = {
 *   summary: "Deployed checkout-api v42",
 *   source: "ci",
 *   timestamp: "2026-01-05T10:00:00.000Z",
 *   custom_details: { build: 42 }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeEventPayload {
  readonly summary: string
  readonly source?: string | undefined
  readonly timestamp?: string | undefined
  readonly custom_details?: Readonly<Record<string, unknown>> | undefined
}

/**
 * A whole change event, for {@link ChangeEventsApiService.send}. `routing_key` may be left out: the configured one
 * is used. It is sent as given (no timestamp is added: PagerDuty then uses the time it receives it).
 *
 * @example
 * ```ts
 * import type { ChangeEvent } from "effect-pagerduty"
 *
 * const event: ChangeEvent = {
 *   payload: { summary: "Build passed: increase snapshot timeout", source: "build-agent-7" },
 *   links: [{ href: "https://ci.example.com/builds/220", text: "Build 220" }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeEvent {
  readonly routing_key?: Redacted.Redacted<string> | string | undefined
  readonly payload: ChangeEventPayload
  readonly links?: ReadonlyArray<EventLink> | undefined
  readonly images?: ReadonlyArray<EventImage> | undefined
}

/**
 * The options of {@link ChangeEventsApiService.submit}. Nothing passed here is mutated.
 *
 * @example
 * ```ts
 * import type { ChangeEventOptions } from "effect-pagerduty"
 *
 * const options: ChangeEventOptions = {
 *   source: "github-actions",
 *   customDetails: { commit: "4f2a9c1", author: "ada" },
 *   links: [{ href: "https://github.com/acme/shop/pull/812", text: "PR #812" }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeEventOptions {
  readonly source?: string | undefined
  /** Sent as `payload.custom_details`. */
  readonly customDetails?: Readonly<Record<string, unknown>> | undefined
  readonly links?: ReadonlyArray<EventLink> | undefined
  readonly images?: ReadonlyArray<EventImage> | undefined
  /**
   * When the change happened. Default: now, from Effect's `Clock` (so `TestClock` controls it), as ISO 8601 in UTC.
   * A string is sent as given and must be ISO 8601 with a time zone; a `DateTime`, `Date` or epoch milliseconds is
   * sent as ISO 8601 in UTC.
   */
  readonly timestamp?: DateTime.DateTime.Input | undefined
  /** This call's routing key, instead of the configured one. */
  readonly routingKey?: Redacted.Redacted<string> | string | undefined
}

/**
 * PagerDuty's answer to an accepted change event (usually `{"status": "success", "message": "Change event
 * processed"}`); each field is `undefined` when the answer lacks it.
 *
 * @example
 * ```ts
 * import type { ChangeEventResult } from "effect-pagerduty"
 *
 * const result: ChangeEventResult = { status: "success", message: "Change event processed", id: undefined }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeEventResult {
  readonly status: string | undefined
  readonly message: string | undefined
  readonly id: string | undefined
}

/**
 * The Change Events API service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ChangeEventsApi } from "effect-pagerduty"
 *
 * const program = Effect.gen(function*() {
 *   const changes = yield* ChangeEventsApi
 *   yield* changes.submit("Deployed checkout-api v42", { source: "ci", customDetails: { version: "v42" } })
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeEventsApiService {
  /** Submits a change event; succeeds with the `id` PagerDuty returns, if any (usually none). */
  readonly submit: (
    summary: string,
    options?: ChangeEventOptions
  ) => Effect.Effect<string | undefined, PDHTTPError | PDClientError>
  /** Sends a whole change event, validated like `submit`'s. */
  readonly send: (event: ChangeEvent) => Effect.Effect<ChangeEventResult, PDHTTPError | PDClientError>
}

/**
 * The Change Events API service. `ChangeEventsApi.layer` needs `PagerDutyConfig` (with a `routingKey`, or pass one
 * per call), `RetryPolicy` and an `HttpClient`; `PagerDuty.layer` gives it together with `RestApi` and `EventsApi`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { ChangeEventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
 *
 * const ChangesLive = ChangeEventsApi.layer.pipe(
 *   Layer.provide(PagerDutyConfig.layerConfig()), // PAGERDUTY_ROUTING_KEY
 *   Layer.provide(RetryPolicy.layer()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const changes = yield* ChangeEventsApi
 *   yield* changes.submit("Deployed checkout-api v42", { source: "ci" })
 * }).pipe(Effect.provide(ChangesLive))
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class ChangeEventsApi extends Context.Tag("effect-pagerduty/ChangeEventsApi")<
  ChangeEventsApi,
  ChangeEventsApiService
>() {
  /**
   * The Change Events API layer. It sends to `${eventsUrl}/v2/change/enqueue` (the EU host when `region: "eu"`).
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { ChangeEventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
   *
   * const ChangesWithoutHttp = ChangeEventsApi.layer.pipe(
   *   Layer.provide([PagerDutyConfig.layer({ routingKey: "0123456789abcdef0123456789abcdef" }), RetryPolicy.layer()])
   * )
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<ChangeEventsApi, never, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> =
    Layer.effect(ChangeEventsApi, internal.makeChangeEventsApi)
}
