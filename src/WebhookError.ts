/**
 * The typed failures of receiving a PagerDuty v3 webhook: a signature that does not check out, and a body that is
 * not a webhook event. Neither ever carries a secret, a signature or the body.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"

/**
 * Why a {@link WebhookSignatureError} happened.
 *
 * - `Missing`: no `X-PagerDuty-Signature` header (or a blank one).
 * - `Malformed`: the header has no hex `v1=` signature (only other versions, or garbage).
 * - `Mismatch`: no `v1` signature is the HMAC-SHA256 of the body with any of the secrets.
 *
 * @example
 * ```ts
 * import type { WebhookSignatureErrorReason } from "effect-pagerduty/webhooks"
 *
 * const reasons: ReadonlyArray<WebhookSignatureErrorReason> = ["Missing", "Malformed", "Mismatch"]
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type WebhookSignatureErrorReason = "Missing" | "Malformed" | "Mismatch"

/**
 * A webhook whose signature does not check out. The server handler answers it `401 invalid signature`, whatever the
 * reason (the reason is for your logs, never for the sender).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const checked = WebhookSignature.verify({
 *   body: "{}",
 *   signature: undefined,
 *   secrets: Redacted.make("my-secret")
 * }).pipe(Effect.catchTag("WebhookSignatureError", (error) => Effect.logWarning(error.reason)))
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class WebhookSignatureError extends Schema.TaggedError<WebhookSignatureError>(
  "effect-pagerduty/WebhookSignatureError"
)("WebhookSignatureError", {
  reason: Schema.Literal("Missing", "Malformed", "Mismatch")
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    switch (this.reason) {
      case "Missing":
        return "The webhook has no X-PagerDuty-Signature header"
      case "Malformed":
        return "The webhook's X-PagerDuty-Signature header has no v1 signature"
      case "Mismatch":
        return "No signature of the webhook matches a configured secret"
    }
  }
}

/**
 * Why a {@link WebhookPayloadError} happened.
 *
 * - `TooLarge`: the body is larger than the handler's cap (answered 413).
 * - `InvalidJson`: the body is not JSON (answered 400).
 * - `InvalidEvent`: the JSON is not a v3 webhook payload, or a known event type's data does not match its schema
 *   (answered 400).
 *
 * @example
 * ```ts
 * import type { WebhookPayloadErrorReason } from "effect-pagerduty/webhooks"
 *
 * const status = (reason: WebhookPayloadErrorReason) => reason === "TooLarge" ? 413 : 400
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type WebhookPayloadErrorReason = "TooLarge" | "InvalidJson" | "InvalidEvent"

/**
 * A webhook body that is not a PagerDuty v3 webhook event. `description` says what is wrong (for a schema failure,
 * the path of the field) without quoting the body.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const decoded = WebhookEvent.decode("not json").pipe(
 *   Effect.catchTag("WebhookPayloadError", (error) => Effect.logWarning(`${error.reason}: ${error.description}`))
 * )
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export class WebhookPayloadError extends Schema.TaggedError<WebhookPayloadError>(
  "effect-pagerduty/WebhookPayloadError"
)("WebhookPayloadError", {
  reason: Schema.Literal("TooLarge", "InvalidJson", "InvalidEvent"),
  description: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `${this.reason}: ${this.description}`
  }
}
