/**
 * Webhooks end to end over loopback: a receiver (`WebhookHandler` on `NodeHttpServer`, 127.0.0.1) subscribes through
 * the fake's REST API; incidents changed through the Events API and the REST API reach it as typed events, in order,
 * handled once each even when the fake redelivers; a wrong signature is answered 401 and never handled; a failing
 * handler is retried by the fake; the `Stream` receiver answers 503 when its queue stays full.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Redacted, Ref, Schema, Stream } from "effect"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import type { WebhookEvent } from "effect-pagerduty/webhooks"
import { WebhookHandler, WebhookSignature, WebhookSubscription } from "effect-pagerduty/webhooks"
import { createServer } from "node:http"

const SERVICE = "PSVC001"
const FROM = "ada@example.com"

type App = WebhookHandler.WebhookApp

/** A receiver on a real loopback server, whose app is set once the subscription's secret is known. */
const receiver = Effect.gen(function*() {
  const app = yield* Deferred.make<App>()
  yield* HttpServer.serveEffect(
    HttpRouter.empty.pipe(HttpRouter.post("/pagerduty", Effect.flatten(Deferred.await(app))))
  )
  const server = yield* HttpServer.HttpServer
  const port = server.address._tag === "TcpAddress" ? server.address.port : 0
  return { url: `http://127.0.0.1:${port}/pagerduty`, setApp: (value: App) => Deferred.succeed(app, value) }
})

const Clients = Layer.unwrapEffect(
  Effect.map(
    FakePagerDutyServer,
    (server) => PagerDuty.layer({ apiKey: "test-key", restUrl: server.url, eventsUrl: server.url, defaultFrom: FROM })
  )
)

const TestLayer = Layer.mergeAll(
  Clients.pipe(Layer.provide(NodeHttpClient.layerUndici)),
  NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })
).pipe(
  Layer.provideMerge(
    FakePagerDutyServer.layer({
      seed: { users: [{ name: "Ada", email: FROM }], services: [{ id: SERVICE, name: "Checkout" }] },
      webhooks: { retryDelays: ["10 millis", "20 millis", "40 millis"] }
    })
  )
)

const INCIDENT_EVENTS = ["incident.triggered", "incident.acknowledged", "incident.resolved", "incident.annotated"]

describe("Webhooks over loopback", () => {
  it.scopedLive("Events API and REST changes arrive typed, in order, once each; redeliveries are not handled twice", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const { setApp, url } = yield* receiver
      const created = yield* WebhookSubscription.create({
        url,
        filter: { type: "service_reference", id: SERVICE },
        events: INCIDENT_EVENTS
      })
      // The secret is only in the create answer: not in the record, not in a later read.
      assert.notProperty(created.subscription.delivery_method as object, "secret")
      const api = yield* RestApi
      const reread = yield* api.rget(`/webhook_subscriptions/${created.id}`)
      assert.notInclude(JSON.stringify(reread), Redacted.value(created.secret))

      const handled = yield* Ref.make<ReadonlyArray<WebhookEvent.WebhookEvent>>([])
      yield* setApp(
        yield* WebhookHandler.make({
          secrets: created.secret,
          handle: (event) => Ref.update(handled, (events) => [...events, event])
        })
      )

      // Events API: trigger, acknowledge, resolve.
      const routingKey = yield* fake.addIntegration(SERVICE)
      const events = yield* EventsApi
      const dedupKey = yield* events.trigger("Disk full on db-1", "db-1", { routingKey })
      yield* events.acknowledge(dedupKey, { routingKey })
      yield* events.resolve(dedupKey, { routingKey })
      // REST: create, note, acknowledge (single update), resolve (multi-update).
      const incident = yield* api.rpost("/incidents", {
        json: {
          incident: { type: "incident", title: "Checkout slow", service: { id: SERVICE, type: "service_reference" } }
        },
        schema: Schema.Struct({ id: Schema.String })
      })
      yield* api.rpost(`/incidents/${incident.id}/notes`, { json: { note: { content: "Looking into it" } } })
      yield* api.rput(`/incidents/${incident.id}`, { json: { incident: { type: "incident", status: "acknowledged" } } })
      yield* api.rput("/incidents", { json: [{ id: incident.id, type: "incident", status: "resolved" }] })
      yield* fake.webhooks.awaitDeliveries

      const seen = yield* Ref.get(handled)
      assert.deepStrictEqual(seen.map((event) => event.event_type), [
        "incident.triggered",
        "incident.acknowledged",
        "incident.resolved",
        "incident.triggered",
        "incident.annotated",
        "incident.acknowledged",
        "incident.resolved"
      ])
      const [first, , , , note] = seen
      assert.strictEqual(first._tag, "Incident")
      if (first._tag === "Incident") {
        assert.strictEqual(first.data.title, "Disk full on db-1")
        assert.strictEqual(first.data.incident_key, dedupKey)
        assert.strictEqual(first.data.service?.id, SERVICE)
      }
      assert.strictEqual(note._tag, "IncidentNote")
      if (note._tag === "IncidentNote") assert.strictEqual(note.data.content, "Looking into it")
      assert.strictEqual(new Set(seen.map((event) => event.id)).size, seen.length)

      const deliveries = yield* fake.webhooks.deliveries
      assert.lengthOf(deliveries, 7)
      for (const delivery of deliveries) {
        assert.strictEqual(delivery.outcome, "Delivered")
        assert.strictEqual(delivery.headers["user-agent"], "PagerDuty-Webhook/V3.0")
        assert.strictEqual(delivery.headers["x-webhook-subscription"], created.id)
        assert.match(delivery.headers["x-pagerduty-signature"], /^v1=[0-9a-f]{64}$/)
        // The body was signed as sent.
        yield* WebhookSignature.verify({
          body: delivery.body,
          signature: delivery.headers["x-pagerduty-signature"],
          secrets: created.secret
        })
      }

      // Redeliver everything: acknowledged (204), not handled again.
      for (const delivery of deliveries) yield* fake.webhooks.redeliver(delivery.webhookId)
      yield* fake.webhooks.awaitDeliveries
      const repeated = (yield* fake.webhooks.deliveries).filter((delivery) => delivery.redelivery)
      assert.lengthOf(repeated, 7)
      assert.deepStrictEqual(repeated.map((delivery) => delivery.attempts.map((attempt) => attempt.status)), [
        [204],
        [204],
        [204],
        [204],
        [204],
        [204],
        [204]
      ])
      assert.lengthOf(yield* Ref.get(handled), 7)
    }).pipe(Effect.provide(TestLayer)))

  it.scopedLive("a wrong signature is answered 401 'invalid signature' and never handled", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const { setApp, url } = yield* receiver
      const created = yield* WebhookSubscription.create({ url, filter: { type: "account_reference" } })
      const handled = yield* Ref.make(0)
      yield* setApp(
        yield* WebhookHandler.make({ secrets: created.secret, handle: () => Ref.update(handled, (n) => n + 1) })
      )
      const routingKey = yield* fake.addIntegration(SERVICE)
      const events = yield* EventsApi

      yield* fake.webhooks.signWrongly(1)
      yield* events.trigger("Signed wrongly", "db-2", { routingKey })
      yield* fake.webhooks.awaitDeliveries
      const [wrong] = yield* fake.webhooks.deliveries
      assert.isTrue(wrong.wrongSignature)
      // A 4xx is permanent: no retry.
      assert.deepStrictEqual(wrong.attempts.map((attempt) => [attempt.status, attempt.body]), [[
        401,
        "invalid signature"
      ]])
      assert.strictEqual(wrong.outcome, "Failed")
      assert.strictEqual(yield* Ref.get(handled), 0)

      // The same webhook, redelivered with a good signature, is handled.
      yield* fake.webhooks.redeliver(wrong.webhookId)
      yield* fake.webhooks.awaitDeliveries
      assert.strictEqual(yield* Ref.get(handled), 1)
      // And a wrongly signed redelivery of a handled event is refused too.
      yield* fake.webhooks.redeliver(wrong.webhookId, { wrongSignature: true })
      yield* fake.webhooks.awaitDeliveries
      const last = (yield* fake.webhooks.deliveries).at(-1)
      assert.strictEqual(last?.attempts[0].status, 401)
      assert.strictEqual(yield* Ref.get(handled), 1)
    }).pipe(Effect.provide(TestLayer)))

  it.scopedLive("a failing handler gets a 500, the fake retries, and the event is handled once", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const { setApp, url } = yield* receiver
      const created = yield* WebhookSubscription.create({
        url,
        filter: { type: "service_reference", id: SERVICE },
        events: ["incident.triggered"]
      })
      const calls = yield* Ref.make(0)
      yield* setApp(
        yield* WebhookHandler.make({
          secrets: created.secret,
          handlers: {
            "incident.triggered": () =>
              Effect.flatMap(Ref.updateAndGet(calls, (n) => n + 1), (n) => n === 1 ? Effect.fail("flaky") : Effect.void)
          }
        })
      )
      const routingKey = yield* fake.addIntegration(SERVICE)
      yield* Effect.flatMap(EventsApi, (events) => events.trigger("Flaky handler", "db-3", { routingKey }))
      yield* fake.webhooks.awaitDeliveries
      const [delivery] = yield* fake.webhooks.deliveries
      assert.deepStrictEqual(delivery.attempts.map((attempt) => attempt.status), [500, 204])
      assert.strictEqual(delivery.outcome, "Delivered")
      assert.strictEqual(yield* Ref.get(calls), 2)
    }).pipe(Effect.provide(TestLayer)))

  it.scopedLive("the Stream receiver yields events and answers 503 while its queue stays full", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const { setApp, url } = yield* receiver
      const created = yield* WebhookSubscription.create({
        url,
        filter: { type: "service_reference", id: SERVICE },
        events: ["incident.triggered"]
      })
      const { app, events } = yield* WebhookHandler.stream({
        secrets: created.secret,
        capacity: 1,
        offerTimeout: "50 millis"
      })
      yield* setApp(app)
      const routingKey = yield* fake.addIntegration(SERVICE)
      const eventsApi = yield* EventsApi
      yield* eventsApi.trigger("First", "db-4", { routingKey })
      yield* eventsApi.trigger("Second", "db-5", { routingKey })
      yield* fake.webhooks.awaitDeliveries
      const [first, second] = yield* fake.webhooks.deliveries
      assert.deepStrictEqual(first.attempts.map((attempt) => attempt.status), [204])
      // The queue (capacity 1) is full: every try of the second is answered 503, then the fake gives up.
      assert.deepStrictEqual(second.attempts.map((attempt) => attempt.status), [503, 503, 503, 503])
      // Draining the stream makes room: a redelivery is accepted.
      const [taken] = yield* Stream.runCollect(Stream.take(events, 1))
      assert.strictEqual(taken.event_type, "incident.triggered")
      yield* fake.webhooks.redeliver(second.webhookId)
      yield* fake.webhooks.awaitDeliveries
      assert.strictEqual((yield* fake.webhooks.deliveries).at(-1)?.attempts[0].status, 204)
      const [next] = yield* Stream.runCollect(Stream.take(events, 1))
      assert.strictEqual(next._tag === "Incident" ? next.data.title : undefined, "Second")
    }).pipe(Effect.provide(TestLayer)))
})
