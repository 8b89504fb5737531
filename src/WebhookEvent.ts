/**
 * PagerDuty's v3 webhook events as Schemas: the envelope (`event.id`, `event_type`, `resource_type`, `occurred_at`,
 * `agent`, `client`, `data`) and the data of each resource type. The union is open: an event type this library does
 * not know (PagerDuty adds some over time) decodes as an {@link UnknownEvent} with its raw `data`, never as an error.
 *
 * Each decoded event has a `_tag` naming its data's shape (`Incident`, `IncidentNote`, `IncidentResponder`,
 * `IncidentStatusUpdate`, `Service`, `Ping`, `Unknown`), so a `switch` on `_tag` narrows `data`; within a tag,
 * `event_type` is a union of literals.
 *
 * Follows PagerDuty's "Webhooks v3 Overview" (developer-docs `docs/webhooks/01-Overview.md`), "Behavior" and
 * "Verifying Signatures", and go-pagerduty's `webhookv3` package, as read on 2026-12-02. Fields PagerDuty documents
 * are typed; the other fields of each object are kept as they came (the structs are open records). Only what
 * identifies an object (`id`, `type`, the incident's `status`) is required, so that a payload PagerDuty trims still
 * decodes.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { WebhookPayloadError } from "./WebhookError.js"

const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A reference to another object (`user_reference`, `service_reference`, ...), as PagerDuty nests them.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const user = Schema.decodeUnknownSync(WebhookEvent.Reference)({ id: "PLH1HKV", type: "user_reference" })
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const Reference = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  summary: Schema.optional(Schema.NullOr(Schema.String)),
  self: Schema.optional(Schema.NullOr(Schema.String)),
  html_url: Schema.optional(Schema.NullOr(Schema.String))
}, Extra)

/**
 * A reference (see {@link Reference}).
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const summary = (reference: WebhookEvent.Reference) => reference.summary ?? reference.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Reference = typeof Reference.Type

/**
 * The `data` of the incident events: the incident as it is after the change.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const line = (incident: WebhookEvent.IncidentData) => `#${incident.number} ${incident.status}: ${incident.title}`
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentData = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("incident"),
  status: Schema.String,
  self: Schema.optional(Schema.NullOr(Schema.String)),
  html_url: Schema.optional(Schema.NullOr(Schema.String)),
  number: Schema.optional(Schema.Number),
  incident_key: Schema.optional(Schema.NullOr(Schema.String)),
  created_at: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  service: Schema.optional(Reference),
  assignees: Schema.optional(Schema.Array(Reference)),
  escalation_policy: Schema.optional(Schema.NullOr(Reference)),
  teams: Schema.optional(Schema.Array(Reference)),
  priority: Schema.optional(Schema.NullOr(Reference)),
  urgency: Schema.optional(Schema.String),
  conference_bridge: Schema.optional(Schema.NullOr(Schema.Struct({
    conference_number: Schema.optional(Schema.NullOr(Schema.String)),
    conference_url: Schema.optional(Schema.NullOr(Schema.String))
  }, Extra))),
  resolve_reason: Schema.optional(Schema.Unknown)
}, Extra)

/**
 * An incident as the incident events carry it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const isHigh = (incident: WebhookEvent.IncidentData) => incident.urgency === "high"
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentData = typeof IncidentData.Type

/**
 * The `data` of `incident.annotated`: the note.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const text = (note: WebhookEvent.IncidentNoteData) => `${note.incident.id}: ${note.content}`
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentNoteData = Schema.Struct({
  type: Schema.Literal("incident_note"),
  id: Schema.optional(Schema.String),
  content: Schema.String,
  trimmed: Schema.optional(Schema.Boolean),
  incident: Reference
}, Extra)

/**
 * A note as `incident.annotated` carries it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const content = (note: WebhookEvent.IncidentNoteData) => note.content
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentNoteData = typeof IncidentNoteData.Type

/**
 * The `data` of `incident.responder.added` and `incident.responder.replied`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const who = (responder: WebhookEvent.IncidentResponderData) => responder.user?.summary
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentResponderData = Schema.Struct({
  type: Schema.Literal("incident_responder"),
  incident: Reference,
  user: Schema.optional(Schema.NullOr(Reference)),
  escalation_policy: Schema.optional(Schema.NullOr(Reference)),
  message: Schema.optional(Schema.NullOr(Schema.String)),
  state: Schema.optional(Schema.String)
}, Extra)

/**
 * A responder request as the responder events carry it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const pending = (responder: WebhookEvent.IncidentResponderData) => responder.state === "pending"
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentResponderData = typeof IncidentResponderData.Type

/**
 * The `data` of `incident.status_update_published`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const message = (update: WebhookEvent.IncidentStatusUpdateData) => update.message
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentStatusUpdateData = Schema.Struct({
  type: Schema.Literal("incident_status_update"),
  id: Schema.optional(Schema.String),
  message: Schema.String,
  trimmed: Schema.optional(Schema.Boolean),
  incident: Reference
}, Extra)

/**
 * A status update as `incident.status_update_published` carries it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const incidentId = (update: WebhookEvent.IncidentStatusUpdateData) => update.incident.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentStatusUpdateData = typeof IncidentStatusUpdateData.Type

/**
 * The `data` of `service.created`, `service.updated` and `service.deleted`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const name = (service: WebhookEvent.ServiceData) => service.summary ?? service.id
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const ServiceData = Schema.Struct({
  id: Schema.String,
  type: Schema.Literal("service"),
  summary: Schema.optional(Schema.NullOr(Schema.String)),
  self: Schema.optional(Schema.NullOr(Schema.String)),
  html_url: Schema.optional(Schema.NullOr(Schema.String)),
  alert_creation: Schema.optional(Schema.String),
  teams: Schema.optional(Schema.Array(Reference))
}, Extra)

/**
 * A service as the service events carry it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const id = (service: WebhookEvent.ServiceData) => service.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type ServiceData = typeof ServiceData.Type

/**
 * The `data` of `pagey.ping`, the test event PagerDuty sends on request (`POST /webhook_subscriptions/{id}/ping`).
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const text = (ping: WebhookEvent.PingData) => ping.message
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const PingData = Schema.Struct({
  type: Schema.Literal("ping"),
  message: Schema.optional(Schema.String)
}, Extra)

/**
 * A ping's data.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const isPing = (data: WebhookEvent.PingData) => data.type === "ping"
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type PingData = typeof PingData.Type

/**
 * The event types whose `data` is an incident.
 *
 * @example
 * ```ts
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const subscribed = WebhookEvent.incidentEventTypes.includes("incident.triggered") // true
 * ```
 *
 * @since 0.2.0
 * @category constants
 */
export const incidentEventTypes = [
  "incident.triggered",
  "incident.acknowledged",
  "incident.unacknowledged",
  "incident.resolved",
  "incident.reassigned",
  "incident.escalated",
  "incident.reopened",
  "incident.delegated",
  "incident.priority_updated",
  "incident.service_updated",
  "incident.urgency_updated",
  "incident.title_updated"
] as const

/**
 * The service event types.
 *
 * @example
 * ```ts
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const all = [...WebhookEvent.incidentEventTypes, ...WebhookEvent.serviceEventTypes]
 * ```
 *
 * @since 0.2.0
 * @category constants
 */
export const serviceEventTypes = ["service.created", "service.updated", "service.deleted"] as const

const envelope = {
  id: Schema.String,
  resource_type: Schema.String,
  occurred_at: Schema.String,
  agent: Schema.optional(Schema.NullOr(Reference)),
  client: Schema.optional(Schema.NullOr(Schema.Struct({ name: Schema.optional(Schema.String) }, Extra)))
}

/**
 * An incident event: `incident.triggered`, `.acknowledged`, `.unacknowledged`, `.resolved`, `.reassigned`,
 * `.escalated`, `.reopened`, `.delegated`, `.priority_updated`, `.service_updated`, `.urgency_updated`,
 * `.title_updated`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const event = Schema.decodeUnknownSync(WebhookEvent.IncidentEvent)({
 *   id: "01ABC", event_type: "incident.triggered", resource_type: "incident", occurred_at: "2024-01-01T00:00:00Z",
 *   agent: null, client: null, data: { id: "PINC001", type: "incident", status: "triggered" }
 * })
 * // event._tag === "Incident"
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal(...incidentEventTypes),
  data: IncidentData
}).pipe(Schema.attachPropertySignature("_tag", "Incident"))

/**
 * An incident event.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const status = (event: WebhookEvent.IncidentEvent) => event.data.status
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentEvent = typeof IncidentEvent.Type

/**
 * `incident.annotated`: a note was added.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const note = (event: WebhookEvent.IncidentNoteEvent) => event.data.content
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentNoteEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal("incident.annotated"),
  data: IncidentNoteData
}).pipe(Schema.attachPropertySignature("_tag", "IncidentNote"))

/**
 * `incident.annotated`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const incidentId = (event: WebhookEvent.IncidentNoteEvent) => event.data.incident.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentNoteEvent = typeof IncidentNoteEvent.Type

/**
 * `incident.responder.added` and `incident.responder.replied`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const state = (event: WebhookEvent.IncidentResponderEvent) => event.data.state
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentResponderEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal("incident.responder.added", "incident.responder.replied"),
  data: IncidentResponderData
}).pipe(Schema.attachPropertySignature("_tag", "IncidentResponder"))

/**
 * A responder event.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const replied = (event: WebhookEvent.IncidentResponderEvent) => event.event_type === "incident.responder.replied"
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentResponderEvent = typeof IncidentResponderEvent.Type

/**
 * `incident.status_update_published`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const message = (event: WebhookEvent.IncidentStatusUpdateEvent) => event.data.message
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const IncidentStatusUpdateEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal("incident.status_update_published"),
  data: IncidentStatusUpdateData
}).pipe(Schema.attachPropertySignature("_tag", "IncidentStatusUpdate"))

/**
 * `incident.status_update_published`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const at = (event: WebhookEvent.IncidentStatusUpdateEvent) => event.occurred_at
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type IncidentStatusUpdateEvent = typeof IncidentStatusUpdateEvent.Type

/**
 * `service.created`, `service.updated`, `service.deleted`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const deleted = (event: WebhookEvent.ServiceEvent) => event.event_type === "service.deleted"
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const ServiceEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal(...serviceEventTypes),
  data: ServiceData
}).pipe(Schema.attachPropertySignature("_tag", "Service"))

/**
 * A service event.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const serviceId = (event: WebhookEvent.ServiceEvent) => event.data.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type ServiceEvent = typeof ServiceEvent.Type

/**
 * `pagey.ping`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const message = (event: WebhookEvent.PingEvent) => event.data.message
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const PingEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.Literal("pagey.ping"),
  data: PingData
}).pipe(Schema.attachPropertySignature("_tag", "Ping"))

/**
 * `pagey.ping`.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const id = (event: WebhookEvent.PingEvent) => event.id
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type PingEvent = typeof PingEvent.Type

/**
 * Every event type this module types, with its data.
 *
 * @example
 * ```ts
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const known = (type: string) => WebhookEvent.knownEventTypes.has(type)
 * ```
 *
 * @since 0.2.0
 * @category constants
 */
export const knownEventTypes: ReadonlySet<string> = new Set<string>([
  ...incidentEventTypes,
  "incident.annotated",
  "incident.responder.added",
  "incident.responder.replied",
  "incident.status_update_published",
  ...serviceEventTypes,
  "pagey.ping"
])

/**
 * An event of a type this module does not know (`incident.workflow.started`, `incident.custom_field_values.updated`,
 * or one PagerDuty adds later): the envelope, and `data` as it came.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const event = Schema.decodeUnknownSync(WebhookEvent.UnknownEvent)({
 *   id: "01ABC", event_type: "incident.workflow.started", resource_type: "incident",
 *   occurred_at: "2024-01-01T00:00:00Z", data: { type: "incident_workflow_instance" }
 * })
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const UnknownEvent = Schema.Struct({
  ...envelope,
  event_type: Schema.String.pipe(
    Schema.filter((type) => !knownEventTypes.has(type), { message: () => "a known event type with invalid data" })
  ),
  data: Schema.optional(Schema.Unknown)
}).pipe(Schema.attachPropertySignature("_tag", "Unknown"))

/**
 * An event of an unknown type.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const type = (event: WebhookEvent.UnknownEvent) => event.event_type
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type UnknownEvent = typeof UnknownEvent.Type

/**
 * Any v3 webhook event (the `event` member of a webhook body): the open union.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const decode = Schema.decodeUnknownEither(WebhookEvent.WebhookEvent)
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const WebhookEvent = Schema.Union(
  IncidentEvent,
  IncidentNoteEvent,
  IncidentResponderEvent,
  IncidentStatusUpdateEvent,
  ServiceEvent,
  PingEvent,
  UnknownEvent
)

/**
 * Any v3 webhook event; `switch (event._tag)` narrows it.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const describe = (event: WebhookEvent.WebhookEvent): string => {
 *   switch (event._tag) {
 *     case "Incident":
 *       return `${event.event_type} #${event.data.number}`
 *     case "IncidentNote":
 *       return `note: ${event.data.content}`
 *     default:
 *       return event.event_type
 *   }
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type WebhookEvent = typeof WebhookEvent.Type

/**
 * A webhook body: `{ "event": { ... } }`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const body = Schema.parseJson(WebhookEvent.WebhookPayload)
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const WebhookPayload = Schema.Struct({ event: WebhookEvent })

/**
 * The events of one event type, for handlers per type.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * type Triggered = WebhookEvent.EventOfType<"incident.triggered"> // IncidentEvent
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type EventOfType<T extends KnownEventType> = Exclude<WebhookEvent, UnknownEvent> extends infer E ?
  E extends { readonly event_type: infer U } ? T extends U ? E & { readonly event_type: T } : never : never :
  never

/**
 * The event types this module types.
 *
 * @example
 * ```ts
 * import type { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const types: ReadonlyArray<WebhookEvent.KnownEventType> = ["incident.triggered", "pagey.ping"]
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type KnownEventType = Exclude<WebhookEvent, UnknownEvent>["event_type"]

const decodePayload = Schema.decodeUnknownEither(WebhookPayload, { errors: "first" })
const textDecoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Decodes a webhook body (bytes or text): a {@link WebhookPayloadError} with reason `InvalidJson` when it is not
 * JSON (or not UTF-8), `InvalidEvent` when it is not a v3 event (the description names the field). Verify the
 * signature first (see `WebhookSignature.verify`): this does not.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WebhookEvent } from "effect-pagerduty/webhooks"
 *
 * const program = Effect.gen(function*() {
 *   const event = yield* WebhookEvent.decode(
 *     "{\"event\":{\"id\":\"01A\",\"event_type\":\"pagey.ping\",\"resource_type\":\"pagey\"," +
 *       "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"agent\":null,\"client\":null,\"data\":{\"type\":\"ping\"}}}"
 *   )
 *   return event._tag // "Ping"
 * })
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = (body: Uint8Array | string): Effect.Effect<WebhookEvent, WebhookPayloadError> =>
  Effect.suspend(() => {
    let json: unknown
    try {
      json = JSON.parse(typeof body === "string" ? body : textDecoder.decode(body))
    } catch {
      return Effect.fail(new WebhookPayloadError({ reason: "InvalidJson", description: "the body is not JSON" }))
    }
    const decoded = decodePayload(json)
    if (decoded._tag === "Right") return Effect.succeed(decoded.right.event)
    const [issue] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
    const path = issue === undefined ? "" : issue.path.map(String).join(".")
    return Effect.fail(
      new WebhookPayloadError({
        reason: "InvalidEvent",
        description: issue === undefined
          ? "not a webhook event"
          : `${path.length > 0 ? path : "body"}: ${issue.message}`
      })
    )
  })
