/**
 * Updating with `put` (you wrap the entity and unwrap the answer) and with `rput` (the library does both, and
 * decodes the result). The resource can be a path, a full URL, or the entity itself (its `self` URL).
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/update-rput.ts [EMAIL]
 *
 * pdpyras: `session.put(user["self"], json={"user": {...}})` and `session.rput(user["self"], json={...})`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, self: Schema.String })
const UserBody = Schema.Struct({ user: User })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const email = process.argv[2] ?? "jane@example35.com"
  // find succeeds with an Option; Effect.flatten fails with NoSuchElementException when there is no such user.
  const user = yield* api.find("/users", email, { attribute: "email", schema: User }).pipe(Effect.flatten)

  // (1) put: the raw response; wrap the body yourself and check the status.
  const response = yield* api.put(user.self, { json: { user: { type: "user", name: "Jane Doe" } } })
  if (response.status === 200) {
    const body = yield* Schema.decodeUnknown(UserBody)(yield* response.json)
    yield* Console.log(`put:  ${response.status} ${body.user.name}`)
  }

  // (2) rput: no wrapping; a non-2xx status fails with PDHTTPError.
  const updated = yield* api.rput(user, { json: { type: "user", name: "Jane Q. Doe" }, schema: User })
  yield* Console.log(`rput: ${updated.name} (${updated.id})`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
