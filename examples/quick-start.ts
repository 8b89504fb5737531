/**
 * The README's quick start: one layer from the environment, one REST call, one stream, one event. The README shows the
 * program between the `quick-start` markers, and a test checks that it is this file's text.
 *
 *   PAGERDUTY_API_KEY=... PAGERDUTY_ROUTING_KEY=... npx tsx examples/quick-start.ts
 */
// quick-start: begin
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema, Stream } from "effect"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"

const Incident = Schema.Struct({ id: Schema.String, summary: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  yield* Console.log(`${yield* api.total("/users")} users`) // one REST call
  yield* api.iterAll("/incidents", { params: { statuses: ["triggered"] }, schema: Incident }).pipe( // one stream
    Stream.take(3),
    Stream.runForEach((incident) => Console.log(`${incident.id} ${incident.summary}`))
  )
  const dedupKey = yield* (yield* EventsApi).trigger("Disk full on db-1", "db-1.example.com") // one event
  yield* Console.log(`triggered ${dedupKey}`)
})

// PAGERDUTY_API_KEY, PAGERDUTY_ROUTING_KEY, ... from the environment
const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
// quick-start: end
