/**
 * Webhooks v3: receive PagerDuty's incident events in an Effect HTTP server. The program starts a receiver
 * (`WebhookHandler` on `NodeHttpServer`), subscribes it to a service through the REST API (`POST
 * /webhook_subscriptions`; the signing secret is in that answer only, and is kept as a `Redacted`), then triggers,
 * acknowledges and resolves an alert through the Events API and prints the typed events as they arrive, once each.
 *
 *   PAGERDUTY_API_KEY=... PAGERDUTY_ROUTING_KEY=... PAGERDUTY_SERVICE_ID=P... \
 *     WEBHOOK_PUBLIC_URL=https://your-tunnel.example.com npx tsx examples/webhooks.ts
 *
 * Against the real PagerDuty the receiver must be reachable from the internet: WEBHOOK_PUBLIC_URL is the public URL
 * that forwards to this machine's WEBHOOK_PORT (default: a free port on 127.0.0.1, enough for the fake).
 *
 * pdpyras has nothing for webhooks; go-pagerduty has `webhookv3.VerifySignature`.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Deferred, Effect, Layer, Option } from "effect"
import { EventsApi, PagerDuty } from "effect-pagerduty"
import { WebhookHandler, WebhookSubscription } from "effect-pagerduty/webhooks"
import { createServer } from "node:http"

const program = Effect.gen(function*() {
  const serviceId = yield* Config.string("PAGERDUTY_SERVICE_ID")
  const publicUrl = yield* Config.option(Config.string("WEBHOOK_PUBLIC_URL"))

  // 1. The receiver. Its handler is set once the subscription's secret is known.
  const handler = yield* Deferred.make<WebhookHandler.WebhookApp>()
  yield* HttpServer.serveEffect(
    HttpRouter.empty.pipe(HttpRouter.post("/pagerduty", Effect.flatten(Deferred.await(handler))))
  )
  const address = (yield* HttpServer.HttpServer).address
  const localUrl = address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}/pagerduty` : ""
  const url = Option.getOrElse(publicUrl, () => localUrl)

  // 2. The subscription: the secret comes back once, as a Redacted (it prints as <redacted>).
  const subscription = yield* WebhookSubscription.create({
    url,
    filter: { type: "service_reference", id: serviceId },
    events: ["incident.triggered", "incident.acknowledged", "incident.resolved"],
    description: "effect-pagerduty webhooks example"
  })
  yield* Console.log(`subscribed ${subscription.id} -> ${url} (secret ${subscription.secret})`)

  // 3. Typed handlers per event type; a redelivered event is acknowledged and not handled again.
  const resolved = yield* Deferred.make<void>()
  yield* Deferred.succeed(
    handler,
    yield* WebhookHandler.make({
      secrets: subscription.secret,
      handlers: {
        "incident.triggered": (event) => Console.log(`webhook: triggered #${event.data.number} ${event.data.title}`),
        "incident.acknowledged": (event) =>
          Console.log(`webhook: acknowledged #${event.data.number} by ${event.agent?.summary ?? "someone"}`),
        "incident.resolved": (event) =>
          Console.log(`webhook: resolved #${event.data.number}`).pipe(
            Effect.zipRight(Deferred.succeed(resolved, void 0))
          )
      }
    })
  )

  // 4. Something to hear about.
  const events = yield* EventsApi
  const dedupKey = yield* events.trigger("Webhook example: disk full", "db-1.example.com")
  yield* events.acknowledge(dedupKey)
  yield* events.resolve(dedupKey)
  yield* Deferred.await(resolved).pipe(Effect.timeout("30 seconds"))
  yield* Console.log("all three events received")
})

const Live = Layer.mergeAll(
  PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)),
  NodeHttpServer.layerConfig(createServer, {
    port: Config.integer("WEBHOOK_PORT").pipe(Config.withDefault(0)),
    host: Config.succeed("127.0.0.1")
  })
)

program.pipe(Effect.scoped, Effect.provide(Live), NodeRuntime.runMain)
