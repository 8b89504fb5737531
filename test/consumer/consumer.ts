/**
 * A consumer of the PACKED package: `npm run check:package` (`scripts/check-package.sh`) extracts the tarball into a
 * temporary app's `node_modules`, type-checks this file there against the shipped `.d.ts` (no `skipLibCheck`), through
 * package.json's `exports` map exactly as an npm user would, and runs it.
 */
import { Effect, Redacted, Stream } from "effect"
import type { PDClientError, PDHTTPError, RestApiService } from "effect-pagerduty"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import type { Schemas } from "effect-pagerduty/api"
import { Users } from "effect-pagerduty/api"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import { WebhookEvent, WebhookSignature } from "effect-pagerduty/webhooks"

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
  // The webhooks entry: sign, verify and decode a ping.
  const body = "{\"event\":{\"id\":\"01A\",\"event_type\":\"pagey.ping\",\"resource_type\":\"pagey\"," +
    "\"occurred_at\":\"2024-01-01T00:00:00Z\",\"agent\":null,\"client\":null,\"data\":{\"type\":\"ping\"}}}"
  const secret = Redacted.make("consumer-webhook-secret")
  const signature = yield* WebhookSignature.sign(body, secret)
  yield* WebhookSignature.verify({ body, signature, secrets: secret })
  const ping: WebhookEvent.WebhookEvent = yield* WebhookEvent.decode(body)
  return { users: users.length, typed: ada.email, dedupKey, failure: failure._tag, webhook: ping._tag }
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
    if (
      result.users !== 1 || result.typed !== "ada@example.com" || result.failure !== "PDHTTPError" ||
      result.dedupKey.length === 0 || result.webhook !== "Ping"
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
