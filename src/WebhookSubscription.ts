/**
 * Creating a v3 webhook subscription through the REST API (`POST /webhook_subscriptions`) and keeping its signing
 * secret, which PagerDuty returns only in that answer (`delivery_method.secret`), as a `Redacted`.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { RestApi, type RestApiError } from "./RestApi.js"

/**
 * What to subscribe to: the receiver's URL, the event types (default: every incident event), and the filter (a
 * service, a team, or the whole account).
 *
 * @example
 * ```ts
 * import type { WebhookSubscription } from "effect-pagerduty/webhooks"
 *
 * const input: WebhookSubscription.CreateInput = {
 *   url: "https://example.com/pagerduty",
 *   filter: { type: "service_reference", id: "PSVC001" },
 *   events: ["incident.triggered", "incident.resolved"],
 *   description: "chat bot"
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface CreateInput {
  readonly url: string
  readonly filter:
    | { readonly type: "service_reference" | "team_reference"; readonly id: string }
    | { readonly type: "account_reference" }
  readonly events?: ReadonlyArray<string> | undefined
  readonly description?: string | undefined
  readonly customHeaders?: ReadonlyArray<{ readonly name: string; readonly value: string }> | undefined
}

/**
 * A created subscription: its id, the record PagerDuty returned (without the secret), and the secret.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { WebhookSubscription } from "effect-pagerduty/webhooks"
 *
 * const secretsOf = (created: WebhookSubscription.Created) => [created.secret]
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Created {
  readonly id: string
  readonly subscription: Readonly<Record<string, unknown>>
  readonly secret: Redacted.Redacted<string>
}

const DEFAULT_EVENTS = [
  "incident.acknowledged",
  "incident.annotated",
  "incident.delegated",
  "incident.escalated",
  "incident.priority_updated",
  "incident.reassigned",
  "incident.reopened",
  "incident.resolved",
  "incident.responder.added",
  "incident.responder.replied",
  "incident.status_update_published",
  "incident.triggered",
  "incident.unacknowledged"
]

const CreatedSubscription = Schema.Struct({
  id: Schema.String,
  delivery_method: Schema.Struct(
    { secret: Schema.String },
    Schema.Record({ key: Schema.String, value: Schema.Unknown })
  )
}, Schema.Record({ key: Schema.String, value: Schema.Unknown }))

/**
 * Creates a subscription (`POST /webhook_subscriptions`) and returns its id and secret as a `Redacted` (the record
 * returned has the secret removed). The secret is in no later answer: store it now.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { WebhookSubscription } from "effect-pagerduty/webhooks"
 *
 * const program = Effect.gen(function*() {
 *   const created = yield* WebhookSubscription.create({
 *     url: "https://example.com/pagerduty",
 *     filter: { type: "service_reference", id: "PSVC001" }
 *   })
 *   // Keep Redacted.value(created.secret) in your secret store; pass created.secret to WebhookHandler.make.
 *   return created.id
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const create = (input: CreateInput): Effect.Effect<Created, RestApiError, RestApi> =>
  Effect.gen(function*() {
    const api = yield* RestApi
    const filter = input.filter.type === "account_reference" ?
      { type: "account_reference" } :
      { type: input.filter.type, id: input.filter.id }
    const created = yield* api.rpost("/webhook_subscriptions", {
      json: {
        webhook_subscription: {
          type: "webhook_subscription",
          delivery_method: {
            type: "http_delivery_method",
            url: input.url,
            ...(input.customHeaders === undefined ? {} : { custom_headers: input.customHeaders })
          },
          events: input.events ?? DEFAULT_EVENTS,
          filter,
          ...(input.description === undefined ? {} : { description: input.description })
        }
      },
      schema: CreatedSubscription
    })
    const { secret, ...deliveryMethod } = created.delivery_method
    return {
      id: created.id,
      subscription: { ...created, delivery_method: deliveryMethod },
      secret: Redacted.make(secret)
    }
  }).pipe(Effect.withSpan("WebhookSubscription.create"))
