/**
 * The fake PagerDuty's v3 webhooks: what it delivered, and the controls a test uses (wait for deliveries, redeliver,
 * sign wrongly). The fake keeps the subscriptions created through its REST API (`POST /webhook_subscriptions`, with
 * the signing secret in that answer only) and, whenever an incident changes through any route (Events API, REST
 * create/update/multi-update, notes), POSTs the signed event to each active subscription whose events and filter
 * match, with PagerDuty's headers, retrying a failed delivery (5xx, 429, no answer) a few times.
 *
 * @since 0.2.0
 */
import type * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type { HttpClient } from "./internal/http.js"

/**
 * One try of a delivery: the receiver's status and body, or the transport error.
 *
 * @example
 * ```ts
 * import type { FakeWebhookAttempt } from "effect-pagerduty/testing"
 *
 * const ok = (attempt: FakeWebhookAttempt) => attempt.status !== undefined && attempt.status < 300
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeWebhookAttempt {
  readonly status?: number | undefined
  readonly body?: string | undefined
  /** Why no answer came (connection refused, timeout). */
  readonly error?: string | undefined
  readonly at: number
}

/**
 * A webhook the fake sent (or is sending) to one subscription.
 *
 * @example
 * ```ts
 * import type { FakeWebhookDelivery } from "effect-pagerduty/testing"
 *
 * const answered = (delivery: FakeWebhookDelivery) => delivery.attempts.map((attempt) => attempt.status)
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeWebhookDelivery {
  /** The `X-Webhook-Id`: the same on every try and on a redelivery. */
  readonly webhookId: string
  readonly subscriptionId: string
  readonly eventId: string
  readonly eventType: string
  readonly url: string
  /** The headers sent (the signature is not a secret). */
  readonly headers: Readonly<Record<string, string>>
  /** The exact body sent. */
  readonly body: string
  /** Whether this delivery was signed with a wrong secret (see {@link FakeWebhooks.signWrongly}). */
  readonly wrongSignature: boolean
  /** Whether this is a repeat asked by {@link FakeWebhooks.redeliver}. */
  readonly redelivery: boolean
  readonly attempts: ReadonlyArray<FakeWebhookAttempt>
  /** `Pending` until a 2xx (`Delivered`) or the last try or a permanent 4xx (`Failed`). */
  readonly outcome: "Pending" | "Delivered" | "Failed"
}

/**
 * Options of the fake's webhook deliveries.
 *
 * @example
 * ```ts
 * import type { FakeWebhookOptions } from "effect-pagerduty/testing"
 *
 * const options: FakeWebhookOptions = { retryDelays: ["10 millis", "20 millis"], timeout: "2 seconds" }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeWebhookOptions {
  /**
   * The client that delivers (default: `fetch`, through `FetchHttpClient`). The in-memory fake's own `HttpClient`
   * answers as PagerDuty, so it is never used for deliveries.
   */
  readonly httpClient?: HttpClient.HttpClient | undefined
  /**
   * The waits before each retry; their count is the number of retries (default 100, 200, 400 and 800 ms: five tries,
   * as PagerDuty, which spreads them over about 20 minutes). Waits use the `Clock` of the request that caused the
   * event (in memory under `TestClock`: adjust it).
   */
  readonly retryDelays?: ReadonlyArray<Duration.DurationInput> | undefined
  /** How long a try waits for an answer (default 5 seconds, as PagerDuty). */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The webhook controls of a fake (`fake.webhooks`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const delivered = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   yield* fake.webhooks.awaitDeliveries
 *   const deliveries = yield* fake.webhooks.deliveries
 *   return deliveries.map((delivery) => `${delivery.eventType} -> ${delivery.attempts.at(-1)?.status}`)
 * })
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeWebhooks {
  /** Every delivery so far, oldest first. */
  readonly deliveries: Effect.Effect<ReadonlyArray<FakeWebhookDelivery>>
  /** Waits until every queued delivery has finished (retries included). */
  readonly awaitDeliveries: Effect.Effect<void>
  /** Sends a delivery again: same `X-Webhook-Id`, same body (to test deduplication); optionally signed wrongly. */
  readonly redeliver: (
    webhookId: string,
    options?: { readonly wrongSignature?: boolean | undefined } | undefined
  ) => Effect.Effect<void, Cause.NoSuchElementException>
  /** Signs the next `times` deliveries (default 1) with a wrong secret. */
  readonly signWrongly: (times?: number | undefined) => Effect.Effect<void>
  /** Clears the record of deliveries (not the subscriptions). */
  readonly clearDeliveries: Effect.Effect<void>
}
