/**
 * Idempotent create-or-update with `persist`: look for the user whose `email` equals `userData.email`; create it from
 * `userData` when there is none; with `update: true`, PUT the merged user only when something differs. Running it
 * again changes nothing. Creating a user needs a `From` address (PAGERDUTY_FROM).
 *
 *   PAGERDUTY_API_KEY=... PAGERDUTY_FROM=admin@example.com npx tsx examples/persist.ts [EMAIL]
 *
 * pdpyras: `updated_user = session.persist("users", "email", user_data, update=True)`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const userData = { type: "user", name: "Jane Doe", email: process.argv[2] ?? "jane@example35.com" }

  const user = yield* api.persist("/users", "email", userData, { update: true, schema: User })
  yield* Console.log(`persisted ${user.name} <${user.email}> (${user.id})`)

  // Idempotent: the same values again find the same user and send no update.
  const again = yield* api.persist("/users", "email", userData, { update: true, schema: User })
  yield* Console.log(`persisted again: same user ${again.id === user.id}`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
