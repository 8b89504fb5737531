/**
 * Events API v2: trigger an alert, acknowledge it, resolve it. The routing key (an Events API v2 integration key of a
 * service) comes from PAGERDUTY_ROUTING_KEY; no REST API key is needed. Each event is validated before it is sent.
 *
 *   PAGERDUTY_ROUTING_KEY=... npx tsx examples/events.ts
 *
 * pdpyras: `session = pdpyras.EventsAPISession(routing_key)`, `dedup_key = session.trigger("Server is on fire",
 * "dusty.old.server.net")`, `session.acknowledge(dedup_key)`, `session.resolve(dedup_key)`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { EventsApi, PagerDuty } from "effect-pagerduty"

const program = Effect.gen(function*() {
  const events = yield* EventsApi

  // Example 1: trigger, and use the dedup key it returns (generated before sending, so a retry cannot open a second
  // incident) to resolve the alert later.
  const dedupKey = yield* events.trigger("Server is on fire", "dusty.old.server.net")
  yield* Console.log(`triggered: ${dedupKey}`)
  yield* events.acknowledge(dedupKey)
  yield* Console.log(`acknowledged: ${dedupKey}`)
  yield* events.resolve(dedupKey)
  yield* Console.log(`resolved: ${dedupKey}`)

  // Example 2: our own dedup key, with the optional fields (PagerDuty's names in camelCase).
  yield* events.trigger("Disk at 95% on db-1", "db-1.example.com", {
    dedupKey: "db-1/disk",
    severity: "warning",
    component: "disk",
    group: "databases",
    customDetails: { free: "5%", mount: "/var/lib/postgresql" },
    links: [{ href: "https://wiki.example.com/runbooks/disk", text: "Runbook" }]
  })
  yield* Console.log("triggered: db-1/disk")
  yield* events.acknowledge("db-1/disk")
  yield* Console.log("acknowledged: db-1/disk")

  // Validation happens before sending: a bad event is a PDClientError (reason InvalidInput) naming the field.
  yield* events.trigger("", "db-1.example.com").pipe(
    Effect.catchTag(
      "PDClientError",
      (error) => Console.log(`rejected before sending: ${error.field}: ${error.description}`)
    )
  )
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
