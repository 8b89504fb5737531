/**
 * The fresh app of `scripts/check-install.sh`: installed with exactly the README's install line (the packed tarball in
 * place of `effect-pagerduty`), type-checked and run. It starts the library's fake PagerDuty on 127.0.0.1 and talks to
 * it over `@effect/platform-node`'s undici client: a REST call, a stream, an event and a typed error.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Stream } from "effect"
import { EventsApi, PagerDuty, type PDHTTPError, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"

const program = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  const server = yield* FakePagerDutyServer
  yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
  const [service] = yield* fake.seed("services", [{ name: "Checkout" }])
  const routingKey = yield* fake.addIntegration(String(service.id))
  const client = PagerDuty.layer({
    apiKey: "install-check-key",
    routingKey,
    restUrl: server.url,
    eventsUrl: server.url
  })
    .pipe(Layer.provide(NodeHttpClient.layerUndici))
  return yield* Effect.gen(function*() {
    const api = yield* RestApi
    const total = yield* api.total("/users")
    const users = yield* Stream.runCollect(api.iterAll("/users"))
    const dedupKey = yield* (yield* EventsApi).trigger("Disk full", "db-1")
    const failure: PDHTTPError = yield* Effect.flip(
      api.rget("/users/PNOPE").pipe(Effect.catchTag("PDClientError", Effect.die))
    )
    return { total, users: users.length, dedupKey, status: failure.status }
  }).pipe(Effect.provide(client))
}).pipe(Effect.provide(FakePagerDutyServer.layer()))

Effect.runPromise(program).then(
  (result) => {
    if (result.total !== 1 || result.users !== 1 || result.status !== 404 || result.dedupKey.length === 0) {
      throw new Error(`unexpected result: ${JSON.stringify(result)}`)
    }
    process.stdout.write(`installed package OK: ${JSON.stringify(result)}\n`)
  },
  (error: unknown) => {
    process.stderr.write(`installed package FAILED: ${String(error)}\n`)
    process.exitCode = 1
  }
)
