/**
 * The `effect-pagerduty/webhooks` entry: receive PagerDuty's v3 webhooks in an Effect HTTP server (verify, decode,
 * deduplicate, handle), and create subscriptions through the REST API.
 *
 * @since 0.2.0
 */

/**
 * The typed failures: `WebhookSignatureError` and `WebhookPayloadError`.
 *
 * @since 0.2.0
 */
export * from "./WebhookError.js"

/**
 * The v3 webhook events as Schemas: the envelope, the data of each resource type, and the open union.
 *
 * @since 0.2.0
 */
export * as WebhookEvent from "./WebhookEvent.js"

/**
 * The store of handled event ids that deduplicates redeliveries.
 *
 * @since 0.2.0
 */
export * as WebhookEventStore from "./WebhookEventStore.js"

/**
 * The receiver: an `HttpApp` for `@effect/platform`'s HTTP server, or a `Stream` of events.
 *
 * @since 0.2.0
 */
export * as WebhookHandler from "./WebhookHandler.js"

/**
 * `X-PagerDuty-Signature`: verify and sign, with WebCrypto.
 *
 * @since 0.2.0
 */
export * as WebhookSignature from "./WebhookSignature.js"

/**
 * Creating a subscription and keeping its secret.
 *
 * @since 0.2.0
 */
export * as WebhookSubscription from "./WebhookSubscription.js"
