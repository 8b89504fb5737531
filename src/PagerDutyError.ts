/**
 * The two typed failures of every effect-pagerduty call.
 *
 * - {@link PDHTTPError}: PagerDuty answered with an HTTP status the caller must handle (4xx, 5xx after the retry
 *   rules, or a 2xx whose body is not what the endpoint documents).
 * - {@link PDClientError}: everything that is not an HTTP answer: transport failures and timeouts after retries, a URL
 *   on another origin, an unparsable body, invalid input or configuration.
 *
 * Neither ever carries the API key, an OAuth token or an Events routing key.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * PagerDuty's rate-limit headers as they were on the response (`ratelimit-limit`, `ratelimit-remaining`,
 * `ratelimit-reset`, the last in seconds until the window resets).
 *
 * @example
 * ```ts
 * import type { RateLimitInfo } from "effect-pagerduty"
 *
 * const info: RateLimitInfo = { limit: 960, remaining: 0, resetSeconds: 12 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class RateLimitInfo extends Schema.Class<RateLimitInfo>("effect-pagerduty/RateLimitInfo")({
  limit: Schema.optional(Schema.Number),
  remaining: Schema.optional(Schema.Number),
  resetSeconds: Schema.optional(Schema.Number)
}) {}

/**
 * Why a {@link PDClientError} happened.
 *
 * - `Transport`: the connection failed (refused, reset, DNS) and the network retries ran out.
 * - `Timeout`: no complete answer within the request timeout, after the network retries.
 * - `InvalidUrl`: the URL is not on the configured API origin, or cannot be parsed; nothing was sent.
 * - `Decode`: the body is not valid JSON, or does not match the schema the caller gave.
 * - `Config`: the configuration lacks what this call needs (an API key, a routing key, a `From` address).
 * - `InvalidInput`: an argument was rejected before anything was sent (event validation, a bad option).
 * - `Pagination`: a collection could not be paged completely: the 10,000-record ceiling (with `onCeiling: "fail"`),
 *   or a server whose pages never end (a cursor seen before, an analytics page with `more: true` that does not
 *   advance); the message names the endpoint.
 *
 * @example
 * ```ts
 * import type { PDClientErrorReason } from "effect-pagerduty"
 *
 * const retryable = (reason: PDClientErrorReason) => reason === "Transport" || reason === "Timeout"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PDClientErrorReason =
  | "Transport"
  | "Timeout"
  | "InvalidUrl"
  | "Decode"
  | "Config"
  | "InvalidInput"
  | "Pagination"

/**
 * A failure that is not an HTTP status: transport, timeout, URL, decoding, configuration or input validation.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const program = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   return yield* api.jget("/users/PABC123")
 * }).pipe(
 *   Effect.catchTag("PDClientError", (error) => Effect.logWarning(`${error.reason}: ${error.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class PDClientError extends Schema.TaggedError<PDClientError>("effect-pagerduty/PDClientError")(
  "PDClientError",
  {
    reason: Schema.Literal("Transport", "Timeout", "InvalidUrl", "Decode", "Config", "InvalidInput", "Pagination"),
    description: Schema.String,
    method: Schema.optional(Schema.String),
    url: Schema.optional(Schema.String),
    status: Schema.optional(Schema.Number),
    /** The first characters of the body, for `Decode` failures. */
    bodySnippet: Schema.optional(Schema.String),
    /** The field that failed, for validation failures. */
    field: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const where = this.method !== undefined && this.url !== undefined ? `${this.method} ${this.url}: ` : ""
    const status = this.status !== undefined ? ` (status ${this.status})` : ""
    const snippet = this.bodySnippet !== undefined && this.bodySnippet.length > 0
      ? `; body starts with: ${JSON.stringify(this.bodySnippet)}`
      : ""
    return `${where}${this.description}${status}${snippet}`
  }
}

/**
 * Why a {@link PDHTTPError} happened: `StatusCode` for a status the caller must handle, `UnexpectedShape` for a 2xx
 * whose body lacks what the endpoint documents (such as the entity wrapper).
 *
 * @example
 * ```ts
 * import type { PDHTTPErrorReason } from "effect-pagerduty"
 *
 * const reason: PDHTTPErrorReason = "StatusCode"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PDHTTPErrorReason = "StatusCode" | "UnexpectedShape"

/**
 * PagerDuty answered with a status the caller must handle. Carries everything needed to act on it: the status, the
 * method and URL, PagerDuty's `error.code`, `error.message` and `error.errors`, the `x-request-id` to quote to
 * PagerDuty support, the rate-limit headers and the raw body text.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const userOrNone = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   return Option.some(yield* api.rget("/users/PABC123"))
 * }).pipe(
 *   Effect.catchTag("PDHTTPError", (error) =>
 *     error.status === 404 ? Effect.succeed(Option.none()) : Effect.fail(error))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class PDHTTPError extends Schema.TaggedError<PDHTTPError>("effect-pagerduty/PDHTTPError")("PDHTTPError", {
  reason: Schema.Literal("StatusCode", "UnexpectedShape"),
  status: Schema.Number,
  method: Schema.String,
  url: Schema.String,
  /** PagerDuty's numeric `error.code`, when the body has one. */
  code: Schema.optional(Schema.Number),
  /** PagerDuty's `error.message` (or the Events API's `message`), when the body has one. */
  errorMessage: Schema.optional(Schema.String),
  /**
   * PagerDuty's `error.errors` (or the Events API's `errors`), flattened to strings: a map of field to messages
   * becomes `"field: message"` entries, objects are JSON-encoded.
   */
  errors: Schema.Array(Schema.String),
  /** The `x-request-id` response header, to quote to PagerDuty support. */
  requestId: Schema.optional(Schema.String),
  rateLimit: Schema.optional(RateLimitInfo),
  /** The response body as text (at most 64 KiB). */
  body: Schema.String,
  /** What went wrong beyond the status: the `UnexpectedShape` detail, a wait longer than allowed, a redirect. */
  description: Schema.optional(Schema.String),
  /** For a redirect (3xx, never followed): the origin of its `Location`. */
  location: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const kind = this.status >= 500 ? "server error" : this.status >= 400 ? "client error" : "unexpected response"
    const parts: Array<string> = [
      `${this.method} ${this.url}: PagerDuty responded with ${kind} (status ${this.status})`
    ]
    if (this.description !== undefined) parts.push(this.description)
    if (this.errorMessage !== undefined) {
      parts.push(this.code !== undefined ? `${this.errorMessage} (code ${this.code})` : this.errorMessage)
    }
    if (this.errors.length > 0) parts.push(this.errors.join("; "))
    if (this.status === 401) {
      parts.push(
        "The credential may be invalid or deactivated, or the account may be in the EU service region " +
          "(set region: \"eu\" in PagerDutyConfig)"
      )
    }
    if (this.requestId !== undefined) parts.push(`x-request-id ${this.requestId}`)
    return parts.join(": ")
  }
}

/**
 * Any failure of an effect-pagerduty call.
 *
 * @example
 * ```ts
 * import type { PagerDutyError } from "effect-pagerduty"
 *
 * const describe = (error: PagerDutyError) =>
 *   error._tag === "PDHTTPError" ? `HTTP ${error.status}` : `client: ${error.reason}`
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type PagerDutyError = PDHTTPError | PDClientError
