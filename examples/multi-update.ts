/**
 * Multiple update: acknowledge every triggered incident with one `PUT /incidents` per 250 incidents (PagerDuty's
 * limit). `rput` with an array wraps it as `{"incidents": [...]}` and returns the updated list. Acting on incidents
 * needs the `From` header: the login email of a PagerDuty user.
 *
 *   PAGERDUTY_API_KEY=... PAGERDUTY_FROM=admin@example.com npx tsx examples/multi-update.ts [USER_ID]
 *
 * pdpyras: `incidents = session.list_all("incidents", params={"user_ids[]": [...], "statuses[]": ["triggered"]})`,
 * then `session.rput("incidents", json=incidents)`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Array as Arr, Chunk, Config, Console, Effect, Layer, Stream } from "effect"
import { PagerDuty } from "effect-pagerduty"
import { Incidents } from "effect-pagerduty/api"

const program = Effect.gen(function*() {
  const from = yield* Config.string("PAGERDUTY_FROM")
  const userId = process.argv[2]

  // The typed operation: `statuses` is a closed union ("triggered" | "acknowledged" | "resolved"), arrays are sent as
  // statuses[]=triggered, and the items are decoded `Schemas.Incident`s.
  const triggered = yield* Stream.runCollect(
    Incidents.listIncidents({ statuses: ["triggered"], ...(userId === undefined ? {} : { user_ids: [userId] }) })
  ).pipe(Effect.map(Chunk.toReadonlyArray))
  yield* Console.log(`${triggered.length} triggered incidents`)

  const updates = triggered.map((incident) => ({
    id: String(incident.id),
    type: "incident_reference" as const,
    status: "acknowledged" as const
  }))
  // The From header of each request (PagerDutyConfig's defaultFrom, from PAGERDUTY_FROM, would set it for all).
  const acknowledged = yield* Effect.forEach(
    Arr.chunksOf(updates, 250),
    (batch) => Incidents.updateIncidents({ body: { incidents: batch }, from })
  ).pipe(Effect.map(Arr.flatten))
  for (const incident of acknowledged) yield* Console.log(`  ${incident.id}  ${incident.status}  ${incident.title}`)
  yield* Console.log(`${acknowledged.length} incidents acknowledged`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
