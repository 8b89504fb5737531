/**
 * A consumer of the PACKED package: `npm run check:package` (`scripts/check-package.sh`) extracts the tarball into a
 * temporary app's `node_modules`, type-checks this file there against the shipped `.d.ts` (no `skipLibCheck`), through
 * package.json's `exports` map exactly as an npm user would, and runs it.
 */
import { Effect, Stream } from "effect"
import type { PDClientError, PDHTTPError, RestApiService } from "effect-pagerduty"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"

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

Effect.runPromise(main).then(
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
