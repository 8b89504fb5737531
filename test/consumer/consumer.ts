/**
 * A consumer of the BUILT package (`dist/`), resolved through package.json's `exports` map exactly as an npm user
 * would: `npm run check:package` type-checks this file against the emitted `.d.ts` (no `skipLibCheck`) and runs it.
 */
import { Effect, Stream } from "effect"
import type { PDClientError, PDHTTPError, RestApiService } from "effect-pagerduty"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import type { Schemas } from "effect-pagerduty/api"
import { Users } from "effect-pagerduty/api"
import { FakePagerDuty } from "effect-pagerduty/testing"

const program = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
  const [service] = yield* fake.seed("services", [{ name: "Checkout" }])
  const routingKey = yield* fake.addIntegration(String(service.id))
  const api: RestApiService = yield* RestApi
  const users = yield* Stream.runCollect(api.iterAll("/users"))
  // The typed operations: decoded with the generated schemas, typed from PagerDuty's OpenAPI document.
  const typed: ReadonlyArray<Schemas.User> = Array.from(yield* Stream.runCollect(Users.listUsers()))
  const ada: Schemas.User = yield* Users.getUser({ id: String(typed[0].id) })
  const events = yield* EventsApi
  const dedupKey = yield* events.trigger("Disk full", "db-1", { routingKey })
  const failure: PDHTTPError | PDClientError = yield* Effect.flip(api.rget("/users/PNOPE"))
  return { users: users.length, typed: ada.email, dedupKey, failure: failure._tag }
})

const main = program.pipe(
  Effect.provide(PagerDuty.layer({ apiKey: "consumer-key" })),
  // The fake provides the HttpClient (in memory) and the FakePagerDuty service.
  Effect.provide(FakePagerDuty.layer())
)

Effect.runPromise(main).then(
  (result) => {
    if (
      result.users !== 1 || result.typed !== "ada@example.com" || result.failure !== "PDHTTPError" ||
      result.dedupKey.length === 0
    ) {
      throw new Error(`unexpected result: ${JSON.stringify(result)}`)
    }
    process.stdout.write(`built package OK: ${JSON.stringify(result)}\n`)
  },
  (error: unknown) => {
    process.stderr.write(`built package FAILED: ${String(error)}\n`)
    process.exitCode = 1
  }
)
