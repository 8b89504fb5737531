/**
 * Classic (offset) pagination: `iterAll` is a lazy, back-pressured Stream of the unwrapped items (it sends the next
 * page request only when the items of the last one are consumed); `listAll` and `dictAll` collect it.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/pagination-offset.ts
 *
 * pdpyras: `session.iter_all("users")`, `session.list_all("services", params={"query": "SN"})`,
 * `session.dict_all("users", by="email")`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Option, Schema, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { Users } from "effect-pagerduty/api"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })
const Service = Schema.Struct({ id: Schema.String, name: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi

  // Every user, 100 per request (pageSize), printed as they arrive: the typed operation `Users.listUsers` is a Stream
  // of `Schemas.User`s, decoded with the schema generated from PagerDuty's OpenAPI document.
  yield* Console.log("All users:")
  yield* Users.listUsers().pipe(
    Stream.runForEach((user) => Console.log(`  ${user.id}  ${user.email}  ${user.name}`))
  )

  // Query parameters are typed (a wrong name or enum value does not compile) and merged with the paging ones: users
  // with "Dav" in their name or email.
  yield* Users.listUsers({ query: "Dav" }).pipe(
    Stream.runForEach((dave) => Console.log(`Dav match: ${dave.name} <${dave.email}>`))
  )

  // A list of all services with "SN" in their name.
  const services = yield* api.listAll("/services", { params: { query: "SN" }, schema: Service })
  yield* Console.log(`Services matching "SN": ${services.map((service) => service.name).join(", ")}`)

  // A map of all users keyed by email.
  const byEmail = yield* api.dictAll("/users", { by: "email", schema: User })
  const bob = Option.fromNullable(byEmail.get("bob@example.com"))
  yield* Console.log(`bob@example.com is ${Option.match(bob, { onNone: () => "not a user", onSome: (b) => b.id })}`)

  // Big collections: up to 4 page requests in flight, items still in collection order; `dedupe` drops an item seen
  // twice when the collection shifts while it is paged. Stream.take stops paging early.
  const firstTriggered = yield* api.iterAll("/incidents", {
    params: { statuses: ["triggered"] },
    concurrency: 4,
    dedupe: true
  }).pipe(Stream.take(250), Stream.runCount)
  yield* Console.log(`First ${firstTriggered} triggered incidents read with concurrency 4`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
