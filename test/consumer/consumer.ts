/**
 * A consumer of the BUILT package (`dist/`), resolved through package.json's `exports` map exactly as an npm user
 * would: `npm run check:package` type-checks this file against the emitted `.d.ts` (no `skipLibCheck`) and runs it.
 */
import { Effect, Stream } from "effect"
import type { PDClientError, PDHTTPError, RestApiService } from "effect-pagerduty"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"

const program = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
  const [service] = yield* fake.seed("services", [{ name: "Checkout" }])
  const routingKey = yield* fake.addIntegration(String(service.id))
  const api: RestApiService = yield* RestApi
  const users = yield* Stream.runCollect(api.iterAll("/users"))
  const events = yield* EventsApi
  const dedupKey = yield* events.trigger("Disk full", "db-1", { routingKey })
  const failure: PDHTTPError | PDClientError = yield* Effect.flip(api.rget("/users/PNOPE"))
  return { users: users.length, dedupKey, failure: failure._tag }
})

const main = program.pipe(
  Effect.provide(PagerDuty.layer({ apiKey: "consumer-key" })),
  // The fake provides the HttpClient (in memory) and the FakePagerDuty service.
  Effect.provide(FakePagerDuty.layer())
)

// The loopback server's own entry: a real socket on 127.0.0.1.
const served = Effect.runPromise(
  Effect.map(FakePagerDutyServer, (server) => server.url).pipe(Effect.provide(FakePagerDutyServer.layer({ port: 0 })))
).then((url) => {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected server URL: ${url}`)
})

Effect.runPromise(Effect.zipRight(Effect.promise(() => served), main)).then(
  (result) => {
    if (result.users !== 1 || result.failure !== "PDHTTPError" || result.dedupKey.length === 0) {
      throw new Error(`unexpected result: ${JSON.stringify(result)}`)
    }
    process.stdout.write(`built package OK: ${JSON.stringify(result)}\n`)
  },
  (error: unknown) => {
    process.stderr.write(`built package FAILED: ${String(error)}\n`)
    process.exitCode = 1
  }
)
