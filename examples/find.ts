/**
 * Querying: the user whose email is exactly `jane@example35.com` (case-insensitive). `find` sends `query=...`,
 * compares the attribute exactly, and stops paging at the first match; the result is an `Option`.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/find.ts [EMAIL]
 *
 * pdpyras: `user = session.find("users", "jane@example35.com", attribute="email")`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Option, Schema } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const email = process.argv[2] ?? "jane@example35.com"

  const user = yield* api.find("/users", email, { attribute: "email", schema: User })
  yield* Option.match(user, {
    onNone: () => Console.log(`No user has the email ${email}`),
    onSome: (found) => Console.log(`Found ${found.name} <${found.email}> (${found.id})`)
  })

  // The default attribute is `name`; `query` is a substring search on PagerDuty's side, `find` keeps exact matches.
  const team = yield* api.find("/teams", "Platform")
  yield* Console.log(`Team "Platform": ${Option.isSome(team) ? "exists" : "not found"}`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
