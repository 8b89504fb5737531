/**
 * Basic getting: one user, with the raw `get` (the HTTP response, any status) and with `rget` (the unwrapped entity,
 * decoded with a Schema; a non-2xx status is a typed `PDHTTPError`).
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/basic-get.ts
 *
 * pdpyras: `response = session.get("/users/PABC123")` and `user = session.rget("/users/PABC123")`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { Users } from "effect-pagerduty/api"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String, self: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi

  // The id of the account's first user (Effect.flatten: an empty account fails with NoSuchElementException).
  // Users.listUsers is the typed operation: a Stream of decoded `Schemas.User`s.
  const { id } = yield* Users.listUsers({}, { pageSize: 1 }).pipe(Stream.runHead, Effect.flatten)

  // (1) The raw verb: an HttpClientResponse, whatever the status (except 401).
  const response = yield* api.get(`/users/${id}`)
  yield* Console.log(`GET /users/${id} -> ${response.status}`)
  if (response.status === 200) {
    const body = yield* response.json
    yield* Console.log(`  body keys: ${Object.keys(body as object).join(", ")}`)
  }

  // (2) The typed operation: no wrapper to peel off, the result decoded with the generated `Schemas.User`.
  const typed = yield* Users.getUser({ id: String(id) })
  yield* Console.log(`Users.getUser: ${typed.name} <${typed.email}>`)

  // (3) rget: no wrapper either; the result is typed by the schema you give (`unknown` without one).
  const user = yield* api.rget(`/users/${id}`, { schema: User })
  yield* Console.log(`rget: ${user.name} <${user.email}>`)

  // Any r* method also takes an entity with a `self` URL instead of a path.
  const again = yield* api.rget(user, { schema: User })
  yield* Console.log(`rget(user): ${again.self}`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
