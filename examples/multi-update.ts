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
import { Array as Arr, Config, Console, Effect, Layer, Schema } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const Incident = Schema.Struct({ id: Schema.String, title: Schema.String, status: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const from = yield* Config.string("PAGERDUTY_FROM")
  const userId = process.argv[2]

  // Arrays are sent as statuses[]=triggered; an undefined parameter is dropped.
  const triggered = yield* api.listAll("/incidents", {
    params: { statuses: ["triggered"], user_ids: userId === undefined ? undefined : [userId] },
    schema: Incident
  })
  yield* Console.log(`${triggered.length} triggered incidents`)

  const updates = triggered.map((incident) => ({ id: incident.id, type: "incident_reference", status: "acknowledged" }))
  // The From header of each request (PagerDutyConfig's defaultFrom, from PAGERDUTY_FROM, would set it for all).
  const acknowledged = yield* Effect.forEach(
    Arr.chunksOf(updates, 250),
    (batch) => api.rput("/incidents", { json: batch, headers: { From: from }, schema: Schema.Array(Incident) })
  ).pipe(Effect.map(Arr.flatten))
  for (const incident of acknowledged) yield* Console.log(`  ${incident.id}  ${incident.status}  ${incident.title}`)
  yield* Console.log(`${acknowledged.length} incidents acknowledged`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
