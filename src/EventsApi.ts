/**
 * The PagerDuty Events API v2 client: trigger, acknowledge and resolve alerts.
 *
 * Every event is validated before anything is sent (required fields, the 1,024-character summary, the severity and
 * action enums, the dedup key, the 32-character routing key, images and links, ISO 8601 timestamps, the 512 KB
 * limit); a rejected event fails with `PDClientError` (reason `InvalidInput`, `field` set) and no request is made.
 * The routing key is sent in the body only (`routing_key`), never in a header, and never appears in an error. 429 and
 * 5xx answers are retried per the Events rules of `RetryPolicy` (`{ 500: 2, 502: 4, 503: 6, 504: 6 }` by default).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/events.js"
import type { HttpClient } from "./internal/http.js"
import type { PagerDutyConfig } from "./PagerDutyConfig.js"
import type { PDClientError, PDHTTPError } from "./PagerDutyError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

/**
 * The perceived severity of an alert event.
 *
 * @example
 * ```ts
 * import type { EventSeverity } from "effect-pagerduty"
 *
 * const severity: EventSeverity = "warning"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EventSeverity = "critical" | "error" | "warning" | "info"

/**
 * The action of an Events API v2 event.
 *
 * @example
 * ```ts
 * import type { EventAction } from "effect-pagerduty"
 *
 * const action: EventAction = "resolve"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EventAction = "trigger" | "acknowledge" | "resolve"

/**
 * An image shown on the alert and its incident: `src` (an HTTPS URL) is required, `href` and `alt` are optional.
 *
 * @example
 * ```ts
 * import type { EventImage } from "effect-pagerduty"
 *
 * const chart: EventImage = { src: "https://charts.example.com/cpu.png", alt: "CPU, last hour" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventImage {
  readonly src: string
  readonly href?: string | undefined
  readonly alt?: string | undefined
}

/**
 * A link shown on the alert and its incident: `href` is required, `text` is optional.
 *
 * @example
 * ```ts
 * import type { EventLink } from "effect-pagerduty"
 *
 * const runbook: EventLink = { href: "https://wiki.example.com/runbooks/disk", text: "Runbook" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventLink {
  readonly href: string
  readonly text?: string | undefined
}

/**
 * The `payload` of a trigger event, as PagerDuty names its fields. `summary` is at most 1,024 characters;
 * `timestamp` is an ISO 8601 date-time with a time zone.
 *
 * @example
 * ```ts
 * import type { EventPayload } from "effect-pagerduty"
 *
 * const payload: EventPayload = {
 *   summary: "DISK at 99% on prod-datapipe03",
 *   source: "prod-datapipe03.example.com",
 *   severity: "critical",
 *   custom_details: { "free space": "1%" }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventPayload {
  readonly summary: string
  readonly source: string
  readonly severity: EventSeverity
  readonly timestamp?: string | undefined
  readonly component?: string | undefined
  readonly group?: string | undefined
  readonly class?: string | undefined
  readonly custom_details?: Readonly<Record<string, unknown>> | undefined
}

/**
 * A whole Events API v2 event, as PagerDuty names its fields, for {@link EventsApiService.send}. `routing_key` may be
 * left out: the configured one is used. `payload` is required for `trigger`, `dedup_key` for `acknowledge` and
 * `resolve`.
 *
 * @example
 * ```ts
 * import type { AlertEvent } from "effect-pagerduty"
 *
 * const event: AlertEvent = {
 *   event_action: "trigger",
 *   dedup_key: "srv01/mysql",
 *   payload: { summary: "MySQL down on srv01", source: "srv01", severity: "critical" },
 *   client: "Sample Monitoring Service"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertEvent {
  readonly event_action: EventAction
  readonly routing_key?: Redacted.Redacted<string> | string | undefined
  readonly dedup_key?: string | undefined
  readonly payload?: EventPayload | undefined
  readonly client?: string | undefined
  readonly client_url?: string | undefined
  readonly images?: ReadonlyArray<EventImage> | undefined
  readonly links?: ReadonlyArray<EventLink> | undefined
}

/**
 * The options of {@link EventsApiService.acknowledge} and {@link EventsApiService.resolve}.
 *
 * @example
 * ```ts
 * import type { EventOptions } from "effect-pagerduty"
 *
 * const options: EventOptions = { routingKey: "0123456789abcdef0123456789abcdef" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventOptions {
  /** This call's routing key, instead of the configured one. */
  readonly routingKey?: Redacted.Redacted<string> | string | undefined
}

/**
 * The options of {@link EventsApiService.trigger}. Nothing passed here is mutated.
 *
 * @example
 * ```ts
 * import type { TriggerOptions } from "effect-pagerduty"
 *
 * const options: TriggerOptions = {
 *   dedupKey: "srv01/disk",
 *   severity: "warning",
 *   component: "disk",
 *   customDetails: { "free space": "4%" },
 *   links: [{ href: "https://wiki.example.com/runbooks/disk", text: "Runbook" }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerOptions extends EventOptions {
  /** Correlates this alert's trigger, acknowledge and resolve events (at most 255 characters). */
  readonly dedupKey?: string | undefined
  /** Default `"critical"`. */
  readonly severity?: EventSeverity | undefined
  readonly component?: string | undefined
  readonly group?: string | undefined
  readonly class?: string | undefined
  /**
   * When the event happened. A string is sent as given and must be ISO 8601 with a time zone
   * (`2015-07-17T08:42:58.315+0000`); a `DateTime`, `Date` or epoch milliseconds is sent as ISO 8601 in UTC.
   */
  readonly timestamp?: DateTime.DateTime.Input | undefined
  /** Merged into `payload.custom_details` key by key; wins over the `payload` option's on a shared key. */
  readonly customDetails?: Readonly<Record<string, unknown>> | undefined
  readonly images?: ReadonlyArray<EventImage> | undefined
  readonly links?: ReadonlyArray<EventLink> | undefined
  /** The monitoring client's name (`client`). */
  readonly client?: string | undefined
  /** The monitoring client's URL (`client_url`). */
  readonly clientUrl?: string | undefined
  /**
   * Payload fields that win over the arguments and the options above (summary, source and severity included);
   * fields set to `undefined` are ignored.
   */
  readonly payload?: { readonly [K in keyof EventPayload]?: EventPayload[K] | undefined } | undefined
}

/**
 * PagerDuty's answer to an accepted event.
 *
 * @example
 * ```ts
 * import type { EventResult } from "effect-pagerduty"
 *
 * const result: EventResult = { status: "success", message: "Event processed", dedupKey: "srv01/HTTP" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventResult {
  readonly status: string
  readonly message: string | undefined
  /** The key that correlates the alert's events: the one sent, or the one PagerDuty generated. */
  readonly dedupKey: string
}

/**
 * The Events API v2 service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EventsApi } from "effect-pagerduty"
 *
 * const program = Effect.gen(function*() {
 *   const events = yield* EventsApi
 *   const dedupKey = yield* events.trigger("Disk full on db-1", "db-1.example.com", { severity: "error" })
 *   yield* events.resolve(dedupKey)
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EventsApiService {
  /** Triggers an alert; succeeds with the alert's `dedup_key` (the given one or PagerDuty's). */
  readonly trigger: (
    summary: string,
    source: string,
    options?: TriggerOptions
  ) => Effect.Effect<string, PDHTTPError | PDClientError>
  /** Acknowledges the alert with this `dedup_key`. */
  readonly acknowledge: (dedupKey: string, options?: EventOptions) => Effect.Effect<void, PDHTTPError | PDClientError>
  /** Resolves the alert with this `dedup_key`. */
  readonly resolve: (dedupKey: string, options?: EventOptions) => Effect.Effect<void, PDHTTPError | PDClientError>
  /** Sends a whole event, validated like the others; the configured routing key is used when it has none. */
  readonly send: (event: AlertEvent) => Effect.Effect<EventResult, PDHTTPError | PDClientError>
}

/**
 * The Events API v2 service. `EventsApi.layer` needs `PagerDutyConfig` (with a `routingKey`, or pass one per call),
 * `RetryPolicy` and an `HttpClient`; `PagerDuty.layer` gives it together with `RestApi` and `ChangeEventsApi`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { EventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
 *
 * const EventsLive = EventsApi.layer.pipe(
 *   Layer.provide(PagerDutyConfig.layerConfig()), // PAGERDUTY_ROUTING_KEY
 *   Layer.provide(RetryPolicy.layer()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const events = yield* EventsApi
 *   const dedupKey = yield* events.trigger("Checkout latency above 2 s", "checkout-api", { severity: "warning" })
 *   yield* events.acknowledge(dedupKey)
 *   yield* events.resolve(dedupKey)
 * }).pipe(Effect.provide(EventsLive))
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class EventsApi extends Context.Tag("effect-pagerduty/EventsApi")<EventsApi, EventsApiService>() {
  /**
   * The Events API v2 layer. It sends to `${eventsUrl}/v2/enqueue` (the EU host when `region: "eu"`).
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { EventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
   *
   * const EventsWithoutHttp = EventsApi.layer.pipe(
   *   Layer.provide([PagerDutyConfig.layer({ routingKey: "0123456789abcdef0123456789abcdef" }), RetryPolicy.layer()])
   * )
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<EventsApi, never, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> = Layer
    .effect(EventsApi, internal.makeEventsApi)
}
