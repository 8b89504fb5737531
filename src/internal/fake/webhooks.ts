/**
 * The fake's v3 webhooks: subscriptions created through the REST API get a signing secret (returned on create only);
 * every incident log entry (trigger, acknowledge, resolve, note, ...) becomes an outbound event, POSTed signed to each
 * active subscription whose events and filter match. Deliveries run in order on one daemon fiber started after the
 * request that queued them (so the Events API answers at once, as PagerDuty's does), through `fetch` by default:
 * WebCrypto signs, no Node built-in is used.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import type { FakeResponse } from "../../FakePagerDuty.js"
import type { FakeWebhookAttempt, FakeWebhookDelivery, FakeWebhooks } from "../../FakePagerDutyWebhooks.js"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "../http.js"
import { bytesOf, signatureHeader } from "../webhooks/signature.js"
import type { EnginePluginFactory, RouteContext } from "./engine.js"
import { asString, isObject, type JsonObject } from "./json.js"
import { emptyReply, invalidInput, jsonReply, notFound } from "./reply.js"
import type { EngineState } from "./state.js"

const SUBSCRIPTIONS = "webhook_subscriptions"
const FILTER_TYPES: ReadonlyArray<string> = ["service_reference", "team_reference", "account_reference"]
const DEFAULT_RETRY_DELAYS: ReadonlyArray<Duration.DurationInput> = [
  "100 millis",
  "200 millis",
  "400 millis",
  "800 millis"
]

/** The outbound event type of each incident log entry type. */
const EVENT_TYPES: ReadonlyMap<string, string> = new Map([
  ["trigger_log_entry", "incident.triggered"],
  ["acknowledge_log_entry", "incident.acknowledged"],
  ["unacknowledge_log_entry", "incident.unacknowledged"],
  ["resolve_log_entry", "incident.resolved"],
  ["assign_log_entry", "incident.reassigned"],
  ["escalate_log_entry", "incident.escalated"],
  ["delegate_log_entry", "incident.delegated"],
  ["reopen_log_entry", "incident.reopened"],
  ["urgency_change_log_entry", "incident.urgency_updated"],
  ["priority_change_log_entry", "incident.priority_updated"],
  ["annotate_log_entry", "incident.annotated"]
])

/**
 * The outbound event type of a field changed by a REST update (reassignment is left to `assign_log_entry`, so that it
 * is not sent twice).
 */
const FIELD_EVENT_TYPES: ReadonlyArray<readonly [string, string]> = [
  ["priority", "incident.priority_updated"],
  ["urgency", "incident.urgency_updated"],
  ["title", "incident.title_updated"],
  ["service", "incident.service_updated"],
  ["escalation_policy", "incident.delegated"]
]

interface Delivery {
  webhookId: string
  subscriptionId: string
  eventId: string
  eventType: string
  url: string
  headers: Record<string, string>
  body: string
  wrongSignature: boolean
  redelivery: boolean
  attempts: Array<FakeWebhookAttempt>
  outcome: "Pending" | "Delivered" | "Failed"
}

const randomSecret = (): string => {
  const bytes = new Uint8Array(32)
  globalThis.crypto.getRandomValues(bytes)
  let out = ""
  for (const byte of bytes) out += byte.toString(36).padStart(2, "0")
  return out.slice(0, 64)
}

const references = (value: unknown): Array<JsonObject> => Array.isArray(value) ? value.filter(isObject) : []

/** One fake's webhook dispatcher. @internal */
export class WebhookDispatcher implements FakeWebhooks {
  readonly secrets = new Map<string, string>()
  private log: Array<Delivery> = []
  private queue: Array<Delivery> = []
  private running = false
  private waiters: Array<Deferred.Deferred<void>> = []
  private eventCounter = 0
  private webhookCounter = 0
  private wrongSignatures = 0
  private readonly retryDelays: ReadonlyArray<Duration.Duration>
  private readonly timeout: Duration.Duration
  private readonly client: Effect.Effect<HttpClient.HttpClient>

  constructor(
    readonly state: EngineState,
    options: {
      readonly httpClient?: HttpClient.HttpClient | undefined
      readonly retryDelays?: ReadonlyArray<Duration.DurationInput> | undefined
      readonly timeout?: Duration.DurationInput | undefined
    } | undefined
  ) {
    this.retryDelays = (options?.retryDelays ?? DEFAULT_RETRY_DELAYS).map(Duration.decode)
    this.timeout = Duration.decode(options?.timeout ?? "5 seconds")
    const httpClient = options?.httpClient
    this.client = httpClient !== undefined ?
      Effect.succeed(httpClient) :
      Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer)
  }

  reset(): void {
    this.secrets.clear()
    this.customHeaders.clear()
    this.log = []
    this.queue = []
    this.eventCounter = 0
    this.webhookCounter = 0
    this.wrongSignatures = 0
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------------------------------

  private nextEventId(): string {
    return `01FAKEEVT${(++this.eventCounter).toString(36).toUpperCase().padStart(17, "0")}`
  }

  private nextWebhookId(): string {
    const hex = (++this.webhookCounter).toString(16).padStart(12, "0")
    return `00000000-0000-4000-8000-${hex}`
  }

  private incidentData(incident: JsonObject): JsonObject {
    const shown = this.state.present("incidents", incident, this.state.defaultOrigin)
    return {
      id: incident.id,
      type: "incident",
      self: shown.self ?? null,
      html_url: shown.html_url ?? null,
      number: incident.incident_number ?? null,
      status: incident.status,
      incident_key: incident.incident_key ?? null,
      created_at: incident.created_at ?? null,
      title: incident.title ?? null,
      service: incident.service ?? null,
      assignees: references(incident.assignments).flatMap((a) => isObject(a.assignee) ? [a.assignee] : []),
      escalation_policy: incident.escalation_policy ?? null,
      teams: references(incident.teams),
      priority: incident.priority ?? null,
      urgency: incident.urgency ?? null,
      conference_bridge: incident.conference_bridge ?? null,
      resolve_reason: incident.resolve_reason ?? null
    }
  }

  /**
   * The observer of incident changes: queues the event for each matching subscription. Besides log entries, the REST
   * update route reports changed fields (`incident_fields_change`, with the `previous` incident).
   */
  readonly observe = (incident: JsonObject, logEntry: JsonObject, now: number): void => {
    if (logEntry.type === "incident_fields_change") {
      const previous = isObject(logEntry.previous) ? logEntry.previous : {}
      for (const [field, eventType] of FIELD_EVENT_TYPES) {
        if (JSON.stringify(previous[field] ?? null) !== JSON.stringify(incident[field] ?? null)) {
          this.emit(eventType, incident, logEntry, now)
        }
      }
      return
    }
    const eventType = EVENT_TYPES.get(asString(logEntry.type) ?? "")
    if (eventType === undefined) return
    this.emit(eventType, incident, logEntry, now)
  }

  private emit(eventType: string, incident: JsonObject, logEntry: JsonObject, now: number): void {
    const subscriptions = this.matching(eventType, incident)
    if (subscriptions.length === 0) return
    const channel = isObject(logEntry.channel) ? logEntry.channel : {}
    const data: JsonObject = eventType === "incident.annotated" ?
      {
        incident: this.state.reference("incidents", incident, this.state.defaultOrigin),
        id: logEntry.id,
        content: asString(channel.summary) ?? "",
        trimmed: false,
        type: "incident_note"
      } :
      this.incidentData(incident)
    const event = {
      id: this.nextEventId(),
      event_type: eventType,
      resource_type: "incident",
      occurred_at: new Date(now).toISOString(),
      agent: isObject(logEntry.agent) ? logEntry.agent : null,
      client: null,
      data
    }
    for (const subscription of subscriptions) this.enqueue(subscription, event)
  }

  private matching(eventType: string, incident: JsonObject): Array<JsonObject> {
    const all = this.state.store.peek(SUBSCRIPTIONS)
    if (all === undefined) return []
    const out: Array<JsonObject> = []
    for (let i = 0; i < all.size; i++) {
      const subscription = all.at(i)
      if (subscription.active === false) continue
      const events = Array.isArray(subscription.events) ? subscription.events : []
      if (!events.includes(eventType)) continue
      const filter = isObject(subscription.filter) ? subscription.filter : {}
      const serviceId = isObject(incident.service) ? incident.service.id : undefined
      const matches = filter.type === "account_reference" ||
        (filter.type === "service_reference" && filter.id === serviceId) ||
        (filter.type === "team_reference" && references(incident.teams).some((team) => team.id === filter.id))
      if (matches) out.push(subscription)
    }
    return out
  }

  private enqueue(subscription: JsonObject, event: JsonObject & { readonly id: string; readonly event_type: string }) {
    const method = isObject(subscription.delivery_method) ? subscription.delivery_method : {}
    const url = asString(method.url)
    if (url === undefined) return
    const headers: Record<string, string> = {}
    const custom = this.customHeaders.get(String(subscription.id)) ?? references(method.custom_headers)
    for (const header of custom) {
      if (typeof header.name === "string" && typeof header.value === "string") {
        headers[header.name.toLowerCase()] = header.value
      }
    }
    const delivery: Delivery = {
      webhookId: this.nextWebhookId(),
      subscriptionId: String(subscription.id),
      eventId: event.id,
      eventType: event.event_type,
      url,
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "PagerDuty-Webhook/V3.0",
        "x-webhook-subscription": String(subscription.id)
      },
      body: JSON.stringify({ event }),
      wrongSignature: this.takeWrongSignature(),
      redelivery: false,
      attempts: [],
      outcome: "Pending"
    }
    delivery.headers["x-webhook-id"] = delivery.webhookId
    this.log.push(delivery)
    this.queue.push(delivery)
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Delivery
  // -------------------------------------------------------------------------------------------------------------------

  private tryOnce(
    client: HttpClient.HttpClient,
    delivery: Delivery
  ): Effect.Effect<"Delivered" | "Retry" | "Failed"> {
    const request = HttpClientRequest.post(delivery.url).pipe(
      HttpClientRequest.setHeaders(delivery.headers),
      HttpClientRequest.bodyText(delivery.body, "application/json")
    )
    return Effect.clockWith((clock) =>
      client.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(Effect.orElseSucceed(response.text, () => ""), (body) => ({ status: response.status, body }))
        ),
        Effect.timeoutFail({ duration: this.timeout, onTimeout: () => "timeout" }),
        Effect.match({
          onFailure: (error) => {
            delivery.attempts.push({
              error: typeof error === "string" ? error : error.message,
              at: clock.unsafeCurrentTimeMillis()
            })
            return "Retry" as const
          },
          onSuccess: ({ body, status }) => {
            delivery.attempts.push({ status, body, at: clock.unsafeCurrentTimeMillis() })
            if (status >= 200 && status < 300) return "Delivered" as const
            return status >= 500 || status === 429 ? "Retry" as const : "Failed" as const
          }
        })
      )
    )
  }

  private deliver(client: HttpClient.HttpClient, delivery: Delivery): Effect.Effect<void> {
    const secret = this.secrets.get(delivery.subscriptionId) ?? ""
    const signing = delivery.wrongSignature ? `${secret}-wrong` : secret
    const sign = Effect.promise(() => signatureHeader(bytesOf(delivery.body), [bytesOf(signing)]))
    const loop = (retry: number): Effect.Effect<void> =>
      Effect.flatMap(this.tryOnce(client, delivery), (result) => {
        if (result === "Delivered" || result === "Failed") {
          delivery.outcome = result
          return Effect.void
        }
        if (retry >= this.retryDelays.length) {
          delivery.outcome = "Failed"
          return Effect.void
        }
        return Effect.zipRight(Effect.sleep(this.retryDelays[retry]), loop(retry + 1))
      })
    return Effect.flatMap(sign, (signature) => {
      delivery.headers["x-pagerduty-signature"] = signature
      return loop(0)
    })
  }

  private readonly drain: Effect.Effect<void> = Effect.flatMap(
    Effect.suspend(() => this.client),
    (client) =>
      Effect.repeat(
        Effect.suspend(() => {
          const next = this.queue.shift()
          return next === undefined ? Effect.succeed(false) : Effect.as(this.deliver(client, next), true)
        }),
        { while: (more) => more }
      )
  ).pipe(
    Effect.ensuring(Effect.sync(() => {
      this.running = false
      const waiters = this.waiters
      this.waiters = []
      for (const waiter of waiters) Deferred.unsafeDone(waiter, Exit.void)
    }))
  )

  /** Starts the delivery fiber when there is work and none runs. */
  readonly kick: Effect.Effect<void> = Effect.suspend(() => {
    if (this.running || this.queue.length === 0) return Effect.void
    this.running = true
    return Effect.asVoid(Effect.forkDaemon(this.drain))
  })

  // -------------------------------------------------------------------------------------------------------------------
  // Controls
  // -------------------------------------------------------------------------------------------------------------------

  readonly deliveries: Effect.Effect<ReadonlyArray<FakeWebhookDelivery>> = Effect.sync(() =>
    this.log.map((delivery) => ({ ...delivery, headers: { ...delivery.headers }, attempts: [...delivery.attempts] }))
  )

  readonly awaitDeliveries: Effect.Effect<void> = Effect.suspend(() => {
    if (!this.running && this.queue.length === 0) return Effect.void
    const waiter = Deferred.unsafeMake<void>(FiberId.none)
    this.waiters.push(waiter)
    return Effect.zipRight(this.kick, Deferred.await(waiter))
  })

  readonly redeliver = (
    webhookId: string,
    options?: { readonly wrongSignature?: boolean | undefined } | undefined
  ): Effect.Effect<void, Cause.NoSuchElementException> =>
    Effect.suspend(() => {
      const original = this.log.find((delivery) => delivery.webhookId === webhookId)
      if (original === undefined) {
        return Effect.fail(new Cause.NoSuchElementException(`FakePagerDuty: no webhook delivery ${webhookId}`))
      }
      const copy: Delivery = {
        ...original,
        headers: { ...original.headers },
        wrongSignature: options?.wrongSignature === true,
        redelivery: true,
        attempts: [],
        outcome: "Pending"
      }
      this.log.push(copy)
      this.queue.push(copy)
      return this.kick
    })

  readonly signWrongly = (times?: number | undefined): Effect.Effect<void> =>
    Effect.sync(() => {
      this.wrongSignatures += Math.max(0, Math.floor(times ?? 1))
    })

  readonly clearDeliveries: Effect.Effect<void> = Effect.sync(() => {
    this.log = this.log.filter((delivery) => delivery.outcome === "Pending")
  })

  /** Applies `signWrongly` to a delivery being queued. */
  takeWrongSignature(): boolean {
    if (this.wrongSignatures <= 0) return false
    this.wrongSignatures -= 1
    return true
  }

  // -------------------------------------------------------------------------------------------------------------------
  // REST routes
  // -------------------------------------------------------------------------------------------------------------------

  readonly createSubscription = ({ now, request, state }: RouteContext): FakeResponse => {
    const body = request.body()
    const entity = body._tag === "Json" && isObject(body.value) ? body.value.webhook_subscription : undefined
    if (!isObject(entity)) return invalidInput("'webhook_subscription' is required.")
    const errors: Array<string> = []
    const method = isObject(entity.delivery_method) ? entity.delivery_method : undefined
    if (method?.type !== "http_delivery_method") errors.push("Delivery method type must be http_delivery_method.")
    const url = asString(method?.url)
    if (url === undefined || !/^https?:\/\/\S+$/.test(url)) errors.push("Delivery method url must be an HTTP(S) URL.")
    const events = entity.events
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string")) {
      errors.push("Events must be a non-empty list of event types.")
    }
    const filter = isObject(entity.filter) ? entity.filter : undefined
    if (filter === undefined || typeof filter.type !== "string" || !FILTER_TYPES.includes(filter.type)) {
      errors.push("Filter type must be one of service_reference, team_reference, account_reference.")
    } else if (filter.type !== "account_reference" && typeof filter.id !== "string") {
      errors.push("Filter id is required.")
    }
    if (errors.length > 0) return invalidInput(...errors)
    const secret = randomSecret()
    const record = state.insert(SUBSCRIPTIONS, {
      type: "webhook_subscription",
      active: true,
      // The document types it a string, not nullable.
      description: asString(entity.description) ?? "",
      events,
      filter,
      delivery_method: {
        type: "http_delivery_method",
        url,
        custom_headers: references(method?.custom_headers).map((header) => ({ name: header.name, value: "redacted" })),
        temporarily_disabled: false
      }
    }, now)
    // The custom headers' values are sent with each webhook but redacted in every answer.
    this.customHeaders.set(record.id as string, references(method?.custom_headers))
    this.secrets.set(record.id as string, secret)
    const shown = state.present(SUBSCRIPTIONS, record, request.origin)
    const deliveryMethod = isObject(shown.delivery_method) ? shown.delivery_method : {}
    // The document's status for this operation is 200.
    return jsonReply(200, { webhook_subscription: { ...shown, delivery_method: { ...deliveryMethod, secret } } })
  }

  readonly customHeaders = new Map<string, ReadonlyArray<JsonObject>>()

  readonly ping = ({ now, request, state }: RouteContext): FakeResponse => {
    const id = decodeURIComponent(request.path.split("/")[2] ?? "")
    const subscription = state.store.peek(SUBSCRIPTIONS)?.get(id)
    if (subscription === undefined) return notFound()
    this.enqueue(subscription, {
      id: this.nextEventId(),
      event_type: "pagey.ping",
      resource_type: "pagey",
      occurred_at: new Date(now).toISOString(),
      agent: null,
      client: null,
      data: { message: "Hello from your friend Pagey!", type: "ping" }
    })
    return emptyReply(202)
  }

  readonly enable = ({ request, state }: RouteContext): FakeResponse => {
    const id = decodeURIComponent(request.path.split("/")[2] ?? "")
    const collection = state.store.peek(SUBSCRIPTIONS)
    const subscription = collection?.get(id)
    if (collection === undefined || subscription === undefined) return notFound()
    const method = isObject(subscription.delivery_method) ? subscription.delivery_method : {}
    const enabled = { ...subscription, active: true, delivery_method: { ...method, temporarily_disabled: false } }
    collection.upsert(enabled)
    return jsonReply(200, { webhook_subscription: state.present(SUBSCRIPTIONS, enabled, request.origin) })
  }
}

const dispatchers = new WeakMap<EngineState, WebhookDispatcher>()

/** The dispatcher of a fake's state. @internal */
export const webhookDispatcher = (state: EngineState): WebhookDispatcher | undefined => dispatchers.get(state)

/**
 * The webhooks plugin: REST routes for creating subscriptions (with their secret), ping and enable; the incident
 * observer; deliveries started after each request.
 *
 * @internal
 */
export const webhooksPlugin: EnginePluginFactory = (state, options) => {
  const dispatcher = new WebhookDispatcher(state, options?.webhooks)
  dispatchers.set(state, dispatcher)
  state.incidentObservers.push(dispatcher.observe)
  return {
    restRoutes: [
      { method: "POST", path: "/webhook_subscriptions", handle: dispatcher.createSubscription },
      { method: "POST", path: /^\/webhook_subscriptions\/[^/]+\/ping$/, handle: dispatcher.ping },
      { method: "POST", path: /^\/webhook_subscriptions\/[^/]+\/enable$/, handle: dispatcher.enable }
    ],
    afterRequest: dispatcher.kick,
    reset: () => dispatcher.reset()
  }
}
