/**
 * Error handling: every failure is one of two typed errors, handled with `Effect.catchTag` / `Effect.catchTags`.
 * `PDHTTPError`: PagerDuty answered a status to handle (status, PagerDuty's error code, message and errors, the
 * x-request-id). `PDClientError`: anything else, with a `reason` (Transport, Timeout, InvalidUrl, Decode, Config,
 * InvalidInput, Pagination).
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/error-handling.ts
 *
 * pdpyras: `except PDHTTPError as e: if e.response.status_code == 404: ...` / `except PDClientError: ...`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { PagerDuty, RestApi, type RestApiError } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, email: Schema.String })

// Prints the user's email, "User not found" on a 404, and fails with any other HTTP error.
const printEmail = (id: string) =>
  Effect.gen(function*() {
    const api = yield* RestApi
    const user = yield* api.rget(`/users/${id}`, { schema: User })
    yield* Console.log(user.email)
  }).pipe(
    Effect.catchTag(
      "PDHTTPError",
      (error) => error.status === 404 ? Console.log("User not found") : Effect.fail(error)
    ),
    Effect.catchTag("PDClientError", (error) => Console.log(`Non-transient network or client error: ${error.message}`))
  )

const program = Effect.gen(function*() {
  const api = yield* RestApi
  yield* printEmail("PJKL678")

  // What a PDHTTPError carries.
  yield* api.rget("/incidents/PNOPE00").pipe(
    Effect.catchTag("PDHTTPError", (error) =>
      Console.log(
        `PDHTTPError: status ${error.status}, code ${error.code}, "${error.errorMessage}", ` +
          `request id ${error.requestId === undefined ? "none" : "present"}`
      ))
  )

  // Both tags at once. Nothing is sent to a URL on another origin (the API key stays home): reason InvalidUrl.
  const report = <A>(call: Effect.Effect<A, RestApiError>) =>
    call.pipe(Effect.catchTags({
      PDClientError: (error) => Console.log(`PDClientError (${error.reason}): ${error.description}`),
      PDHTTPError: (error) => Console.log(`PDHTTPError ${error.status}: ${error.message}`)
    }))
  yield* report(api.rget("https://api.pagerduty.com.evil.example/users"))

  // A body that does not match the schema: reason Decode, naming the field.
  const WrongShape = Schema.Struct({ id: Schema.Number })
  yield* report(api.rget("/users", { params: { limit: 1 }, schema: Schema.Array(WrongShape) }))
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
