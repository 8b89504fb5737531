/**
 * The fake's webhooks in memory: deliveries go through an `HttpClient` given in the options (here one that records
 * the requests and answers scripted statuses), so subscriptions, filters, ping, custom headers and the retry schedule
 * are tested without a socket, and the retry waits run on `TestClock`.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, Schema, TestClock } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { WebhookEvent, WebhookSignature, WebhookSubscription } from "effect-pagerduty/webhooks"

interface Sent {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const recorder = () => {
  const sent: Array<Sent> = []
  const statuses: Array<number> = []
  const decoder = new TextDecoder()
  // A status of 0 is a transport failure (connection refused).
  const client = HttpClient.make((request) =>
    Effect.suspend(() => {
      const body = request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : ""
      sent.push({ url: request.url, headers: request.headers, body })
      const status = statuses.shift() ?? 204
      if (status === 0) {
        return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "refused" }))
      }
      return Effect.succeed(
        HttpClientResponse.fromWeb(request, new Response(status === 204 ? null : `answer ${status}`, { status }))
      )
    })
  )
  return { client, sent, statuses }
}

const service = (id: string) => ({ id, type: "service_reference" })

const layer = (client: HttpClient.HttpClient) =>
  PagerDuty.layer({ apiKey: "test-key", defaultFrom: "ada@example.com" }).pipe(
    Layer.provideMerge(
      FakePagerDuty.layer({
        seed: {
          users: [{ name: "Ada", email: "ada@example.com" }],
          teams: [{ id: "PTEAM01", name: "Platform" }],
          services: [
            { id: "PSVC001", name: "Checkout", teams: [{ id: "PTEAM01", type: "team_reference" }] },
            { id: "PSVC002", name: "Search" }
          ]
        },
        webhooks: { httpClient: client }
      })
    )
  )

const createIncident = (serviceId: string, title: string) =>
  Effect.flatMap(RestApi, (api) =>
    api.rpost("/incidents", {
      json: { incident: { type: "incident", title, service: service(serviceId) } },
      schema: Schema.Struct({ id: Schema.String })
    }))

describe("FakePagerDuty webhooks (in memory)", () => {
  it.effect("delivers only to active subscriptions whose events and filter match", () => {
    const { client, sent } = recorder()
    return Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const bySvc = yield* WebhookSubscription.create({
        url: "https://hooks.example.com/service",
        filter: { type: "service_reference", id: "PSVC001" },
        events: ["incident.triggered"]
      })
      yield* WebhookSubscription.create({
        url: "https://hooks.example.com/team",
        filter: { type: "team_reference", id: "PTEAM01" },
        events: ["incident.triggered", "incident.annotated"]
      })
      yield* WebhookSubscription.create({
        url: "https://hooks.example.com/account",
        filter: { type: "account_reference" },
        events: ["incident.resolved"]
      })
      const inactive = yield* WebhookSubscription.create({
        url: "https://hooks.example.com/inactive",
        filter: { type: "account_reference" },
        events: ["incident.triggered"]
      })
      const api = yield* RestApi
      yield* api.rput(`/webhook_subscriptions/${inactive.id}`, { json: { webhook_subscription: { active: false } } })

      const checkout = yield* createIncident("PSVC001", "Checkout down")
      yield* createIncident("PSVC002", "Search down")
      yield* api.rpost(`/incidents/${checkout.id}/notes`, { json: { note: { content: "on it" } } })
      yield* api.rput(`/incidents/${checkout.id}`, { json: { incident: { type: "incident", status: "resolved" } } })
      yield* fake.webhooks.awaitDeliveries

      assert.deepStrictEqual(
        sent.map((request) => `${request.url} ${JSON.parse(request.body).event.event_type}`),
        [
          "https://hooks.example.com/service incident.triggered",
          "https://hooks.example.com/team incident.triggered",
          "https://hooks.example.com/team incident.annotated",
          "https://hooks.example.com/account incident.resolved"
        ]
      )
      const first = sent[0]
      assert.strictEqual(first.headers["x-webhook-subscription"], bySvc.id)
      yield* WebhookSignature.verify({
        body: first.body,
        signature: first.headers["x-pagerduty-signature"],
        secrets: bySvc.secret
      })
      const event = yield* WebhookEvent.decode(first.body)
      assert.strictEqual(event._tag, "Incident")
      if (event._tag === "Incident") {
        assert.strictEqual(event.data.title, "Checkout down")
        assert.strictEqual(event.data.status, "triggered")
        assert.strictEqual(event.agent?.summary, "Ada")
      }
    }).pipe(Effect.provide(layer(client)))
  })

  it.effect("retries 5xx, 429 and transport failures on the schedule, then gives up; a 4xx is final", () => {
    const { client, sent, statuses } = recorder()
    return Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* WebhookSubscription.create({
        url: "https://hooks.example.com/flaky",
        filter: { type: "account_reference" },
        events: ["incident.triggered"]
      })
      statuses.push(503, 429, 0, 502, 503)
      yield* createIncident("PSVC001", "Retried")
      const waiting = yield* Effect.fork(fake.webhooks.awaitDeliveries)
      yield* TestClock.adjust("99 millis")
      assert.lengthOf(sent, 1)
      yield* TestClock.adjust("1 millis")
      assert.lengthOf(sent, 2)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(waiting)
      const [delivery] = yield* fake.webhooks.deliveries
      assert.deepStrictEqual(delivery.attempts.map((attempt) => attempt.status), [503, 429, undefined, 502, 503])
      assert.isString(delivery.attempts[2].error)
      assert.deepStrictEqual(delivery.attempts.map((attempt) => attempt.at), [0, 100, 300, 700, 1500])
      assert.strictEqual(delivery.outcome, "Failed")
      // Every try carries the same X-Webhook-Id.
      assert.strictEqual(new Set(sent.map((request) => request.headers["x-webhook-id"])).size, 1)

      statuses.push(410)
      yield* createIncident("PSVC001", "Gone")
      yield* fake.webhooks.awaitDeliveries
      const last = (yield* fake.webhooks.deliveries).at(-1)
      assert.deepStrictEqual(last?.attempts.map((attempt) => attempt.status), [410])
      assert.strictEqual(last?.outcome, "Failed")
    }).pipe(Effect.provide(layer(client)))
  })

  it.effect("validates subscriptions, returns the secret on create only, sends custom headers, pings", () => {
    const { client, sent } = recorder()
    return Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const api = yield* RestApi
      const invalid = yield* Effect.flip(
        api.rpost("/webhook_subscriptions", {
          json: { webhook_subscription: { delivery_method: { type: "email" }, events: [], filter: { type: "x" } } }
        })
      )
      assert.strictEqual(invalid._tag === "PDHTTPError" ? invalid.status : undefined, 400)

      const created = yield* WebhookSubscription.create({
        url: "https://hooks.example.com/ping",
        filter: { type: "service_reference", id: "PSVC002" },
        customHeaders: [{ name: "X-Token", value: "header-secret" }]
      })
      const listed = yield* api.jget("/webhook_subscriptions")
      const shown = JSON.stringify(listed)
      assert.notInclude(shown, Redacted.value(created.secret))
      assert.notInclude(shown, "header-secret")

      yield* api.post(`/webhook_subscriptions/${created.id}/ping`)
      yield* fake.webhooks.awaitDeliveries
      assert.lengthOf(sent, 1)
      assert.strictEqual(sent[0].headers["x-token"], "header-secret")
      assert.strictEqual(sent[0].headers["user-agent"], "PagerDuty-Webhook/V3.0")
      const ping = yield* WebhookEvent.decode(sent[0].body)
      assert.strictEqual(ping._tag, "Ping")

      // reset forgets subscriptions and deliveries.
      yield* fake.reset
      assert.lengthOf(yield* fake.webhooks.deliveries, 0)
      assert.lengthOf(yield* fake.list("webhook_subscriptions"), 0)
    }).pipe(Effect.provide(layer(client)))
  })

  it.effect("a REST update of priority, urgency or title sends the matching event; an unchanged field sends none", () => {
    const { client, sent } = recorder()
    return Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* WebhookSubscription.create({
        url: "https://hooks.example.com/fields",
        filter: { type: "account_reference" },
        events: ["incident.priority_updated", "incident.urgency_updated", "incident.title_updated"]
      })
      const incident = yield* createIncident("PSVC001", "Before")
      const api = yield* RestApi
      const priority = { id: "PPRIO01", type: "priority_reference", summary: "P1" }
      yield* api.rput(`/incidents/${incident.id}`, {
        json: { incident: { type: "incident", priority, title: "After" } }
      })
      yield* api.rput(`/incidents/${incident.id}`, { json: { incident: { type: "incident", priority } } })
      yield* api.rput(`/incidents/${incident.id}`, { json: { incident: { type: "incident", urgency: "low" } } })
      yield* fake.webhooks.awaitDeliveries
      const events = yield* Effect.forEach(sent, (request) => WebhookEvent.decode(request.body))
      assert.deepStrictEqual(events.map((event) => event.event_type), [
        "incident.priority_updated",
        "incident.title_updated",
        "incident.urgency_updated"
      ])
      const [updated] = events
      assert.strictEqual(updated._tag === "Incident" ? updated.data.priority?.summary : undefined, "P1")
    }).pipe(Effect.provide(layer(client)))
  })
})
