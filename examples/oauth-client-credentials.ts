/**
 * A scoped OAuth app calling the REST API with short-lived tokens that the library obtains, caches and renews.
 *
 * Register an app in PagerDuty (Integrations → App Registration) with Scoped OAuth, then:
 *
 *   PAGERDUTY_CLIENT_ID=... \
 *   PAGERDUTY_CLIENT_SECRET=... \
 *   PAGERDUTY_SCOPES="as_account-us.yoursubdomain users.read" \
 *   npx tsx examples/oauth-client-credentials.ts
 *
 * `PAGERDUTY_REGION=eu` uses the EU service region (api.eu.pagerduty.com and identity.eu.pagerduty.com).
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { Credentials, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"

const Users = Schema.Struct({
  users: Schema.Array(Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String }))
})

const program = Effect.gen(function*() {
  const api = yield* RestApi
  // The first request obtains a token; the following ones reuse it until shortly before it expires.
  const body = yield* api.jget("/users", { params: { limit: 10 } })
  const { users } = yield* Schema.decodeUnknown(Users)(body)
  yield* Console.log(`${users.length} users:`)
  for (const user of users) yield* Console.log(`  ${user.id}  ${user.name} <${user.email}>`)
})

const RestLive = RestApi.layer.pipe(
  // PAGERDUTY_CLIENT_ID, PAGERDUTY_CLIENT_SECRET and PAGERDUTY_SCOPES replace the API key.
  Layer.provide(Credentials.layerClientCredentialsConfig()),
  Layer.provide(Layer.mergeAll(PagerDutyConfig.layerConfig(), RetryPolicy.layer(), FetchHttpClient.layer))
)

program.pipe(
  Effect.provide(RestLive),
  Effect.tapError((error) => {
    switch (error._tag) {
      case "PDHTTPError":
        // A rejected token request names PagerDuty's OAuth error code: invalid_client, invalid_scope, ...
        return Console.error(`PagerDuty answered ${error.status} [${error.errors.join(", ")}]: ${error.message}`)
      case "PDClientError":
        return Console.error(`${error.reason}: ${error.message}`)
      case "ConfigError":
        return Console.error(`Set PAGERDUTY_CLIENT_ID, PAGERDUTY_CLIENT_SECRET and PAGERDUTY_SCOPES: ${error}`)
      case "ParseError":
        return Console.error(`Unexpected /users body: ${error.message}`)
    }
  }),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
